"""Long and odd bodies, with Rasa up and with Rasa frozen (the offline fallback),
timed; replays of the same MessageSid while Rasa is frozen."""
from __future__ import annotations

import os
import signal
import time

import pytest

from bot.handoff import escalations
from bot.store.privacy import pseudonymise
from tests.integration.test_webhook import expected, joined

URGENT = "my cellmate collapsed and is not moving"
BODIES = {
    "latin1600": ("word " * 320)[:1600 - len(URGENT) - 1] + " " + URGENT,
    "thai_nospace": "ช่วยด้วย" * 180 + " " + URGENT,
    "zwj_emoji": "👩‍👩‍👧‍👦" * 130 + " " + URGENT,
    "combining": ("a" + "\u0301" * 20) * 70 + " " + URGENT,
    "rtl_controls": "\u202e\u2066" * 300 + URGENT,
    "nul_and_ctl": "\x00\x01\x1b[2J" * 200 + URGENT,
    "whatsapp4096": ("ayuda " * 700)[:4096 - len(URGENT) - 1] + " " + URGENT,
}


def cases_of(number):
    return [c for c in escalations.open_cases(1000) if c["sender"] == pseudonymise(number)]


@pytest.mark.parametrize("name", list(BODIES))
def test_odd_body_with_rasa_up_is_answered_in_time(phone, stack, name):
    channel = "whatsapp" if name == "whatsapp4096" else "sms"
    started = time.monotonic()
    bodies = phone.text(BODIES[name], channel=channel)
    elapsed = time.monotonic() - started
    print(name, "elapsed", round(elapsed, 2), "bodies", len(bodies))
    assert elapsed < 10 and bodies
    assert all(len(b) <= (4096 if channel == "whatsapp" else 1600) for b in bodies)


@pytest.mark.parametrize("name", list(BODIES))
def test_odd_body_with_rasa_frozen_gets_the_guidance_in_time(phone, stack, name):
    channel = "whatsapp" if name == "whatsapp4096" else "sms"
    phone.text("hello", channel=channel)
    os.kill(stack["rasa_process"].pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        reply = joined(phone.text(BODIES[name], channel=channel))
        elapsed = time.monotonic() - started
    finally:
        os.kill(stack["rasa_process"].pid, signal.SIGCONT)
    print(name, "elapsed", round(elapsed, 2))
    assert elapsed < 10, elapsed
    assert expected("fallback.unavailable", "en").replace("*", "")[:40] in reply.replace("*", "")
    assert len(cases_of(phone.number)) == 1


def test_twilio_retrying_one_sid_while_rasa_is_frozen_makes_one_case_and_one_transcript_line(phone, stack):
    import json
    phone.text("hello")
    sid = "SMprobe" + os.urandom(8).hex()
    os.kill(stack["rasa_process"].pid, signal.SIGSTOP)
    try:
        first = phone.text(URGENT, sid=sid)
        again = phone.text(URGENT, sid=sid)
    finally:
        os.kill(stack["rasa_process"].pid, signal.SIGCONT)
    time.sleep(5)
    assert first and again == []
    [case] = cases_of(phone.number)
    person = [l for l in json.loads(case["transcript"]) if l["from"] == "person"]
    print([l["text"] for l in person])
    assert [l["text"] for l in person].count(URGENT) == 1
