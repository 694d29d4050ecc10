"""Triage reads the whole message: clauses, cues and the decision, without a model (scores given)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.understanding import triage
from bot.understanding.cues import KINDS, cues_from, load_cues
from bot.understanding.langid import LanguageIdentifier

ROOT = Path(__file__).resolve().parent.parent
CALM = [("right_to_asylum", 0.7), ("emergency_abuse", 0.05)]


def test_long_message_is_read_clause_by_clause():
    text = "Hello, good evening. My brother is in the centre since March. They put him on the bus tonight"
    assert triage.clauses(text)[-1] == "They put him on the bus tonight"
    assert triage.clauses("i need a lawyer") == []  # one clause: the whole message is enough


def test_thai_clauses_are_its_space_separated_runs():
    assert triage.clauses("สวัสดีค่ะ พี่ชายอยู่ในห้องกัก เขาจะส่งกลับคืนนี้") == [
        "สวัสดีค่ะ", "พี่ชายอยู่ในห้องกัก", "เขาจะส่งกลับคืนนี้"]


def test_unpunctuated_voice_transcript_is_read_in_overlapping_windows():
    words = " ".join(f"w{i}" for i in range(40))
    windows = triage.clauses(words)
    assert len(windows) > 2 and all(len(w.split()) <= triage.WINDOW_WORDS for w in windows)
    assert windows[-1].split()[-1] == "w39"  # the end of the message is read


def test_an_emergency_in_the_last_clause_counts():
    parts = [(0.01, [("greet", 0.9)]), (0.95, [("emergency_deportation", 0.85)])]
    decision = triage.decide([("find_detained_person", 0.5)], 0.1, parts, 0.2, None)
    assert (decision.level, decision.intent, decision.source) == ("urgent", "emergency_deportation", "clause")


def test_a_self_harm_phrase_is_never_silenced():
    decision = triage.decide([("out_of_scope", 0.9)], 0.0, [], 0.0, "emergency_self_harm", cues={"joke", "safe"})
    assert decision.level == "urgent" and decision.intent == "emergency_self_harm"
    # Told as history, it is asked about: "is someone in danger right now?"
    past = triage.decide([("right_to_asylum", 0.8)], 0.05, [], 0.0, "emergency_self_harm", cues={"past"})
    assert past.level == "unsure"


def test_a_phrase_both_models_contradict_asks_instead():
    """"In my country they beat me, can I ask for asylum": the phrase fires, the models say asylum."""
    decision = triage.decide(CALM, 0.05, [], 0.1, "emergency_abuse", cues={"past"})
    assert decision.level == "unsure"
    assert triage.decide(CALM, 0.3, [], 0.1, "emergency_abuse", cues={"past"}).level == "urgent"
    # Without a word saying it is past, supposed, denied or a joke, the phrase stands.
    assert triage.decide(CALM, 0.05, [], 0.1, "emergency_abuse").level == "urgent"


def test_levels_follow_the_emergency_mass():
    ranking = [("covid_sick", 0.6), ("emergency_medical", 0.15)]
    assert triage.decide(ranking, 0.5, [], 0.0, None).intent == "emergency_medical"
    assert triage.decide(ranking, 0.5, [], 0.0, None).level == "urgent"
    assert triage.decide(ranking, 0.25, [], 0.0, None).level == "unsure"
    assert triage.decide(ranking, 0.05, [], 0.0, None).level == "calm"
    assert triage.decide(ranking, 0.05, [], 0.9, None).level == "unsure"  # the second opinion asks


@pytest.mark.parametrize(("text", "kinds"), [
    ("fever and cough but breathing fine", {"safe"}),
    ("me muero de hambre jaja a que hora es la comida", {"joke"}),
    ("หิวจะตายแล้ว555", {"joke"}),
    ("in my country they beat me, can i ask for asylum", {"past"}),
    ("en guatemala la policia me golpeo en 2019, eso sirve para el asilo", {"past"}),
    ("if i sign can they deport me faster", {"hypothetical"}),
    ("they fly my brother back tomorrow morning", {"now"}),
    ("ابھی میرے ساتھ مار پیٹ ہو رہی ہے", {"now"}),
])
def test_cues_of_time_negation_jest_and_supposition(text, kinds):
    assert kinds <= set(cues_from(str(ROOT / "data" / "cues")).found(text))


def test_every_cue_file_names_known_kinds_and_its_review_state():
    for path in sorted((ROOT / "data" / "cues").glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(doc["cues"]) <= set(KINDS) and doc["reviewed"], path.name


@pytest.fixture(scope="module")
def identifier():
    """Trained as the NLU trains it, on the Urdu-script examples and the unserved samples."""
    texts, languages = [], []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:])
                    languages.append(block["metadata"]["language"])
    rows = [json.loads(line) for line in (ROOT / "data" / "langid" / "unserved.jsonl").read_text().splitlines()]
    return LanguageIdentifier.train(texts, languages, [(r["text"], r["lang"]) for r in rows])


@pytest.mark.parametrize(("text", "unserved"), [
    ("مجھے وکیل چاہیے، میرا بھائی پکڑا گیا ہے", None),          # Urdu letters: Urdu
    ("ما ته وکیل پکار دی، زه په زندان کې یم", "ps"),              # Pashto letters
    ("من در بازداشتگاه هستم و به وکیل نیاز دارم", "fa"),
    ("أنا محتجز في مركز الهجرة وأحتاج إلى محامٍ", "ar"),
    ("ကျွန်တော် အကူအညီ လိုပါတယ်", "other"),
])
def test_languages_we_do_not_serve_are_told_apart_from_urdu(identifier, text, unserved):
    guess = identifier.identify(text)
    assert guess.unserved == unserved
    assert guess.language in ("en", "ur")  # the parse's `language` stays one of the six


def test_denied_or_past_danger_needs_a_clearer_model_to_be_urgent():
    """"Fever and cough but breathing fine": asked about at a middling score, urgent at a high one."""
    ranking = [("covid_sick", 0.55), ("emergency_medical", 0.3)]
    assert triage.decide(ranking, 0.35, [], 0.0, None, cues={"safe"}).level == "unsure"
    assert triage.decide(ranking, 0.35, [], 0.0, None).level == "urgent"
    assert triage.decide(ranking, 0.45, [], 0.0, None, cues={"safe"}).level == "urgent"
    # An emergency ranked first is not second-guessed by a cue.
    assert triage.decide([("emergency_medical", 0.4)], 0.35, [], 0.0, None, cues={"safe"}).level == "urgent"


def test_a_cue_file_with_an_unknown_kind_fails_training_with_its_name(tmp_path):
    (tmp_path / "xx.yml").write_text("cues:\n  soon: [later]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="xx.yml: unknown cue kind 'soon'"):
        load_cues(tmp_path)


def test_a_middling_clause_alone_does_not_ask():
    """Thai clauses are short runs: one out of context ("does my child have rights?") is no reason to ask."""
    parts = [(0.5, [("emergency_self_harm", 0.4)]), (0.01, [("child_rights", 0.9)])]
    assert triage.decide([("child_rights", 0.8)], 0.05, parts, 0.0, None).level == "calm"


@pytest.mark.parametrize("items", ["today", ["."]])
def test_a_cue_list_that_would_match_everything_is_refused(tmp_path, items):
    (tmp_path / "xx.yml").write_text(yaml.safe_dump({"cues": {"now": items}}), encoding="utf-8")
    with pytest.raises(ValueError, match="xx.yml: cues.now must be a list"):
        load_cues(tmp_path)


@pytest.mark.parametrize("value", [30, -0.1])
def test_a_threshold_that_is_not_a_probability_is_refused(value):
    with pytest.raises(ValueError, match="urgent"):
        triage.Thresholds(urgent=value)
