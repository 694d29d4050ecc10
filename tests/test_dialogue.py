"""bot.conversation.dialogue: what a person receives for a turn, without a model (parses are given)."""
from __future__ import annotations

import pytest

from bot.conversation.catalog import render
from bot.conversation.languages import catalog_for
from bot.conversation.dialogue import Dialogue, State, Turn
from bot.settings import get_settings


@pytest.fixture
def dialogue():
    return Dialogue(get_settings())


def turn(text, intent=None, confidence=0.95, language="en", language_confidence=0.99, ranking=None):
    return Turn(text=text, intent=intent, confidence=confidence, language=language,
                language_confidence=language_confidence,
                ranking=tuple(ranking or ([(intent, confidence)] if intent else ())))


def said(reply, msgid, lang, dialogue, country="US"):
    lang = catalog_for(lang, reply.state.script)  # Urdu written in Latin letters is answered in Roman Urdu
    expected = render(msgid, lang, **dialogue.params(lang, country))
    return any(expected in message for message in reply.messages)


def test_first_message_sets_the_language_and_answers_in_it(dialogue):
    reply = dialogue.respond(State(), turn("nyob zoo", "greet", language="hmn"))
    assert reply.state.language == "hmn"
    assert said(reply, "welcome", "hmn", dialogue) and said(reply, "menu.main", "hmn", dialogue)


def test_remembered_language_holds_against_a_stray_word(dialogue):
    state = State(language="so")
    reply = dialogue.respond(state, turn("ok", "affirm", language="en", language_confidence=0.6))
    assert reply.state.language == "so" and said(reply, "affirm", "so", dialogue)


def test_naming_a_language_switches(dialogue):
    reply = dialogue.respond(State(language="es"), turn("ภาษาไทย", "choose_language", language="th",
                                                        language_confidence=1.0))
    assert reply.state.language == "th" and said(reply, "language.switched", "th", dialogue)


def test_language_menu_by_number(dialogue):
    reply = dialogue.respond(State(language="en"), turn("7", "out_of_scope", confidence=0.2))
    assert reply.state.pending_menu == "menu.language" and "4 Hmoob" in reply.messages[-1]
    reply = dialogue.respond(reply.state, turn("5", "out_of_scope", confidence=0.2))
    assert reply.state.language == "so" and said(reply, "language.switched", "so", dialogue)


def test_unknown_script_first_message_offers_every_language(dialogue):
    reply = dialogue.respond(State(), turn("你好 我需要帮助", "out_of_scope", 0.3, "en", 0.0))
    assert reply.state.language is None
    assert "Soomaali" in reply.messages[-1] and "اردو" in reply.messages[-1]


def test_country_answers_differ_and_can_be_changed(dialogue):
    us = dialogue.respond(State(language="es"), turn("abogado gratis", "right_to_lawyer", language="es"))
    assert said(us, "right_to_lawyer.US", "es", dialogue)
    state = dialogue.respond(us.state, turn("menu", "menu", language="es")).state
    state = dialogue.respond(state, turn("8", language="es")).state
    mx = dialogue.respond(state, turn("2", language="es"))
    assert mx.state.country == "MX" and said(mx, "country.switched", "es", dialogue, "MX")
    answer = dialogue.respond(mx.state, turn("abogado gratis", "right_to_lawyer", language="es"))
    assert said(answer, "right_to_lawyer.MX", "es", dialogue, "MX")


def test_no_checked_facts_means_a_person_not_a_guess(dialogue):
    reply = dialogue.respond(State(language="en", country="MY"), turn("free lawyer", "right_to_lawyer"))
    assert said(reply, "no_verified_info", "en", dialogue, "MY")


def test_more_sends_the_follow_up(dialogue):
    first = dialogue.respond(State(language="en"), turn("lawyer", "right_to_lawyer"))
    more = dialogue.respond(first.state, turn("MORE", "out_of_scope", 0.3))
    assert said(more, "right_to_lawyer.US.more", "en", dialogue)


