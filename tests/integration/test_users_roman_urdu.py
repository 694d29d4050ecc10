"""As users try it (issue 13): a Roman Urdu writer and an Urdu-script writer on SMS and WhatsApp,
through the real webhook, Rasa, action server and Redis. A keyword typed in Latin letters
("more", "menu", "more info", "main menu") says nothing of the person's language or script."""
from __future__ import annotations

import os
import signal

import pytest

from bot.conversation.catalog import render
from bot.conversation.dialogue import Dialogue
from bot.handoff import escalations, volunteers
from bot.settings import get_settings
from bot.store import storage
from bot.store.privacy import pseudonymise


def expected(msgid, catalog, country="US"):
    return render(msgid, catalog, **Dialogue(get_settings()).params(catalog, country)).replace("–", "-")


def joined(bodies):
    return "\n\n".join(bodies).replace("*", "")


def profile(phone, channel):
    return storage.load_profile(pseudonymise(f"whatsapp:{phone.number}" if channel == "whatsapp" else phone.number))


ROMAN_LAWYER = "mere bhai ko ICE ne detain kar liya hai, usko lawyer chahiye"
URDU_LAWYER = "مجھے وکیل چاہیے"


@pytest.mark.parametrize("channel, word", [("sms", "MORE"), ("whatsapp", "more")])
def test_roman_urdu_writer_typing_more_gets_the_details_in_roman_urdu(phone, channel, word):
    """The Roman Urdu answer itself ends "Tafseel ke liye MORE bhejein"; doing so flips to English."""
    phone.text("assalam o alaikum", channel=channel)
    assert expected("right_to_lawyer.US", "ur-Latn").splitlines()[0] in joined(phone.text(ROMAN_LAWYER, channel=channel))
    more = joined(phone.text(word, channel=channel))  # "more" is listed in data/keywords/ur.yml
    assert (profile(phone, channel).get("language"), profile(phone, channel).get("script")) == ("ur", "Latn")
    assert expected("right_to_lawyer.US.more", "ur-Latn").splitlines()[0] in more, more


def test_roman_urdu_writer_typing_menu_gets_the_menu_in_roman_urdu(phone):
    phone.text("assalam o alaikum", channel="whatsapp")
    phone.text(ROMAN_LAWYER, channel="whatsapp")
    menu = joined(phone.text("menu", channel="whatsapp"))
    assert expected("menu.main", "ur-Latn").replace("*", "").splitlines()[1] in menu, menu


@pytest.mark.parametrize("keyword, msgid", [("more", "right_to_lawyer.US.more"), ("more info", "right_to_lawyer.US.more"),
                                            ("main menu", "menu.main"), ("menu", "menu.main")])
def test_urdu_script_writer_typing_a_latin_keyword_stays_in_urdu_script(phone, keyword, msgid):
    phone.text("السلام علیکم", channel="whatsapp")
    assert expected("right_to_lawyer.US", "ur").splitlines()[0] in joined(phone.text(URDU_LAWYER, channel="whatsapp"))
    reply = joined(phone.text(keyword, channel="whatsapp"))
    p = profile(phone, "whatsapp")
    assert (p.get("language"), p.get("script")) == ("ur", "Arab"), (keyword, p, reply[:200])
    assert expected(msgid, "ur").replace("*", "").splitlines()[-1] in reply, reply[:300]


def test_guard_family_member_writing_english_then_the_roman_urdu_writer_again(phone):
    """Passing guard: a full English message switches, a full Roman Urdu one switches back."""
    phone.text("assalam o alaikum")
    english = joined(phone.text("My brother was detained yesterday, how can I find him?"))
    assert expected("find_detained_person.US", "en").splitlines()[0] in english
    back = joined(phone.text("bhai ka pata kaise karoon"))
    assert expected("find_detained_person.US", "ur-Latn").splitlines()[0] in back


def test_assistant_down_a_roman_urdu_writers_message_reaches_the_urdu_speaking_volunteers(phone, stack, roster):
    phone.text("assalam o alaikum")
    rasa = stack["rasa_process"]
    os.kill(rasa.pid, signal.SIGSTOP)
    try:
        reply = joined(phone.text("mujhe apne bhai ke case ke bare mein kisi se baat karni hai"))
    finally:
        os.kill(rasa.pid, signal.SIGCONT)
    assert expected("fallback.unavailable", "ur-Latn") in reply  # the reply itself is right
    sender = pseudonymise(phone.number)
    [case] = [c for c in escalations.open_cases() if c["sender"] == sender]
    # The case's language picks who is notified (notify: volunteers.on_call_for(case["language"])).
    assert volunteers.on_call_for(case["language"]), f"case language {case['language']!r}: no volunteer speaks it"
    assert case["language"] == "ur"
