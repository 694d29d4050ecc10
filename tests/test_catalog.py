"""The catalogs: every message in all six languages, same placeholders, SMS-sized, reviewed state recorded."""
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot.conversation import catalog, content, review
from bot.conversation.languages import CATALOGS

CORE_LIMIT = 300  # a core answer fits in about two SMS segments; menus are exempt


def messages(lang):
    with catalog.po_path(lang).open("rb") as f:
        return {m.id: m for m in read_po(f, locale=None) if m.id}


@pytest.mark.parametrize("lang", CATALOGS)
def test_every_message_is_translated_with_identical_placeholders(lang):
    english, translated = messages("en"), messages(lang)
    assert set(translated) == content.all_message_ids()
    for msgid, message in english.items():
        text = translated[msgid].string
        assert text.strip(), f"{lang}:{msgid} is empty"
        assert sorted(catalog.PLACEHOLDER.findall(text)) == sorted(catalog.PLACEHOLDER.findall(message.string)), \
            f"{lang}:{msgid} placeholders differ from English"


@pytest.mark.parametrize("lang", CATALOGS)
def test_menus_keep_their_numbers(lang):
    english, translated = messages("en"), messages(lang)
    for msgid in (m for m in english if m.startswith("menu.")):
        numbers = lambda text: re.findall(r"^(\d) ", text, flags=re.M)  # noqa: E731
        assert numbers(translated[msgid].string) == numbers(english[msgid].string), f"{lang}:{msgid}"


@pytest.mark.parametrize("lang", CATALOGS)
def test_answers_are_sms_sized(lang):
    for msgid, message in messages(lang).items():
        if not msgid.startswith("menu."):
            assert len(message.string) <= CORE_LIMIT, f"{lang}:{msgid} has {len(message.string)} characters"


@pytest.mark.parametrize("lang", CATALOGS)
def test_every_entry_records_its_review_state(lang):
    for msgid, message in messages(lang).items():
        assert catalog.review_state(message) in ("pending", "done"), f"{lang}:{msgid} has no review: comment"


def test_status_counts_what_needs_review():
    rows = {row.lang: row for row in review.status()}
    assert set(rows) == set(CATALOGS)
    for row in rows.values():
        assert row.translated == row.total == len(content.all_message_ids())
        assert row.reviewed + len(row.pending) == row.translated
        assert row.complete, row.lang  # "puente catalog status": the six languages and Roman Urdu
        assert sum(total for total, _, _ in row.by_country.values()) == row.total


def test_render_fills_placeholders_in_the_language_asked():
    text = catalog.render("no_verified_info", "es", country="Tailandia", hotline="+1-555-0100",
                          hotline_hours="lun–vie")
    assert "Tailandia" in text and "+1-555-0100" in text and "%(" not in text
    assert text != catalog.render("no_verified_info", "en", country="Thailand", hotline="+1-555-0100",
                                  hotline_hours="Mon–Fri")


def test_extraction_finds_exactly_the_catalog_ids(tmp_path):
    """pybabel extract over bot/conversation/content.py yields the ids the catalogs hold (nothing stale, nothing missing)."""
    import subprocess
    import sys

    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-k", "N_", "--no-location",
                    "-o", str(pot), "bot/conversation/content.py"], check=True, cwd=catalog.ROOT, capture_output=True)
    with pot.open("rb") as f:
        assert {m.id for m in read_po(f) if m.id} == content.all_message_ids()


CONSULATE = {"en": "consulate", "es": "consulado", "th": "กงสุล", "hmn": "consulate", "so": "qunsuliyad", "ur": "قونصل",
             "ur-Latn": "consulate"}
FEAR = {"en": "fear your own government", "es": "temes a tu propio gobierno", "th": "กลัวรัฐบาล",
        "hmn": "ntshai koj tsoom fwv", "so": "ka baqayso dowladdaada", "ur": "حکومت سے خوف",
        "ur-Latn": "hukoomat se dar"}


@pytest.mark.parametrize("lang", CATALOGS)
def test_every_answer_that_mentions_the_consulate_warns_those_who_fear_their_government(lang):
    """shared/facts (USA): a person who fears their own government should not contact their
    consulate; every answer that mentions the consulate must carry that warning."""
    for msgid, message in messages(lang).items():
        if msgid.startswith(("menu.", "label.")) or CONSULATE[lang] not in message.string:
            continue
        assert FEAR[lang] in message.string, f"{lang}:{msgid}"


CONFIDENTIAL = {"en": "confidential", "es": "confidencial", "th": "เป็นความลับ", "hmn": "khaws zais cia",
                "so": "qarsoodi", "ur": "رازدار", "ur-Latn": "raazdaar"}


@pytest.mark.parametrize("lang", CATALOGS)
def test_no_answer_promises_confidentiality(lang):
    """shared/facts: calls and messages from detention are usually monitored; never promise
    confidentiality Puente cannot guarantee."""
    for msgid, message in messages(lang).items():
        assert CONFIDENTIAL[lang] not in message.string.lower(), f"{lang}:{msgid}"


@pytest.mark.parametrize("lang", CATALOGS)
def test_mexican_answers_give_the_36_hour_limit_not_the_old_15_to_60_days(lang):
    """shared/facts (Mexico): the Supreme Court replaced the 15-to-60-working-day limit with 36
    hours in March 2023."""
    for msgid, message in messages(lang).items():
        if msgid.endswith(".MX") or ".MX." in msgid:
            assert not re.search(r"(?<!\d)(15|60)(?!\d)", message.string), f"{lang}:{msgid}"
    for msgid in ("rights_general.MX.more", "release_options.MX"):
        assert "36" in messages(lang)[msgid].string, f"{lang}:{msgid}"
