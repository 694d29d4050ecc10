"""The catalog workflow as an operator breaks it (update, damaged .po files, concurrent writers).

Each runs on the `catalogs` fixture's private copy of locale/."""
from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import subprocess

import pytest

from bot.conversation import catalog, content, review
from bot.conversation.languages import CATALOGS


def _po(locale, lang):
    return locale / lang / "LC_MESSAGES" / "messages.po"


def _dates():
    return {(lang, m): catalog.checked_on(m, lang) for lang in CATALOGS for m in sorted(content.VOLATILE)}


def test_catalog_update_keeps_the_review_dates_of_volatile_answers(catalogs):
    """`puente catalog update` (pybabel update) rewraps translator comments at 76 columns, so
    "drafted: 2026-11-22" becomes "drafted:" / "2026-11-22"; comments() joins them as
    "drafted:; 2026-11-22", CHECKED no longer matches and the "last checked on" note vanishes."""
    before = _dates()
    catalog.extract_and_update(catalogs)
    after = _dates()
    lost = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not lost, f"{len(lost)} review dates lost by `catalog update`, e.g. {sorted(lost.items())[:3]}"


def test_a_console_save_keeps_the_review_dates_of_other_entries(catalogs):
    """review.save rewrites the whole catalog with write_po, which wraps comments at 76 columns
    even with width=0: one save in English drops the date of every long-commented entry."""
    before = catalog.checked_on("right_to_asylum.US", "en")
    assert before
    english = catalog.translations("en").gettext("menu.hint")
    review.save("en", "menu.hint", english, "Ana", approve=False)
    assert catalog.checked_on("right_to_asylum.US", "en") == before
    assert catalog.reviewed_note("right_to_asylum.US", "en") is not None


def _save_in_child(locale, lang, msgid, text, done):
    os.environ["PUENTE_LOCALE_DIR"] = str(locale)
    from bot.settings import get_settings

    get_settings.cache_clear()
    review.save(lang, msgid, text, "Ana", approve=False)
    done.set()


def test_catalog_update_does_not_lose_a_save_made_while_it_runs(catalogs, monkeypatch):
    """pybabel update reads a catalog, then replaces it; extract_and_update does not take the
    review lock, so a reviewer's save landing in between is silently overwritten.

    Simulated faithfully: for es, pybabel updates a copy (its read), a reviewer saves (in another
    process, through review.save), then the copy replaces the catalog (its write)."""
    real_run = subprocess.run
    es = _po(catalogs, "es")

    done = multiprocessing.Event()
    child = multiprocessing.Process(target=_save_in_child,
                                    args=(catalogs, "es", "menu.language", "TEXTO DEL REVISOR:", done))

    def run(cmd, *args, **kwargs):
        if "update" in cmd and str(es) in cmd:
            copy = es.with_name("pybabel-working.po")
            shutil.copy2(es, copy)
            cmd = [str(copy) if part == str(es) else part for part in cmd]
            result = real_run(cmd, *args, **kwargs)
            child.start()
            assert not done.wait(1.5), "the save did not wait for the update"
            os.replace(copy, es)
            return result
        return real_run(cmd, *args, **kwargs)

    monkeypatch.setattr(catalog.subprocess, "run", run)
    catalog.extract_and_update(catalogs)
    child.join(20)
    assert child.exitcode == 0 and done.is_set(), "the reviewer's save itself failed"
    assert catalog.translations("es").gettext("menu.language") == "TEXTO DEL REVISOR:"


def test_review_pages_tell_the_reviewer_about_a_po_saved_as_windows_1252(catalogs):
    """A hand editor saved es.po as Windows-1252: rendering falls back fine, but status()
    (the console's /review home, for every language) and save() raise UnicodeDecodeError: a 500."""
    es = _po(catalogs, "es")
    es.write_bytes(es.read_text("utf-8").encode("cp1252", "replace"))
    review.status()  # every catalog's row, so the reviewer can see which one is broken
    with pytest.raises(review.ReviewError):
        review.save("es", "menu.language", "Elige un idioma:", "Ana", approve=False)


