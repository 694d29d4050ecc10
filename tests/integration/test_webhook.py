"""The real Flask webhook, with requests signed as Twilio signs them, against the real
Rasa server, action server and Redis. TwiML is parsed, never string-matched."""
from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from bot.conversation.catalog import render
from bot.conversation.dialogue import Dialogue
from bot.handoff import escalations, inbox
from bot.settings import get_settings
from bot.store.secrets_box import unseal
from tests.integration.conftest import SignedPhone
from webhook.phone import follow

MUST_PASS = {(r["lang"], r["intent"]): r["text"] for r in (
    json.loads(line) for line in (Path(__file__).parent / "must_pass.jsonl").open(encoding="utf-8"))}
LANGS = ("en", "es", "th", "hmn", "so", "ur")


def expected(msgid, lang, country="US"):
    text = render(msgid, lang, **Dialogue(get_settings()).params(lang, country))
    return text.replace("–", "-")  # SMS formatting swaps typographic dashes for GSM-7 ones


def joined(bodies):
    return "\n\n".join(bodies)


def test_unsigned_or_wrongly_signed_requests_are_refused_and_touch_nothing(phone, redis_client):
    params = {"MessageSid": "SMforged", "From": "+15550199", "Body": "hola"}
    assert phone.post("/twilio/messages", params, signature="").status_code == 403
    assert phone.post("/twilio/messages", params, signature="bm9wZQ==").status_code == 403
    assert phone.post("/twilio/voice", {"CallSid": "CAforged"}, signature="bm9wZQ==").status_code == 403
    assert redis_client.keys("puente:seen:*") == []


@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
@pytest.mark.parametrize("lang", LANGS)
def test_a_conversation_in_each_language(phone, lang, channel):
    first = joined(phone.text(MUST_PASS[(lang, "greet")], channel=channel))
    assert expected("welcome", lang) in first
    answer = joined(phone.text(MUST_PASS[(lang, "covid_prevention")], channel=channel))
    assert expected("covid_prevention", lang) in answer
    for body in phone.text(MUST_PASS[(lang, "menu")], channel=channel):
        assert len(body) <= 1600


def test_sms_and_whatsapp_from_one_number_share_the_language(phone):
    phone.text(MUST_PASS[("so", "greet")], channel="sms")
    assert expected("menu.main", "so").splitlines()[0] in joined(phone.text("menu", channel="whatsapp")).replace("*", "")


def test_a_retried_message_sid_is_answered_once(phone):
    first = phone.text(MUST_PASS[("es", "greet")], sid="SMretry0001")
    again = phone.text(MUST_PASS[("es", "greet")], sid="SMretry0001")
    assert first and again == []


def test_media_gets_a_polite_text_only_reply_in_the_persons_language(phone):
    phone.text(MUST_PASS[("th", "greet")], channel="whatsapp")
    reply = phone.text("", channel="whatsapp", NumMedia="1", MediaContentType0="audio/ogg",
                       MediaUrl0="https://api.twilio.com/fake.ogg")
    assert expected("input.media", "th") in joined(reply)


def test_a_location_pin_is_answered_with_the_nearest_clinics(phone):
    phone.text(MUST_PASS[("es", "greet")], channel="whatsapp")
    reply = joined(phone.text("", channel="whatsapp", Latitude="14.9067", Longitude="-92.2630", Label="Tapachula"))
    reply = reply.replace("*", "").replace("–", "-")
    assert render("clinic.results", "es", place=render("clinic.your_location", "es")) in reply
    assert render("clinic.sample", "es") in reply
    assert "Clínica Los Naranjos (sample)" in reply and "+52 962 000 0101" in reply


def test_stop_silences_and_help_answers(phone, redis_client):
    assert phone.text("STOP") == []
    assert redis_client.keys("puente:optout:*")
    assert "STOP" in joined(phone.text("HELP"))


def test_emergency_by_sms_is_recorded_for_a_volunteer(phone, redis_client):
    reply = joined(phone.text(MUST_PASS[("hmn", "emergency_medical")]))
    assert expected("escalation.recorded", "hmn") in reply
    assert any(c["language"] == "hmn" and c["priority"] == "urgent" and c["channel"] == "sms"
               for c in escalations.open_cases())
    raw = json.dumps([redis_client.hgetall(k) for k in redis_client.keys("puente:case:*")])
    assert phone.number not in raw  # pseudonymous ids only


# -- voice -----------------------------------------------------------------------------------

def walk(phone, path, call_sid, **params):
    response = phone.call(path, CallSid=call_sid, **params)
    target, said = follow(response)
    return response, target, said


