"""Opening hours: the format, open now on the clinic's own clock, past midnight, the locale."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.clinics.hours import HoursError, format_hours, parse_hours, status


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("moment,tz,expected", [
    # 15:30 UTC on Monday 2026-11-23 is 09:30 in Mexico City (UTC-6): open ...
    ("2026-11-23 15:30", "America/Mexico_City", True),
    # ... and 22:30 in Bangkok (UTC+7): closed, one instant, two clocks.
    ("2026-11-23 15:30", "Asia/Bangkok", False),
    ("2026-11-23 14:29", "America/Mexico_City", False),   # 08:29 local
    ("2026-11-23 23:00", "America/Mexico_City", False),   # 17:00 local: closed at closing time
    ("2026-11-23 01:30", "Asia/Bangkok", True),           # 08:30 local
])
def test_open_now_is_on_the_clinics_own_clock(moment, tz, expected):
    assert status(parse_hours("mon-fri 08:30-17:00"), tz, utc(moment)).open is expected


def test_daylight_saving_moves_the_utc_opening_not_the_local_one():
    hours = parse_hours("mon-fri 09:00-17:00")
    # Chicago: UTC-5 in summer, UTC-6 in winter. 14:30 UTC is 09:30 in July, 08:30 in December.
    assert status(hours, "America/Chicago", utc("2026-07-06 14:30")).open
    assert not status(hours, "America/Chicago", utc("2026-12-07 14:30")).open


@pytest.mark.parametrize("local,expected", [
    ("2026-11-27 19:59", False),  # Friday before opening
    ("2026-11-27 23:30", True),   # Friday night
    ("2026-11-28 01:59", True),   # past midnight, Saturday morning: still Friday's night
    ("2026-11-28 02:00", False),  # closed at 02:00
    ("2026-11-28 21:00", False),  # Saturday night is not Friday night
])
def test_past_midnight_ranges_run_into_the_next_day(local, expected):
    hours = parse_hours("fri 20:00-02:00")
    moment = datetime.fromisoformat(local).replace(tzinfo=timezone.utc)  # clinic on UTC for clarity
    assert status(hours, "UTC", moment).open is expected


def test_sunday_night_runs_into_monday_morning():
    hours = parse_hours("sun 22:00-03:00")
    assert status(hours, "UTC", utc("2026-11-23 02:00")).open  # a Monday
    assert not status(hours, "UTC", utc("2026-11-23 03:00")).open


def test_until_and_next_opening_are_told():
    hours = parse_hours("mon-fri 09:00-17:00; sat 10:00-14:00")
    open_state = status(hours, "UTC", utc("2026-11-28 11:00"))  # Saturday
    assert open_state.open and open_state.until == (5, datetime(1, 1, 1, 14, 0).time())
    closed = status(hours, "UTC", utc("2026-11-28 15:00"))  # Saturday afternoon: next is Monday 9:00
    assert not closed.open and closed.next_open == (0, datetime(1, 1, 1, 9, 0).time())


def test_round_the_clock_is_always_open():
    state = status(parse_hours("daily 00:00-24:00"), "Asia/Bangkok", utc("2026-11-25 03:00"))
    assert state.open and state.always


@pytest.mark.parametrize("text", ["", "mon-fri", "weekdays 09:00-17:00", "mon 9-5", "mon 25:00-26:00",
                                  "mon 09:00-09:00", "mon 09:61-10:00", "monday 09:00-17:00"])
def test_unreadable_hours_are_refused(text):
    with pytest.raises(HoursError):
        parse_hours(text)


@pytest.mark.parametrize("lang,expected", [
    ("en", "Mon–Fri 9:00 AM–5:00 PM; Sat 10:00 AM–2:00 PM"),
    ("es", "lun–vie 9:00 a.m.–5:00 p.m.; sáb 10:00 a.m.–2:00 p.m."),
    ("hmn", "Hnub Ib–Hnub Tsib 09:00–17:00; Hnub Rau 10:00–14:00"),
])
def test_hours_are_written_for_the_persons_locale(lang, expected):
    assert format_hours(parse_hours("mon-fri 09:00-17:00; sat 10:00-14:00"), lang) == expected
