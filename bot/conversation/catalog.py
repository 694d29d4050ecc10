"""Rendering catalog entries, and the pybabel workflow (extract, update, compile, status).

Message ids are symbolic ("right_to_lawyer.US"); English is a catalog like the others,
so no user-facing text lives in Python or in domain.yml.
"""
from __future__ import annotations

import fcntl
import hashlib
import io
import logging
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.conversation import content
from bot.conversation.formatting import format_day
from bot.conversation.languages import CATALOGS
from bot.settings import ROOT, get_settings

log = logging.getLogger(__name__)
DOMAIN = "messages"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
REVIEW = re.compile(r"^review:\s*(\w+)")
CHECKED = re.compile(r"\b(?:reviewed|drafted):\s*(\d{4}-\d{2}-\d{2})")
SOURCE = re.compile(r"\bsource:\s*([0-9a-f]{8})")


def po_path(lang: str, locale_dir: Path | None = None) -> Path:
    return (locale_dir or get_settings().locale_dir) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogs(locale_dir: Path | None = None, force: bool = False) -> list[str]:
    """Compile each .po to .mo when the .po is newer, with Babel's own writer; returns the
    catalogs compiled. The assistant itself reads the .po (translations()); the .mo files are
    for gettext's own tools. A .po that cannot be read is logged and skipped.
    """
    compiled = []
    base = locale_dir or get_settings().locale_dir
    for lang, po in [(lang, base / lang / "LC_MESSAGES" / f"{domain}.po") for lang in CATALOGS
                     for domain in (DOMAIN, "console")]:
        if not po.exists():
            continue
        mo = po.with_suffix(".mo")
        if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            try:
                catalog = read_catalog(po)
            except (OSError, ValueError) as error:  # the assistant serves the last good build meanwhile
                log.error("catalog %s cannot be compiled: %s", po, error)
                continue
            # Written beside and renamed: another process may be reading the old one right now.
            tmp = mo.with_name(f".{mo.name}.{os.getpid()}")
            with tmp.open("wb") as f:
                write_mo(f, catalog)
            os.replace(tmp, mo)
            compiled.append(f"{lang}/{po.stem}")
    return compiled


def translations(lang: str) -> Translations:
    """The catalog of `lang` (a code of CATALOGS), built from its .po whenever the .po (or the
    English it was reviewed against) changes: a reviewer's edit takes effect at the next
    message, in every process, with no restart.

    Built in memory from the .po (not from a .mo another process may be rewriting), and
    without the entries gettext must not serve: fuzzy ones, and reviewed translations whose
    English changed since (the `source` digest of their review comment no longer matches).
    A catalog that cannot be read serves its last good build, else English, logged: never
    no answer at all.

    Raises FileNotFoundError only when no English can be served either.
    """
    path, english = po_path(lang), po_path("en")
    try:
        built = _load(str(path), str(english), (path.stat().st_mtime_ns, english.stat().st_mtime_ns))
    except Exception as error:  # noqa: BLE001 - a damaged or missing catalog must not silence anyone
        # The last good build of this catalog (a torn hand edit), else English.
        log.error("catalog %s cannot be loaded (%s)", lang, type(error).__name__)
        if str(path) in _LAST_GOOD:
            return _LAST_GOOD[str(path)]
        if lang == "en":
            raise FileNotFoundError(f"the English catalog cannot be loaded from {get_settings().locale_dir}") from error
        return translations("en")
    _LAST_GOOD[str(path)] = built
    return built


_LAST_GOOD: dict[str, Translations] = {}


@lru_cache(maxsize=32)
def _load(po: str, english: str, stamp: tuple[int, int]) -> Translations:
    catalog = read_catalog(Path(po))
    if po != english:
        sources = {m.id: m.string for m in read_catalog(Path(english)) if m.id}
        for message in catalog:
            if message.id and stale(message, sources.get(message.id, "")):
                message.flags.add("fuzzy")
    return build(catalog)


