"""What an approved edit or an import can do to the answers the assistant serves: each test was
written by an attacker against the review workflow (bot/conversation/review.py, catalog.py)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from babel.messages.pofile import read_po, write_po

from bot.conversation import catalog, review
from bot.conversation.catalog import po_path, render
from tests.test_review import entry



def edit_english_by_hand(msgid: str, new_text: str) -> None:
    """What a translator does in Poedit (or a programmer in an editor) on the English template."""
    path = po_path("en")
    with path.open("rb") as f:
        cat = read_po(f)
    cat.get(msgid).string = new_text
    with path.open("wb") as f:
        write_po(f, cat, width=0)


# -- the emergency number and % signs ---------------------------------------------------------------

def test_escaped_placeholder_lets_an_approved_edit_drop_the_emergency_number(catalogs):
    """`%%(emergency_number)s` passes both checks (the placeholder regex sees the name, the %-check
    removes `%%` first) but renders as the literal text "%(emergency_number)s"."""
    text = "Parece una emergencia. Llama ahora al %%(emergency_number)s."
    try:
        review.save("es", "emergency.medical", text, "Ana", approve=True)
    except review.ReviewError:
        return  # refused: fine
    answer = render("emergency.medical", "es", emergency_number="911")
    assert "911" in answer, f"approved emergency answer carries no number: {answer!r}"


def test_a_percent_sign_is_sent_as_the_reviewer_wrote_it(catalogs):
    """A reviewer writes "100%" as they see it; the catalog stores "%%", the person reads "100%"
    (with and without placeholders in the entry)."""
    review.save("es", "thanks", "De nada, 100% gratis.", "Ana", approve=True)
    assert render("thanks", "es") == "De nada, 100% gratis."
    assert next(e for e in review.entries("es") if e.msgid == "thanks").text == "De nada, 100% gratis."
    review.save("es", "emergency.medical", "Al 100%: llama al %(emergency_number)s.", "Ana", approve=True)
    assert render("emergency.medical", "es", emergency_number="911") == "Al 100%: llama al 911."


# -- fuzzy logic: a stale translation must never be served -----------------------------------------

def test_english_edited_by_hand_the_console_says_fuzzy_but_the_stale_translation_is_served(catalogs):
    review.save("th", "thanks", render("thanks", "th"), "Tida", approve=True)
    stale = render("thanks", "th")
    edit_english_by_hand("thanks", "You are welcome. The clinic now closes at 5 pm.")
    assert entry("th", "thanks").state == "fuzzy"  # the console's rule ("same rule") ...
    served = render("thanks", "th")
    assert served != stale, "gettext still serves the translation reviewed against the old English"


def test_a_long_reviewer_name_wraps_the_source_digest_off_the_review_comment(catalogs):
    """write_po wraps comments at 76 columns whatever `width`: with a reviewer name of normal
    length, "source: …" lands on its own comment line, which _state never reads, so an English
    change made outside the console is never flagged."""
    review.save("th", "covid_info", render("covid_info", "th"), "Tida Srisuk-Wongsawat", approve=True)
    edit_english_by_hand("covid_info", "COVID-19 is an illness caused by a virus. Corrected by hand.")
    assert entry("th", "covid_info").state == "fuzzy"


def test_plain_save_of_a_fuzzy_entry_puts_the_outdated_translation_back_on_the_air(catalogs):
    """English corrected in the console -> Thai fuzzy (English served). A reviewer then presses
    "Save" (not approve) without changing the Thai: the fuzzy flag is discarded and the
    translation of the old English is served again, though nobody approved it."""
    review.save("th", "covid_info", render("covid_info", "th"), "Tida", approve=True)
    old_thai = render("covid_info", "th")
    review.save("en", "covid_info", "COVID-19 is an illness caused by a virus. Corrected text.", "Coord",
                approve=True)
    assert render("covid_info", "th") != old_thai
    review.save("th", "covid_info", old_thai, "Tida", approve=False)
    assert render("covid_info", "th") != old_thai, "outdated translation served again after a plain Save"


# -- text that breaks the answer at run time --------------------------------------------------------

@pytest.mark.parametrize("char", ["\x0b", "\x00", "\x1b", "\x0c"])
def test_control_characters_are_approved_and_make_the_sms_reply_invalid_xml(catalogs, char):
    """A vertical tab is what Word puts for Shift+Enter; pasted into the console it is approved,
    served, and the TwiML built from it is not well-formed XML (Twilio rejects it: no reply)."""
    from webhook.messaging import twiml

    try:
        review.save("es", "thanks", f"De nada.{char}Cuídate.", "Ana", approve=True)
    except review.ReviewError:
        return  # refused: fine
    body = twiml([render("thanks", "es")]).get_data()
    ET.fromstring(body)  # raises ParseError: invalid XML


# -- import ------------------------------------------------------------------------------------------

def test_import_with_a_broken_plural_forms_header_breaks_every_answer_in_the_language(catalogs):
    exported = review.export_po("so").decode("utf-8")
    bad = exported.replace('"Content-Transfer-Encoding: 8bit\\n"',
                           '"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1;\\n"', 1)
    assert bad != exported
    try:
        review.import_po("so", bad.encode("utf-8"))
    except review.ReviewError:
        return  # refused: fine
    render("thanks", "so")  # ValueError: unbalanced parenthesis in plural form


def test_import_with_a_wrong_charset_header_serves_mojibake(catalogs):
    exported = review.export_po("th").decode("utf-8")
    before = render("thanks", "th")
    bad = exported.replace("charset=utf-8", "charset=ISO-8859-1")
    try:
        review.import_po("th", bad.encode("utf-8"))
    except review.ReviewError:
        return
    assert render("thanks", "th") == before, "Thai answers now arrive as mojibake"


def test_a_header_only_import_silently_empties_the_catalog(catalogs):
    exported = review.export_po("so").decode("utf-8")
    header_only = exported.split("\n\n")[0] + "\n"
    try:
        report = review.import_po("so", header_only.encode("utf-8"))
    except review.ReviewError:
        return
    row = next(r for r in review.status() if r.lang == "so")
    assert row.translated > 0, f"import {report} deleted every Somali translation: all answers now in English"


def test_an_import_keeps_an_approval_for_a_text_the_approver_never_saw(catalogs):
    """Export, change an approved text in Poedit, import: the new text shows as "done, reviewed
    by Ana" and the assistant serves it as reviewed, though Ana approved another text."""
    review.save("es", "thanks", "De nada. Cuídate.", "Ana", approve=True, today=date(2026, 11, 1))
    exported = review.export_po("es").decode("utf-8")
    edited = exported.replace("De nada. Cuídate.", "De nada. Ya no necesitas abogado.", 1)
    review.import_po("es", edited.encode("utf-8"))
    e = entry("es", "thanks")
    assert e.text == "De nada. Ya no necesitas abogado."
    assert not (e.state == "done" and e.reviewed_by == "Ana"), "imported text shown as approved by Ana"


