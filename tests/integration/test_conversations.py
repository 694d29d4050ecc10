"""Conversations through the real Rasa server, action server and Redis."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from bot.conversation.catalog import render
from bot.conversation.dialogue import Dialogue
from bot.handoff import escalations
from bot.settings import get_settings


def expected(msgid: str, lang: str, country: str = "US") -> str:
    return render(msgid, lang, **Dialogue(get_settings()).params(lang, country))


def new_sender() -> str:
    return "p_test" + uuid.uuid4().hex[:10]


MUST_PASS = {(r["lang"], r["intent"]): r["text"] for r in (
    json.loads(line) for line in (Path(__file__).parent / "must_pass.jsonl").open(encoding="utf-8"))}
QUESTIONS = {"hmn": ("find_detained_person", "find_detained_person.US"), "th": ("covid_testing_vaccine", "covid_testing_vaccine"),
             "es": ("right_to_lawyer", "right_to_lawyer.US"), "so": ("covid_prevention", "covid_prevention"),
             "ur": ("right_to_lawyer", "right_to_lawyer.US"), "en": ("rights_general", "rights_general.US")}


@pytest.mark.parametrize("lang", list(QUESTIONS))
def test_language_detected_from_first_message_and_remembered(chat, lang):
    sender = new_sender()
    first = chat(sender, MUST_PASS[(lang, "greet")])
    assert expected("welcome", lang) in first[0]
    intent, answer = QUESTIONS[lang]
    second = chat(sender, MUST_PASS[(lang, intent)])
    assert any(expected(answer, lang) in text for text in second), (second, expected(answer, lang))


def test_switching_language_by_name_and_by_menu(chat):
    sender = new_sender()
    assert expected("welcome", "es") in chat(sender, "hola buenos dias")[0]
    switched = chat(sender, "english please")
    assert expected("language.switched", "en") in switched[0]
    chat(sender, "menu")
    assert "6 اردو" in chat(sender, "7")[0]
    assert expected("language.switched", "ur") in chat(sender, "6")[0]


def test_unsure_messages_get_a_numbered_menu_then_a_person(chat, redis_client):
    sender = new_sender()
    chat(sender, "hello")
    replies = [chat(sender, "xylophone quantum banana") for _ in range(3)]
    unsure = (expected("clarify.intro", "en"), expected("out_of_scope", "en"))
    assert any(u in replies[0][0] for u in unsure), replies
    assert any(expected("human.after_misunderstandings", "en") in text for text in replies[-1])
    cases = [c for c in escalations.open_cases() if c["sender"] == sender]
    assert [(c["priority"], c["reason"]) for c in cases] == [("normal", "misunderstood")]


@pytest.mark.parametrize("lang,text,intent", [
    ("en", "my cellmate is not breathing please help", "emergency_medical"),
    ("es", "me quiero matar ya no aguanto", "emergency_self_harm"),
    ("th", "ผู้คุมซ้อมผมจนเลือดออก", "emergency_abuse"),
    ("hmn", "lawv yuav xa kuv rov qab hmo no", "emergency_deportation"),
    ("so", "ma neefsan karo caawimaad", "emergency_medical"),
    ("ur", "mujhe aaj raat deport kar rahe hain", "emergency_deportation"),
])
def test_emergency_gets_guidance_and_is_recorded(chat, redis_client, lang, text, intent):
    sender = new_sender()
    replies = chat(sender, text, channel="whatsapp")
    written_in = "ur-Latn" if lang == "ur" and text.isascii() else lang  # Roman Urdu is answered in Roman Urdu
    assert any(expected("escalation.recorded", written_in) in r for r in replies)
    cases = [c for c in escalations.open_cases() if c["sender"] == sender]
    assert len(cases) == 1
    case = cases[0]
    assert (case["priority"], case["language"], case["channel"]) == ("urgent", lang, "whatsapp")
    assert case["reason"].startswith("emergency_")


def test_empty_and_emoji_messages_are_answered(chat):
    sender = new_sender()
    chat(sender, "hola")
    assert expected("input.emoji", "es") in chat(sender, "🙏🙏")[0]


def test_language_is_remembered_across_conversations_of_one_sender(chat, redis_client):
    sender = new_sender()
    chat(sender, "nyob zoo")
    from bot.store import storage

    assert storage.tracker_client().delete(storage.TRACKER.format(sender)) == 1  # the conversation expires
    # ... and the profile still knows the language
    assert expected("menu.main", "hmn") in chat(sender, "menu")[0]


def test_a_language_we_do_not_serve_gets_the_menu_in_every_language_not_urdu(chat):
    sender = new_sender()
    reply = chat(sender, "سلام، من در بازداشتگاه هستم و به وکیل نیاز دارم")
    assert "Soomaali" in reply[-1] and "اردو" in reply[-1] and "English" in reply[-1]
    assert not any(expected("right_to_lawyer.US", "ur") in text for text in reply)
    assert expected("language.switched", "ur") in chat(sender, "6")[0]  # then Urdu, by choice


def test_past_persecution_is_an_asylum_question_not_an_alarm(chat, redis_client):
    """No emergency guidance; at most the one question about danger now, and "no" answers it."""
    sender = new_sender()
    reply = chat(sender, "in my country the police beat me and burned our house years ago, can i ask for asylum here")
    assert not any(expected("emergency.abuse", "en") in text for text in reply), reply
    if reply == [expected("urgency.ask", "en")]:
        reply = chat(sender, "2")
        assert reply[0] == expected("urgency.lowered", "en")
    assert any(expected("right_to_asylum.US", "en") in text for text in reply), reply
    assert not [c for c in escalations.open_cases() if c["sender"] == sender and c["priority"] == "urgent"]
