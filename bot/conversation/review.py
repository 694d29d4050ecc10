"""Reviewing the catalogs without a programmer: list, edit, approve, export and import.

The .po files stay the source of truth (translators can keep Poedit or Weblate). A review
is a translator comment on the entry, the one `puente catalog status` counts:

    # review: done; reviewed: 2026-11-30;
    # reviewed-by: Ana;
    # source: 3f2a9c1d

`source` is a digest of the English text the reviewer saw. When the English changes, every
translation reviewed against the old text gets gettext's fuzzy flag: gettext then serves the
(new) English until someone checks the translation again, rather than an outdated fact.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from bot.conversation import content
from bot.conversation.catalog import (PLACEHOLDER, REVIEW, read_catalog, build, comments, locked, po_path, source_digest,
                                      stale)
from bot.conversation.languages import CATALOGS
from bot.settings import COUNTRIES

MAX_TEXT = 1600  # characters; the longest entry (a menu) is far below, a paste of a page is not
MAX_NAME = 60    # a reviewer's name as written into the catalog
_FIELD = {name: re.compile(rf"(?<![\w-]){name}:\s*([^;]+?)\s*(?:;|$)") for name in ("reviewed-by", "reviewed")}
# Control characters (Word's Shift+Enter is \x0b) would make the TwiML reply invalid XML: only
# line breaks pass.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_VALID_PLACEHOLDER = re.compile(r"%\(\w+\)s")
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
    source: str = ""    # digest of the English shown, sent back with an approval


def country_of(msgid: str) -> str:
    match = _COUNTRY.search(msgid)
    return match.group(1) if match else ""


def entries(lang: str, country: str | None = None, locale_dir: Path | None = None) -> list[Entry]:
    """Every entry of the English template, as it stands in `lang`; with `country`, only the
    entries for that country and those for every country. Raises ReviewError for an unknown
    catalog."""
    _check_lang(lang)
    english = {m.id: m for m in _open("en", locale_dir) if m.id}
    own = {m.id: m for m in _open(lang, locale_dir, missing_ok=True) if m.id}
    rows = []
    # The ids the code uses, also when one was removed from the English by hand.
    for msgid in sorted(set(english) | content.all_message_ids()):
        source = english.get(msgid) or Message(msgid, "")
        where = country_of(msgid)
        if country and where not in ("", country):
            continue
        message = own.get(msgid)
        rows.append(Entry(msgid, unescape(source.string), unescape(message.string) if message else "",
                          _state(message, source, lang), *_reviewer(message), where, source_digest(source.string)))
    return rows


def _state(message, source, lang: str) -> str:
    if message is None or not message.string:
        return "missing"
    if message.fuzzy or (lang != "en" and stale(message, source.string)):
        return "fuzzy"  # the English changed since the review (in the console or by hand)
    match = REVIEW.match(comments(message))
    return "done" if match and match.group(1) == "done" else "pending"


def _reviewer(message) -> tuple[str, str]:
    text = comments(message) if message is not None else ""
    if not text.startswith("review: done"):
        return "", ""
    who, when = (_FIELD[name].search(text) for name in ("reviewed-by", "reviewed"))
    return (who.group(1) if who else "", when.group(1) if when else "")


def escape(text: str) -> str:
    """As a reviewer writes it ("100%") to catalog form ("100%%"); placeholders stay."""
    parts = _VALID_PLACEHOLDER.split(text)
    names = _VALID_PLACEHOLDER.findall(text)
    out = parts[0].replace("%", "%%")
    for name, part in zip(names, parts[1:]):
        out += name + part.replace("%", "%%")
    return out


def unescape(text: str) -> str:
    return text.replace("%%", "%")


@dataclass
class CatalogStatus:
    lang: str
    total: int
    translated: int
    reviewed: int
    pending: list[str]
    fuzzy: list[str]                     # English changed since the review: gettext serves English
    by_country: dict[str, tuple[int, int, int]]  # "" (every country), US, MX, TH, MY: (total, translated, reviewed)
    problem: str = ""                    # the catalog cannot be read: why

    @property
    def complete(self) -> bool:
        """Every entry the code uses has a text here that gettext will serve."""
        return self.translated == self.total and not self.fuzzy and not self.problem


def status(locale_dir: Path | None = None) -> list[CatalogStatus]:
    """Per catalog (the six languages and Roman Urdu), and within it per country: entries,
    translated, reviewed by a native speaker, and what still needs review."""
    rows = []
    total = len(content.all_message_ids())
    for lang in CATALOGS:
        try:
            found = entries(lang, locale_dir=locale_dir)
        except ReviewError as problem:  # one damaged file: said in its row, the others still shown
            rows.append(CatalogStatus(lang, total, 0, 0, [], [], {}, problem=str(problem)))
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


def save(lang: str, msgid: str, text: str, reviewer: str, approve: bool, today: date | None = None,
         seen_english: str | None = None) -> Entry:
    """Writes `text` (as a reviewer types it: "%" is a percent sign) for `msgid` into the `lang`
    catalog. With `approve`, marks it reviewed by `reviewer` today against the current English;
    without, it stays pending (and a fuzzy entry stays fuzzy: not served). Editing the English
    makes every translation fuzzy. `seen_english`: the source digest of the English the
    reviewer was shown; approving against English that changed since is refused.

    Returns the entry as saved. Raises ReviewError when the text would break an answer
    (placeholders that differ from the English, control characters, empty, too long), the
    English changed under the reviewer, or the entry is unknown."""
    _check_lang(lang)
    text = escape(text.replace("\r\n", "\n").replace("\r", "\n").strip())
    reviewer = _signature(reviewer, "unknown")
    today = (today or date.today()).isoformat()
    with _locked():
        english = {m.id: m for m in _open("en") if m.id}
        if msgid not in english:
            raise ReviewError(f"no entry {msgid!r} in the English catalog")
        source = english[msgid].string
        if approve and seen_english is not None and lang != "en" and seen_english != source_digest(source):
            raise ReviewError(f"{msgid}: the English changed since you opened this page; read it again, then approve")
        _check_text(msgid, text, source)
        catalog = _open(lang, missing_ok=True)
        message = catalog.get(msgid)
        if message is None:
            catalog.add(msgid, text)
            message = catalog.get(msgid)
        changed = message.string != text
        was_fuzzy = message.fuzzy or (lang != "en" and stale(message, source))
        message.string = text
        # Short comment lines: Babel wraps long ones at 76 characters when it writes.
        if approve:
            message.flags.discard("fuzzy")
            # Short lines, each field closed by ";": Babel wraps comments at 76 characters.
            message.user_comments = [f"review: done; reviewed: {today};", f"reviewed-by: {reviewer};",
                                     f"source: {source_digest(text if lang == 'en' else source)}"]
        else:
            if was_fuzzy:
                message.flags.add("fuzzy")
            message.user_comments = [f"review: pending; edited: {today};", f"edited-by: {reviewer}"]
        _check_loads(catalog)
        _write(po_path(lang), catalog)
        if lang == "en" and changed:
            _mark_fuzzy(msgid)
    return next(e for e in entries(lang) if e.msgid == msgid)


def flag_stale() -> dict[str, int]:
    """Writes gettext's fuzzy flag on every translation reviewed against an English text that
    has since changed (edited in Poedit, or by `puente catalog update`); returns the count per
    catalog. Such entries are already not served; this makes Poedit and Weblate show them."""
    counts = {}
    with _locked():
        english = {m.id: m.string for m in _open("en") if m.id}
        for lang in CATALOGS:
            path = po_path(lang)
            if lang == "en" or not path.exists():
                continue
            catalog = _open(lang)
            flagged = [m for m in catalog if m.id and not m.fuzzy and stale(m, english.get(m.id, ""))]
            for message in flagged:
                message.flags.add("fuzzy")
            if flagged:
                _write(path, catalog)
            counts[lang] = len(flagged)
    return counts


def _mark_fuzzy(msgid: str) -> None:
    for lang in CATALOGS:
        path = po_path(lang)
        if lang == "en" or not path.exists():
            continue
        try:
            catalog = _open(lang)
        except ReviewError:
            continue  # unreadable: not served as it is; flagged when it is restored (flag_stale)
        message = catalog.get(msgid)
        if message is not None and message.string:
            message.flags.add("fuzzy")
            _write(path, catalog)


def export_po(lang: str) -> bytes:
    _check_lang(lang)
    try:
        return po_path(lang).read_bytes()
    except OSError as error:
        raise ReviewError(f"the {lang} catalog cannot be read ({type(error).__name__})") from None


def import_po(lang: str, data: bytes, importer: str = "import", today: date | None = None) -> dict[str, int]:
    """Takes the translations of an uploaded .po (from Poedit or Weblate) into the `lang`
    catalog, after checking every entry as `save` does; nothing is written if one is wrong.
    Only texts and fuzzy flags are taken: the header stays ours, and a changed text is pending
    review, edited by `importer` (an approval is given in the console, by a named reviewer).
    Entries the file lacks keep their text. Returns counts {"entries", "changed"}. Raises
    ReviewError naming the first problem."""
    _check_lang(lang)
    if lang == "en":
        raise ReviewError("the English template is edited entry by entry, so translations can be flagged")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReviewError("the file must be saved as UTF-8") from None
    try:
        uploaded = read_po(io.BytesIO(data), locale=None, abort_invalid=True, charset="utf-8")
    except Exception as error:  # noqa: BLE001 - any parse failure is the uploader's to fix
        raise ReviewError(f"not a readable .po file: {type(error).__name__}") from None
    if (uploaded.charset or "utf-8").lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ReviewError(f"the file says charset={uploaded.charset}; save it as UTF-8")
    found = [m for m in uploaded if m.id]
    if not found:
        raise ReviewError("the file has no entries")
    importer = _signature(importer, "import")
    today = (today or date.today()).isoformat()
    with _locked():
        english = {m.id: m for m in _open("en") if m.id}
        current = _open(lang, missing_ok=True)
        changed = 0
        for message in found:
            if message.context or not isinstance(message.id, str) or message.pluralizable:
                raise ReviewError(f"entry {message.id!r}: contexts and plurals are not used in these catalogs")
            if message.id not in english:
                raise ReviewError(f"unknown entry {message.id!r}")
            if not message.string:
                continue
            _check_text(message.id, message.string, english[message.id].string)
            mine = current.get(message.id)
            if mine is None:
                current.add(message.id, message.string)
                mine = current.get(message.id)
            elif mine.string == message.string and message.fuzzy == mine.fuzzy:
                continue
            changed += 1
            mine.string = message.string
            if message.fuzzy:
                mine.flags.add("fuzzy")
            mine.user_comments = [f"review: pending; edited: {today};", f"edited-by: {importer} (imported .po)"]
        if changed:
            _check_loads(current)
            _write(po_path(lang), current)
    return {"entries": len(found), "changed": changed}


def _signature(name: str, default: str) -> str:
    """A name as written into a translator comment: letters, spaces, . ' - only (a ";" or a
    newline would forge review fields), at most MAX_NAME characters."""
    return re.sub(r"[^\w .'-]+", " ", name).strip()[:MAX_NAME] or default


def _check_text(msgid: str, text: str, english: str) -> None:
    if not text.strip():
        raise ReviewError(f"{msgid}: the text is empty")
    if len(text) > MAX_TEXT:
        raise ReviewError(f"{msgid}: longer than {MAX_TEXT} characters")
    if _CONTROL.search(text):
        raise ReviewError(f"{msgid}: contains a control character (paste as plain text)")
    want, got = sorted(PLACEHOLDER.findall(english)), sorted(PLACEHOLDER.findall(text))
    if want != got:
        # A missing %(emergency_number)s would send an emergency answer without the number.
        raise ReviewError(f"{msgid}: placeholders must be exactly {' '.join(want) or 'none'}; found {' '.join(got) or 'none'}")
    try:
        rendered = text % {name: f"\x00{name}\x00" for name in want}
    except (ValueError, TypeError, KeyError):
        raise ReviewError(f"{msgid}: a % sign must be written %% (the console does this for you)") from None
    if sorted(re.findall(r"\x00(\w+)\x00", rendered)) != want:
        raise ReviewError(f"{msgid}: placeholders must be exactly {' '.join(want) or 'none'}")


def _check_loads(catalog) -> None:
    """The catalog as it would be written must load and render: never a language silenced."""
    try:
        build(catalog)
    except Exception as error:  # noqa: BLE001 - any failure here would be every answer's
        raise ReviewError(f"the catalog would not load: {type(error).__name__}") from None


def _check_lang(lang: str) -> None:
    if lang not in CATALOGS:
        raise ReviewError(f"unknown catalog {lang!r}; use {' '.join(CATALOGS)}")


def _write(path: Path, catalog) -> None:
    """Whole-file replace, so the assistant's processes never read half a catalog."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False)
    tmp = None
    try:
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".po-")
        with os.fdopen(handle, "wb") as f:
            f.write(buffer.getvalue())
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as error:  # a read-only or full disk: said to the reviewer, the old file stays whole
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise ReviewError(f"the catalog could not be written ({error.strerror or type(error).__name__}); "
                          "nothing was changed: tell the administrator") from None


@contextmanager
def _locked():
    """catalog.locked, with a failure said to the reviewer."""
    try:
        with locked():
            yield
    except OSError as error:
        raise ReviewError(f"the catalogs cannot be written ({error.strerror}): tell the administrator") from None


def _open(lang: str, locale_dir: Path | None = None, missing_ok: bool = False):
    """The parsed catalog of `lang`; a new empty one when it is missing and `missing_ok`.
    Raises ReviewError naming the catalog when its file cannot be read or is not whole."""
    path = po_path(lang, locale_dir)
    if missing_ok and not path.exists():
        return Catalog(locale=None, charset="utf-8", fuzzy=False)
    try:
        return read_catalog(path)
    except (OSError, ValueError) as error:  # UnicodeDecodeError too: a hand editor's other encoding
        raise ReviewError(f"the {lang} catalog cannot be read ({type(error).__name__}: {error}); "
                          "the assistant keeps serving its last good version: ask an administrator "
                          "to restore the file or import a good .po") from None
