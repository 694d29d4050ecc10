"""Faults in the real processes, one component at a time: a frozen Redis, Rasa down. Each
urgent message sent during the fault still gets the emergency guidance in time, in the
person's language, and ends as exactly one urgent case with one notice per volunteer."""
from __future__ import annotations

import time

import pytest

from bot.handoff import escalations
from bot.store import storage
from bot.store.privacy import pseudonymise
from tests.integration.conftest import eventually, frozen, speakers
from tests.integration.test_webhook import expected, joined


def cases_of(number: str) -> list[dict]:
    return [c for c in escalations.open_cases() if c["sender"] == pseudonymise(number)]


def first_notices(messages, case_id):
    return [m for m in messages if m["status_code"] == 201 and m["Body"].startswith(f"Puente: URGENT case {case_id} ")]


@pytest.mark.parametrize("lang,text,emergency", [
    ("es", "no quiero vivir más, ya no aguanto", "emergency.self_harm.US"),
    ("en", "my cellmate collapsed and is not moving", "emergency.medical"),
])
def test_rasa_down_an_emergency_the_phrase_lists_miss_still_gets_the_guidance(phone, stack, roster, fake_twilio,
                                                                              lang, text, emergency):
    phone.text("hola" if lang == "es" else "hello")  # the person's language is remembered
    with frozen(stack["rasa_process"]):
        started = time.monotonic()
        reply = joined(phone.text(text))
        elapsed = time.monotonic() - started
    assert elapsed < 10
    assert expected(emergency, lang) in reply and expected("fallback.unavailable", lang) in reply
    [case] = cases_of(phone.number)
    assert case["priority"] == "urgent"
    fake_twilio.wait_for(lambda ms: first_notices(ms, case["id"]), timeout=15)
    time.sleep(0.5)
    assert sorted(m["To"] for m in first_notices(fake_twilio.messages, case["id"])) == speakers(lang)


def test_a_frozen_redis_answers_in_time_in_the_persons_language_and_the_case_arrives_once(
        phone, stack, roster, fake_twilio, redis_server):
    text = "me estan golpeando ahora mismo, ayudenme por favor"
    with frozen(redis_server["process"]):
        started = time.monotonic()
        reply = joined(phone.text(text))
        elapsed = time.monotonic() - started
    storage.reset_availability()  # this test process saw the timeout too
    assert elapsed < 10, elapsed
    assert expected("emergency.abuse", "es") in reply  # Spanish, without the profile in Redis
    # The action server's flusher moves the spooled case into Redis by itself, once.
    cases = eventually(lambda: cases_of(phone.number), timeout=10)
    assert len(cases) == 1 and cases[0]["priority"] == "urgent"
    fake_twilio.wait_for(lambda ms: first_notices(ms, cases[0]["id"]), timeout=15)
    time.sleep(1.0)
    assert sorted(m["To"] for m in first_notices(fake_twilio.messages, cases[0]["id"])) == speakers("es")
    assert len(cases_of(phone.number)) == 1