def test_review_pages_tell_the_reviewer_about_a_po_replaced_by_a_directory(catalogs):
    es = _po(catalogs, "es")
    es.unlink()
    es.mkdir()
    assert catalog.render("menu.language", "es")  # rendering keeps answering (English)
    review.status()
    with pytest.raises(review.ReviewError):
        review.save("es", "menu.language", "Elige un idioma:", "Ana", approve=False)


def test_saving_into_a_deleted_catalog_is_not_a_500(catalogs):
    """status() reports a deleted catalog as "every entry missing", inviting translation; but
    save() then raises FileNotFoundError (not a ReviewError): the console answers 500."""
    _po(catalogs, "es").unlink()
    row = next(r for r in review.status() if r.lang == "es")
    assert row.translated == 0
    try:
        review.save("es", "menu.language", "Elige un idioma:", "Ana", approve=False)
    except review.ReviewError:
        pass  # told to the reviewer: acceptable


def test_status_reports_an_entry_removed_from_english_by_hand(catalogs):
    """An entry deleted from en.po by hand: status() still says every catalog is complete
    (it counts against en.po, not the ids the code uses), while render(..., "en") raises KeyError."""
    en = _po(catalogs, "en")
    text = en.read_text("utf-8")
    text, n = re.subn(r'\n(?:#[^\n]*\n)*msgid "menu.language"\nmsgstr "[^\n]*"\n', "\n", text, count=1)
    assert n == 1
    en.write_text(text, "utf-8")
    rows = {r.lang: r for r in review.status()}
    broken = None
    try:
        catalog.render("menu.language", "en")
    except KeyError as error:
        broken = error
    assert not (broken and rows["en"].complete), f"status says en complete, yet render raises {broken!r}"


def test_a_torn_po_never_serves_half_a_text(catalogs):
    """A hand edit saved half way (the file ends inside a msgstr) parses without error: the torn
    entry serves its first half ("Elige un idioma") and every later entry falls back to English,
    instead of the last good build."""
    es = _po(catalogs, "es")
    good = catalog.render("menu.language", "es")
    assert good.startswith("Elige un idioma, ")
    text = es.read_text("utf-8")
    cut = text.index('msgstr "Elige un idioma') + len('msgstr "Elige un idioma, ')
    es.write_text(text[:cut], "utf-8")
    later = catalog.render("welcome", "es")
    assert catalog.render("menu.language", "es") in (good, catalog.render("menu.language", "en"))
    assert later.startswith("Hola"), "entries after the cut: English instead of the last good build"


# Guards (passing): concurrent writers, and rendering while another process saves.

def _saver(locale, lang, msgid, base, n, errors):
    os.environ["PUENTE_LOCALE_DIR"] = str(locale)
    from bot.settings import get_settings

    get_settings.cache_clear()
    try:
        for i in range(n):
            review.save(lang, msgid, f"{base} {i}", "Ana", approve=False)
    except Exception as error:  # noqa: BLE001
        errors.put(repr(error))


def test_guard_two_processes_saving_different_entries_lose_nothing(catalogs):
    errors = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_saver, args=(catalogs, "es", m, b, 15, errors))
             for m, b in (("menu.language", "Idioma"), ("menu.hint", "Ayuda"))]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert errors.empty()
    t = catalog.translations("es")
    assert (t.gettext("menu.language"), t.gettext("menu.hint")) == ("Idioma 14", "Ayuda 14")


def test_guard_rendering_while_another_process_saves(catalogs):
    errors = multiprocessing.Queue()
    p = multiprocessing.Process(target=_saver, args=(catalogs, "es", "menu.language", "Idioma", 20, errors))
    p.start()
    seen = set()
    while p.is_alive():
        t = catalog.translations("es")
        seen.add(t.gettext("menu.language"))
        assert t.gettext("welcome").startswith("Hola")  # never a half-read catalog
    p.join()
    assert errors.empty()
    assert all(s.startswith(("Elige", "Idioma")) for s in seen)