def test_an_import_entry_with_msgctxt_is_counted_translated_but_never_served(catalogs):
    exported = review.export_po("so").decode("utf-8")
    bad = exported.replace('msgid "thanks"', 'msgctxt "sms"\nmsgid "thanks"', 1)
    try:
        review.import_po("so", bad.encode("utf-8"))
    except review.ReviewError:
        return
    shown = entry("so", "thanks")
    served = render("thanks", "so")
    assert not (shown.state != "missing" and served == render("thanks", "en")), \
        f"console shows {shown.state!r} with a Somali text; the person gets English"


# -- reload ------------------------------------------------------------------------------------------

def test_an_edit_saved_while_the_catalog_is_being_rebuilt_is_served_next(catalogs, monkeypatch):
    """The assistant rebuilds a catalog from its .po; a save landing between the read and the
    build must not leave the older text served for good."""
    review.save("es", "thanks", "Version dos.", "Ana", approve=False)
    real = catalog.read_catalog
    state = {"done": False}

    def read_then_a_reviewer_saves(path, *args, **kwargs):
        result = real(path, *args, **kwargs)
        if not state["done"] and str(path).endswith("es/LC_MESSAGES/messages.po"):
            state["done"] = True
            monkeypatch.setattr(catalog, "read_catalog", real)
            review.save("es", "thanks", "Version tres.", "Bea", approve=False)  # the other reviewer
        return result

    monkeypatch.setattr(catalog, "read_catalog", read_then_a_reviewer_saves)
    render("thanks", "es")  # e.g. the action server rebuilding after "Version dos"
    assert state["done"]
    assert render("thanks", "es") == "Version tres."
