"""End-to-end throughput and latency: signed SMS through the webhook, Rasa, the action
server and Redis, at a fixed concurrency; with the peak memory of the whole stack.

    bin/services                         # start the stack (Redis, actions, Rasa, webhook)
    .venv/bin/python bench/e2e.py [--turns 800] [--concurrency 8]
    bin/services stop

Target (issue 3): at least 40 turns/s with p95 under 300 ms on a 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webhook.config import WebhookConfig  # noqa: E402
from webhook.phone import Phone  # noqa: E402

MESSAGES = ["hola", "necesito un abogado gratis", "what are my rights", "ฉีดวัคซีนได้ที่ไหน",
            "kuv xav tau kws lij choj", "sidee baan covid uga ilaaliyaa", "mujhe wakeel chahiye", "menu", "2", "thanks"]


def stack_pids() -> list[int]:
    pids = []
    for pidfile in (ROOT / "var" / "run").glob("*.pid"):
        pids.append(int(pidfile.read_text().strip()))
    # with their children (gunicorn workers, Rasa's own subprocesses)
    children = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().split(")")[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid in pids:
                children.append(int(proc.name))
    return pids + children


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--turns", type=int, default=800)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    config = WebhookConfig.from_env()
    pids = stack_pids()
    peak = [rss_mb(pids)]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak.append(rss_mb(pids))
            time.sleep(0.2)

    phones = [Phone(args.url, config.public_url, config.auth_token, number=f"+1555019{i:04d}")
              for i in range(args.concurrency * 4)]
    for phone in phones:  # warm-up: one turn each, so every sender has a language
        phone.text("hello")

    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def turn(i: int):
        nonlocal errors
        phone = phones[i % len(phones)]
        started = time.perf_counter()
        try:
            replies = phone.text(MESSAGES[i % len(MESSAGES)], sid="SM" + uuid.uuid4().hex)
            ok = bool(replies)
        except Exception:
            ok = False
        with lock:
            latencies.append(time.perf_counter() - started)
            errors += not ok

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(turn, range(args.turns)))
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()

    latencies.sort()
    result = {
        "turns": args.turns, "concurrency": args.concurrency, "errors": errors,
        "turns_per_second": round(args.turns / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "peak_rss_mb": round(max(peak), 1), "processes": len(pids), "cpus": os.cpu_count(),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "e2e.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
