"""The catalogs at run time: how long a rendered answer takes (the .po is checked for a change
on every call), and how long the first answer after a reviewer's edit takes (the catalog is
rebuilt from the .po in memory). Works on a private copy of locale/.

    .venv/bin/python bench/catalog.py [--renders 20000] [--edits 20]

Results go to bench/results/catalog.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20000)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "locale", Path(tmp) / "locale", ignore=shutil.ignore_patterns("*.mo"))
        os.environ["PUENTE_LOCALE_DIR"] = str(Path(tmp) / "locale")
        from bot.conversation import review
        from bot.conversation.catalog import render
        from bot.conversation.dialogue import Dialogue
        from bot.settings import get_settings

        params = Dialogue(get_settings()).params("es", "US")
        render("right_to_lawyer.US", "es", **params)  # built once
        timings = []
        for _ in range(args.renders):
            start = time.perf_counter()
            render("right_to_lawyer.US", "es", **params)
            timings.append(time.perf_counter() - start)
        edits = []
        for i in range(args.edits):
            review.save("es", "thanks", f"De nada ({i}).", "bench", approve=True)
            start = time.perf_counter()
            assert render("thanks", "es") == f"De nada ({i})."
            edits.append(time.perf_counter() - start)
    quantile = lambda xs, q: statistics.quantiles(xs, n=100)[q - 1] * 1000  # noqa: E731 - ms
    result = {"render_p50_ms": round(quantile(timings, 50), 4), "render_p95_ms": round(quantile(timings, 95), 4),
              "first_render_after_edit_p50_ms": round(quantile(edits, 50), 1),
              "first_render_after_edit_max_ms": round(max(edits) * 1000, 1)}
    out = ROOT / "bench" / "results" / "catalog.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