@pytest.mark.parametrize("digit,lang,speaks", [("2", "es", "es-MX"), ("3", "th", "th-TH"), ("5", "so", None)])
def test_voice_menus_by_keypad(phone, digit, lang, speaks):
    call = f"CA-walk-{lang}-{time.time()}"
    response, target, _ = walk(phone, "/twilio/voice", call)
    assert response.find("Redirect") is not None
    response, target, said = walk(phone, target, call)
    gather = response.find("Gather")
    assert gather is not None and gather.get("numDigits") == "1"
    languages = [el.get("language") for el in gather.iter("Say")]
    assert "es-MX" in languages and "th-TH" in languages  # each option in its own language
    response, target, _ = walk(phone, gather.get("action"), call, Digits=digit)
    response, target, said = walk(phone, target, call)
    if speaks:
        assert response.find("Gather").get("input") == "dtmf speech"
        assert any(el.get("language") == speaks for el in response.iter("Say"))
        response, target, _ = walk(phone, target, call, Digits="1")
        response, target, said = walk(phone, target, call)
        assert render("rights_general.US", lang) in said
    else:
        # No Twilio voice for Somali and no recording configured: said in English and Spanish, with a volunteer offered.
        assert render("voice.no_recording", "en") in said and render("voice.no_recording", "es") in said
        response, target, _ = walk(phone, target, call, Digits="0")
        response, target, said = walk(phone, target, call)
        assert [n.text for n in response.iter("Number")] == ["+1-555-0103"]


def test_silence_and_wrong_keys_reprompt(phone):
    call = f"CA-silence-{time.time()}"
    response = phone.call("/twilio/voice/topics?lang=en", CallSid=call)
    redirect = response.find("Redirect").text
    assert "/twilio/voice/topics" in redirect
    response = phone.call("/twilio/voice/topic?lang=en", CallSid=call, Digits="7")
    assert render("voice.wrong_key", "en") in [s.text for s in response.iter("Say")]
    assert "/twilio/voice/topics" in response.find("Redirect").text


def test_accept_digit_is_sent_before_the_menu(webhook_app):
    from dataclasses import replace

    from webhook import create_app

    app = create_app(replace(webhook_app.config["PUENTE"], accept_digit="5"))
    response = SignedPhone(app.test_client(), "+15550177").call("/twilio/voice", CallSid=f"CA-accept-{time.time()}")
    assert response.find("Play").get("digits") == "ww5"


def test_voice_emergency_dials_volunteers_then_records_a_callback(phone, redis_client):
    call = f"CA-emergency-{time.time()}"
    response = phone.call("/twilio/voice/topic?lang=es", CallSid=call, SpeechResult=MUST_PASS[("es", "emergency_medical")])
    dial_url = response.find("Redirect").text
    assert "urgent=1" in dial_url
    response = phone.call(dial_url, CallSid=call)
    dial = response.find("Dial")
    numbers = list(dial.iter("Number"))
    assert [n.text for n in numbers] == ["+1-555-0101"]  # the on-call volunteer who speaks Spanish
    assert "/twilio/voice/whisper" in numbers[0].get("url")
    whisper = phone.call(numbers[0].get("url"), CallSid="CA-volunteer-leg")
    assert whisper.find("Gather") is not None and whisper.find("Hangup") is not None
    response = phone.call(dial.get("action"), CallSid=call, DialCallStatus="no-answer")
    response = phone.call(response.find("Redirect").text, CallSid=call)
    record = response.find("Record")
    assert record is not None
    params = {"CallSid": call, "RecordingSid": "RE" + call[-8:], "RecordingUrl": "https://api.twilio.com/rec/RE1"}
    phone.call(record.get("action"), **params)
    phone.call(record.get("action"), **params)  # Twilio's retry: still one case
    cases = [c for c in escalations.open_cases() if c.get("reason") == "voice_callback" and c["language"] == "es"]
    assert len(cases) == 1
    case = cases[0]
    assert case["priority"] == "urgent" and case["recording_url"] == "https://api.twilio.com/rec/RE1"
    assert unseal(case["callback_number"]) == phone.number and phone.number not in json.dumps(case)


# -- failures ----------------------------------------------------------------------------------

def test_rasa_down_mid_conversation_gets_the_fallback_in_time_and_keeps_the_message(phone, stack, redis_client):
    phone.text(MUST_PASS[("es", "greet")])
    rasa = stack["rasa_process"]
    os.kill(rasa.pid, signal.SIGSTOP)  # Rasa hangs: no answer, no error
    try:
        started = time.monotonic()
        reply = joined(phone.text(MUST_PASS[("es", "right_to_lawyer")]))
        elapsed = time.monotonic() - started
    finally:
        os.kill(rasa.pid, signal.SIGCONT)
    assert elapsed < 10
    assert expected("fallback.unavailable", "es") in reply
    assert any(item["text"] == MUST_PASS[("es", "right_to_lawyer")] for item in inbox.pending())
