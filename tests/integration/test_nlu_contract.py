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
