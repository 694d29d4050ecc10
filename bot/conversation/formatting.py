"""Locale-aware numbers, days and times with Babel, and Hmong, which Babel lacks."""
from __future__ import annotations

from datetime import date, time

from babel import Locale
from babel.dates import format_date, format_time, get_day_names, get_timezone_name
from babel.numbers import format_decimal

# Roman Urdu readers may not read Urdu script, so its dates and days are in English (Latin script).
BABEL_LOCALES = {"en": "en_US", "es": "es_MX", "th": "th_TH", "so": "so_SO", "ur": "ur_PK", "ur-Latn": "en_US"}
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# CLDR (and so Babel) has no Hmong locale. White Hmong names the weekdays by number
# ("day one" = Monday) and people write times on the 24-hour clock.
HMONG_DAYS = ("Hnub Ib", "Hnub Ob", "Hnub Peb", "Hnub Plaub", "Hnub Tsib", "Hnub Rau", "Hnub Xya")


def locale_for(lang: str) -> Locale | None:
    code = BABEL_LOCALES.get(lang)
    return Locale.parse(code) if code else None


def format_number(value: float, lang: str) -> str:
    loc = locale_for(lang)
    if loc is None:  # Hmong: plain digits, comma thousands, as in US Hmong print
        return format_decimal(value, locale="en_US")
    return format_decimal(value, locale=loc)


def format_day(iso_day: str, lang: str) -> str:
    """A date given as YYYY-MM-DD, written the way `lang` writes dates ("30 Nov 2026")."""
    loc = locale_for(lang)
    if loc is None:  # Hmong: the ISO date, unambiguous in any school system
        return iso_day
    return format_date(date.fromisoformat(iso_day), format="medium", locale=loc)


def format_clock(value: time, lang: str) -> str:
    loc = locale_for(lang)
    if loc is None:
        return value.strftime("%H:%M")
    # CLDR puts a narrow no-break space before AM/PM; outside GSM-7, it would turn a whole
    # SMS into UCS-2 (70 characters a segment), so it becomes a plain space.
    return format_time(value, format="short", locale=loc).replace("\u202f", " ").replace("\xa0", " ")


def day_name(day_key: str, lang: str) -> str:
    index = DAY_KEYS.index(day_key)
    loc = locale_for(lang)
    if loc is None:
        return HMONG_DAYS[index]
    return get_day_names("abbreviated", locale=loc)[index]


def _day_span(days: list[str], lang: str) -> str:
    indices = sorted(DAY_KEYS.index(d) for d in days)
    contiguous = indices == list(range(indices[0], indices[-1] + 1))
    if contiguous and len(indices) > 2:
        return f"{day_name(DAY_KEYS[indices[0]], lang)}–{day_name(DAY_KEYS[indices[-1]], lang)}"
    return ", ".join(day_name(DAY_KEYS[i], lang) for i in indices)


def format_hours(hours: dict, lang: str) -> str:
    """{"days": [...], "open": "09:00", "close": "17:00", "timezone": tz} -> "Mon–Fri 9:00 AM–5:00 PM CST"."""
    opens = time.fromisoformat(hours["open"])
    closes = time.fromisoformat(hours["close"])
    text = f"{_day_span(hours['days'], lang)} {format_clock(opens, lang)}–{format_clock(closes, lang)}"
    tz = hours.get("timezone")
    if tz:
        text += f" ({_tz_label(tz, lang)})"
    return text


def _tz_label(tz: str, lang: str) -> str:
    # Generic city-based names ("Chicago time") read better than abbreviations people don't know.
    loc = locale_for(lang) or Locale.parse("en_US")
    return get_timezone_name(tz, width="long", uncommon=False, locale=loc, zone_variant="generic") \
        if lang != "hmn" else tz.split("/")[-1].replace("_", " ")


def format_day_time(moment, lang: str) -> str:
    """"Monday 9:00 AM (Central Time)" in the person's locale: when the next shift starts."""
    day = day_name(DAY_KEYS[moment.weekday()], lang) if lang == "hmn" else \
        get_day_names("wide", locale=locale_for(lang))[moment.weekday()]
    zone = getattr(moment.tzinfo, "key", None)
    return f"{day} {format_clock(moment.time(), lang)}" + (f" ({_tz_label(zone, lang)})" if zone else "")
