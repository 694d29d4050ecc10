"""Cues the urgency decision reads beside the words: when (now / in the past), whether
danger is denied ("breathing fine"), joked about ("jaja", "555") or only supposed ("if I
sign...").

Lists per language in data/cues/<lang>.yml, all applied to every message (people
code-switch). A cue becomes a token (`cue_now`, ...) appended to the text the intent and
urgency models see, so its weight is learned from the labelled examples in every language
at once, rather than hand-set: "I want to die lol" stays urgent because the examples say so.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from bot.text import normalise
from bot.understanding.urgent import phrase_pattern

KINDS = ("now", "past", "safe", "joke", "hypothetical")


def load_cues(directory: Path) -> dict[str, list[str]]:
    """{kind: phrases} merged over data/cues/*.yml. Raises ValueError on an unknown kind."""
    merged: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for path in sorted(Path(directory).glob("*.yml")):
        for kind, items in ((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cues") or {}).items():
            if kind not in KINDS:
                raise ValueError(f"{path.name}: unknown cue kind {kind!r} (known: {', '.join(KINDS)})")
            if not isinstance(items, list) or not all(any(ch.isalnum() for ch in str(i)) or not str(i).isascii()
                                                      for i in items):
                # A string instead of a list would make every letter a cue; "." would match everything.
                raise ValueError(f"{path.name}: cues.{kind} must be a list of words or emoji")
            merged[kind] += [str(i) for i in items if str(i).strip()]
    return merged


_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


def _names_a_past_year(norm: str) -> bool:
    """"en 2019", "sannadkii 2019": a year before this one says it is history, in any language."""
    return any(int(year) < date.today().year for year in _YEAR.findall(norm))


class Cues:
    def __init__(self, cues: dict[str, list[str]]):
        self.cues = cues
        self._patterns = [(kind, _emoji_or_phrase(p)) for kind, items in cues.items() for p in items]

    def found(self, text: str) -> list[str]:
        """The cue kinds in the text, in KINDS order, each once."""
        norm = normalise(text).replace("’", "'")
        present = {kind for kind, pattern in self._patterns if pattern.search(norm)}
        if _names_a_past_year(norm):
            present.add("past")
        return [kind for kind in KINDS if kind in present]

    def tokens(self, text: str) -> str:
        """"cue_now cue_joke" for the text's cues, or ""."""
        return " ".join(f"cue_{kind}" for kind in self.found(text))


def _emoji_or_phrase(phrase: str) -> re.Pattern:
    # Emoji and "555" (Thai laughter) sit against letters with no space ("หิวจะตายแล้ว555"),
    # so they match anywhere but inside a longer number; words follow the urgent phrases' rules.
    if any(ch.isalpha() for ch in phrase):
        return phrase_pattern(phrase)
    return re.compile(r"(?<!\d)" + re.escape(normalise(phrase)) + r"(?!\d)")


@lru_cache(maxsize=4)
def cues_from(directory: str) -> Cues:
    return Cues(load_cues(Path(directory)))
