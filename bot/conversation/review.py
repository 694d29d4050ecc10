"""Reviewing the catalogs without a programmer: list, edit, approve, export and import.

The .po files stay the source of truth (translators can keep Poedit or Weblate). A review
is a translator comment on the entry, the one `puente catalog status` counts:

    # review: done; reviewed-by: Ana; reviewed: 2026-11-30; source: 3f2a9c1d

`source` is a digest of the English text the reviewer saw. When the English changes, every
translation reviewed against the old text gets gettext's fuzzy flag: gettext then serves the
(new) English until someone checks the translation again, rather than an outdated fact.
"""
from __future__ import annotations

import fcntl
import hashlib
import io
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from bot.conversation.catalog import PLACEHOLDER, REVIEW, _read, po_path
from bot.conversation.languages import CATALOGS
from bot.settings import COUNTRIES

MAX_TEXT = 1600  # characters; the longest entry (a menu) is far below, a paste of a page is not
_SOURCE = re.compile(r"\bsource:\s*([0-9a-f]{8})")
_COUNTRY = re.compile(r"\.(" + "|".join(COUNTRIES) + r")(?:\.|$)")


class ReviewError(ValueError):
    """What a reviewer typed or uploaded cannot go into the catalog; the message says why."""


@dataclass
class Entry:
    msgid: str
    english: str
    text: str
    state: str          # "done", "pending", "fuzzy" (English changed since the review) or "missing"
    reviewed_by: str
    reviewed_on: str
    country: str        # "US", "MX", "TH", "MY", or "" for every country


def source_digest(english: str) -> str:
    return hashlib.sha256(english.encode("utf-8")).hexdigest()[:8]


def country_of(msgid: str) -> str:
    match = _COUNTRY.search(msgid)
    return match.group(1) if match else ""


def entries(lang: str, country: str | None = None, locale_dir: Path | None = None) -> list[Entry]:
    """Every entry of the English template, as it stands in `lang`; with `country`, only the
    entries for that country and those for every country. Raises ReviewError for an unknown
    catalog."""
    _check_lang(lang)
    english = {m.id: m for m in _read(po_path("en", locale_dir)) if m.id}
    path = po_path(lang, locale_dir)
    own = {m.id: m for m in _read(path) if m.id} if path.exists() else {}
    rows = []
    for msgid, source in english.items():
        where = country_of(msgid)
        if country and where not in ("", country):
            continue
        message = own.get(msgid)
        rows.append(Entry(msgid, source.string, message.string if message else "", _state(message, source, lang),
                          *_reviewer(message), where))
    return rows


def _state(message, source, lang: str) -> str:
    if message is None or not message.string:
        return "missing"
    if message.fuzzy:
        return "fuzzy"
    comment = _review_comment(message)
    match = REVIEW.match(comment)
    if not match or match.group(1) != "done":
        return "pending"
    if lang != "en":
        seen = _SOURCE.search(comment)
        if seen and seen.group(1) != source_digest(source.string):
            return "fuzzy"  # edited outside the console (Poedit on the English): same rule
    return "done"


def _reviewer(message) -> tuple[str, str]:
    comment = _review_comment(message) if message is not None else ""
    who = re.search(r"reviewed-by:\s*([^;]+)", comment)
    when = re.search(r"reviewed:\s*(\d{4}-\d{2}-\d{2})", comment)
    return (who.group(1).strip() if who else "", when.group(1) if when else "")


def _review_comment(message) -> str:
    return next((c.strip() for c in message.user_comments if REVIEW.match(c.strip())), "")


@dataclass
class CatalogStatus:
    lang: str
    total: int
    translated: int
    reviewed: int
    pending: list[str]
    fuzzy: list[str]                     # English changed since the review: gettext serves English
    by_country: dict[str, tuple[int, int, int]]  # "" (every country), US, MX, TH, MY: (total, translated, reviewed)

    @property
    def complete(self) -> bool:
        """Every entry of the English template has a text here that gettext will serve."""
        return self.translated == self.total and not self.fuzzy


def status(locale_dir: Path | None = None) -> list[CatalogStatus]:
    """Per catalog (the six languages and Roman Urdu), and within it per country: entries,
    translated, reviewed by a native speaker, and what still needs review."""
    rows = []
    for lang in CATALOGS:
        found = entries(lang, locale_dir=locale_dir) if po_path(lang, locale_dir).exists() else []
        if not found:  # no catalog yet: every entry is missing
            total = len(entries("en", locale_dir=locale_dir))
            rows.append(CatalogStatus(lang, total, 0, 0, [], [], {}))
            continue
        by_country: dict[str, list[int]] = {}
        for e in found:
            counts = by_country.setdefault(e.country, [0, 0, 0])
            counts[0] += 1
            counts[1] += e.state in ("done", "pending")
            counts[2] += e.state == "done"
        rows.append(CatalogStatus(
            lang, len(found), sum(e.state in ("done", "pending") for e in found),
            sum(e.state == "done" for e in found), sorted(e.msgid for e in found if e.state == "pending"),
            sorted(e.msgid for e in found if e.state == "fuzzy"),
            {k: tuple(v) for k, v in sorted(by_country.items())}))
    return rows


