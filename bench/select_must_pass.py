"""Chooses tests/integration/must_pass.jsonl: per language and intent, one held-out message
the current model gets right (intent and language) with a clear margin, so that the
integration tests guard against regressions rather than fail on borderline cases.

    .venv/bin/python bench/nlu_eval.py && .venv/bin/python bench/select_must_pass.py
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nlu_eval import load_set, parse_all  # noqa: E402

MARGIN = 0.45


def main() -> int:
    rows = load_set("heldout")
    parses = asyncio.run(parse_all([r["text"] for r in rows], None, None))
    chosen: dict[tuple[str, str], tuple[float, dict]] = {}
    for row, parse in zip(rows, parses):
        intent = parse.get("intent") or {}
        if intent.get("name") != row["intent"] or parse.get("language") != row["lang"]:
            continue
        key, confidence = (row["lang"], row["intent"]), intent.get("confidence", 0)
        # The first with a clear margin, or else the most confident.
        if key not in chosen or (chosen[key][0] < MARGIN and confidence > chosen[key][0]):
            chosen[key] = (confidence, row)
    out = ROOT / "tests" / "integration" / "must_pass.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for _, r in chosen.values()), encoding="utf-8")
    missing = [f"{lang}:{intent}" for lang, intent in
               {(r["lang"], r["intent"]) for r in rows} - set(chosen)]
    print("no correct held-out message for:", ", ".join(sorted(missing)) or "none")
    print(f"{len(chosen)} must-pass messages written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