@pytest.mark.parametrize("intent,msgid,number", [
    ("emergency_medical", "emergency.medical", "911"), ("emergency_self_harm", "emergency.self_harm.US", "988"),
    ("emergency_abuse", "emergency.abuse", "911"), ("emergency_deportation", "emergency.deportation.US", "afraid")])
def test_emergencies_get_guidance_at_once_and_escalate_urgently(dialogue, intent, msgid, number):
    reply = dialogue.respond(State(language="en", pending_menu="menu.rights"), turn("help", intent, 0.4))
    assert said(reply, msgid, "en", dialogue) and number in reply.messages[0]
    assert said(reply, "escalation.recorded", "en", dialogue)
    assert reply.escalation.priority == "urgent" and reply.escalation.reason == intent


def test_self_harm_guidance_uses_the_country_number(dialogue):
    reply = dialogue.respond(State(language="th", country="TH"), turn("...", "emergency_self_harm", language="th"))
    assert "1323" in reply.messages[0] and "988" not in reply.messages[0]  # Thailand's mental-health hotline


@pytest.mark.parametrize("country,intent,number", [("TH", "emergency_medical", "1669"), ("TH", "emergency_abuse", "191"),
                                                   ("TH", "emergency_self_harm", "1323"),
                                                   ("MY", "emergency_self_harm", "15555"),
                                                   ("MY", "emergency_medical", "999"), ("MX", "emergency_abuse", "911")])
def test_each_emergency_gets_the_number_for_its_need_in_each_country(dialogue, country, intent, number):
    """shared/facts: in Thailand one number for every emergency is wrong (1669 ambulance, 191
    police, 1323 mental health); Malaysia has a crisis line besides 999."""
    for lang in ("en", "es", "th", "hmn", "so", "ur"):
        reply = dialogue.respond(State(language=lang, country=country), turn("...", intent, language=lang))
        assert number in reply.messages[0], (lang, country, intent, reply.messages[0])


def test_unsure_parse_that_looks_urgent_is_not_guessed_away(dialogue):
    ranking = [("covid_sick", 0.28), ("emergency_medical", 0.26), ("covid_info", 0.2)]
    reply = dialogue.respond(State(language="en"), turn("he is weird and cold", "covid_sick", 0.28, ranking=ranking))
    assert reply.escalation and reply.escalation.priority == "urgent"


def test_urgent_phrase_escalates_whatever_the_intent(dialogue):
    reply = dialogue.respond(State(language="es"), turn("no puede respirar", "covid_sick", 0.9, language="es"))
    assert reply.escalation and reply.escalation.priority == "urgent"


def test_low_confidence_offers_a_numbered_choice_then_a_person(dialogue):
    ranking = [("right_to_lawyer", 0.25), ("release_options", 0.2), ("rights_general", 0.2)]
    state = State(language="en")
    first = dialogue.respond(state, turn("papers court thing", "right_to_lawyer", 0.25, ranking=ranking))
    assert said(first, "clarify.intro", "en", dialogue) and "1 A lawyer" in first.messages[0]
    chosen = dialogue.respond(first.state, turn("1"))
    assert said(chosen, "right_to_lawyer.US", "en", dialogue)
    # Three misunderstandings in a row reach a person.
    state = first.state
    for _ in range(2):
        reply = dialogue.respond(state, turn("papers court thing", "right_to_lawyer", 0.25, ranking=ranking))
        state = reply.state
    assert reply.escalation and reply.escalation.priority == "normal"


@pytest.mark.parametrize("text,msgid", [("", "input.empty"), ("   ", "input.empty"), ("🙏🙏😢", "input.emoji")])
def test_empty_and_emoji_only_get_a_clear_answer_in_the_remembered_language(dialogue, text, msgid):
    reply = dialogue.respond(State(language="ur"), turn(text, "out_of_scope", 0.2, "en", 0.0))
    assert said(reply, msgid, "ur", dialogue)


