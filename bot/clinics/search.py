"""The three nearest clinics that fit a need, from a place name, a pin or a postal code.

Clinics are bucketed in a one-degree grid; a query reads only the cells that the search
radius touches and measures great-circle distances for those with numpy, so a directory of
50,000 clinics answers in well under a millisecond (bench/clinic_search.py).
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from bot.clinics import needs
from bot.clinics.directory import Clinic
from bot.clinics.gazetteer import CITY, Gazetteer, Place, place_key
from bot.clinics.schema import SERVICES
from bot.settings import COUNTRIES, ROOT

EARTH_KM = 6371.0088
RADIUS_KM = 150.0   # farther than this is no longer "near": the person is offered a volunteer instead
RESULTS = 3
ALIASES = ROOT / "data" / "clinics" / "place_aliases.yml"
_US_ZIP = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")


@dataclass
class Found:
    clinic: Clinic
    km: float


@dataclass
class Result:
    place: Place | None           # None: nothing in the query could be read as a place
    need: str | None
    clinics: list[Found] = field(default_factory=list)

    @property
    def sample(self) -> bool:
        return any(f.clinic.sample for f in self.clinics)


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance; works on numpy arrays as on numbers."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


class Directory:
    """The clinics with a grid index, their towns and postal codes, and a gazetteer."""

    def __init__(self, clinics: list[Clinic]):
        self.clinics = clinics
        self.lat = np.array([c.lat for c in clinics], dtype=float)
        self.lon = np.array([c.lon for c in clinics], dtype=float)
        self.services = np.array([sum(1 << SERVICES.index(s) for s in c.services) for c in clinics], dtype=np.int64)
        cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, c in enumerate(clinics):
            cells[(math.floor(c.lat), math.floor(c.lon))].append(i)
        self.cells = {k: np.array(v, dtype=np.int64) for k, v in cells.items()}
        self.cities = _centroids(clinics, lambda c: [c.city, f"{c.city} {c.region}"],
                                 lambda c: c.city + (f", {c.region}" if c.region else ""))
        self.postal = _centroids(clinics, lambda c: [c.postal_code.replace(" ", "")] if c.postal_code else [],
                                 lambda c: f"{c.postal_code} {c.city}")
        self.countries = frozenset(c.country for c in clinics) | frozenset(COUNTRIES)
        self._gazetteer: Gazetteer | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = Gazetteer(ALIASES, self.cities, self.countries, frozenset(needs.words()))
        return self._gazetteer

    # -- nearest -------------------------------------------------------------------
    def nearest(self, lat: float, lon: float, need: str | None = None, k: int = RESULTS,
                radius_km: float = RADIUS_KM) -> list[Found]:
        dlat = radius_km / 111.0
        dlon = radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
        rows = [self.cells.get((y, (x + 180) % 360 - 180))
                for y in range(math.floor(lat - dlat), math.floor(lat + dlat) + 1)
                for x in range(math.floor(lon - dlon), math.floor(lon + dlon) + 1)]
        rows = [r for r in rows if r is not None]
        if not rows:
            return []
        candidates = np.concatenate(rows)
        if need:
            candidates = candidates[(self.services[candidates] & (1 << SERVICES.index(need))) != 0]
        km = haversine_km(lat, lon, self.lat[candidates], self.lon[candidates])
        inside = km <= radius_km
        candidates, km = candidates[inside], km[inside]
        if len(km) > k:
            top = np.argpartition(km, k)[:k]
            candidates, km = candidates[top], km[top]
        order = np.argsort(km, kind="stable")
        return [Found(self.clinics[int(candidates[i])], float(km[i])) for i in order]

    # -- places --------------------------------------------------------------------
    def postal_place(self, text: str) -> Place | None:
        """A postal code the directory lists (any country), else a US ZIP code."""
        key = place_key(text)
        words = key.split()
        for n in (2, 1):
            for i in range(len(words) - n + 1):
                gram = "".join(words[i:i + n])
                if any(ch.isdigit() for ch in gram) and gram in self.postal:
                    return self.postal[gram]
        match = _US_ZIP.search(key)
        if match:
            return us_zip(match[1])
        return None

    def place(self, text: str) -> Place | None:
        """The place a message names: a postal code first (it is the most precise), then a name.

        An ambiguous name ("Houston", "Saint Paul") becomes the one with a clinic nearest to it.
        """
        place = self.postal_place(text)
        if place:
            return place
        found = self.gazetteer.find(text)
        if len(found) <= 1:
            return found[0] if found else None
        top = [p for p in found if (p.hinted, p.country in self.countries) == (found[0].hinted,
                                                                               found[0].country in self.countries)]
        return min(top, key=self._distance_to_nearest)

    def _distance_to_nearest(self, place: Place) -> float:
        near = self.nearest(place.lat, place.lon, k=1)
        return near[0].km if near else math.inf

    def search(self, text: str = "", pin: tuple[float, float] | None = None, need: str | None = None,
               place: Place | None = None) -> Result:
        if pin is not None:
            place = Place("", pin[0], pin[1], "")
        elif place is None:
            place = self.place(text)
        if place is None:
            return Result(None, need)
        return Result(place, need, self.nearest(place.lat, place.lon, need))


def _centroids(clinics: list[Clinic], keys, label) -> dict[str, Place]:
    groups: dict[str, list[Clinic]] = defaultdict(list)
    for c in clinics:
        for key in keys(c):
            k = place_key(key)
            if k:
                groups[k].append(c)
    return {k: Place(label(g[0]), sum(c.lat for c in g) / len(g),
                     sum(c.lon for c in g) / len(g), g[0].country, g[0].region, CITY)
            for k, g in groups.items()}


_ZIPS: dict[str, Place] | None = None


def us_zip(code: str) -> Place | None:
    global _ZIPS
    if _ZIPS is None:
        import zipcodes

        # One dictionary, built once: zipcodes.matching() scans its whole table on every call.
        _ZIPS = {z["zip_code"]: Place(f"{z['zip_code']} {z['city']}, {z['state']}", float(z["lat"]),
                                      float(z["long"]), "US", z["state"], CITY)
                 for z in zipcodes.list_all() if z.get("lat") and z.get("long")}
    return _ZIPS.get(code)
