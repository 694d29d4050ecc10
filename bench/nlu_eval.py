"""NLU evaluation as the external evaluation measures it: per language and overall, intent
accuracy, language accuracy, urgent recall (an urgent message parsed as an `emergency_*`
intent) and false alarms (a calm message parsed as one), with a confusion-matrix plot per
language.

    .venv/bin/python bench/nlu_eval.py                      # every set, the current model in-process
    .venv/bin/python bench/nlu_eval.py --url http://localhost:5005 [--token T]   # a running Rasa
    .venv/bin/python bench/nlu_eval.py --set heldout_hard --misses
    .venv/bin/python bench/nlu_eval.py --cv 5               # 5-fold cross-validation of data/nlu

Sets: `heldout` (tests/heldout, written with the training data), `heldout_hard` (tests/
heldout_hard, written blind by writers who never saw the training files), `hard_sample`
(../shared/eval/hard-sample.jsonl: a public third of the hard evaluation; evaluated on,
never trained on), `kinds` (tests/heldout_hard/kinds.jsonl: 3 messages per language of each
hard kind, indirect self-harm to "pregnant and fine", written blind). None of them is ever part of training (bot/understanding/training.py).
Tables, misses and PNG confusion matrices go to bench/results/.

Targets: intent >= 90 %, language >= 99 % (97 % on the older `heldout` set), urgent recall
100 %, false alarms <= 3 %.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.conversation.languages import LANGUAGES  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SETS = {
    "heldout": ROOT / "tests" / "heldout",
    "heldout_hard": ROOT / "tests" / "heldout_hard",
    "hard_sample": ROOT.parent / "shared" / "eval" / "hard-sample.jsonl",
    "kinds": ROOT / "tests" / "heldout_hard" / "kinds.jsonl",
}
TARGETS = {"intent": 0.90, "language": 0.99, "urgent_recall": 1.0, "false_alarms": 0.03}
LEGACY_LANGUAGE_TARGET = {"heldout": 0.97}  # the first held-out sets were labelled loosely


def load_set(name: str) -> list[dict]:
    """Rows {text, lang, intent, urgent} of one evaluation set; [] when it is not there."""
    path = SETS[name]
    files = [path] if path.suffix == ".jsonl" else [path / f"{lang}.jsonl" for lang in LANGUAGES]
    rows = []
    for file in files:
        if file.exists():
            rows += [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


async def parse_all(texts: list[str], url: str | None = None, model: str | None = None,
                    token: str | None = None) -> list[dict]:
    if url:
        import aiohttp

        params = {"token": token} if token else {}
        async with aiohttp.ClientSession() as session:
            results = []
            for text in texts:
                async with session.post(url.rstrip("/") + "/model/parse", json={"text": text}, params=params) as r:
                    results.append(await r.json())
            return results
    from rasa.core.agent import Agent

    from bot.understanding.training import model_path

    agent = Agent.load(model or str(model_path()))
    return [await agent.parse_message(text) for text in texts]


def score(rows: list[dict], parses: list[dict]) -> dict:
    """{"table": {lang|"all": figures}, "misses": [...], "pairs": {lang: [(true, predicted)]}}."""
    counts: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    misses, pairs = [], defaultdict(list)
    for row, parse in zip(rows, parses):
        predicted = (parse.get("intent") or {}).get("name")
        is_alarm = bool(predicted) and predicted.startswith("emergency_")
        pairs[row["lang"]].append((row["intent"], predicted))
        for key in (row["lang"], "all"):
            c = counts[key]
            c["n"] += 1
            c["intent_ok"] += predicted == row["intent"]
            c["language_ok"] += parse.get("language") == row["lang"]
            c["asked"] += (parse.get("urgency") or {}).get("level") == "unsure"
            if row["urgent"]:
                c["urgent"] += 1
                c["urgent_caught"] += is_alarm
            else:
                c["calm"] += 1
                c["false_alarms"] += is_alarm
        if predicted != row["intent"] or parse.get("language") != row["lang"]:
            misses.append({**row, "predicted": predicted, "predicted_lang": parse.get("language"),
                           "urgency": parse.get("urgency")})
    table = {}
    for key in [*LANGUAGES, "all"]:
        c = counts.get(key)
        if not c:
            continue
        table[key] = {
            "n": c["n"],
            "intent": c["intent_ok"] / c["n"],
            "language": c["language_ok"] / c["n"],
            "urgent_recall": c["urgent_caught"] / c["urgent"] if c["urgent"] else 1.0,
            "false_alarms": c["false_alarms"] / c["calm"] if c["calm"] else 0.0,
            "urgent_missed": c["urgent"] - c["urgent_caught"],
            # Unsure: asked "is someone in danger right now?", with a possible-urgent case.
            "asked": c["asked"] / c["n"],
            "false_alarm_count": c["false_alarms"],
        }
    return {"table": table, "misses": misses, "pairs": dict(pairs)}


def markdown(table: dict[str, dict]) -> str:
    lines = ["| lang | n | intent acc | language acc | urgent recall | false alarms | asked (unsure) |",
             "|---|---|---|---|---|---|---|"]
    for lang, r in table.items():
        lines.append(f"| {lang} | {r['n']} | {r['intent']:.1%} | {r['language']:.1%} | "
                     f"{r['urgent_recall']:.1%} ({r['urgent_missed']} missed) | "
                     f"{r['false_alarms']:.1%} ({r['false_alarm_count']}) | {r['asked']:.1%} |")
    return "\n".join(lines)


def meets_targets(table: dict[str, dict], set_name: str = "") -> bool:
    language = LEGACY_LANGUAGE_TARGET.get(set_name, TARGETS["language"])
    return all(r["intent"] >= TARGETS["intent"] and r["language"] >= language
               and r["urgent_recall"] >= TARGETS["urgent_recall"] and r["false_alarms"] <= TARGETS["false_alarms"]
               for r in table.values())


def plot_confusion(pairs: dict[str, list], set_name: str) -> list[Path]:
    """One PNG per language: rows the true intent, columns the predicted one, counts in cells."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    written = []
    for lang, items in pairs.items():
        labels = sorted({t for t, _ in items} | {p or "none" for _, p in items})
        matrix = confusion_matrix([t for t, _ in items], [p or "none" for _, p in items], labels=labels)
        fig, ax = plt.subplots(figsize=(11, 10))
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        for i in range(len(labels)):
            for j in range(len(labels)):
                if matrix[i, j]:
                    ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=6,
                            color="white" if matrix[i, j] > matrix.max() / 2 else "black")
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"{set_name} — {lang} ({len(items)} messages)")
        fig.tight_layout()
        path = RESULTS / f"confusion-{set_name}-{lang}.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        written.append(path)
    return written