def test_huge_message_is_answered_and_says_it_was_cut(dialogue):
    text = "necesito un abogado " * 400
    reply = dialogue.respond(State(language="es"), turn(text, "right_to_lawyer", language="es"))
    assert said(reply, "input.too_long", "es", dialogue) and said(reply, "right_to_lawyer.US", "es", dialogue)


def test_request_human_escalates_normally(dialogue):
    reply = dialogue.respond(State(language="so"), turn("qof la hadal", "request_human", language="so"))
    assert reply.escalation.priority == "normal" and said(reply, "human.requested", "so", dialogue)


def test_the_person_is_told_honestly_whether_a_volunteer_is_on_duty(dialogue, monkeypatch):
    hours = dialogue.settings.org["hotline"]["hours"]
    monkeypatch.setitem(hours, "days", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    monkeypatch.setitem(hours, "open", "00:00")
    monkeypatch.setitem(hours, "close", "00:00")  # around the clock
    reply = dialogue.respond(State(language="es"), turn("una persona", "request_human", language="es"))
    assert said(reply, "duty.on", "es", dialogue)
    monkeypatch.setitem(hours, "days", ["sat"])
    monkeypatch.setitem(hours, "open", "10:00")
    monkeypatch.setitem(hours, "close", "10:01")
    reply = dialogue.respond(State(language="es"), turn("me golpearon", "emergency_abuse", language="es"))
    assert not said(reply, "duty.on", "es", dialogue)
    assert "sábado" in reply.messages[-1] and "911" in reply.messages[-1]


def unsure(text, intent="covid_sick", emergency="emergency_medical", language="en"):
    return Turn(text=text, intent=intent, confidence=0.6, language=language, language_confidence=0.99,
                ranking=((intent, 0.6), (emergency, 0.15)), urgency="unsure", urgency_intent=emergency)


def test_unsure_triage_asks_one_question_and_opens_a_possible_urgent_case(dialogue):
    reply = dialogue.respond(State(language="es"), unsure("mi compañero tiene fiebre y esta raro", language="es"))
    assert reply.messages == [render("urgency.ask", "es", **dialogue.params("es", "US"))]
    assert reply.escalation.priority == "urgent" and reply.escalation.possible
    assert reply.state.pending_menu == "urgency.ask"


def test_no_lowers_the_case_and_answers_the_question_asked(dialogue):
    asked = dialogue.respond(State(language="en"), unsure("my cellmate has fever, he looks strange"))
    reply = dialogue.respond(asked.state, turn("2", "out_of_scope", confidence=0.2))
    assert reply.danger_answer == "denied" and reply.escalation is None
    assert said(reply, "urgency.lowered", "en", dialogue) and said(reply, "covid_sick", "en", dialogue)


@pytest.mark.parametrize("answer", [turn("1", "out_of_scope", confidence=0.2), turn("yes", "affirm")])
def test_yes_gives_the_emergency_guidance_without_a_second_case(dialogue, answer):
    asked = dialogue.respond(State(language="en"), unsure("my cellmate has fever, he looks strange"))
    reply = dialogue.respond(asked.state, answer)
    assert reply.danger_answer == "confirmed" and reply.escalation is None
    assert said(reply, "emergency.medical", "en", dialogue) and said(reply, "escalation.recorded", "en", dialogue)


def test_another_message_instead_of_an_answer_leaves_the_case_urgent(dialogue):
    asked = dialogue.respond(State(language="en"), unsure("my cellmate has fever, he looks strange"))
    reply = dialogue.respond(asked.state, turn("how do i find a lawyer", "right_to_lawyer"))
    assert reply.danger_answer is None and said(reply, "right_to_lawyer.US", "en", dialogue)
    assert reply.state.pending_menu != "urgency.ask"


def test_the_nlu_triage_decides_not_a_cruder_phrase_check(dialogue):
    """"In my country they beat me": a calm triage is not overridden by the phrase lists."""
    calm = Turn(text="in my country they beat me, can i ask for asylum", intent="right_to_asylum", confidence=0.7,
                language="en", language_confidence=0.99, ranking=(("right_to_asylum", 0.7),), urgency="calm")
    reply = dialogue.respond(State(language="en"), calm)
    assert reply.escalation is None and said(reply, "right_to_asylum.US", "en", dialogue)


@pytest.mark.parametrize("code", ["fa", "ar", "ps", "other"])
def test_a_language_we_do_not_serve_gets_the_language_menu_not_an_urdu_answer(dialogue, code):
    text = "من به وکیل نیاز دارم" if code != "other" else "ကျွန်တော် အကူအညီ လိုပါတယ်"
    reply = dialogue.respond(State(language="ur"), Turn(text=text, intent="right_to_lawyer", confidence=0.5,
                                                         language="ur", language_confidence=0.0, unserved=code))
    assert "Soomaali" in reply.messages[-1] and "English" in reply.messages[-1]
    assert reply.state.pending_menu == "menu.language" and reply.escalation is None
    # Whatever the language, what to do if someone is in danger, and 0 for a person.
    assert said(reply, "input.unknown_language.safety", "en", dialogue) and "911" in reply.messages[1]


def test_an_emergency_in_a_language_we_do_not_serve_still_comes_first(dialogue):
    reply = dialogue.respond(State(), Turn(text="help they beat me", intent="emergency_abuse", confidence=0.8,
                                           language="ur", language_confidence=0.0, unserved="fa", urgency="urgent",
                                           urgency_intent="emergency_abuse"))
    assert reply.escalation.priority == "urgent"


@pytest.mark.parametrize("unclear", [turn("ไม่แน่ใจ", "deny", confidence=0.5, language="th"),
                                     turn("what?", "out_of_scope", confidence=0.2), turn("3", None)])
def test_an_unclear_answer_keeps_the_case_urgent_and_asks_once_more(dialogue, unclear):
    asked = dialogue.respond(State(language="en"), unsure("my cellmate has fever, he looks strange"))
    again = dialogue.respond(asked.state, unclear)
    assert again.danger_answer is None and again.notes == ["urgency.ask"]
    assert dialogue.respond(again.state, turn("2", None)).danger_answer == "denied"
    # Asked once more only: the next unclear message is handled as a message of its own.
    assert dialogue.respond(again.state, unclear).notes != ["urgency.ask"]


@pytest.mark.parametrize("reply_text,intent,lang", [("ไม่แน่ใจ", "deny", "th"), ("ma garanayo", "find_detained_person", "so"),
                                                     ("pata nahi", "find_detained_person", "ur"), ("no sé", "deny", "es")])
def test_not_sure_never_lowers_a_possible_emergency(dialogue, reply_text, intent, lang):
    asked = dialogue.respond(State(language=lang), unsure("...", language=lang))
    reply = dialogue.respond(asked.state, turn(reply_text, intent, confidence=0.95, language=lang))
    assert reply.danger_answer is None and reply.notes == ["urgency.ask"]
    last = dialogue.respond(reply.state, turn(reply_text, intent, confidence=0.95, language=lang))
    assert last.danger_answer is None and said(last, "escalation.recorded", lang, dialogue)


@pytest.mark.parametrize("word,answer", [("sí", "confirmed"), ("nahi", "denied"), ("ไม่มี", "denied"), ("haa", "confirmed"),
                                         ("tsis muaj", "denied")])
def test_a_plain_yes_or_no_in_each_language_answers(dialogue, word, answer):
    asked = dialogue.respond(State(language="en"), unsure("my cellmate has fever, he looks strange"))
    assert dialogue.respond(asked.state, turn(word, None, confidence=0.0)).danger_answer == answer


def test_zero_after_the_language_menu_reaches_a_person_in_any_language(dialogue):
    menu = dialogue.respond(State(), Turn(text="أنا بحاجة إلى مساعدة", intent="out_of_scope", confidence=0.3,
                                          language="ur", language_confidence=0.0, unserved="ar"))
    reply = dialogue.respond(menu.state, Turn(text="0", language="en", language_confidence=0.0))
    assert reply.escalation is not None and reply.escalation.reason == "request_human"
    assert said(reply, "human.requested", "en", dialogue)


def test_emoji_and_empty_messages_never_add_up_to_a_misunderstood_case(dialogue):
    state = State(language="en")
    for text in ("👍", "👍👍", "", "👍"):
        reply = dialogue.respond(state, turn(text, "out_of_scope", 0.2, "en", 0.0))
        assert reply.escalation is None and reply.state.misunderstandings == 0
        state = reply.state


@pytest.mark.parametrize("content", ["answer_no: no danger\n", "answer_yes: [yes]\n"])
def test_a_keyword_list_that_is_a_string_or_a_boolean_is_refused(tmp_path, content):
    from bot.conversation.dialogue import _keywords

    (tmp_path / "keywords").mkdir()
    (tmp_path / "keywords" / "xx.yml").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="xx.yml: answer_"):
        _keywords(str(tmp_path))


