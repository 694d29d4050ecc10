"""Faults, measured: how fast the webhook answers while Redis is frozen, and how long spooled
cases take to reach Redis once it answers again (targets, issue 11: both under 10 s).

Against the running services (`bin/services`): Redis is frozen with SIGSTOP (it keeps its
connections and answers nothing, the worst case for clients), signed SMS are sent to the
webhook one at a time from fictional numbers (urgent and everyday messages in several
languages), then Redis is resumed and the cases are awaited in Redis.

    bin/services
    .venv/bin/python bench/faults.py [--messages 12]
    bin/services stop

Writes bench/results/faults.json. The cases it creates are closed and forgotten afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.handoff import cases, escalations  # noqa: E402
from bot.retention import forget  # noqa: E402
from bot.store.privacy import pseudonymise  # noqa: E402
from webhook.config import WebhookConfig  # noqa: E402
from webhook.phone import Phone  # noqa: E402

MESSAGES = [
    "me estan golpeando ahora mismo, ayudenme",            # es, urgent
    "my cellmate collapsed and is not breathing",          # en, urgent
    "ผมอยากตาย ไม่อยากอยู่แล้ว",                              # th, urgent
    "what are my rights if I am detained",                 # en, everyday
    "necesito un abogado",                                 # es, everyday
    "Kuv xav paub txog kuv txoj cai",                      # hmn, everyday
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--messages", type=int, default=12)
    args = parser.parse_args()
    config = WebhookConfig.from_env()
    redis_pid = int((ROOT / "var/run/redis.pid").read_text())
    numbers = [f"+1555018{i:04d}" for i in range(args.messages)]
    seconds: list[float] = []
    os.kill(redis_pid, signal.SIGSTOP)
    try:
        for i, number in enumerate(numbers):
            phone = Phone(args.url, os.environ.get("PUBLIC_URL") or args.url, config.auth_token, number=number)
            started = time.monotonic()
            replies = phone.text(MESSAGES[i % len(MESSAGES)])
            seconds.append(time.monotonic() - started)
            assert replies, "no reply while Redis was frozen"
    finally:
        os.kill(redis_pid, signal.SIGCONT)
    resumed = time.monotonic()
    senders = {pseudonymise(n) for n in numbers}
    while time.monotonic() - resumed < 60:
        found = {c["sender"] for c in escalations.open_cases(limit=10_000) if c["sender"] in senders}
        if found == senders:
            break
        time.sleep(0.1)
    recovery = time.monotonic() - resumed
    for case in escalations.open_cases(limit=10_000):
        if case["sender"] in senders:
            cases.close(case["id"], "bench", "other")
    for sender in senders:
        forget(sender)
    result = {"messages": len(seconds), "reply_p50_s": round(statistics.median(seconds), 2),
              "reply_p95_s": round(percentile(seconds, 95), 2), "reply_max_s": round(max(seconds), 2),
              "cases_expected": len(senders), "cases_in_redis": len(found),
              "spool_to_redis_s": round(recovery, 2)}
    (ROOT / "bench/results/faults.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if result["reply_max_s"] < 10 and found == senders and recovery < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
