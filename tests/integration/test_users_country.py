"""As users try it (issue 13): a person whose profile country is Thailand or Malaysia, when the
assistant cannot answer (Rasa hung): the emergency guidance must carry their country's numbers."""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from bot.handoff import escalations
from bot.store import storage
from bot.store.privacy import pseudonymise

MUST_PASS = {(r["lang"], r["intent"]): r["text"] for r in (
    json.loads(line) for line in (Path(__file__).parent / "must_pass.jsonl").open(encoding="utf-8"))}


@pytest.mark.parametrize("country, lang, number", [("TH", "th", "1669"), ("MY", "en", "999")])
def test_assistant_down_an_emergency_from_thailand_or_malaysia_gets_that_countrys_number(
        phone, stack, roster, country, lang, number):
    sender = pseudonymise(phone.number)
    phone.text(MUST_PASS[(lang, "greet")])
    storage.save_profile(sender, country=country)  # as "8 Country" in the menu leaves it
    rasa = stack["rasa_process"]
    os.kill(rasa.pid, signal.SIGSTOP)
    try:
        reply = "\n".join(phone.text(MUST_PASS[(lang, "emergency_medical")]))
    finally:
        os.kill(rasa.pid, signal.SIGCONT)
    assert number in reply and "911" not in reply, reply
    [case] = [c for c in escalations.open_cases() if c["sender"] == sender]
    assert case["country"] == country
