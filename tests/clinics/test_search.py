"""Search: great-circle ranking, needs, place names as people write them, pins, postal codes."""
from __future__ import annotations

from dataclasses import replace

import pytest

from bot.clinics import store
from bot.clinics.directory import read_file
from bot.clinics.hours import parse_hours
from bot.clinics.search import Directory, haversine_km


@pytest.fixture(scope="module")
def sample():
    return Directory(read_file(store.SAMPLE)[0])


def clinic_at(template, name, lat, lon, services=("general",)):
    return replace(template, name=name, lat=lat, lon=lon, services=frozenset(services))


def test_haversine_matches_known_distances():
    assert haversine_km(19.4326, -99.1332, 14.9067, -92.2630) == pytest.approx(880, rel=0.01)  # CDMX-Tapachula
    assert haversine_km(13.7563, 100.5018, 3.1390, 101.6869) == pytest.approx(1180, rel=0.01)  # BKK-KL


def test_ranking_is_by_great_circle_distance_not_by_degrees(sample):
    template = sample.clinics[0]
    # At 60°N a degree of longitude is half a degree of latitude: "east" is nearer in km,
    # although it is farther in plain degrees (0.9 vs 0.6).
    clinics = [clinic_at(template, "north", 60.6, 10.0), clinic_at(template, "east", 60.0, 10.9),
               clinic_at(template, "far", 61.2, 10.0), clinic_at(template, "farther", 58.5, 10.0)]
    found = Directory(clinics).nearest(60.0, 10.0, radius_km=500)
    assert [f.clinic.name for f in found] == ["east", "north", "far"]
    assert [round(f.km) for f in found] == [50, 67, 133]


def test_across_the_antimeridian(sample):
    template = sample.clinics[0]
    clinics = [clinic_at(template, "west of the line", -17.0, 179.9), clinic_at(template, "east", -17.0, -179.5)]
    found = Directory(clinics).nearest(-17.0, -179.95, radius_km=150)
    assert [f.clinic.name for f in found] == ["west of the line", "east"]


def test_a_need_keeps_only_clinics_that_offer_it(sample):
    found = sample.nearest(14.9067, -92.2630, need="womens_health")
    assert found and all("womens_health" in f.clinic.services for f in found)
    assert [f.clinic.name for f in found] == ["Centro de Salud Frontera Sur (sample)"]


def test_nothing_within_the_radius_is_nothing(sample):
    assert sample.nearest(-1.2921, 36.8219) == []  # Nairobi: no clinic within 150 km
    assert sample.search("kiliinik nairobi").clinics == []


@pytest.mark.parametrize("text,city", [
    # English, Spanish, Thai, Hmong, Somali, Urdu (and Roman Urdu), with short forms and scripts
    ("clinic in houston", "Houston"),
    ("free clinic mpls", "Minneapolis"),
    ("twin cities doctor", "Minneapolis"),
    ("clinica en cdmx", "Ciudad de México"),
    ("centro de salud en Ciudad de México", "Ciudad de México"),
    ("CIUDAD DE MEXICO", "Ciudad de México"),
    ("doctor en el DF", "Ciudad de México"),
    ("clínica en Tijuana, B.C.", "Tijuana"),
    ("คลินิกฟรีในกรุงเทพ", "Bangkok"),
    ("หาหมอแถวบางกอก", "Bangkok"),
    ("คลินิกในกัวลาลัมเปอร์", "Kuala Lumpur"),
    ("คลินิกในTijuana", "Tijuana"),
    ("tsev kho mob nyob Fresno", "Fresno"),
    ("kws kho mob ze St Paul Minnesota", "Saint Paul"),
    ("kiliinik kl", "Kuala Lumpur"),
    ("dhakhtar minneapolis", "Minneapolis"),
    ("ہیوسٹن میں کلینک", "Houston"),
    ("تاپاچولا میں ڈاکٹر کہاں ملے گا", "Tapachula"),
    ("houston mein sasta clinic", "Houston"),
    ("bankok mein clinic", "Bangkok"),
    ("clinic in ocilla georgia", "Ocilla"),
    ("irwin county", "Ocilla"),
    ("clinica en acayucan veracruz", "Acayucan"),
    ("tenosique", "Tenosique"),
])
def test_place_names_as_people_write_them(sample, text, city):
    result = sample.search(text)
    assert result.place is not None, text
    assert result.clinics and result.clinics[0].clinic.city == city, (text, result.place)