def build(catalog) -> Translations:
    """Translations from a parsed catalog, as gettext serves them (fuzzy entries left out).
    Raises ValueError for a catalog gettext cannot load (a broken Plural-Forms header)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def source_digest(english: str) -> str:
    """Which English a translation was reviewed against: 8 hex digits of its SHA-256."""
    return hashlib.sha256(english.encode("utf-8")).hexdigest()[:8]


def comments(message) -> str:
    """The translator comments of an entry as one line (Babel wraps long comments when it
    writes a .po, so a field may continue on the next comment line)."""
    return " ".join(c.strip() for c in message.user_comments)


def stale(message, english: str) -> bool:
    """A reviewed translation whose English changed since the review."""
    seen = SOURCE.search(comments(message))
    return bool(seen) and seen.group(1) != source_digest(english)


def render(msgid: str, lang: str, **params: str) -> str:
    """The reviewed text of `msgid` in `lang`, with %(name)s placeholders filled ("%%" is a
    percent sign).

    A missing translation falls back to English (and is logged by id, never by text),
    because an answer in the wrong language still beats no answer.
    """
    return entry_text(msgid, lang) % _Params(params)


def entry_text(msgid: str, lang: str) -> str:
    """The catalog text of `msgid` in `lang` before its placeholders are filled; English where
    `lang` has none (logged by id, never by text). Raises KeyError when English has none either."""
    text = translations(lang).gettext(msgid)
    if text == msgid and lang != "en":
        log.warning("catalog %s has no entry %s; falling back to English", lang, msgid)
        text = translations("en").gettext(msgid)
    if text == msgid:
        raise KeyError(f"no catalog entry {msgid!r}")
    return text


def checked_on(msgid: str, lang: str) -> str:
    """The date (YYYY-MM-DD) the entry was last reviewed in `lang`, else when it was drafted
    from the facts: from the translator comment of the .po, which the console writes; "" when
    the entry carries neither."""
    message = _messages(lang).get(msgid) or _messages("en").get(msgid)
    dates = CHECKED.findall(comments(message)) if message else []
    return max(dates) if dates else ""


def _messages(lang: str) -> dict:
    """The entries of `lang` with their comments; {} when the file cannot be read (a date is
    then taken from English: an answer never fails for want of its date)."""
    path = po_path(lang)
    try:
        return _read_cached(str(path), path.stat().st_mtime_ns)
    except (OSError, ValueError) as error:
        log.error("catalog %s comments cannot be read (%s)", lang, type(error).__name__)
        return {}


@lru_cache(maxsize=16)
def _read_cached(path: str, stamp: int) -> dict:
    return {m.id: m for m in read_catalog(Path(path)) if m.id}


def reviewed_note(msgid: str, lang: str) -> str | None:
    """"The law changes often: this answer was last checked on <date>." for an answer whose law
    is volatile (content.VOLATILE), in `lang`, with the entry's own review date; else None."""
    if msgid not in content.VOLATILE:
        return None
    day = checked_on(msgid, lang)
    return render(content.LAW_REVIEWED, lang, reviewed_on=format_day(day, lang)) if day else None


class _Params(dict):
    def __missing__(self, key: str) -> str:
        log.warning("catalog placeholder %s has no value", key)
        return ""


def review_state(message) -> str:
    for comment in message.user_comments:
        match = REVIEW.match(comment.strip())
        if match:
            return match.group(1)
    return "missing"


def read_catalog(path: Path):
    """The parsed .po. Raises OSError when it cannot be read, ValueError when it is not whole:
    Babel reads a file cut off mid-entry without complaint and would serve half a sentence."""
    data = path.read_bytes()
    for number, line in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        line = line.strip()
        if line.startswith(("msgid", "msgstr", "msgctxt", '"')) and not (line.endswith('"') and len(line) > 1):
            raise ValueError(f"{path.name} line {number} is cut off")
    return read_po(io.BytesIO(data), locale=None)


@contextmanager
def locked(locale_dir: Path | None = None):
    """One writer of the catalogs at a time, across processes (two reviewers, the console and
    `puente catalog update`). Raises OSError when the lock file cannot be opened."""
    with open((locale_dir or get_settings().locale_dir) / ".review.lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def extract_and_update(locale_dir: Path | None = None) -> None:
    """pybabel extract the ids from bot/conversation/content.py, then pybabel update every catalog."""
    locale_dir = locale_dir or get_settings().locale_dir
    pot = locale_dir / f"{DOMAIN}.pot"
    pybabel = [sys.executable, "-m", "babel.messages.frontend"]
    subprocess.run([*pybabel, "extract", "-k", "N_", "--no-location", "--omit-header", "-o", str(pot),
                    str(ROOT / "bot" / "conversation" / "content.py")], check=True)
    with locked(locale_dir):
        _update_all(pot, locale_dir, pybabel)


def _update_all(pot: Path, locale_dir: Path, pybabel: list[str]) -> None:
    for lang in CATALOGS:
        po = po_path(lang, locale_dir)
        if po.exists():
            subprocess.run([*pybabel, "update", "-i", str(pot), "-o", str(po), "-l", lang.split("-")[0],
                            "--no-fuzzy-matching", "--ignore-obsolete"], check=True)
