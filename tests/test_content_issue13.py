"""Content that is right and safe in every catalog (issue 13): Roman Urdu answered in Roman Urdu,
the law's "last checked" date, every topic answered in every country, the 2020 order as history."""
from __future__ import annotations

import re

import pytest

from bot.conversation import content
from bot.conversation.catalog import checked_on, render, reviewed_note, translations
from bot.conversation.dialogue import Dialogue, State
from bot.conversation.languages import CATALOGS, LANGUAGES
from bot.settings import COUNTRIES, get_settings
from tests.test_dialogue import turn


@pytest.fixture
def dialogue():
    return Dialogue(get_settings())


def rendered(msgid, lang, dialogue, country="US"):
    return render(msgid, lang, **dialogue.params(lang, country))


# -- Roman Urdu ------------------------------------------------------------------------------

def test_urdu_in_latin_letters_is_answered_from_the_roman_urdu_catalog_and_remembered(dialogue):
    reply = dialogue.respond(State(), turn("mujhe wakeel chahiye", "right_to_lawyer", language="ur"))
    assert reply.state.language == "ur" and reply.state.script == "Latn"
    assert rendered("right_to_lawyer.US", "ur-Latn", dialogue) in reply.messages[0]
    # A keyword or a digit keeps the script; Urdu script in a full message switches it.
    menu = dialogue.respond(reply.state, turn("menu", None, language="ur", language_confidence=0.3))
    assert rendered("menu.main", "ur-Latn", dialogue) in menu.messages[0]
    switched = dialogue.respond(menu.state, turn("مجھے وکیل چاہیے", "right_to_lawyer", language="ur"))
    assert switched.state.script == "Arab"
    assert rendered("right_to_lawyer.US", "ur", dialogue) in switched.messages[0]


def test_urdu_script_is_answered_in_urdu_script(dialogue):
    reply = dialogue.respond(State(), turn("مجھے وکیل چاہیے", "right_to_lawyer", language="ur"))
    assert reply.state.script == "Arab" and rendered("right_to_lawyer.US", "ur", dialogue) in reply.messages[0]


@pytest.mark.parametrize("ask", ["roman urdu", "Roman Urdu please", "urdu in english letters"])
def test_a_person_can_ask_for_roman_urdu_by_name(dialogue, ask):
    start = State(language="ur", script="Arab")
    reply = dialogue.respond(start, turn(ask, "choose_language", language="en"))
    assert reply.state.language == "ur" and reply.state.script == "Latn"
    assert reply.messages[0].startswith(rendered("language.switched", "ur-Latn", dialogue))


def test_the_language_menu_offers_roman_urdu_as_7_and_urdu_script_as_6(dialogue):
    menu = dialogue.respond(State(language="en"), turn("language", "choose_language"))
    assert "6 اردو" in menu.messages[0] and "7 Roman Urdu" in menu.messages[0]
    roman = dialogue.respond(menu.state, turn("7", None))
    assert (roman.state.language, roman.state.script) == ("ur", "Latn")
    assert rendered("language.switched", "ur-Latn", dialogue) in roman.messages[0]
    script = dialogue.respond(roman.state, turn("language", "choose_language"))
    urdu = dialogue.respond(script.state, turn("6", None))
    assert (urdu.state.language, urdu.state.script) == ("ur", "Arab")


def test_roman_urdu_takes_fewer_sms_than_urdu_script():
    from webhook import sms

    for msgid in ("rights_general.US", "welcome", "emergency.medical"):
        latin = sms.for_sms([render(msgid, "ur-Latn")], "ur", False)
        arabic = sms.for_sms([render(msgid, "ur")], "ur", False)
        assert len(latin) <= len(arabic), msgid


# -- law that changes fast ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", CATALOGS)
def test_every_answer_on_volatile_law_says_when_it_was_last_checked(dialogue, lang):
    for msgid in sorted(content.VOLATILE):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", checked_on(msgid, lang)), f"{lang}:{msgid}"
    reply = dialogue.respond(State(language=lang.split("-")[0], script="Latn" if lang == "ur-Latn" else "Arab"),
                             turn("میرے حقوق" if lang == "ur" else "my rights", "rights_general",
                                  language=lang.split("-")[0]))
    assert reviewed_note("rights_general.US", lang) in reply.messages[0]


