"""As users try it (issue 13): callers from detention phones through the real webhook: clinics by
phone, callers whose profile country is Thailand or Malaysia, Hmong/Somali/Urdu callers."""
from __future__ import annotations

import pytest

from bot.handoff import calls, escalations
from bot.store import storage
from tests.integration.conftest import speakers
from tests.integration.test_voice import DIGIT, Call, dial_to_voicemail, end_of_menus
from webhook import voice


def clinic_prompt(call, lang):
    return call.answer(call.answer(call.start(), Digits=DIGIT[lang]), Digits="3")


@pytest.mark.parametrize("lang", ["en", "hmn"])
@pytest.mark.parametrize("key", ["7"])
def test_wrong_keys_at_the_clinic_prompt_count_toward_the_limit_and_reach_a_person(phone, roster, lang, key):
    """Every wrong key counts toward one limit per call (webhook/voice.py docstring); at the
    'say your town' prompt a wrong key replays the prompt without a word and without a strike."""
    call = Call(phone)
    response = clinic_prompt(call, lang)
    for _ in range(voice.MAX_TRIES + 2):
        if end_of_menus(response):
            break
        response = call.answer(response, Digits=key)
    assert end_of_menus(response) == "Dial", f"still at the clinic prompt: {call.said[-2:]}"
    assert sorted(n.text for n in response.iter("Number")) == speakers(lang)


def test_guard_nonsense_town_said_again_and_again_reaches_a_person(phone, roster):
    call = Call(phone)
    response = clinic_prompt(call, "es")
    for _ in range(voice.MAX_TRIES + 1):
        if end_of_menus(response):
            break
        response = call.answer(response, SpeechResult="blorp zzqx")
    assert end_of_menus(response) == "Dial"


@pytest.mark.parametrize("country", ["TH", "MY"])
def test_a_voicemail_from_a_caller_in_thailand_or_malaysia_is_filed_under_their_country(phone, roster, country):
    call = Call(phone)
    caller = calls.caller_id(call.caller, call.sid)
    storage.save_profile(caller, country=country)
    response = call.answer(call.answer(call.start(), Digits=DIGIT["en"]), Digits="1")
    assert "Thailand" in " ".join(call.said) or "Malaysia" in " ".join(call.said)  # answered for their country
    response = dial_to_voicemail(call, call.answer(response, Digits="0"), "no-answer")
    call.post(response.find("Record").get("action"), RecordingUrl="https://api.twilio.com/rec/RE9",
              RecordingSid="RE" + call.sid[-8:], RecordingDuration="9")
    [case] = [c for c in escalations.open_cases() if c["sender"] == caller]
    assert case["country"] == country  # the volunteer calls back about the right country's law
