"""The recordings manifest: what an organisation records for the languages Twilio cannot
speak (Hmong, Somali, Urdu), one row per voice message id with its script.

Until a recording is configured (config/organisation.yml, voice_recordings), the phone line
says a short notice in English and puts the caller through to a person by keypad
(webhook/voice.py); every row recorded replaces that notice for one message.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.conversation import content
from bot.conversation.catalog import PLACEHOLDER, entry_text
from bot.settings import ROOT, get_settings

NO_VOICE = ("hmn", "so", "ur")  # Twilio has neither a voice nor, but for Urdu, speech for these
MANIFEST = ROOT / "data" / "voice" / "recordings-manifest.csv"
COLUMNS = ("language", "message_id", "fixed", "recorded", "script", "english")
# Filled at run time from what the caller asked (a clinic's name, a digit): these cannot be one
# recording, so the phone line keeps English speech for them.
RUN_TIME = {"name", "distance", "status", "phone", "place", "radius", "digit", "reviewed_on", "next_duty"}


def rows(langs: tuple[str, ...] = NO_VOICE) -> list[dict[str, str]]:
    """Every message the phone line can say (content.spoken_ids), per language, sorted by id.

    `script` is the catalog text with the organisation's configured numbers and hours filled
    in: re-record after changing them. `fixed` is "no" where a value is only known during the
    call. `recorded` is the configured recording's URL, if any."""
    from bot.conversation.dialogue import say

    recordings = get_settings().org.get("voice_recordings") or {}
    out = []
    for lang in langs:
        for msgid in sorted(content.spoken_ids() | {"voice.language_option"}):
            names = set(PLACEHOLDER.findall(entry_text(msgid, lang)))
            fixed = not (names & RUN_TIME)
            out.append({
                "language": lang, "message_id": msgid, "fixed": "yes" if fixed else "no",
                "recorded": (recordings.get(lang) or {}).get(msgid, ""),
                "script": say(msgid, lang) if fixed else entry_text(msgid, lang),
                "english": say(msgid, "en") if fixed else entry_text(msgid, "en"),
            })
    return out


def as_csv(langs: tuple[str, ...] = NO_VOICE) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(langs))
    return buffer.getvalue()


def write(path: Path = MANIFEST) -> Path:
    path.write_text(as_csv(), encoding="utf-8")
    return path
