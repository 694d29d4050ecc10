from datetime import time

import pytest

from bot.conversation.formatting import format_clock, format_hours
from bot.conversation.languages import named_language
from bot.text import as_menu_choice, has_words, normalise


def test_normalise_drops_latin_accents_but_keeps_thai_marks():
    assert normalise("  Está  BIEN  ") == "esta bien"
    assert normalise("ฉีดวัคซีน") == "ฉีดวัคซีน"
    assert normalise("holaaaaa") == "holaa"


@pytest.mark.parametrize("text,choice", [("2", 2), (" 3. ", 3), ("๒", 2), ("۲", 2), ("12", None), ("dos", None)])
def test_menu_choices_in_any_script(text, choice):
    assert as_menu_choice(text) == choice


@pytest.mark.parametrize("text,lang", [
    ("english please", "en"), ("Español", "es"), ("ภาษาไทย", "th"), ("Hmoob", "hmn"), ("af soomaali", "so"),
    ("اردو", "ur"), ("urdu mein baat karo", "ur"), ("no hablo ingles, espanol por favor", "es"), ("hola", None)])
def test_named_language(text, lang):
    assert named_language(text) == lang


def test_emoji_only_has_no_words():
    assert not has_words("🙏🙏😢")
    assert has_words("ok 🙏")


def test_hours_in_each_locale_and_hmong_without_babel_locale():
    hours = {"days": ["mon", "tue", "wed", "thu", "fri"], "open": "09:00", "close": "17:00"}
    assert format_hours(hours, "en") == "Mon–Fri 9:00 AM–5:00 PM"
    assert format_hours(hours, "es").startswith("lun–vie")
    assert format_hours(hours, "hmn") == "Hnub Ib–Hnub Tsib 09:00–17:00"
    assert format_clock(time(17, 30), "th") == "17:30"
