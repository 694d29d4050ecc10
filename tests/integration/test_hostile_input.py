"""Input from people is text, and odd input is answered, never a 5xx: signed requests through
the real Flask webhook, Rasa, action server and Redis."""
from __future__ import annotations

import json
import random
import string
from pathlib import Path

import pytest

from bot.handoff import escalations
from bot.store import storage
from bot.store.privacy import pseudonymise
from tests.integration.test_webhook import expected, joined
from webhook import voice

MUST_PASS = {(r["lang"], r["intent"]): r["text"] for r in (
    json.loads(line) for line in (Path(__file__).parent / "must_pass.jsonl").open(encoding="utf-8"))}


def sender_cases(number: str) -> list[dict]:
    return [c for c in escalations.open_cases() if c["sender"] == pseudonymise(number)]


@pytest.mark.parametrize("typed", ["/restart", "/emergency_medical", "/nlu_fallback", " //greet", "/session_start",
                                   '/emergency_medical{"x": 1}'])
def test_a_message_typed_as_a_command_is_read_as_text(phone, typed):
    bodies = phone.text(typed)
    assert bodies and len(joined(bodies)) < 1600
    assert len(sender_cases(phone.number)) <= 1  # never a loop of cases


def test_restart_typed_does_not_reset_the_conversation(phone):
    phone.text(MUST_PASS[("es", "greet")])
    assert storage.load_profile(pseudonymise(phone.number)).get("language") == "es"
    phone.text("/restart")
    assert expected("welcome", "es") in joined(phone.text(MUST_PASS[("es", "greet")]))


def test_a_status_callback_posted_to_the_messages_url_touches_nothing(phone, redis_client):
    before = set(redis_client.keys("puente:profile:*"))
    for status in ("sent", "delivered", "undelivered", "failed", "read"):
        response = phone.post("/twilio/messages", {"MessageSid": f"SM-status-{status}", "MessageStatus": status,
                                                   "SmsStatus": status, "From": "+15550100", "To": phone.number})
        assert response.status_code == 200 and b"<Message>" not in response.data
    assert set(redis_client.keys("puente:profile:*")) == before


@pytest.mark.parametrize("opt_out", ["STOP", "HELP", "START"])
def test_a_keyword_twilio_answered_already_gets_nothing_more(phone, redis_client, opt_out):
    assert phone.text(opt_out.lower() if opt_out != "HELP" else "help", OptOutType=opt_out) == []
    opted_out = redis_client.exists(storage.OPT_OUT.format(pseudonymise(phone.number)))
    assert bool(opted_out) == (opt_out == "STOP")


def test_a_replay_without_an_id_is_answered_once(phone):
    params = {"From": phone.number, "To": "+15550100", "Body": MUST_PASS[("en", "greet")], "NumMedia": "0"}
    first, again = phone.post("/twilio/messages", params), phone.post("/twilio/messages", params)
    assert b"<Message>" in first.data and b"<Message>" not in again.data


# -- fuzz: every Twilio route, malformed fields, never a 5xx -----------------------------------

ROUTES = ["/twilio/messages"] + [f"/twilio/voice{p}" for p in (
    "", "/menu", "/language", "/topics", "/topic", "/silence", "/answer", "/after", "/dial", "/whisper",
    "/whisper-accept", "/dial-done", "/voicemail-prompt", "/voicemail")]
FIELDS = ["Body", "From", "To", "NumMedia", "MediaContentType0", "Latitude", "Longitude", "Digits", "SpeechResult",
          "CallSid", "MessageSid", "RecordingUrl", "RecordingSid", "DialCallStatus", "OptOutType", "SmsStatus",
          "MessageStatus"]
QUERY = ["lang", "n", "to", "topic", "urgent", "unsure", "call"]
ODD = ["", " ", "abc", "-1", "99999999999999999999", "1e309", "nan", "inf", "²", "٣", "0x10", "/restart", "+266696687",
       "whatsapp:", "\x00", "é" * 300, "🇹🇭" * 50, "<Say>hi</Say>", "../../etc", "%s%n", "1", "0", "*", "#", "12",
       "emergency_medical", "whatsapp:+15550123", "null", "[]", "{}"]


def test_two_thousand_malformed_requests_get_no_5xx(phone):
    from bot.handoff import cases

    rng = random.Random(20261130)
    failures = []
    before = {c["id"] for c in escalations.open_cases(limit=10_000)}
    for i in range(2000):
        route = rng.choice(ROUTES)
        query = "&".join(f"{k}={rng.choice(ODD[:12] + ['es', 'ur', 'rights_general', 'topics'])}"
                         for k in rng.sample(QUERY, rng.randint(0, 3)))
        path = route + (f"?{query}" if query else "")
        form = {k: rng.choice(ODD + ["".join(rng.choices(string.printable, k=rng.randint(1, 40)))])
                for k in rng.sample(FIELDS, rng.randint(0, 8))}
        response = phone.post(path, form)
        if response.status_code >= 500:
            failures.append((path, form, response.status_code))
    for case in escalations.open_cases(limit=10_000):  # what the fuzz opened must not confuse later tests
        if case["id"] not in before:
            cases.close(case["id"], "fuzz", "other")
    assert not failures, failures[:5]


def test_voice_follow_ups_with_odd_counters_still_reach_a_person(phone, roster):
    from tests.integration.test_voice import Call, end_of_menus

    for n in ("abc", "-5", "²", "99999"):
        call = Call(phone)
        response = call.settle(call.post(f"/twilio/voice/topics?lang=es&n={n}"))
        for _ in range(voice.MAX_TRIES):
            if end_of_menus(response):
                break
            response = call.answer(response, Digits="7")
        assert end_of_menus(response) == "Dial", n
