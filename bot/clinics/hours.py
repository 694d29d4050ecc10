"""Opening hours: the directory's text format, "open now" in the clinic's own time zone,
and the hours written for the person's locale.

Format (documented in data/clinics/SCHEMA.md): rules separated by ";", each rule a set of
days and one or more time ranges, e.g. `mon-fri 09:00-17:00; sat 10:00-14:00`. A range that
closes at or before it opens runs past midnight (`fri 20:00-02:00` closes Saturday 02:00);
`24:00` closes at midnight; `daily` means every day.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.conversation.formatting import DAY_KEYS, _day_span, format_clock

DAY = 24 * 60
WEEK = 7 * DAY
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class HoursError(ValueError):
    """The hours text cannot be read; the message says why in plain words."""


@dataclass(frozen=True)
class Rule:
    days: tuple[int, ...]                 # 0 = Monday
    ranges: tuple[tuple[int, int], ...]   # minutes after midnight; close may exceed 24:00 (past midnight)


@dataclass(frozen=True)
class Hours:
    rules: tuple[Rule, ...]

    def intervals(self) -> list[tuple[int, int]]:
        """Opening spans in minutes of the week (Monday 00:00 = 0), merged where they touch.

        Merging matters for the answer: a clinic open `mon-sun 00:00-24:00` is open
        "24 hours", not "until midnight".
        """
        spans = sorted((day * DAY + start, day * DAY + end) for rule in self.rules
                       for day in rule.days for start, end in rule.ranges)
        merged: list[list[int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        # A span running past Sunday midnight continues into Monday's first span.
        if len(merged) > 1 and merged[-1][1] > WEEK and merged[0][0] <= merged[-1][1] - WEEK:
            merged[-1][1] = max(merged[-1][1], merged.pop(0)[1] + WEEK)
        return [(s, e) for s, e in merged]


def _day(token: str) -> int:
    if token not in DAY_KEYS:
        raise HoursError(f'"{token}" is not a day (use mon tue wed thu fri sat sun)')
    return DAY_KEYS.index(token)


def _days(spec: str) -> tuple[int, ...]:
    if spec == "daily":
        return tuple(range(7))
    days: list[int] = []
    for part in spec.split(","):
        if "-" in part:
            first, last = (_day(p) for p in part.split("-", 1))
            # "sat-mon" wraps over the weekend.
            days += [(first + i) % 7 for i in range((last - first) % 7 + 1)]
        else:
            days.append(_day(part))
    return tuple(dict.fromkeys(days))


def _minutes(hour: str, minute: str, closing: bool) -> int:
    h, m = int(hour), int(minute)
    if m > 59 or h > 24 or (h == 24 and (m or not closing)):
        raise HoursError(f"{hour}:{minute} is not a time of day")
    return h * 60 + m


def _ranges(spec: str) -> tuple[tuple[int, int], ...]:
    ranges = []
    for part in spec.split(","):
        match = _RANGE.match(part)
        if not match:
            raise HoursError(f'"{part}" is not a time range like 09:00-17:00')
        start = _minutes(match[1], match[2], closing=False)
        end = _minutes(match[3], match[4], closing=True)
        if end == start:
            raise HoursError(f'"{part}" opens and closes at the same time (for all day write 00:00-24:00)')
        if end < start:
            end += DAY  # past midnight
        ranges.append((start, end))
    return tuple(ranges)


def parse_hours(text: str) -> Hours:
    text = " ".join((text or "").lower().split())
    if not text:
        raise HoursError("no opening hours given")
    rules = []
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        parts = chunk.replace(", ", ",").split(" ")
        if len(parts) != 2:
            raise HoursError(f'"{chunk}" should be days then times, like "mon-fri 09:00-17:00"')
        rules.append(Rule(_days(parts[0]), _ranges(parts[1])))
    if not rules:
        raise HoursError("no opening hours given")
    return Hours(tuple(rules))


@dataclass(frozen=True)
class OpenStatus:
    open: bool
    always: bool = False
    until: tuple[int, time] | None = None       # (weekday, time) when open
    next_open: tuple[int, time] | None = None   # (weekday, time) when closed


def _at(minute_of_week: int) -> tuple[int, time]:
    minute_of_week %= WEEK
    day, minute = divmod(minute_of_week, DAY)
    return day, time(minute // 60, minute % 60)


def status(hours: Hours, tz: str, now: datetime) -> OpenStatus:
    """Whether the clinic is open at `now` (aware), on the clinic's own wall clock."""
    local = now.astimezone(ZoneInfo(tz))
    t = local.weekday() * DAY + local.hour * 60 + local.minute
    spans = hours.intervals()
    if spans and spans[0][0] == 0 and spans[-1][1] >= WEEK and len(spans) == 1:
        return OpenStatus(True, always=True)
    for start, end in spans:
        for shift in (0, -WEEK):  # a Sunday-night span still open early on Monday
            if start + shift <= t < end + shift:
                return OpenStatus(True, until=_at(end))
    later = [s for s, _ in spans if s > t] or [s + WEEK for s, _ in spans]
    return OpenStatus(False, next_open=_at(min(later)) if later else None)


def format_hours(hours: Hours, lang: str) -> str:
    """`mon-fri 09:00-17:00; sat 10:00-14:00` -> "Mon–Fri 9:00 AM–5:00 PM; Sat 10:00 AM–2:00 PM"."""
    parts = []
    for rule in hours.rules:
        days = _day_span([DAY_KEYS[d] for d in rule.days], lang)
        times = ", ".join(f"{format_clock(_clock(s), lang)}–{format_clock(_clock(e), lang)}" for s, e in rule.ranges)
        parts.append(f"{days} {times}")
    return "; ".join(parts)


def _clock(minutes: int) -> time:
    minutes %= DAY
    return time(minutes // 60, minutes % 60)
