"""Typed commands never reach Rasa as commands (webhook.rasa_client.as_text)."""
from __future__ import annotations

import os

import pytest
import requests

from bot.store.privacy import pseudonymise
from webhook.rasa_client import as_text


@pytest.mark.parametrize("typed", ["/ /restart", "/\t/emergency_medical", "//  /greet", "/ /emergency_medical{\"x\": 1}"])
def test_as_text_leaves_no_command(typed):
    assert not as_text(typed).startswith("/"), as_text(typed)


@pytest.mark.parametrize("typed,intent", [("/ /emergency_medical", "emergency_medical"), ("/ /greet", "greet")])
def test_a_command_behind_a_slash_and_a_space_reaches_rasa_as_a_command(phone, stack, typed, intent):
    phone.text(typed)
    tracker = requests.get(f"{stack['rasa']}/conversations/{pseudonymise(phone.number)}/tracker", timeout=10,
                           params={"token": os.environ.get("RASA_AUTH_TOKEN", "")}).json()
    latest = tracker["latest_message"]
    print(latest.get("text"), latest.get("intent"))
    # A command is taken at face value: the typed intent with confidence 1.0, not the NLU's reading.
    assert not (latest["text"].startswith("/") and latest["intent"].get("confidence") == 1.0), latest
