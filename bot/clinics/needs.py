"""Which service a message asks for ("a covid test near Tapachula" -> covid_testing)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.clinics.schema import SERVICES
from bot.settings import ROOT
from bot.text import normalise

NEEDS = ROOT / "data" / "clinics" / "needs.yml"


@lru_cache(maxsize=2)
def _patterns(path: str) -> list[tuple[str, re.Pattern]]:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out = []
    for service, words in doc.items():
        if service not in SERVICES:
            raise ValueError(f"{path}: {service!r} is not a service ({', '.join(SERVICES)})")
        for word in words or []:
            word = normalise(str(word))
            if not word.isascii():
                pattern = re.escape(word)
            elif len(word) >= 5:
                pattern = r"(?<!\w)" + re.escape(word)
            else:
                pattern = r"(?<!\w)" + re.escape(word) + r"(?!\w)"
            out.append((service, re.compile(pattern)))
    return out


def need_in(text: str, path: Path = NEEDS) -> str | None:
    norm = normalise(text)
    for service, pattern in _patterns(str(path)):
        if pattern.search(norm):
            return service
    return None


def words(path: Path = NEEDS) -> set[str]:
    """Every need word, for the gazetteer to skip: "embarazada" is nobody's town."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {normalise(str(w)) for ws in doc.values() for w in ws or []}
