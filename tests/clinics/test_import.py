"""`puente clinics import`: every bad row reported by line and column, nothing imported, or an atomic swap."""
from __future__ import annotations

import csv
import io

import pytest

from bot.cli import main
from bot.clinics import store
from bot.clinics.directory import read_file
from bot.clinics.schema import COLUMNS

GOOD = {"name": "Clínica Prueba", "address": "Calle 1", "city": "Tapachula", "region": "Chiapas", "country": "MX",
        "postal_code": "30700", "latitude": "14.9067", "longitude": "-92.2630", "phone": "+52 962 000 0199",
        "languages": "es; en", "services": "general; covid_testing", "cost": "free", "undocumented": "yes",
        "hours": "mon-fri 09:00-17:00; fri 20:00-02:00", "timezone": "America/Mexico_City",
        "source": "test", "last_verified": "2026-11-01"}


def write(path, rows, header=COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def row(**changes):
    return {**GOOD, "name": changes.pop("name", f"Clinic {sorted(changes.items())}"), **changes}


@pytest.fixture
def active(tmp_path, monkeypatch):
    target = tmp_path / "var" / "clinics.csv"
    monkeypatch.setenv("PUENTE_CLINICS_FILE", str(target))
    return target


# Each bad cell, the column it is reported in, and words the organisation reads in the report.
BAD = [
    ({"latitude": "95.2"}, "latitude", "bad coordinates"),
    ({"longitude": "east"}, "longitude", "not a number"),
    ({"latitude": "0", "longitude": "0"}, "latitude", "ocean"),
    ({"services": "general; dentistry"}, "services", 'unknown service "dentistry"'),
    ({"hours": "weekdays 9 to 5"}, "hours", "cannot read the opening hours"),
    ({"hours": "mon 25:00-26:00"}, "hours", "not a time of day"),
    ({"phone": ""}, "phone", "every clinic needs a phone number"),
    ({"phone": "call us"}, "phone", "not a phone number"),
    ({"timezone": "Mexico/Tapachula"}, "timezone", 'unknown time zone "Mexico/Tapachula"'),
    ({"cost": "cheap"}, "cost", 'unknown cost "cheap"'),
    ({"undocumented": "maybe"}, "undocumented", 'unknown answer "maybe"'),
    ({"last_verified": "01/11/2026"}, "last_verified", "not a date"),
    ({"last_verified": "2031-01-01"}, "last_verified", "in the future"),
    ({"country": "Mexico"}, "country", "two-letter country code"),
    ({"languages": "es; klingon"}, "languages", 'unknown language code "klingon"'),
    ({"name": ""}, "name", "is empty"),
]


def test_every_bad_row_is_reported_with_its_line_and_column(tmp_path):
    rows = [row(name="Fine one")] + [row(**cells) for cells, _, _ in BAD] + [row(name="Fine two")]
    clinics, problems = read_file(write(tmp_path / "new.csv", rows))
    reported = {(p.line, p.column): p.message for p in problems}
    for offset, (_, column, words) in enumerate(BAD):
        line = 3 + offset  # header is line 1, "Fine one" line 2
        assert (line, column) in reported, (line, column, problems)
        assert words in reported[(line, column)], reported[(line, column)]
    assert len(problems) == len(BAD)
    assert [c.name for c in clinics] == ["Fine one", "Fine two"]


def test_line_numbers_count_lines_even_with_a_multi_line_address(tmp_path):
    path = tmp_path / "new.csv"
    write(path, [row(name="A", address="Calle 1\nInterior 2"), row(name="B", latitude="-95")])
    _, problems = read_file(path)
    assert [(p.line, p.column) for p in problems] == [(4, "latitude")]


def test_a_repeated_clinic_and_a_broken_row_are_reported(tmp_path):
    path = write(tmp_path / "new.csv", [row(name="Same"), row(name="Same")])
    path.write_text(path.read_text() + "only,three,cells\n")
    _, problems = read_file(path)
    assert [str(p) for p in problems] == [
        "line 3, column name: repeats the clinic on line 2",
        "line 4: has 3 cells but the header has 17 (a missing or extra comma?)"]


def test_a_missing_column_is_reported_on_the_header(tmp_path):
    header = [c for c in COLUMNS if c != "hours"]
    _, problems = read_file(write(tmp_path / "new.csv", [row()], header=header))
    assert [str(p) for p in problems] == ["line 1, column hours: this column is missing"]


def test_import_with_any_problem_imports_nothing(tmp_path, active, capsys):
    active.parent.mkdir(parents=True)
    write(active, [row(name="The directory in use")])
    before = active.read_bytes()
    bad = write(tmp_path / "new.csv", [row(name="Good"), row(latitude="95.2"), row(services="dentistry")])
    assert main(["clinics", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "line 3, column latitude" in err and "line 4, column services" in err and "nothing imported" in err
    assert active.read_bytes() == before
    assert [p.name for p in active.parent.iterdir()] == ["clinics.csv"]  # no temporary file left behind


def test_a_good_file_replaces_the_directory_in_use_atomically(tmp_path, active, capsys, monkeypatch):
    assert store.path_in_use() == store.SAMPLE  # nothing imported yet: the sample answers
    good = write(tmp_path / "new.csv", [row(name="Clínica Nueva", latitude="14.90", longitude="-92.26")])
    replaced = []
    real_replace = store.os.replace
    monkeypatch.setattr(store.os, "replace", lambda src, dst: (replaced.append((src, dst)), real_replace(src, dst)))
    assert main(["clinics", "import", str(good)]) == 0
    assert "imported 1 clinics" in capsys.readouterr().out
    [(src, dst)] = replaced
    assert str(dst) == str(active) and str(src).startswith(str(active.parent))  # renamed within one directory
    assert store.path_in_use() == active
    assert [f.clinic.name for f in store.current().nearest(14.9, -92.26)] == ["Clínica Nueva"]


def test_the_sample_directory_is_valid_and_marked_as_invented():
    clinics, problems = read_file(store.SAMPLE)
    assert problems == []
    assert len(clinics) >= 22 and all(c.sample for c in clinics)
    for c in clinics:
        digits = "".join(ch for ch in c.phone if ch.isdigit())
        if c.country == "US":
            assert digits[-7:-2] == "55501", c.phone  # the fictional 555-0100..0199 range
        else:
            assert "0000" in digits or "000 0" in c.phone, c.phone