@pytest.mark.parametrize("typo,city", [
    ("clinica en tapachla", "Tapachula"), ("clinic minneaplis", "Minneapolis"), ("tenosike", "Tenosique"),
    ("hiuston", "Houston"), ("kuala lumpor", "Kuala Lumpur"), ("cuidad de mexico", "Ciudad de México"),
    ("acayukan", "Acayucan"), ("frezno clinic", "Fresno"), ("Tijuna", "Tijuana"),
])
def test_misspelt_place_names(sample, typo, city):
    result = sample.search(typo)
    assert result.clinics and result.clinics[0].clinic.city == city, (typo, result.place)


@pytest.mark.parametrize("text", ["clinic near me", "clinica cerca de mi", "คลินิกใกล้ฉัน", "tsev kho mob ze kuv",
                                  "rug caafimaad oo ii dhow", "میرے قریب کوئی ڈاکٹر", "near me koi clinic hai kya",
                                  "clinic in mexico", "doctor que hable espanol"])
def test_requests_without_a_place_find_none(sample, text):
    assert sample.place(text) is None


def test_an_ambiguous_name_is_the_one_with_clinics(sample):
    # Houston is also in Missouri, Mississippi, Alaska...; Saint Paul in Indiana, Texas, Nebraska...
    assert sample.place("houston").lat == pytest.approx(29.76, abs=0.1)
    assert sample.place("saint paul").lat == pytest.approx(44.94, abs=0.1)
    # Fresno is also in Texas, next to Houston's clinics: the bigger, Californian one wins.
    assert sample.place("fresno").lon == pytest.approx(-119.77, abs=0.1)


def test_a_town_not_in_the_aliases_is_found_in_geonames(sample):
    place = sample.place("clinica en ciudad hidalgo chiapas")
    assert place.country == "MX" and place.lat == pytest.approx(14.68, abs=0.05)
    nearest = sample.search("clinica en ciudad hidalgo chiapas").clinics[0]
    assert nearest.clinic.city == "Tapachula" and 25 < nearest.km < 35


def test_a_pin(sample):
    result = sample.search(pin=(44.9700, -93.2500))  # Cedar-Riverside, Minneapolis
    assert [f.clinic.name for f in result.clinics][:2] == ["Cedar-Riverside Health Clinic (sample)",
                                                           "Lake Street Community Clinic (sample)"]
    assert result.clinics[0].km < 0.3


@pytest.mark.parametrize("text,city", [
    ("clinic 77036", "Houston"),         # a US ZIP code the directory does not list
    ("31750", "Fitzgerald"),              # one it does
    ("55104", "Saint Paul"),
    ("cp 30830", "Tapachula"),            # Mexico: the directory's own postal codes
    ("10110", "Bangkok"),                 # Thailand
    ("๑๐๕๐๐", "Bangkok"),                 # in Thai digits
    ("50470", "Kuala Lumpur"),            # Malaysia
])
def test_a_postal_code(sample, text, city):
    result = sample.search(text)
    assert result.clinics and result.clinics[0].clinic.city == city, (text, result.place)


def test_a_us_zip_code_far_from_any_clinic_finds_nothing_near(sample):
    result = sample.search("10001")  # Manhattan
    assert result.place is not None and result.clinics == []


def test_search_on_a_directory_with_clinics_in_many_cells():
    # Hours are parsed once per clinic and shared: the index must not care.
    template = read_file(store.SAMPLE)[0][0]
    hours = parse_hours("daily 00:00-24:00")
    clinics = [replace(template, name=f"c{i}", lat=14 + i * 0.01, lon=-92 - i * 0.01, hours=hours) for i in range(300)]
    found = Directory(clinics).nearest(14.0, -92.0)
    assert [f.clinic.name for f in found] == ["c0", "c1", "c2"]