def save(lang: str, msgid: str, text: str, reviewer: str, approve: bool, today: date | None = None) -> Entry:
    """Writes `text` for `msgid` into the `lang` catalog; with `approve`, marks it reviewed by
    `reviewer` today against the current English. Editing the English makes every translation
    fuzzy. Returns the entry as saved. Raises ReviewError when the text would break an answer
    (placeholders that differ from the English, empty, too long) or the entry is unknown."""
    _check_lang(lang)
    text = text.replace("\r\n", "\n").strip()
    reviewer = re.sub(r"[;\n\r]+", " ", reviewer).strip() or "unknown"
    today = (today or date.today()).isoformat()
    with _locked():
        english = {m.id: m for m in _read(po_path("en")) if m.id}
        if msgid not in english:
            raise ReviewError(f"no entry {msgid!r}")
        _check_text(msgid, text, english[msgid].string)
        catalog = _read(po_path(lang))
        message = catalog.get(msgid)
        if message is None:
            catalog.add(msgid, text)
            message = catalog.get(msgid)
        changed = message.string != text
        message.string = text
        message.flags.discard("fuzzy")
        source = source_digest(text if lang == "en" else english[msgid].string)
        if approve:
            comment = f"review: done; reviewed-by: {reviewer}; reviewed: {today}; source: {source}"
        else:
            comment = f"review: pending; edited-by: {reviewer}; edited: {today}"
        message.user_comments = [c for c in message.user_comments if not REVIEW.match(c.strip())] + [comment]
        _write(po_path(lang), catalog)
        if lang == "en" and changed:
            _mark_fuzzy(msgid)
    return next(e for e in entries(lang) if e.msgid == msgid)


def _mark_fuzzy(msgid: str) -> None:
    for lang in CATALOGS:
        path = po_path(lang)
        if lang == "en" or not path.exists():
            continue
        catalog = _read(path)
        message = catalog.get(msgid)
        if message is not None and message.string:
            message.flags.add("fuzzy")
            _write(path, catalog)


def export_po(lang: str) -> bytes:
    _check_lang(lang)
    return po_path(lang).read_bytes()


def import_po(lang: str, data: bytes) -> dict[str, int]:
    """Replaces the `lang` catalog with an uploaded .po (from Poedit or Weblate), after checking
    every entry as `save` does; nothing is written if one entry is wrong. Returns counts:
    {"entries", "changed"}. Raises ReviewError naming the first problem."""
    _check_lang(lang)
    if lang == "en":
        raise ReviewError("the English template is edited entry by entry, so translations can be flagged")
    try:
        uploaded = read_po(io.BytesIO(data), locale=None, abort_invalid=True)
    except Exception as error:  # noqa: BLE001 - any parse failure is the uploader's to fix
        raise ReviewError(f"not a readable .po file: {type(error).__name__}") from None
    with _locked():
        english = {m.id: m for m in _read(po_path("en")) if m.id}
        current = _read(po_path(lang))
        changed = 0
        for message in uploaded:
            if not message.id:
                continue
            if not isinstance(message.id, str) or message.id not in english:
                raise ReviewError(f"unknown entry {message.id!r}")
            if message.string:
                _check_text(message.id, message.string, english[message.id].string)
            before = current.get(message.id)
            changed += before is None or before.string != message.string
        _write(po_path(lang), uploaded)
    return {"entries": sum(1 for m in uploaded if m.id), "changed": changed}


def _check_text(msgid: str, text: str, english: str) -> None:
    if not text.strip():
        raise ReviewError(f"{msgid}: the text is empty")
    if len(text) > MAX_TEXT:
        raise ReviewError(f"{msgid}: longer than {MAX_TEXT} characters")
    want, got = sorted(PLACEHOLDER.findall(english)), sorted(PLACEHOLDER.findall(text))
    if want != got:
        # A missing %(emergency_number)s would send an emergency answer without the number.
        raise ReviewError(f"{msgid}: placeholders must be exactly {' '.join(want) or 'none'}; found {' '.join(got) or 'none'}")
    if re.search(r"%(?!\(\w+\)s)", text.replace("%%", "")):
        raise ReviewError(f"{msgid}: a % sign must be written %%")


def _check_lang(lang: str) -> None:
    if lang not in CATALOGS:
        raise ReviewError(f"unknown catalog {lang!r}; use {' '.join(CATALOGS)}")


def _write(path: Path, catalog) -> None:
    """Whole-file replace, so the assistant's processes never read half a catalog."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".po-")
    with os.fdopen(handle, "wb") as f:
        f.write(buffer.getvalue())
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


@contextmanager
def _locked():
    """One writer at a time across processes (two reviewers, a console and the CLI)."""
    lock = po_path("en").parent.parent.parent / ".review.lock"
    with open(lock, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
