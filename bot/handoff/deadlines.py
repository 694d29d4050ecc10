"""When an imminent deportation happens, as the person said it ("tonight", "mañana",
"คืนนี้"), so that the volunteer queue can put the nearest deadline first."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import get_settings
from bot.text import normalise


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[int, re.Pattern]]:
    doc = yaml.safe_load((Path(get_settings().data_dir) / "deadline_words.yml").read_text(encoding="utf-8"))
    out = []
    for hours, words in sorted(doc["hours"].items()):
        for word in words:
            word = normalise(str(word))
            pattern = r"(?<!\w)" + re.escape(word) + r"(?!\w)" if word.isascii() else re.escape(word)
            out.append((int(hours), re.compile(pattern)))
    return out


def stated_deadline(text: str, sent_at: float) -> float | None:
    """The earliest deadline the text states, as a timestamp, or None."""
    norm = normalise(text)
    hours = [h for h, pattern in _patterns() if pattern.search(norm)]
    return sent_at + min(hours) * 3600 if hours else None
