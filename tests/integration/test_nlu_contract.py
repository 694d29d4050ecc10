"""POST /model/parse on the real server: taxonomy intent names and the `language` field."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

MUST_PASS = [json.loads(line) for line in (Path(__file__).parent / "must_pass.jsonl").open(encoding="utf-8")]
TAXONOMY = {row["intent"] for row in MUST_PASS}


def test_must_pass_covers_every_intent_in_every_language():
    assert len(TAXONOMY) == 27
    assert {(r["lang"], r["intent"]) for r in MUST_PASS} == {(lang, i) for lang in ("en", "es", "th", "hmn", "so", "ur")
                                                             for i in TAXONOMY}


@pytest.mark.parametrize("row", MUST_PASS, ids=lambda r: f"{r['lang']}-{r['intent']}")
def test_must_pass(parse, row):
    result = parse(row["text"])
    assert result["intent"]["name"] == row["intent"]
    assert result["language"] == row["lang"]


@pytest.mark.parametrize("text,lang", [("ok", None), ("🙏", None), ("", None), ("a" * 5000, None)])
def test_odd_input_still_gets_a_taxonomy_intent_and_a_language(parse, text, lang):
    result = parse(text)
    assert result["language"] in ("en", "es", "th", "hmn", "so", "ur")
    assert result["intent"]["name"] in TAXONOMY


KINDS = [json.loads(line) for line in (Path(__file__).parent / "must_pass_kinds.jsonl").open(encoding="utf-8")]
URGENT_KINDS = {"self_harm_indirect", "removal_plan", "sign_now", "medical_symptoms", "emergency_at_end"}
CALM_KINDS = {"past_persecution", "hypothetical_sign", "hyperbole", "breathing_fine", "pregnant_fine"}


def test_must_pass_kinds_cover_every_kind_in_every_language():
    assert {(r["lang"], r["kind"]) for r in KINDS} == {(lang, kind) for lang in ("en", "es", "th", "hmn", "so", "ur")
                                                       for kind in URGENT_KINDS | CALM_KINDS}


@pytest.mark.parametrize("row", KINDS, ids=lambda r: f"{r['lang']}-{r['kind']}")
def test_hard_kinds_are_urgent_or_calm_as_they_should_be(parse, row):
    """Indirect self-harm, removal plans, pressure to sign, symptoms, an emergency at the end of
    a long message: urgent. Past persecution, hypotheticals, jokes, "breathing fine",
    "pregnant and fine": not an alarm, and their own intent."""
    result = parse(row["text"])
    assert result["language"] == row["lang"]
    if row["kind"] in URGENT_KINDS:
        assert result["intent"]["name"].startswith("emergency_") and result["urgency"]["level"] == "urgent"
    else:
        assert result["intent"]["name"] == row["intent"] and result["urgency"]["level"] != "urgent"


@pytest.mark.parametrize("text,served", [
    ("من در بازداشتگاه هستم و به وکیل نیاز دارم", False),
    ("أنا محتجز في مركز الهجرة وأحتاج إلى محامٍ", False),
    ("ကျွန်တော် အကူအညီ လိုပါတယ်", False),
    ("مجھے وکیل چاہیے، میرا بھائی پکڑا گیا ہے", True),
    ("mujhe wakeel chahiye", True),
])
def test_languages_we_do_not_serve_are_said_apart(parse, text, served):
    result = parse(text)
    assert result["language_served"] is served
    assert result["language"] in ("en", "es", "th", "hmn", "so", "ur")
