"""Rendering catalog entries, and the pybabel workflow (extract, update, compile, status).

Message ids are symbolic ("right_to_lawyer.US"); English is a catalog like the others,
so no user-facing text lives in Python or in domain.yml.
"""
from __future__ import annotations

import logging
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.conversation.languages import LANGUAGES
from bot.settings import ROOT, get_settings

log = logging.getLogger(__name__)
DOMAIN = "messages"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
REVIEW = re.compile(r"^review:\s*(\w+)")


def po_path(lang: str, locale_dir: Path | None = None) -> Path:
    return (locale_dir or get_settings().locale_dir) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogs(locale_dir: Path | None = None, force: bool = False) -> list[str]:
    """Compile each .po to .mo when the .po is newer; returns the languages compiled.

    Done in-process with Babel's own writer so that starting the assistant never runs on
    a stale .mo after a translator's edit.
    """
    compiled = []
    base = locale_dir or get_settings().locale_dir
    for lang, po in [(lang, base / lang / "LC_MESSAGES" / f"{domain}.po") for lang in LANGUAGES
                     for domain in (DOMAIN, "console")]:
        if not po.exists():
            continue
        mo = po.with_suffix(".mo")
        if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as f:
                catalog = read_po(f, locale=None)
            with mo.open("wb") as f:
                write_mo(f, catalog)
            compiled.append(f"{lang}/{po.stem}")
    return compiled


@lru_cache(maxsize=None)
def translations(lang: str) -> Translations:
    settings = get_settings()
    compile_catalogs(settings.locale_dir)
    result = Translations.load(str(settings.locale_dir), [lang], DOMAIN)
    if not isinstance(result, Translations):
        raise FileNotFoundError(f"no compiled catalog for {lang!r} in {settings.locale_dir}")
    return result


def render(msgid: str, lang: str, **params: str) -> str:
    """The reviewed text of `msgid` in `lang`, with %(name)s placeholders filled.

    A missing translation falls back to English (and is logged by id, never by text),
    because an answer in the wrong language still beats no answer.
    """
    text = translations(lang).gettext(msgid)
    if text == msgid and lang != "en":
        log.warning("catalog %s has no entry %s; falling back to English", lang, msgid)
        text = translations("en").gettext(msgid)
    if text == msgid:
        raise KeyError(f"no catalog entry {msgid!r}")
    return text % _Params(params) if "%(" in text else text


class _Params(dict):
    def __missing__(self, key: str) -> str:
        log.warning("catalog placeholder %s has no value", key)
        return ""


@dataclass
class CatalogStatus:
    lang: str
    total: int
    translated: int
    reviewed: int
    pending: list[str]


def status(locale_dir: Path | None = None) -> list[CatalogStatus]:
    """Per language: entries, translated, reviewed by a native speaker, and what still needs review."""
    template = {m.id for m in _read(po_path("en", locale_dir)) if m.id}
    rows = []
    for lang in LANGUAGES:
        path = po_path(lang, locale_dir)
        messages = {m.id: m for m in _read(path) if m.id} if path.exists() else {}
        translated = [mid for mid in template if mid in messages and messages[mid].string]
        reviewed = [mid for mid in translated if review_state(messages[mid]) == "done"]
        pending = sorted(set(translated) - set(reviewed))
        rows.append(CatalogStatus(lang, len(template), len(translated), len(reviewed), pending))
    return rows


def review_state(message) -> str:
    for comment in message.user_comments:
        match = REVIEW.match(comment.strip())
        if match:
            return match.group(1)
    return "missing"


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f, locale=None)


def extract_and_update(locale_dir: Path | None = None) -> None:
    """pybabel extract the ids from bot/conversation/content.py, then pybabel update every catalog."""
    locale_dir = locale_dir or get_settings().locale_dir
    pot = locale_dir / f"{DOMAIN}.pot"
    pybabel = [sys.executable, "-m", "babel.messages.frontend"]
    subprocess.run([*pybabel, "extract", "-k", "N_", "--no-location", "--omit-header", "-o", str(pot),
                    str(ROOT / "bot" / "conversation" / "content.py")], check=True)
    for lang in LANGUAGES:
        if po_path(lang, locale_dir).exists():
            subprocess.run([*pybabel, "update", "-i", str(pot), "-d", str(locale_dir), "-l", lang,
                            "--no-fuzzy-matching", "--ignore-obsolete"], check=True)