def test_an_urgent_triage_without_an_intent_is_still_an_emergency(dialogue):
    reply = dialogue.respond(State(language="en"), Turn(text="help", intent="out_of_scope", confidence=0.2,
                                                         language="en", language_confidence=0.99, urgency="urgent"))
    assert reply.escalation.priority == "urgent" and said(reply, "emergency.medical", "en", dialogue)


HINTS_FOR_A_PERSON = ["menu.hint", "more.none", "no_verified_info", "rights_general.TH", "right_to_asylum.TH",
                      "rights_general.MY", "handoff.closed", "clinic.place_unknown", "clinic.footer",
                      "clinic.none_near", "clinic.none_near_need"]


@pytest.mark.parametrize("lang", ["en", "es", "th", "hmn", "so", "ur", "ur-Latn"])
def test_every_hint_says_0_for_a_person_and_0_reaches_one_from_every_menu(dialogue, lang):
    import re

    from bot.conversation.catalog import render

    for msgid in HINTS_FOR_A_PERSON:
        text = render(msgid, lang, **dialogue.params(lang, "US"), radius="5 km", place="X", need="Y")
        assert re.search(r"(?<!\d)0(?!\d)", text) and not re.search(r"(?<![\d%])6(?!\d)", text), (lang, msgid)
    for pending in (None, "menu.main", "menu.rights", "menu.health", "menu.country", "menu.language", "clarify"):
        state = State(language=lang.split("-")[0], country="US", pending_menu=pending,
                      options=("covid_info", "right_to_lawyer"), script="Latn" if lang == "ur-Latn" else None)
        reply = dialogue.respond(state, turn("0", None, language=lang.split("-")[0], language_confidence=0.3))
        assert reply.escalation is not None and reply.escalation.reason == "request_human", (lang, pending)
        assert said(reply, "human.requested", lang, dialogue), (lang, pending)


@pytest.mark.parametrize("lang", ["en", "es", "th", "hmn", "so", "ur", "ur-Latn"])
def test_the_key_the_tests_and_vaccines_answer_names_finds_a_clinic(dialogue, lang):
    import re

    from bot.conversation.catalog import render

    code, script = lang.split("-")[0], ("Latn" if lang == "ur-Latn" else None)
    text = render("covid_testing_vaccine", lang)
    [digit] = [d for d in re.findall(r"(?<![\d-])\d(?!\d)", text)]
    answered = dialogue.respond(State(language=code, script=script), turn("test", "covid_testing_vaccine", language=code))
    follow = dialogue.respond(answered.state, turn(digit, None, language=code, language_confidence=0.3))
    assert said(follow, "clinic.ask_place", code, dialogue), (lang, digit)
