"""Search results as catalog messages in the person's language: one SMS-sized message per
clinic, with distance, phone, open now (on the clinic's clock), hours and languages."""
from __future__ import annotations

from datetime import datetime

from babel import Locale

from bot.clinics.hours import format_hours, status
from bot.clinics.schema import EXTRA_LANGUAGES
from bot.clinics.search import RADIUS_KM, Found, Result
from bot.conversation.catalog import render
from bot.conversation.formatting import (
    BABEL_LOCALES,
    DAY_KEYS,
    day_name,
    format_clock,
    format_number,
)
from bot.conversation.languages import NATIVE_NAMES

KM_PER_MILE = 1.609344
PIN = "pin"  # the remembered place of a person who sent a location pin rather than a name


def place_label(result: Result, lang: str) -> str:
    return render("clinic.your_location", lang) if not result.place.label else result.place.label


def messages(result: Result, lang: str, now: datetime, params: dict[str, str],
             country: str = "") -> tuple[list[str], list[str]]:
    """The messages for a search with a place, and the catalog ids used (for tests and audit).
    `country` is the person's, for the units of a distance that belongs to no clinic."""
    params = {**params, "place": place_label(result, lang)}
    if result.need:
        params["need"] = render(f"service.{result.need}", lang)
    if not result.clinics:
        params["radius"] = distance(RADIUS_KM, result.place.country or country, lang)
        msgid = "clinic.none_near_need" if result.need else "clinic.none_near"
        return [render(msgid, lang, **params)], [msgid]
    ids = ["clinic.sample"] if result.sample else []
    ids += ["clinic.results_need" if result.need else "clinic.results", "clinic.footer"]
    head = "\n".join(render(msgid, lang, **params) for msgid in ids)
    return [head] + [clinic_message(found, lang, now) for found in result.clinics], ids + ["clinic.result"]


def clinic_message(found: Found, lang: str, now: datetime) -> str:
    clinic = found.clinic
    return render("clinic.result", lang, name=clinic.name, distance=distance(found.km, clinic.country, lang),
                  address=f"{clinic.address}, {clinic.city}", phone=clinic.phone,
                  status=open_status(clinic, lang, now), hours=format_hours(clinic.hours, lang),
                  languages=languages(clinic.languages, lang), cost=render(f"cost.{clinic.cost}", lang),
                  papers=render(f"papers.{clinic.undocumented}", lang))


def open_status(clinic, lang: str, now: datetime) -> str:
    state = status(clinic.hours, clinic.timezone, now)
    if state.always:
        return render("clinic.open_always", lang)
    if state.open:
        return render("clinic.open_until", lang, time=format_clock(state.until[1], lang))
    day, at = state.next_open
    return render("clinic.closed_opens", lang, day=day_name(DAY_KEYS[day], lang), time=format_clock(at, lang))


def languages(codes: tuple[str, ...], lang: str) -> str:
    # The person's own language first: it is what they look for.
    ordered = sorted(codes, key=lambda code: code != lang)
    return ", ".join(_language_name(code, lang) for code in ordered)


def _language_name(code: str, lang: str) -> str:
    if lang == "hmn":  # no CLDR locale: our languages by their own names, others in English
        return NATIVE_NAMES.get(code) or Locale.parse("en").languages.get(code) or EXTRA_LANGUAGES.get(code, code)
    names = Locale.parse(BABEL_LOCALES[lang]).languages
    return names.get(code) or EXTRA_LANGUAGES.get(code) or code


def distance(km: float, country: str, lang: str) -> str:
    if country == "US":  # where people count in miles
        return render("clinic.miles", lang, distance=format_number(round(km / KM_PER_MILE, 1), lang))
    return render("clinic.km", lang, distance=format_number(round(km, 1), lang))