def cross_validate(folds: int, seed: int = 7) -> dict:
    """k-fold cross-validation of the whole NLU pipeline (config.yml) over data/nlu: each
    fold trains a real Rasa NLU model on the rest and parses the held-back examples."""
    import yaml

    examples = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            lang = (block.get("metadata") or {}).get("language")
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    examples.append({"text": line.strip()[2:], "intent": block["intent"], "lang": lang,
                                     "urgent": block["intent"].startswith("emergency_")})
    random.Random(seed).shuffle(examples)
    rows, parses = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(folds):
            test = examples[k::folds]
            train = [e for i, e in enumerate(examples) if i % folds != k]
            blocks = defaultdict(list)
            for e in train:
                blocks[(e["intent"], e["lang"])].append(e["text"])
            doc = {"version": "3.1", "nlu": [{"intent": i, "metadata": {"language": lang},
                                              "examples": "".join(f"- {t}\n" for t in texts)}
                                             for (i, lang), texts in blocks.items()]}
            data = Path(tmp) / f"fold{k}.yml"
            data.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
            subprocess.run([str(Path(sys.executable).with_name("rasa")), "train", "nlu", "--nlu", str(data),
                            "--config", "config.yml", "--out", tmp, "--fixed-model-name", f"fold{k}"],
                           cwd=ROOT, check=True, capture_output=True)
            rows += test
            parses += asyncio.run(parse_all([e["text"] for e in test], model=str(Path(tmp) / f"fold{k}.tar.gz")))
            print(f"fold {k + 1}/{folds} done", file=sys.stderr)
    return score(rows, parses)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running Rasa server (default: load the model in-process)")
    parser.add_argument("--token", help="Rasa's auth token, with --url")
    parser.add_argument("--model", help="model file (default: the current one from bot/understanding/training.py)")
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="evaluate only these sets")
    parser.add_argument("--misses", action="store_true", help="print every wrong prediction")
    parser.add_argument("--no-plots", action="store_true", help="skip the confusion-matrix PNGs")
    parser.add_argument("--cv", type=int, metavar="K", help="K-fold cross-validation of data/nlu instead")
    args = parser.parse_args()
    if getattr(args, "url", None) and not args.token:
        from bot.settings import rasa_token

        args.token = rasa_token()  # the one bin/services started Rasa with
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.cv:
        result = cross_validate(args.cv)
        (RESULTS / f"nlu_cv{args.cv}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
        print(f"## {args.cv}-fold cross-validation of data/nlu\n" + markdown(result["table"]))
        return 0
    ok = True
    for name in args.set or list(SETS):
        rows = load_set(name)
        if not rows:
            print(f"## {name}: not found ({SETS[name]}), skipped")
            continue
        result = score(rows, asyncio.run(parse_all([r["text"] for r in rows], args.url, args.model, args.token)))
        (RESULTS / f"nlu_eval-{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
        if not args.no_plots:
            plot_confusion(result["pairs"], name)
        if args.misses:
            for miss in result["misses"]:
                print(f"{miss['lang']:>3} {miss['intent']:>24} -> {miss['predicted']:<24} "
                      f"[{miss['predicted_lang']}] {miss['text']}")
        met = meets_targets(result["table"], name)
        ok &= met
        print(f"## {name}\n{markdown(result['table'])}\n{'targets met' if met else 'targets NOT met'}\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
