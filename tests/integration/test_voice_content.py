"""What a caller hears (issue 13): clinics by phone, voice twins instead of text-only
instructions, the date a volatile answer was last checked; through the real webhook."""
from __future__ import annotations

import pytest

from bot.conversation import content
from bot.conversation.catalog import reviewed_note
from bot.conversation.dialogue import say
from bot.handoff import calls
from bot.store import storage
from tests.integration.test_voice import DIGIT, Call, end_of_menus


def to_answer(call: Call, lang: str, key: str):
    topics = call.answer(call.start(), Digits=DIGIT[lang])
    return call.answer(topics, Digits=key)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_caller_says_a_town_and_hears_the_nearest_clinics_with_their_numbers(phone, roster, lang):
    call = Call(phone)
    prompt = to_answer(call, lang, "3")
    assert say("find_clinic.voice", lang) in call.said  # the voice twin: no "write the name of your town"
    assert say("find_clinic", lang) not in call.said
    gather = prompt.find("Gather")
    assert "speech" in gather.get("input")

    results = call.answer(prompt, SpeechResult="Houston")
    spoken = " ".join(call.said)
    assert "Bayou Community Clinic (sample)" in spoken
    assert say("clinic.sample", lang) in call.said  # sample data is said to be invented
    assert "Telephone" in spoken or "Teléfono" in spoken
    assert say("clinic.footer.voice", lang) in call.said

    heard = len(call.said)
    again = call.answer(results, Digits="9")  # the same clinics again
    assert "Bayou Community Clinic (sample)" in " ".join(call.said[heard:])
    assert end_of_menus(call.answer(again, Digits="0")) == "Dial"


def test_a_town_nobody_knows_is_said_so_and_the_caller_can_try_again_or_reach_a_person(phone, roster):
    call = Call(phone)
    prompt = to_answer(call, "en", "3")
    retry = call.answer(prompt, SpeechResult="zzqx blorp")
    assert say("clinic.place_unknown.voice", "en") in call.said
    assert retry.find("Gather") is not None and "speech" in retry.find("Gather").get("input")
    assert end_of_menus(call.answer(retry, Digits="0")) == "Dial"


def test_a_spoken_answer_whose_law_changes_fast_says_when_it_was_last_checked(phone, roster):
    call = Call(phone)
    to_answer(call, "en", "1")
    note = reviewed_note("rights_general.US", "en")
    assert note and note in call.said and "2026" in note


def test_no_text_only_instruction_is_spoken_in_any_answer_for_thailand(phone, roster, redis_client):
    call = Call(phone)
    storage.save_profile(calls.caller_id(call.caller, call.sid), country="TH")
    to_answer(call, "en", "1")
    assert say("rights_general.TH.voice", "en", "TH") in call.said
    assert not any("reply" in said.lower() for said in call.said)
    assert content.spoken_id("rights_general.TH") == "rights_general.TH.voice"
