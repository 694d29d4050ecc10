"""The phone line through the real Flask webhook, Rasa, Redis and worker, driven as Twilio
drives a call: each TwiML response is parsed and the next request is the one Twilio would
make (the Gather's action with the caller's input, what follows the Gather on silence, a
Redirect, the Dial's action with DialCallStatus). Every path must end at a person."""
from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bot.conversation.catalog import render
from bot.conversation.dialogue import say
from bot.handoff import calls, escalations
from bot.store import storage
from bot.store.secrets_box import unseal
from tests.integration.conftest import ROSTER, speakers
from webhook import voice

MUST_PASS = {(r["lang"], r["intent"]): r["text"] for r in (
    json.loads(line) for line in (Path(__file__).parent / "must_pass.jsonl").open(encoding="utf-8"))}
LANGS = ("en", "es", "th", "hmn", "so", "ur")
DIGIT = {lang: str(i) for i, lang in enumerate(LANGS, start=1)}
HOTLINE = "+15550100"


class Call:
    """One call as Twilio makes it. `said` keeps everything said or played, in order."""

    def __init__(self, phone, caller: str | None = None):
        self.phone, self.sid = phone, "CA" + uuid.uuid4().hex
        self.caller = phone.number if caller is None else caller
        self.said: list[str] = []
        self.requests = 0

    def post(self, path: str, **params) -> ET.Element:
        response = self.phone.call(path, CallSid=self.sid, From=self.caller, **params)
        self.requests += 1
        self.said += [el.text or el.get("digits") or "" for el in response.iter() if el.tag in ("Say", "Play")]
        return response

    def start(self) -> ET.Element:
        return self.settle(self.post("/twilio/voice"))

    def answer(self, response: ET.Element, **caller_input) -> ET.Element:
        """The caller's input to the Gather in `response` (nothing: silence), then on to the
        next prompt that waits for the caller or ends the menus."""
        gather = response.find("Gather")
        assert gather is not None, ET.tostring(response)
        if caller_input:
            return self.settle(self.post(gather.get("action"), **caller_input))
        return self.settle(self.next(response))

    def next(self, response: ET.Element) -> ET.Element:
        redirect = response.find("Redirect")
        assert redirect is not None, f"the call would end here: {ET.tostring(response)}"
        return self.post(redirect.text)

    def settle(self, response: ET.Element) -> ET.Element:
        """Follows Redirects until the call waits for the caller (Gather) or leaves the menus."""
        while response.find("Gather") is None and end_of_menus(response) is None:
            response = self.next(response)
        return response


def end_of_menus(response: ET.Element) -> str | None:
    for tag in ("Dial", "Record", "Hangup"):
        if response.find(tag) is not None:
            return tag
    return None


def to_topics(call: Call, lang: str) -> ET.Element:
    return call.answer(call.start(), Digits=DIGIT[lang])


# -- one limit per call, every menu, every language ------------------------------------------

WRONG = {"silence": {}, "a wrong key": {"Digits": "7"}, "the hash key": {"Digits": "#"},
         "speech nobody understands": {"SpeechResult": "I like football"}}


@pytest.mark.parametrize("menu", ["language", "topics", "after an answer"])
@pytest.mark.parametrize("wrong", WRONG)
@pytest.mark.parametrize("lang", LANGS)
def test_every_menu_puts_wrong_input_through_to_a_person_within_the_limit(phone, roster, lang, wrong, menu):
    call = Call(phone)
    response = call.start()
    if menu != "language":
        response = call.answer(response, Digits=DIGIT[lang])
    if menu == "after an answer":
        response = call.answer(response, Digits="1")
    prompts = 0
    while end_of_menus(response) is None:
        prompts += 1
        assert prompts <= voice.MAX_TRIES, f"still in the menus after {prompts} prompts: {call.said[-3:]}"
        response = call.answer(response, **WRONG[wrong])
    assert end_of_menus(response) == "Dial"
    dialled = sorted(n.text for n in response.iter("Number"))
    assert dialled == (speakers(lang) if menu != "language" else speakers("en"))