def test_the_us_bond_answer_is_said_to_be_in_flux():
    assert "changed several times" in render("rights_general.US.more", "en")


def test_the_2020_covid_release_order_is_history_not_a_way_out():
    text = render("release_options.MX.more", "en")
    assert "2020" in text and "history, not a way out today" in text
    for msgid in content.all_message_ids() - {"release_options.MX.more"}:
        assert "2020" not in render(msgid, "en"), msgid  # nowhere else presented at all


# -- coverage per country ------------------------------------------------------------------------

@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("topic", sorted(content.TOPICS))
def test_every_topic_is_answered_in_every_country_or_honestly_offers_a_person(dialogue, topic, country):
    msgid = content.answer_id(topic, country)
    text = rendered(msgid, "en", dialogue, country)
    if msgid == "no_verified_info":
        hotline = dialogue.params("en", country)["hotline"]
        assert hotline in text and "0" in text and "do not want to guess" in text
    assert "%(" not in text


@pytest.mark.parametrize("country", ["MX", "TH", "MY"])
def test_finding_a_detained_relative_has_its_own_answer_in_mexico_thailand_and_malaysia(dialogue, country):
    assert content.answer_id("find_detained_person", country) == f"find_detained_person.{country}"
    text = rendered(f"find_detained_person.{country}", "en", dialogue, country)
    assert "volunteer" in text and dialogue.params("en", country)["hotline"] in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_thai_and_malaysian_medical_answers_give_the_numbers_per_need(dialogue, lang):
    th = rendered("right_to_medical_care.TH", lang, dialogue, "TH")
    assert "1669" in th and "1323" in th
    my = rendered("right_to_medical_care.MY", lang, dialogue, "MY")
    assert "999" in my and "15555" in my


# -- the legal review's safety findings ------------------------------------------------------------

DANGER = ["human.requested", "duty.off", "fallback.unavailable", "input.unknown_language.safety",
          "privacy.delete_confirm"]


@pytest.mark.parametrize("lang", CATALOGS)
def test_in_danger_means_medical_and_police_numbers_in_thailand_and_one_number_elsewhere(dialogue, lang):
    for msgid in DANGER:
        th = render(msgid, lang, **dialogue.params(lang, "TH"), next_duty="x")
        assert "1669" in th and "191" in th, (lang, msgid, th)
        us = render(msgid, lang, **dialogue.params(lang, "US"), next_duty="x")
        assert us.count("911") == 1, (lang, msgid, us)


def test_answers_that_invite_details_warn_that_the_line_may_be_monitored():
    for msgid in ("emergency.deportation", "emergency.deportation.US", "canned.details", "input.media_unread",
                  "right_not_to_sign.US.more", "right_to_communicate.US.more", "welcome"):
        assert "monitored" in render(msgid, "en"), msgid


def test_puente_is_not_said_to_be_free_nor_to_contact_the_person():
    for msgid in content.all_message_ids() - {"cost.free"}:  # a clinic's cost, not Puente's
        text = render(msgid, "en").lower()
        assert not re.search(r"\bfree\b(?! legal)", text), msgid  # shared/facts: that hotline is free, not this one
        assert "will contact you" not in text and "keep your phone" not in text, msgid


def test_us_release_is_said_to_depend_and_to_have_changed_and_mexico_assigns_a_public_defender():
    text = render("release_options.US", "en")
    assert "depends on how you entered" in text and "changed several times" in text and "lawyer at once" in text
    assert "public defender" in render("right_to_lawyer.MX", "en")
    assert "more time" not in render("right_to_lawyer.US.more", "en")  # not in the facts


def test_the_us_crisis_line_comes_from_configuration(dialogue):
    assert "%(crisis_line)s" in translations("en").gettext("emergency.self_harm.US")
    assert "988" in rendered("emergency.self_harm.US", "en", dialogue, "US")


@pytest.mark.parametrize("country", ["TH", "MY"])
def test_deportation_guidance_in_thailand_and_malaysia_gives_no_rights_from_other_countries(country):
    msgid = content.emergency_id("emergency_deportation", country)
    text = render(msgid, "en")
    assert "interpreter" not in text and "lawyer" not in text and "volunteer" in text and "monitored" in text
