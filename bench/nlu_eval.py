"""Held-out NLU evaluation per language: intent accuracy, language accuracy, urgent
recall and false alarms, as the external evaluation measures them.

    uv run python bench/nlu_eval.py                 # the current trained model, in-process
    uv run python bench/nlu_eval.py --url http://localhost:5005   # a running `rasa run --enable-api`

Targets: intent >= 90 %, language >= 97 %, urgent recall 100 %, false alarms <= 3 %.
The held-out sets (tests/heldout/*.jsonl) are never part of training (bot/understanding/training.py).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.conversation.languages import LANGUAGES  # noqa: E402

TARGETS = {"intent": 0.90, "language": 0.97, "urgent_recall": 1.0, "false_alarms": 0.03}


def load_heldout(directory: Path = ROOT / "tests" / "heldout") -> list[dict]:
    rows = []
    for lang in LANGUAGES:
        with (directory / f"{lang}.jsonl").open(encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    return rows


async def parse_all(texts: list[str], url: str | None, model: str | None) -> list[dict]:
    if url:
        import aiohttp

        async with aiohttp.ClientSession() as session:
            results = []
            for text in texts:
                async with session.post(url.rstrip("/") + "/model/parse", json={"text": text}) as response:
                    results.append(await response.json())
            return results
    from rasa.core.agent import Agent

    from bot.understanding.training import model_path

    agent = Agent.load(model or str(model_path()))
    return [await agent.parse_message(text) for text in texts]


def score(rows: list[dict], parses: list[dict]) -> dict[str, dict]:
    counts: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    misses = []
    for row, parse in zip(rows, parses):
        c = counts[row["lang"]]
        predicted = (parse.get("intent") or {}).get("name")
        c["n"] += 1
        c["intent_ok"] += predicted == row["intent"]
        c["language_ok"] += parse.get("language") == row["lang"]
        is_alarm = bool(predicted) and predicted.startswith("emergency_")
        if row["urgent"]:
            c["urgent"] += 1
            c["urgent_caught"] += is_alarm
        else:
            c["calm"] += 1
            c["false_alarms"] += is_alarm
        if predicted != row["intent"] or parse.get("language") != row["lang"]:
            misses.append({**row, "predicted": predicted, "predicted_lang": parse.get("language")})
    table = {}
    for lang in LANGUAGES:
        c = counts[lang]
        table[lang] = {
            "n": c["n"],
            "intent": c["intent_ok"] / c["n"],
            "language": c["language_ok"] / c["n"],
            "urgent_recall": c["urgent_caught"] / c["urgent"] if c["urgent"] else 1.0,
            "false_alarms": c["false_alarms"] / c["calm"] if c["calm"] else 0.0,
        }
    return {"table": table, "misses": misses}


def markdown(table: dict[str, dict]) -> str:
    lines = ["| lang | n | intent acc | language acc | urgent recall | false alarms |",
             "|---|---|---|---|---|---|"]
    for lang, r in table.items():
        lines.append(f"| {lang} | {r['n']} | {r['intent']:.1%} | {r['language']:.1%} | "
                     f"{r['urgent_recall']:.1%} | {r['false_alarms']:.1%} |")
    return "\n".join(lines)


def meets_targets(table: dict[str, dict]) -> bool:
    return all(r["intent"] >= TARGETS["intent"] and r["language"] >= TARGETS["language"]
               and r["urgent_recall"] >= TARGETS["urgent_recall"] and r["false_alarms"] <= TARGETS["false_alarms"]
               for r in table.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running Rasa server (default: load the model in-process)")
    parser.add_argument("--model", help="model file (default: the current one from bot/understanding/training.py)")
    parser.add_argument("--misses", action="store_true", help="print every wrong prediction")
    args = parser.parse_args()
    rows = load_heldout()
    result = score(rows, asyncio.run(parse_all([r["text"] for r in rows], args.url, args.model)))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "nlu_eval.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if args.misses:
        for miss in result["misses"]:
            print(f"{miss['lang']:>3} {miss['intent']:>24} -> {miss['predicted']:<24} [{miss['predicted_lang']}] {miss['text']}")
    print(markdown(result["table"]))
    print("targets met" if meets_targets(result["table"]) else "targets NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
