"""Reviewing the catalogs without a programmer (issue 13): edit, approve, fuzzy when the English
changes, export and import; the .po files stay the source of truth."""
from __future__ import annotations

from datetime import date

import pytest
from babel.messages.pofile import read_po

from bot.conversation import catalog, review
from bot.conversation.catalog import render


def entry(lang, msgid):
    return next(e for e in review.entries(lang) if e.msgid == msgid)


def test_an_approved_edit_is_served_at_once_and_signed_in_the_catalog(catalogs):
    text = "Tienes derecho a un abogado. Texto revisado."
    review.save("es", "right_to_lawyer.US", text, "Ana López", approve=True, today=date(2026, 12, 1))
    assert render("right_to_lawyer.US", "es") == text  # no restart, no compile step
    with (catalogs / "es" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        message = read_po(f).get("right_to_lawyer.US")
    assert catalog.review_state(message) == "done" and "reviewed-by: Ana López" in catalog.comments(message)
    assert entry("es", "right_to_lawyer.US").reviewed_by == "Ana López"
    assert entry("es", "right_to_lawyer.US").reviewed_on == "2026-12-01"
    assert entry("es", "right_to_lawyer.US").state == "done"
    assert catalog.checked_on("right_to_lawyer.US", "es") == "2026-12-01"


def test_a_saved_but_unapproved_edit_stays_pending(catalogs):
    review.save("es", "thanks", "De nada.", "Ana", approve=False)
    assert entry("es", "thanks").state == "pending" and render("thanks", "es") == "De nada."


def test_changing_the_english_flags_every_reviewed_translation_fuzzy_and_serves_english(catalogs):
    review.save("th", "covid_info", render("covid_info", "th"), "Tida", approve=True)
    assert entry("th", "covid_info").state == "done"
    review.save("en", "covid_info", "COVID-19 is an illness caused by a virus. Corrected text.", "Coordinator",
                approve=True)
    assert entry("th", "covid_info").state == "fuzzy"
    # gettext does not serve a fuzzy translation: the corrected English, never an outdated fact.
    assert render("covid_info", "th") == "COVID-19 is an illness caused by a virus. Corrected text."
    row = next(r for r in review.status() if r.lang == "th")
    assert "covid_info" in row.fuzzy and not row.complete
    review.save("th", "covid_info", "โควิด-19 คือโรคจากไวรัส (แก้ไขแล้ว)", "Tida", approve=True)
    assert entry("th", "covid_info").state == "done"


@pytest.mark.parametrize("text,problem", [
    ("Llama al 911.", "placeholders"),  # the emergency number placeholder dropped
    ("Llama al %(emergency_number)s y %(hotline)s.", "placeholders"),
    ("   ", "empty"),
    ("x" * 2000, "longer"),
    ("Llama al %(emergency_number)d.", "placeholders"),
    ("Llama\x0bal %(emergency_number)s.", "control character"),
])
def test_a_text_that_would_break_an_answer_is_refused_and_nothing_is_written(catalogs, text, problem):
    before = (catalogs / "es" / "LC_MESSAGES" / "messages.po").read_bytes()
    with pytest.raises(review.ReviewError, match=problem):
        review.save("es", "emergency.medical", text, "Ana", approve=True)
    assert (catalogs / "es" / "LC_MESSAGES" / "messages.po").read_bytes() == before


def test_unknown_catalogs_and_entries_are_refused(catalogs):
    with pytest.raises(review.ReviewError):
        review.save("fr", "thanks", "Merci", "X", approve=True)
    with pytest.raises(review.ReviewError):
        review.save("es", "no.such.entry", "hola", "X", approve=True)
    with pytest.raises(review.ReviewError):
        review.entries("../en")


def test_export_then_import_round_trips_a_translators_edit(catalogs):
    exported = review.export_po("so").decode("utf-8")
    edited = exported.replace(render("thanks", "so"), "Mahadsanid, waa lagu caawiyay.", 1)
    report = review.import_po("so", edited.encode("utf-8"))
    assert report["changed"] == 1 and render("thanks", "so") == "Mahadsanid, waa lagu caawiyay."


@pytest.mark.parametrize("damage", ["placeholder", "unknown", "garbage"])
def test_an_import_with_one_bad_entry_changes_nothing(catalogs, damage):
    exported = review.export_po("hmn").decode("utf-8")
    bad = {"placeholder": exported.replace("%(emergency_number)s", "911", 1),
           "unknown": exported + '\nmsgid "made.up"\nmsgstr "x"\n',
           "garbage": "\x00\x01 not a po file msgstr"}[damage]
    with pytest.raises(review.ReviewError):
        review.import_po("hmn", bad.encode("utf-8"))
    assert review.export_po("hmn").decode("utf-8") == exported


def test_status_reports_every_catalog_per_country():
    rows = {row.lang: row for row in review.status()}
    assert set(rows) == {"en", "es", "th", "hmn", "so", "ur", "ur-Latn"}
    for row in rows.values():
        assert set(row.by_country) == {"", "US", "MX", "TH", "MY"}
        assert row.complete, row.lang


def test_the_cli_prints_status_for_every_catalog(capsys):
    from bot.cli import main

    main(["catalog", "status"])
    out = capsys.readouterr().out
    for lang in ("en", "es", "th", "hmn", "so", "ur", "ur-Latn"):
        assert f"\n{lang} " in out


def test_catalog_update_writes_the_fuzzy_flag_for_english_edited_by_hand(catalogs):
    review.save("hmn", "thanks", render("thanks", "hmn"), "Tou", approve=True)
    path = catalogs / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        english = read_po(f)
    english.get("thanks").string = "You are welcome. Edited in Poedit."
    from babel.messages.pofile import write_po
    with path.open("wb") as f:
        write_po(f, english, width=0)
    assert entry("hmn", "thanks").state == "fuzzy"
    assert render("thanks", "hmn") == "You are welcome. Edited in Poedit."  # not the stale Hmong
    assert review.flag_stale()["hmn"] == 1
    with (catalogs / "hmn" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        assert read_po(f).get("thanks").fuzzy


def test_a_catalog_torn_by_a_hand_edit_keeps_serving_its_last_good_text_and_a_missing_one_english(catalogs):
    spanish = render("thanks", "es")
    path = catalogs / "es" / "LC_MESSAGES" / "messages.po"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2] + b'\nmsgid "broken\n')
    assert render("thanks", "es") == spanish
    assert "2026" in catalog.reviewed_note("right_to_lawyer.US", "es")  # its date from English
    (catalogs / "th" / "LC_MESSAGES" / "messages.po").unlink()
    assert render("thanks", "th") == render("thanks", "en")


def test_a_full_disk_is_said_to_the_reviewer_and_the_catalog_stays_whole(catalogs, monkeypatch):
    import errno
    import os
    import tempfile

    path = catalogs / "es" / "LC_MESSAGES" / "messages.po"
    before = path.read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tempfile, "mkstemp", full)
    with pytest.raises(review.ReviewError, match="could not be written"):
        review.save("es", "thanks", "De nada.", "Ana", approve=True)
    monkeypatch.undo()
    assert path.read_bytes() == before and not list(path.parent.glob(".po-*"))
