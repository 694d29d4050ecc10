"""Rasa's REST channel, with a deadline: a person always gets an answer in time."""
from __future__ import annotations

import re

import requests

from bot.settings import rasa_token


class RasaUnavailable(Exception):
    pass


_session = requests.Session()


def as_text(text: str) -> str:
    """What a person wrote, as text Rasa cannot take for a command: Rasa reads a message that
    starts with "/" as an intent or a command ("/restart", "/emergency_medical{...}",
    "/nlu_fallback"), so leading slashes are dropped ("/restart" is read as "restart")."""
    # Slashes and spaces together: "/ /restart" must not become "/restart".
    return re.sub(r"^[\s/]+", "", text) if text.lstrip().startswith("/") else text


def converse(rasa_url: str, sender: str, text: str, metadata: dict, timeout: float) -> list[str]:
    try:
        response = _session.post(f"{rasa_url}/webhooks/puente/webhook",
                                 json={"sender": sender, "message": text, "metadata": metadata},
                                 headers={"X-Puente-Token": rasa_token()}, timeout=(1.0, timeout))
        response.raise_for_status()
        texts = [m["text"] for m in response.json() if m.get("text")]
    except (requests.RequestException, ValueError) as error:
        raise RasaUnavailable(type(error).__name__) from error
    if not texts:  # Rasa answered but its action server did not: the same as no answer
        raise RasaUnavailable("empty reply")
    return texts


def triage(rasa_url: str, text: str, timeout: float = 3.0) -> dict:
    """Rasa's parse of one message (`urgency`, `intent`, `language`), for a conversation the
    assistant does not answer (a volunteer holds it). {} when Rasa cannot answer in time."""
    try:
        response = _session.post(f"{rasa_url}/model/parse", json={"text": as_text(text)}, timeout=(1.0, timeout),
                                 params={"token": rasa_token()})
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError):
        return {}
