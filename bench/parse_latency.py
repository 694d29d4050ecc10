"""Latency of `POST /model/parse`: p50 and p95 over the held-out and hard messages.

    .venv/bin/python bench/parse_latency.py --url http://localhost:5005 [--token T]
    .venv/bin/python bench/parse_latency.py            # the current model, in-process (no HTTP)

Messages are sent one at a time (the latency a person feels, not throughput); the first
50 warm the server and are not counted. Results go to bench/results/parse_latency.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "tests").glob("heldout/*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


async def _timings(texts: list[str], url: str | None, token: str | None) -> list[float]:
    out = []
    if url:
        import aiohttp

        params = {"token": token} if token else {}
        async with aiohttp.ClientSession() as session:
            for text in texts:
                start = time.perf_counter()
                async with session.post(url.rstrip("/") + "/model/parse", json={"text": text}, params=params) as r:
                    r.raise_for_status()  # a refused request (no token) would time nothing but the refusal
                    await r.json()
                out.append(time.perf_counter() - start)
        return out
    from rasa.core.agent import Agent

    from bot.understanding.training import model_path

    agent = Agent.load(str(model_path()))
    for text in texts:
        start = time.perf_counter()
        await agent.parse_message(text)
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running Rasa server (default: the model in-process)")
    parser.add_argument("--token", help="Rasa's auth token, if it has one")
    parser.add_argument("--label", default="current", help="a name for this run in the results file")
    args = parser.parse_args()
    if getattr(args, "url", None) and not args.token:
        from bot.settings import rasa_token

        args.token = rasa_token()  # the one bin/services started Rasa with
    texts = _texts()
    timings = asyncio.run(_timings(texts[:50] + texts, args.url, args.token))[50:]
    quantiles = statistics.quantiles(timings, n=100)
    result = {"label": args.label, "n": len(timings), "p50_ms": round(quantiles[49] * 1000, 2),
              "p95_ms": round(quantiles[94] * 1000, 2), "mode": "http" if args.url else "in-process"}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "parse_latency.json").open("a", encoding="utf-8") as f:
        f.write(json.dumps(result) + "\n")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
