"""find_clinic in the conversation, through bot.conversation.dialogue: what the person reads."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.clinics import present, store
from bot.clinics.search import Found
from bot.conversation.catalog import render
from bot.conversation.dialogue import Dialogue, State, Turn
from bot.conversation.languages import LANGUAGES
from bot.settings import get_settings

MONDAY_10AM_IN_TAPACHULA = datetime(2026, 11, 23, 16, 0, tzinfo=timezone.utc)


@pytest.fixture
def dialogue():
    return Dialogue(get_settings(), now=lambda: MONDAY_10AM_IN_TAPACHULA)


def turn(text, intent="find_clinic", language="en", confidence=0.9, language_confidence=0.99, location=None):
    return Turn(text=text, intent=intent, confidence=confidence, language=language,
                language_confidence=language_confidence, location=location,
                ranking=((intent, confidence),) if intent else ())


def text_of(reply):
    return "\n".join(reply.messages)


def test_without_a_place_it_asks_then_answers_and_remembers(dialogue):
    asked = dialogue.respond(State(language="es"), turn("necesito una clinica cerca de mi", language="es"))
    assert asked.messages == [render("clinic.ask_place", "es")]
    assert asked.state.pending_menu == "clinic.place"

    # The town alone: the model may call it anything, in any language; the reply stays in Spanish.
    answer = dialogue.respond(asked.state, turn("Tapachula", "out_of_scope", "so", 0.2, 0.99))
    shown = text_of(answer)
    assert render("clinic.sample", "es") in shown  # example data says so
    assert render("clinic.results", "es", place="Tapachula") in shown
    assert "Clínica Los Naranjos (sample), 0.5 km" in answer.messages[1]
    assert "Tel. +52 962 000 0101" in answer.messages[1]
    assert "Abierta ahora, hasta las 4:00 p.m." in answer.messages[1]
    assert "lun–vie 8:00 a.m.–4:00 p.m.; sáb 9:00 a.m.–1:00 p.m." in answer.messages[1]
    assert "Idiomas: español, Mam, inglés" in answer.messages[1]
    assert len(answer.messages) == 4  # the heading and three clinics
    assert answer.state.pending_menu is None and answer.state.place == "Tapachula"

    # Later, without a place: the remembered one, no question.
    later = dialogue.respond(answer.state, turn("otra clinica por favor", language="es"))
    assert render("clinic.results", "es", place="Tapachula") in text_of(later)


def test_a_place_in_the_question_is_answered_at_once(dialogue):
    reply = dialogue.respond(State(language="th"), turn("คลินิกฟรีในกรุงเทพ", language="th"))
    assert render("clinic.results", "th", place="Bangkok") in reply.messages[0]
    assert reply.messages[1].startswith("Pathum Wan Community Health (sample), 3.5 กม.")


def test_a_need_in_the_question_narrows_the_search(dialogue):
    reply = dialogue.respond(State(language="en"), turn("where can I get a covid test in houston"))
    assert render("clinic.results_need", "en", place="Houston", need="COVID-19 testing") in reply.messages[0]
    assert all("covid_testing" in c.services for c in store.current().clinics
               if c.name.split(",")[0] in text_of(reply))
    assert "Gulfton Family Health" not in text_of(reply)  # no covid testing there


def test_a_pin_answers_directly_and_is_remembered_coarsely(dialogue):
    pin = turn("", intent=None, language=None, language_confidence=0.0, location=(44.95612, -93.12034))
    reply = dialogue.respond(State(language="ur"), pin)
    assert render("clinic.results", "ur", place=render("clinic.your_location", "ur")) in reply.messages[0]
    assert "Frogtown Hmong Health (sample)" in reply.messages[1]
    assert reply.state.location == "44.96,-93.12" and reply.state.place == present.PIN


def test_nothing_near_says_so_and_offers_a_person(dialogue):
    reply = dialogue.respond(State(language="so"), turn("kiliinik nairobi", language="so"))
    params = dialogue.params("so", "US")
    assert reply.messages == [render("clinic.none_near", "so", **params, place="Nairobi (KE)", radius="150 km")]
    assert params["hotline"] in reply.messages[0]
    person = dialogue.respond(reply.state, turn("6", intent=None, language="so"))
    assert person.escalation and person.escalation.reason == "request_human"


def test_an_unknown_place_is_asked_again_then_a_person(dialogue):
    state = dialogue.respond(State(language="hmn"), turn("tsev kho mob ze kuv", language="hmn")).state
    for attempt in range(2):
        reply = dialogue.respond(state, turn("xyzzy qwerty", "out_of_scope", "hmn", 0.1))
        assert render("clinic.place_unknown", "hmn") in reply.messages[0]
        assert reply.state.pending_menu == "clinic.place"
        state = reply.state
    reply = dialogue.respond(state, turn("xyzzy qwerty", "out_of_scope", "hmn", 0.1))
    assert reply.escalation and reply.escalation.reason == "misunderstood"


def test_another_question_while_asked_where_is_answered(dialogue):
    state = dialogue.respond(State(language="en"), turn("clinic near me")).state
    reply = dialogue.respond(state, turn("I need a lawyer", "right_to_lawyer"))
    assert reply.notes == ["right_to_lawyer.US"] and reply.state.pending_menu is None


def test_an_emergency_while_asked_where_is_still_an_emergency(dialogue):
    state = dialogue.respond(State(language="en"), turn("clinic near me")).state
    reply = dialogue.respond(state, turn("he is not breathing", "emergency_medical"))
    assert reply.escalation and reply.escalation.priority == "urgent"


def test_menu_option_3_asks_where(dialogue):
    reply = dialogue.respond(State(language="en", pending_menu="menu.main"), turn("3", intent=None))
    assert reply.messages == [render("clinic.ask_place", "en")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_result_is_sms_sized_in_every_language(lang):
    for clinic in store.current().clinics:
        text = present.clinic_message(Found(clinic, 123.4), lang, MONDAY_10AM_IN_TAPACHULA)
        assert len(text) <= 300, (lang, clinic.name, len(text))