def test_the_limit_is_one_per_call_across_menus_and_kinds_of_input(phone, roster):
    call = Call(phone)
    response = call.answer(call.start(), Digits="9")                  # 1: no such language
    response = call.answer(response, Digits=DIGIT["ur"])
    response = call.answer(response, SpeechResult="I like football")  # 2: not understood
    response = call.answer(response, Digits="1")
    response = call.answer(response)                                   # 3: silence after the answer
    response = call.answer(response, Digits="8")                       # 4: a wrong key
    assert end_of_menus(response) == "Dial"
    assert sorted(n.text for n in response.iter("Number")) == speakers("ur")


@pytest.mark.parametrize("lang", ["hmn", "so"])
def test_a_language_without_a_voice_gets_a_notice_the_menu_and_a_person_on_silence(phone, roster, lang):
    call = Call(phone)
    response = to_topics(call, lang)
    said = [el.text for el in response.iter("Say")]
    assert render("voice.no_recording", "en") in said and render("voice.topic_menu", "en") in said
    response = call.answer(response)  # silence: straight to a person, no rounds of English
    assert end_of_menus(response) == "Dial" and sorted(n.text for n in response.iter("Number")) == speakers(lang)


# -- the accept key is the only proof of a person ------------------------------------------------

def dial_to_voicemail(call: Call, response: ET.Element, status: str) -> ET.Element:
    dial = response.find("Dial")
    for number in dial.iter("Number"):
        # Each volunteer's phone hears the whisper first; a voicemail box presses nothing.
        leg = call.phone.call(number.get("url"), CallSid="CA" + uuid.uuid4().hex, From=HOTLINE, To=number.text)
        assert leg.find("Gather") is not None and leg.find("Hangup") is not None
    return call.settle(call.post(dial.get("action"), DialCallStatus=status, DialCallDuration="31"))


@pytest.mark.parametrize("lang", ["es", "so"])
@pytest.mark.parametrize("status", ["completed", "no-answer", "busy", "failed"])
def test_a_dial_nobody_accepted_goes_to_voicemail_whatever_twilio_reports(phone, roster, lang, status):
    call = Call(phone)
    response = call.answer(to_topics(call, lang), Digits="0")
    assert sorted(n.text for n in response.iter("Number")) == speakers(lang)
    response = dial_to_voicemail(call, response, status)
    assert end_of_menus(response) == "Record"


@pytest.mark.parametrize("lang", ["es", "ur"])
def test_a_volunteer_who_presses_the_accept_key_takes_the_call(phone, roster, lang):
    call = Call(phone)
    response = call.answer(to_topics(call, lang), Digits="0")
    dial = response.find("Dial")
    number = next(dial.iter("Number"))
    leg_sid = "CA" + uuid.uuid4().hex
    whisper = call.phone.call(number.get("url"), CallSid=leg_sid, From=HOTLINE, To=number.text)
    accepted = call.phone.call(whisper.find("Gather").get("action"), CallSid=leg_sid, From=HOTLINE, To=number.text,
                               Digits=voice.ACCEPT_KEY)
    assert accepted.find("Hangup") is None  # an empty response joins the volunteer to the caller
    response = call.post(dial.get("action"), DialCallStatus="completed", DialCallDuration="240")
    assert end_of_menus(response) == "Hangup" and response.find("Record") is None


# -- an emergency on a call -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["es", "ur"])
def test_an_emergency_said_on_a_call_gets_the_guidance_before_the_dial_then_a_voicemail(phone, roster, lang):
    call = Call(phone)
    response = call.answer(to_topics(call, lang), SpeechResult=MUST_PASS[(lang, "emergency_medical")])
    children = list(response)
    dial_at = [el.tag for el in children].index("Dial")
    guidance = say("emergency.medical", lang if lang in voice.TTS else "en", "US")
    assert guidance in [el.text for el in children[:dial_at] if el.tag == "Say"]
    response = dial_to_voicemail(call, response, "no-answer")
    record = response.find("Record")
    call.post(record.get("action"), RecordingUrl="https://api.twilio.com/rec/RE" + call.sid[-8:],
              RecordingSid="RE" + call.sid[-8:], RecordingDuration="12")
    [case] = [c for c in escalations.open_cases() if c["sender"] == calls.caller_id(phone.number, call.sid)]
    assert (case["priority"], case["reason"], case["language"], case["channel"]) == (
        "urgent", "emergency_medical", lang, "voice")
    assert unseal(case["callback_number"]) == phone.number and phone.number not in json.dumps(case)


