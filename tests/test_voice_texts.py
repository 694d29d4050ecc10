"""What the phone line says: never a text-only instruction, and every key it names leads where
it says, in every language (issue 13)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.conversation import content
from bot.conversation.catalog import render
from bot.conversation.dialogue import say
from bot.conversation.languages import LANGUAGES
from bot.settings import COUNTRIES
from webhook import voice

INSTRUCTIONS = yaml.safe_load((Path(__file__).parent.parent / "data" / "voice" / "text_instructions.yml")
                              .read_text(encoding="utf-8"))


def spoken(msgid: str, lang: str, country: str = "US") -> str:
    return say(msgid, lang, country, digit="1", name="Clinic", distance="2 km", status="Open", phone="5 5 5",
               radius="50 km", place="Town", reviewed_on="2026-11-30").lower()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_spoken_text_asks_the_caller_to_reply_text_or_type(lang):
    words = INSTRUCTIONS.get(lang, []) + INSTRUCTIONS["en"]  # English words turn up in every catalog
    assert INSTRUCTIONS.get(lang), f"no list of text-only instructions for {lang}"
    for msgid in sorted(content.spoken_ids()):
        for country in COUNTRIES:
            text = spoken(msgid, lang, country)
            found = [w for w in words if re.search(r"(?<!\w)" + re.escape(w.lower()) + r"(?!\w)", text)]
            assert not found, f"{lang}:{msgid} ({country}) is spoken and says {found}: {text}"


def test_what_the_phone_line_says_includes_every_answer_and_its_voice_twin():
    ids = content.spoken_ids()
    for twin_of, twin in content.VOICE_VARIANTS.items():
        assert twin in ids and twin_of not in ids, twin
    assert {"rights_general.TH.voice", "find_clinic.voice", "find_detained_person.MY.voice",
            "emergency.abuse.police", "voice.topic_menu"} <= ids


def keys(text: str) -> set[str]:
    return set(re.findall(r"(?<![\d.,:/-])\d(?![\d:/-]|[.,]\d)", text))


# Each spoken text that names keys, and the keys that lead somewhere from where it is said.
WHERE = {
    "voice.topic_menu": set(voice.TOPICS) | {"0", "9"},
    "voice.after_answer": {"9", "0"},
    "voice.press_zero": {"0"},
    "voice.no_recording": {"0"},
    "find_clinic.voice": {"0"},
    "no_verified_info.voice": {"0"},
    "rights_general.TH.voice": {"0"},
    "rights_general.MY.voice": {"0"},
    "right_to_asylum.TH.voice": {"0"},
    "clinic.footer.voice": {"9", "3", "0"},
    "clinic.place_unknown.voice": {"0"},  # then the clinic prompt again: the town is said, not keyed
    "find_detained_person.MX.voice": {"0"},
    "find_detained_person.TH.voice": {"0"},
    "find_detained_person.MY.voice": {"0"},
    "clinic.none_near.voice": {"0"},
    "covid_testing_vaccine.voice": {"3"},
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_a_spoken_text_names_is_the_key_that_leads_there(lang):
    for msgid, expected in WHERE.items():
        text = render(msgid, lang, digit="", country="", hotline="", hotline_hours="", radius="", place="")
        assert keys(text) == expected, f"{lang}:{msgid} names keys {sorted(keys(text))}: {text}"
    # And the routes: the digits of the topic menu, of the answers' hint, of the clinic footer.
    assert voice.TOPICS == {"1": "rights_general", "2": "covid_info", "3": "find_clinic"}
    assert set(content.VOICE_VARIANTS) >= {"find_clinic", "clinic.footer"}


def test_the_recordings_manifest_lists_every_voice_message_of_each_language_without_a_voice():
    """Issue 13: an organisation records Hmong, Somali and Urdu from this file; it must match the
    catalogs (regenerate with `puente catalog recordings`)."""
    from bot.conversation import recordings

    committed = recordings.MANIFEST.read_text(encoding="utf-8")
    assert committed == recordings.as_csv(), "run: puente catalog recordings"
    rows = recordings.rows()
    for lang in ("hmn", "so", "ur"):
        ids = {r["message_id"] for r in rows if r["language"] == lang}
        assert content.spoken_ids() <= ids
        for r in (r for r in rows if r["language"] == lang and r["fixed"] == "yes"):
            assert "%(" not in r["script"] and r["script"] != r["english"] or lang == "hmn" and r["script"].isdigit()


def test_a_caller_in_a_language_without_a_voice_always_has_a_key_to_a_person():
    # The notice said before any English (webhook/voice.py) names 0 and staying on the line.
    for lang in ("hmn", "so", "ur"):
        assert not voice.has_voice(lang, "voice.topic_menu")
        assert "0" in keys(render("voice.no_recording", "en"))
