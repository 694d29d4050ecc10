"""The phone line with one component broken at a time (Redis frozen, Rasa frozen, roster damaged)."""
from __future__ import annotations

import time
import uuid
import xml.etree.ElementTree as ET

import pytest

from bot.handoff import calls, escalations, volunteers
from bot.store import storage
from tests.integration.conftest import frozen
from tests.integration.test_voice import Call, end_of_menus, to_topics


class Timed(Call):
    slowest = 0.0

    def post(self, path, **params):
        started = time.monotonic()
        try:
            return super().post(path, **params)
        finally:
            self.slowest = max(self.slowest, time.monotonic() - started)


# -- Rasa --------------------------------------------------------------------------------------

def test_rasa_up_baseline_a_spoken_emergency_the_phrases_miss_reaches_a_person(phone, roster):
    call = Call(phone)
    response = call.answer(to_topics(call, "en"), SpeechResult="my cellmate collapsed and is not moving")
    assert end_of_menus(response) == "Dial", ET.tostring(response)


@pytest.mark.parametrize("lang,text", [("en", "my cellmate collapsed and is not moving"),
                                       ("es", "no quiero vivir más, ya no aguanto"),
                                       ("en", "I want to talk to a real person please")])
def test_rasa_frozen_a_spoken_emergency_or_request_for_a_person_is_put_through(phone, stack, roster, lang, text):
    call = Timed(phone)
    response = to_topics(call, lang)
    with frozen(stack["rasa_process"]):
        response = call.answer(response, SpeechResult=text)
    assert call.slowest < 10, call.slowest
    assert end_of_menus(response) == "Dial", (call.said[-2:], ET.tostring(response))


def test_rasa_frozen_whole_call_still_ends_at_a_person(phone, stack, roster):
    call = Timed(phone)
    with frozen(stack["rasa_process"]):
        response = to_topics(call, "th")
        while end_of_menus(response) is None:
            response = call.answer(response, SpeechResult="อะไรก็ได้")
    assert end_of_menus(response) == "Dial" and call.slowest < 10


# -- Redis ------------------------------------------------------------------------------------

def test_redis_frozen_mid_call_every_step_in_time_and_ends_at_voicemail_case(phone, stack, roster, redis_server):
    call = Timed(phone)
    response = to_topics(call, "es")
    try:
        with frozen(redis_server["process"]):
            response = call.answer(response, Digits="7")
            response = call.answer(response)
            response = call.answer(response, Digits="1")
            while end_of_menus(response) is None:
                response = call.answer(response, Digits="#")
            assert end_of_menus(response) == "Dial"
            dialled = [n.text for n in response.iter("Number")]
            dial = response.find("Dial")
            response = call.settle(call.post(dial.get("action"), DialCallStatus="no-answer"))
            assert end_of_menus(response) == "Record"
            done = call.post(response.find("Record").get("action"), RecordingUrl="https://api.twilio.com/rec/RZ",
                             RecordingSid="RE" + uuid.uuid4().hex)
            assert done.find("Hangup") is not None
    finally:
        storage.reset_availability()
    assert call.slowest < 10, call.slowest
    assert dialled  # somebody was dialled
    print("dialled while redis frozen:", dialled)
    deadline = time.time() + 15
    while time.time() < deadline:
        escalations.flush_spool()
        found = [c for c in escalations.open_cases() if c["sender"] == calls.caller_id(phone.number, call.sid)]
        if found:
            break
        time.sleep(0.5)
    assert found and found[0]["recording_url"] == "https://api.twilio.com/rec/RZ"


def test_redis_frozen_between_accept_and_dial_done(phone, stack, roster, redis_server):
    """Documented: the caller is offered voicemail after talking (not hung up on)."""
    call = Call(phone)
    response = call.answer(to_topics(call, "es"), Digits="0")
    dial = response.find("Dial")
    number = next(dial.iter("Number"))
    leg = "CA" + uuid.uuid4().hex
    whisper = phone.call(number.get("url"), CallSid=leg, From="+15550100", To=number.text)
    phone.call(whisper.find("Gather").get("action"), CallSid=leg, From="+15550100", To=number.text, Digits="1")
    try:
        with frozen(redis_server["process"]):
            response = call.settle(call.post(dial.get("action"), DialCallStatus="completed", DialCallDuration="99"))
    finally:
        storage.reset_availability()
    assert end_of_menus(response) in ("Record", "Hangup")


# -- the roster -------------------------------------------------------------------------------

def test_empty_roster_goes_to_voicemail(phone, roster):
    for volunteer_id in roster.values():
        volunteers.remove(volunteer_id)
    call = Call(phone)
    response = call.answer(to_topics(call, "so"), Digits="0")
    assert end_of_menus(response) == "Record", ET.tostring(response)


def test_one_unsealable_roster_entry_does_not_stop_the_others_being_dialled(phone, roster):
    # Urdu: Cali and Erin are on call. Cali's sealed phone is damaged; Erin's is fine.
    storage.client().hset(f"puente:volunteer:{roster['+15550113']}", "phone", "gAAAAA-not-a-fernet-token")
    call = Call(phone)
    response = call.answer(to_topics(call, "ur"), Digits="0")
    dialled = sorted(n.text for n in response.iter("Number"))
    assert dialled == ["+15550115"], dialled  # Erin, who speaks Urdu, is on call and intact


def test_a_roster_entry_with_no_phone_does_not_stop_the_others_being_dialled(phone, roster):
    storage.client().hdel(f"puente:volunteer:{roster['+15550113']}", "phone")
    call = Call(phone)
    response = call.answer(to_topics(call, "ur"), Digits="0")
    dialled = sorted(n.text for n in response.iter("Number"))
    assert dialled == ["+15550115"], dialled


def test_unsealable_entry_and_no_coordinator_in_config_rings_nobody(phone, roster, monkeypatch):
    from bot.settings import get_settings
    monkeypatch.setitem(get_settings().org, "coordinator", {})
    storage.client().hset(f"puente:volunteer:{roster['+15550113']}", "phone", "gAAAAA-not-a-fernet-token")
    call = Call(phone)
    response = call.answer(to_topics(call, "ur"), Digits="0")
    assert end_of_menus(response) == "Dial", ET.tostring(response)  # Erin is on call and intact


def test_malformed_config_coordinator_phone_with_a_damaged_roster_is_not_a_500(phone, roster, monkeypatch):
    from bot.settings import get_settings
    monkeypatch.setitem(get_settings().org, "coordinator", {"name": "x", "phone": "ask Maria"})
    storage.client().hset(f"puente:volunteer:{roster['+15550113']}", "phone", "gAAAAA-not-a-fernet-token")
    call = Call(phone)
    response = to_topics(call, "ur")
    resp = phone.post(response.find("Gather").get("action"),
                      {"CallSid": call.sid, "From": phone.number, "To": "+15550100", "Digits": "0"})
    assert resp.status_code == 200
    dial = phone.post(ET.fromstring(resp.data).find("Redirect").text,
                      {"CallSid": call.sid, "From": phone.number, "To": "+15550100"})
    assert dial.status_code == 200, dial.status_code
