"""Clinics by phone: the town a caller said, searched, and what the phone line reads out.

A caller cannot receive a text, so the results are spoken: for each clinic its name,
distance, whether it is open now, and its telephone number; then what each key does.
"""
from __future__ import annotations

from datetime import datetime, timezone

from bot.clinics import needs, store
from bot.clinics.present import distance, open_status, place_label
from bot.clinics.search import RADIUS_KM, Result

SPOKEN_RESULTS = 3  # clinics read out: more than three numbers cannot be remembered from a call


def search(speech: str) -> Result | None:
    """The nearest clinics to the place named in `speech` (recognised speech, or digits of a
    postal code), for the need it names if any; None when no place is recognised."""
    if not speech.strip():
        return None
    directory = store.current()
    place = directory.place(speech)
    if place is None:
        return None
    return directory.search(place=place, need=needs.need_in(speech))


def script(result: Result, lang: str, now: datetime | None = None) -> list[tuple[str, dict[str, str]]]:
    """What to say, in order: (catalog id, its parameters); the voice twins of the SMS
    entries are picked by the phone line (content.spoken_id)."""
    now = now or datetime.now(timezone.utc)
    place = place_label(result, lang)
    if not result.clinics:
        radius = distance(RADIUS_KM, result.place.country or "", lang)
        return [("clinic.none_near", {"place": place, "radius": radius})]
    lines: list[tuple[str, dict[str, str]]] = []
    if result.sample:
        lines.append(("clinic.sample", {}))
    lines.append(("clinic.results", {"place": place}))
    for found in result.clinics[:SPOKEN_RESULTS]:
        clinic = found.clinic
        lines.append(("clinic.result", {
            "name": clinic.name, "distance": distance(found.km, clinic.country, lang),
            # Digit by digit, so a listener can write it down.
            "phone": " ".join(ch for ch in clinic.phone if ch.isdigit() or ch == "+"),
            "status": open_status(clinic, lang, now)}))
    lines.append(("clinic.footer", {}))
    return lines
