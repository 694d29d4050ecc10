"""Notification latency: from an urgent message arriving at the webhook (a signed SMS, as
Twilio sends it) to the volunteer's notification reaching Twilio's REST API - through Rasa,
the action server, Redis, the RQ queue and worker, and the real Twilio SDK. Twilio is played
by the fake server of tests/fake_twilio.py, which this script starts itself.

The worker must send to that server, so start the services with Twilio settings exported:

    export TWILIO_ACCOUNT_SID=AC00000000000000000000000000000000 TWILIO_AUTH_TOKEN=fake-twilio-token \\
           TWILIO_API_BASE=http://127.0.0.1:8787 TWILIO_FROM_NUMBER=+15550100
    bin/services                              # Redis, notification worker, actions, Rasa, webhook
    .venv/bin/python bench/notify_latency.py [--messages 60]
    bin/services stop

(The webhook then checks signatures with that TWILIO_AUTH_TOKEN; this script signs with the
same one.) Messages go one at a time, each from a new fictional number, cycling through the
six languages' must-pass emergency messages. The bench adds one on-call volunteer per language
and removes them, and its cases, afterwards. Target (issue 4): p95 under 1 second.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.handoff import escalations, volunteers  # noqa: E402
from bot.retention import forget  # noqa: E402
from bot.store import storage  # noqa: E402
from bot.store.privacy import pseudonymise  # noqa: E402
from tests.fake_twilio import FakeTwilio  # noqa: E402
from webhook.config import WebhookConfig  # noqa: E402
from webhook.phone import Phone  # noqa: E402

LANGS = ("en", "es", "th", "hmn", "so", "ur")
FIRST_NOTICE = re.compile(r"^Puente: URGENT case \w+ in .*\. Open ")


def emergencies() -> dict[str, str]:
    rows = (json.loads(line) for line in (ROOT / "tests" / "integration" / "must_pass.jsonl").open(encoding="utf-8"))
    return {r["lang"]: r["text"] for r in rows if r["intent"] == "emergency_medical"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the webhook listens")
    parser.add_argument("--messages", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=2, help="first messages not counted (cold imports)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for one notification")
    args = parser.parse_args()

    base = os.environ.get("TWILIO_API_BASE", "")
    if not os.environ.get("TWILIO_ACCOUNT_SID") or not base.startswith("http://127.0.0.1:"):
        print(__doc__, file=sys.stderr)
        print("TWILIO_ACCOUNT_SID and TWILIO_API_BASE=http://127.0.0.1:PORT must be exported (see above).",
              file=sys.stderr)
        return 2
    fake = FakeTwilio(int(base.rsplit(":", 1)[1].strip("/")), os.environ["TWILIO_ACCOUNT_SID"],
                      os.environ.get("TWILIO_AUTH_TOKEN", "")).start()
    config = WebhookConfig.from_env()
    public_url = os.environ.get("PUBLIC_URL") or args.url  # what bin/services gives the webhook
    texts = emergencies()
    added = [volunteers.add(f"Bench volunteer {lang}", f"+1555016{i:02d}", [lang])["id"]
             for i, lang in enumerate(LANGS)]
    senders, latencies, missed = [], [], 0
    try:
        for i in range(args.warmup + args.messages):
            lang = LANGS[i % len(LANGS)]
            phone = Phone(args.url, public_url, config.auth_token, number=f"+1555017{i:04d}")
            senders.append(pseudonymise(phone.number))
            seen = len(fake.messages)
            started = time.time()
            phone.text(texts[lang])
            try:
                messages = fake.wait_for(lambda ms, seen=seen: any(FIRST_NOTICE.match(m["Body"]) for m in ms[seen:]),
                                         timeout=args.timeout)
            except TimeoutError:
                missed += 1
                continue
            notice = next(m for m in messages[seen:] if FIRST_NOTICE.match(m["Body"]))
            if i >= args.warmup:
                latencies.append(notice["received"] - started)
            time.sleep(0.1)  # let the other volunteers' notices for this case go out first
    finally:
        for volunteer_id in added:
            volunteers.remove(volunteer_id)
        _forget(senders)
        fake.stop()

    latencies.sort()
    result = {"messages": len(latencies), "missed": missed,
              "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
              "p95_ms": round(latencies[max(int(len(latencies) * 0.95) - 1, 0)] * 1000, 1) if latencies else None,
              "max_ms": round(latencies[-1] * 1000, 1) if latencies else None, "cpus": os.cpu_count()}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "notify_latency.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0 if missed == 0 and latencies and result["p95_ms"] < 1000 else 1


def _forget(senders: list[str]) -> None:
    """The bench's fictional people and their cases are removed from the live queue."""
    r = storage.client()
    for sender in senders:
        for case_id in r.smembers(escalations.BY_SENDER.format(sender)):
            r.delete(escalations.CASE.format(case_id))
            r.zrem(escalations.QUEUE, case_id)
        forget(sender)


if __name__ == "__main__":
    sys.exit(main())
