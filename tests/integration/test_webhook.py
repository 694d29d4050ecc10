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

MUST_PASS = {(r["lang"], r["intent"]): r["text"] for r in (
    json.loads(line) for line in (Path(__file__).parent / "must_pass.jsonl").open(encoding="utf-8"))}
LANGS = ("en", "es", "th", "hmn", "so", "ur")


def expected(msgid, lang, country="US", **extra):
    text = render(msgid, lang, **Dialogue(get_settings()).params(lang, country), **extra)
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
