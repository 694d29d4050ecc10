"""The safety net: per-language urgent phrases (data/urgent/<lang>.yml) found in a message.

The NLU model decides most emergencies; these lists catch what it misses, so that a
missed emergency needs both the model and a reviewed phrase list to be wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.text import normalise

EMERGENCY_INTENTS = ("emergency_medical", "emergency_self_harm", "emergency_abuse", "emergency_deportation")


def phrase_pattern(phrase: str) -> re.Pattern:
    """A reviewed phrase as a pattern over normalised text (bot.text.normalise)."""
    phrase = normalise(phrase)
    # Latin-script phrases must match whole words ("die" must not fire inside "diet");
    # Thai and Urdu script have no such boundaries to rely on (Thai has no spaces).
    if phrase.isascii():
        return re.compile(r"(?<!\w)" + re.escape(phrase).replace(r"\ ", r"\s+") + r"(?!\w)")
    return re.compile(re.escape(phrase))


@dataclass(frozen=True)
class UrgentPhrases:
    patterns: tuple[tuple[str, re.Pattern], ...]

    @classmethod
    def from_dict(cls, phrases: dict[str, list[str]]) -> "UrgentPhrases":
        pats = []
        for intent, items in phrases.items():
            if intent not in EMERGENCY_INTENTS:
                raise ValueError(f"unknown emergency intent {intent!r} in urgent phrases")
            pats.extend((intent, phrase_pattern(p)) for p in items if str(p).strip())
        return cls(tuple(pats))

    @classmethod
    def load(cls, directory: Path) -> "UrgentPhrases":
        return cls.from_dict(load_phrases(directory))

    def match(self, text: str) -> str | None:
        """The emergency intent whose phrase occurs in the text, or None."""
        norm = normalise(text).replace("’", "'")
        for intent, pattern in self.patterns:
            if pattern.search(norm):
                return intent
        return None


def load_phrases(directory: Path) -> dict[str, list[str]]:
    """All languages' phrases merged per intent: people code-switch, so every list applies to every message."""
    merged: dict[str, list[str]] = {intent: [] for intent in EMERGENCY_INTENTS}
    for path in sorted(Path(directory).glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for intent, items in (doc.get("phrases") or {}).items():
            merged.setdefault(intent, []).extend(str(i) for i in items or [])
    return merged