def test_a_retried_recording_callback_records_one_case(phone, roster):
    call = Call(phone)
    response = dial_to_voicemail(call, call.answer(to_topics(call, "es"), Digits="0"), "no-answer")
    action = response.find("Record").get("action")
    params = {"RecordingSid": "RE" + call.sid[-8:], "RecordingUrl": "https://api.twilio.com/rec/RE1"}
    call.post(action, **params)
    call.post(action, **params)  # Twilio's retry
    assert len([c for c in escalations.open_cases() if c["sender"] == calls.caller_id(phone.number, call.sid)]) == 1


# -- withheld caller ids ----------------------------------------------------------------------------

@pytest.mark.parametrize("withheld", ["+266696687", "Anonymous", "+7378742833", ""])
def test_withheld_callers_are_served_one_call_at_a_time_without_a_callback_promise(phone, roster, withheld):
    spanish, hmong = Call(phone, caller=withheld), Call(phone, caller=withheld)
    response_es, response_hmn = to_topics(spanish, "es"), to_topics(hmong, "hmn")
    es_id, hmn_id = calls.caller_id(withheld, spanish.sid), calls.caller_id(withheld, hmong.sid)
    assert es_id != hmn_id
    assert storage.load_profile(es_id)["language"] == "es" and storage.load_profile(hmn_id)["language"] == "hmn"

    # The Spanish caller leaves a message: a case, in Spanish, with nothing to call back.
    response = dial_to_voicemail(spanish, spanish.answer(response_es, Digits="0"), "no-answer")
    spanish.post(response.find("Record").get("action"), RecordingUrl="https://api.twilio.com/rec/RE2",
                 RecordingSid="RE" + spanish.sid[-8:])
    [case] = [c for c in escalations.open_cases() if c["sender"] == es_id]
    assert case["language"] == "es" and case["caller"] == "withheld" and "callback_number" not in case
    assert spanish.said[-1] == say("voice.voicemail_thanks", "es")

    # The Hmong caller says nothing after the tone: no case, and told when to call again.
    response = dial_to_voicemail(hmong, hmong.answer(response_hmn, Digits="0"), "completed")
    after_silence = hmong.post(response.find("Redirect").text)  # Record ended without a recording
    assert after_silence.find("Hangup") is not None
    assert not [c for c in escalations.open_cases() if c["sender"] == hmn_id]
    assert hmong.said[-1] == say("voice.no_message", "en")  # no Hmong voice or recording: English
    for text in spanish.said + hmong.said:
        assert "call you back" not in text and "te va a llamar" not in text


def test_withheld_ids_are_recognised_in_twilios_spellings():
    for value in ("+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253", "ANONYMOUS", "Restricted",
                  "", "anonymous", "sip:someone@example.org"):
        assert calls.withheld(value), value
    assert not calls.withheld("+15550123") and not calls.withheld("+447700900123")


# -- the roster the console keeps is the roster the phone dials ------------------------------------

def test_voice_dials_the_consoles_on_call_roster_then_everyone_then_the_coordinator(phone, roster):
    from bot.handoff import volunteers

    def dialled(lang):
        call = Call(phone)
        return sorted(n.text for n in call.answer(to_topics(call, lang), Digits="0").iter("Number"))

    assert dialled("so") == speakers("so") == ["+15550113"]
    volunteers.update(roster["+15550113"], on_call=False)        # the Somali speaker goes off call
    everyone = sorted(n for n, (_, _, on_call, _) in ROSTER.items() if on_call and n != "+15550113")
    assert dialled("so") == everyone
    for number in everyone:
        volunteers.update(roster[number], on_call=False)
    assert dialled("so") == ["+15550119"]                          # nobody on call: the coordinator
    assert "+1-555-0103" not in dialled("so")                       # never the config's sample numbers
