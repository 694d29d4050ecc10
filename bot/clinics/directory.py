"""Reading and checking a clinic directory CSV: every bad row reported by line and column.

The organisation edits this file in a spreadsheet, so the messages speak plainly about what
is wrong and how to fix it, and all of them are reported at once rather than one per run.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import available_timezones

from bot.clinics.hours import Hours, HoursError, parse_hours
from bot.clinics.schema import (
    COLUMNS,
    COSTS,
    EXTRA_LANGUAGES,
    REQUIRED,
    SAMPLE_MARK,
    SERVICES,
    UNDOCUMENTED,
    split_list,
)

_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-.]+$")


@dataclass(frozen=True)
class Clinic:
    line: int
    name: str
    address: str
    city: str
    region: str
    country: str
    postal_code: str
    lat: float
    lon: float
    phone: str
    languages: tuple[str, ...]
    services: frozenset[str]
    cost: str
    undocumented: str
    hours: Hours
    timezone: str
    source: str
    last_verified: date

    @property
    def sample(self) -> bool:
        return self.source.strip().upper().startswith(SAMPLE_MARK)


@dataclass(frozen=True)
class Problem:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def _known() -> tuple[frozenset[str], frozenset[str]]:
    from babel import Locale

    english = Locale.parse("en")
    return frozenset(k for k in english.territories if len(k) == 2 and k.isalpha()), \
        frozenset(english.languages) | frozenset(EXTRA_LANGUAGES)


class _Row:
    """Checks one row's cells, collecting problems instead of stopping at the first."""

    def __init__(self, line: int, cells: dict[str, str], today: date):
        self.line, self.cells, self.today = line, cells, today
        self.problems: list[Problem] = []

    def bad(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))

    def text(self, column: str) -> str:
        value = (self.cells.get(column) or "").strip()
        if not value and column in REQUIRED:
            self.bad(column, "is empty" + (": every clinic needs a phone number people can call"
                                           if column == "phone" else ""))
        return value

    def coordinate(self, column: str, limit: float) -> float:
        raw = self.text(column)
        if not raw:
            return 0.0
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            self.bad(column, f'"{raw}" is not a number (write decimal degrees, like 14.9067)')
            return 0.0
        if not -limit <= value <= limit:
            self.bad(column, f"{raw} is outside -{limit:g} to {limit:g}: bad coordinates "
                             "(are latitude and longitude swapped?)")
        return value

    def choice(self, column: str, allowed: tuple[str, ...], what: str) -> str:
        raw = self.text(column)
        value = raw.lower().replace(" ", "_").replace("-", "_")
        if raw and value not in allowed:
            self.bad(column, f'unknown {what} "{raw}" (use one of: {", ".join(allowed)})')
        return value

    def check(self) -> Clinic | None:
        countries, languages = _known()
        name, address, city = self.text("name"), self.text("address"), self.text("city")
        country = self.text("country").upper()
        if country and country not in countries:
            self.bad("country", f'"{country}" is not a two-letter country code (like MX, US, TH, MY)')
        lat, lon = self.coordinate("latitude", 90), self.coordinate("longitude", 180)
        if lat == 0 and lon == 0 and self.cells.get("latitude", "").strip():
            self.bad("latitude", "0, 0 is in the ocean: bad coordinates (missing?)")
        phone = self.text("phone")
        digits = sum(ch.isdigit() for ch in phone)
        if phone and (not _PHONE_CHARS.match(phone) or not 7 <= digits <= 15):
            self.bad("phone", f'"{phone}" is not a phone number (digits, spaces, dashes, an optional leading +)')
        langs = split_list(self.text("languages"))
        for code in langs:
            if code not in languages:
                self.bad("languages", f'unknown language code "{code}" (use ISO codes like es, en, th, hmn, so, ur)')
        services = split_list(self.text("services"))
        for service in services:
            if service not in SERVICES:
                self.bad("services", f'unknown service "{service}" (use: {", ".join(SERVICES)})')
        cost = self.choice("cost", COSTS, "cost")
        undocumented = self.choice("undocumented", UNDOCUMENTED, "answer")
        hours = None
        raw_hours = self.text("hours")
        if raw_hours:
            try:
                hours = parse_hours(raw_hours)
            except HoursError as error:
                self.bad("hours", f"cannot read the opening hours: {error}")
        tz = self.text("timezone")
        if tz and tz not in _zones():
            self.bad("timezone", f'unknown time zone "{tz}" (use a name like America/Mexico_City or Asia/Bangkok)')
        source = self.text("source")
        verified = self._date("last_verified")
        if self.problems:
            return None
        return Clinic(self.line, name, address, city, self.cells.get("region", "").strip(), country,
                      self.cells.get("postal_code", "").strip(), lat, lon, phone, tuple(langs),
                      frozenset(services), cost, undocumented, hours, tz, source, verified)

    def _date(self, column: str) -> date:
        raw = self.text(column)
        if not raw:
            return date.min
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            self.bad(column, f'"{raw}" is not a date: write it as YYYY-MM-DD, like 2026-11-01')
            return date.min
        if value > self.today + timedelta(days=1):
            self.bad(column, f"{raw} is in the future")
        return value


def read(data: bytes, today: date | None = None) -> tuple[list[Clinic], list[Problem]]:
    """The clinics of a CSV file, and every problem found in it (line numbers as in a text editor)."""
    today = today or date.today()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return [], [Problem(line, None, "is not UTF-8 text: save the file as \"CSV UTF-8\"")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], [Problem(1, None, "the file is empty")]
    problems = [Problem(1, c, "this column is missing") for c in COLUMNS if c not in header]
    problems += [Problem(1, c, "unknown column (see data/clinics/SCHEMA.md)") for c in header if c not in COLUMNS]
    if problems:
        return [], problems
    clinics: list[Clinic] = []
    seen: dict[tuple[str, str], int] = {}
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(start, None, f"has {len(cells)} cells but the header has {len(header)} "
                                                 "(a missing or extra comma?)"))
            continue
        row = _Row(start, dict(zip(header, cells)), today)
        clinic = row.check()
        problems += row.problems
        if clinic:
            key = (clinic.name.lower(), clinic.address.lower())
            if key in seen:
                problems.append(Problem(start, "name", f"repeats the clinic on line {seen[key]}"))
            seen[key] = start
            clinics.append(clinic)
    if not clinics and not problems:
        problems.append(Problem(line, None, "the file has no clinics"))
    return clinics, problems


def read_file(path: Path, today: date | None = None) -> tuple[list[Clinic], list[Problem]]:
    return read(Path(path).read_bytes(), today)
