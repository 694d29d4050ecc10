"""A caller doing odd things (written by a tester who tried to break the line). Every path must end at Dial or Record, never 5xx."""
from __future__ import annotations

import dataclasses
import uuid
import xml.etree.ElementTree as ET

import pytest

from bot.handoff import calls, escalations
from tests.integration.conftest import speakers
from tests.integration.test_voice import (
    HOTLINE,
    LANGS,
    Call,
    end_of_menus,
    to_topics,
)

ODD_DIGITS = ["12", "99", "00", "*#", "#", "", " ", "a", "-1", "١", "٣", "10", "06", "7", "8", "9", "*"]


def drive_until_end(call, response, caller_input, limit=12):
    steps = 0
    while end_of_menus(response) is None:
        steps += 1
        assert steps <= limit, f"stuck: {call.said[-3:]}"
        response = call.answer(response, **caller_input)
    return response


@pytest.mark.parametrize("digits", ODD_DIGITS)
def test_odd_digits_at_the_language_menu(phone, roster, digits):
    call = Call(phone)
    response = drive_until_end(call, call.start(), {"Digits": digits})
    assert end_of_menus(response) == "Dial", ET.tostring(response)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("digits", ["12", "00", "#", "", "*#", "4", "٣"])
def test_odd_digits_at_topics_and_after(phone, roster, lang, digits):
    call = Call(phone)
    response = drive_until_end(call, to_topics(call, lang), {"Digits": digits})
    assert end_of_menus(response) in ("Dial",), ET.tostring(response)
    call = Call(phone)
    response = call.answer(to_topics(call, lang), Digits="2")
    response = drive_until_end(call, response, {"Digits": digits})
    assert end_of_menus(response) in ("Dial",), ET.tostring(response)


@pytest.mark.parametrize("lang", ["en", "es", "th", "ur"])
def test_speech_and_digits_together_and_speech_at_after(phone, roster, lang):
    call = Call(phone)
    response = call.answer(to_topics(call, lang), Digits="1", SpeechResult="help me now")
    assert response.find("Gather") is not None  # the digit wins: the answer
    response = drive_until_end(call, response, {"SpeechResult": "goodbye"})
    assert end_of_menus(response) == "Dial"


def test_superscript_digit_in_digits_is_not_a_500(phone, roster):
    call = Call(phone)
    gather = call.start().find("Gather")
    resp = phone.post(gather.get("action"), {"CallSid": call.sid, "From": phone.number, "To": HOTLINE,
                                             "Digits": "²"})
    assert resp.status_code == 200, resp.status_code


def test_retried_silence_callbacks_never_strand(phone, roster):
    """Twilio retrying /silence: strikes may count twice, but the caller still reaches a person."""
    call = Call(phone)
    response = to_topics(call, "es")
    redirect = response.find("Redirect").text
    first = call.post(redirect)
    again = call.post(redirect)
    assert first.find("Redirect") is not None and again.find("Redirect") is not None
    response = call.settle(again)
    response = drive_until_end(call, response, {})
    assert end_of_menus(response) == "Dial"


def test_retried_initial_webhook_still_accepts_a_detention_call(phone, roster, webhook_app):
    """Facility phones need the accept key pressed. If Twilio retries the first request
    (timeout, fallback URL = same app), the retry must press it too, or the call is never accepted."""
    original = webhook_app.config["PUENTE"]
    webhook_app.config["PUENTE"] = dataclasses.replace(original, accept_digit="1")
    try:
        sid = "CA" + uuid.uuid4().hex
        first = phone.call("/twilio/voice", CallSid=sid)
        retry = phone.call("/twilio/voice", CallSid=sid)
    finally:
        webhook_app.config["PUENTE"] = original
    assert [p.get("digits") for p in first.iter("Play")] == ["ww1"]
    assert [p.get("digits") for p in retry.iter("Play")] == ["ww1"], ET.tostring(retry)


@pytest.mark.parametrize("status,seconds", [("completed", "2"), ("no-answer", "0"), ("busy", "0"), ("failed", "0"),
                                            ("canceled", "0")])
def test_an_accepted_leg_that_drops_or_did_not_connect_still_leaves_a_voicemail(phone, roster, status, seconds):
    """A volunteer presses 1, then the leg drops within seconds, or Twilio reports the dial did
    not connect: nobody talked to the caller, who gets the voicemail."""
    call = Call(phone)
    response = call.answer(to_topics(call, "es"), Digits="0")
    dial = response.find("Dial")
    number = next(dial.iter("Number"))
    leg = "CA" + uuid.uuid4().hex
    whisper = phone.call(number.get("url"), CallSid=leg, From=HOTLINE, To=number.text)
    phone.call(whisper.find("Gather").get("action"), CallSid=leg, From=HOTLINE, To=number.text, Digits="1")
    response = call.settle(call.post(dial.get("action"), DialCallStatus=status, DialCallDuration=seconds))
    assert end_of_menus(response) == "Record", ET.tostring(response)


@pytest.mark.parametrize("status", ["", "in-progress", "answered", "garbage", "completed"])
def test_dial_done_odd_statuses_and_twice(phone, roster, status):
    call = Call(phone)
    response = call.answer(to_topics(call, "th"), Digits="0")
    action = response.find("Dial").get("action")
    one = call.settle(call.post(action, DialCallStatus=status))
    two = call.settle(call.post(action, DialCallStatus=status))
    assert end_of_menus(one) == "Record" and end_of_menus(two) == "Record"


@pytest.mark.parametrize("lang", LANGS)
def test_record_callback_without_recording_url(phone, roster, lang):
    call = Call(phone)
    response = call.answer(to_topics(call, lang), Digits="0")
    response = call.settle(call.post(response.find("Dial").get("action"), DialCallStatus="no-answer"))
    record = response.find("Record")
    # The Record action with no RecordingUrl, twice, then the Redirect after Record.
    a = call.post(record.get("action"), RecordingSid="RE" + call.sid[-8:])
    b = call.post(record.get("action"), RecordingSid="RE" + call.sid[-8:])
    c = call.post(response.find("Redirect").text)
    for r in (a, b, c):
        assert r.find("Hangup") is not None
    cases = [x for x in escalations.open_cases() if x["sender"] == calls.caller_id(phone.number, call.sid)]
    assert len(cases) == 1, cases


def test_recording_arrives_after_the_empty_redirect(phone, roster):
    """Out of order: the no-recording redirect first, the Record action with the recording later."""
    call = Call(phone)
    response = call.answer(to_topics(call, "es"), Digits="0")
    response = call.settle(call.post(response.find("Dial").get("action"), DialCallStatus="no-answer"))
    call.post(response.find("Redirect").text)
    call.post(response.find("Record").get("action"), RecordingSid="RE" + call.sid[-8:],
              RecordingUrl="https://api.twilio.com/rec/late")
    [case] = [x for x in escalations.open_cases() if x["sender"] == calls.caller_id(phone.number, call.sid)]
    assert case["recording_url"] == "https://api.twilio.com/rec/late"


def test_nine_and_star_loop_is_the_callers_choice_but_zero_always_works(phone, roster):
    call = Call(phone)
    response = to_topics(call, "es")
    for _ in range(10):
        response = call.answer(response, Digits="9")
        assert response.find("Gather") is not None
    response = call.answer(response, Digits="0")
    assert sorted(n.text for n in response.iter("Number")) == speakers("es")
