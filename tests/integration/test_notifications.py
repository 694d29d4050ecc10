"""Urgent cases reach volunteers: a signed message through the real Flask webhook, Rasa and
action server writes the case, a real RQ worker sends SMS with the real Twilio SDK, and the
fake Twilio server (tests/fake_twilio.py) tells what Twilio would have received."""
from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
import redis
from rq import Queue

from bot.handoff import escalations, notify
from bot.settings import get_settings
from bot.store import storage
from tests.conftest import REDIS_PASSWORD, free_port, start_redis
from tests.integration.conftest import (
    ON_CALL,
    eventually,
    notifications,
    speakers,
    the_case,
)

MUST_PASS = {(r["lang"], r["intent"]): r["text"] for r in (
    json.loads(line) for line in (Path(__file__).parent / "must_pass.jsonl").open(encoding="utf-8"))}
LANGS = ("en", "es", "th", "hmn", "so", "ur")
NAMES = {"en": "English", "es": "Spanish", "th": "Thai", "hmn": "Hmong", "so": "Somali", "ur": "Urdu"}

def first_notices(messages: list[dict], case_id: str) -> list[dict]:
    return [m for m in messages if m["status_code"] == 201 and m["Body"].startswith(f"Puente: URGENT case {case_id} in ")
            and ". Open " in m["Body"]]


@pytest.mark.parametrize("lang", LANGS)
def test_an_urgent_message_notifies_exactly_the_on_call_volunteers_who_speak_it(lang, phone, roster, fake_twilio):
    text = MUST_PASS[(lang, "emergency_medical")]
    phone.text(text)
    case = the_case(phone.number)
    assert (case["priority"], case["language"], case["channel"]) == ("urgent", lang, "sms")
    expected = speakers(lang)
    fake_twilio.wait_for(lambda ms: len(first_notices(ms, case["id"])) >= len(expected), timeout=15)
    time.sleep(0.5)  # a duplicate would arrive about now
    notices = first_notices(fake_twilio.messages, case["id"])
    assert sorted(m["To"] for m in notices) == expected
    body = notices[0]["Body"]
    assert f"in {NAMES[lang]} (sms)" in body and f"/console/cases/{case['id']}" in body
    assert text not in body and phone.number not in body and len(body) <= 160  # one SMS, nothing private
    assert all(m["From"] == "+15550100" for m in notices)
    first = [n for n in notifications(case["id"]) if n["stage"] == 0]
    assert sorted(n["to"] for n in first) == sorted(roster[number] for number in expected)
    assert {n["status"] for n in first} == {"sent"}


def test_an_unclaimed_urgent_case_reaches_everyone_on_call_then_the_coordinator(phone, roster, fake_twilio):
    phone.text(MUST_PASS[("th", "emergency_medical")])
    case = the_case(phone.number)
    messages = fake_twilio.wait_for(lambda ms: any(m["To"] == "+15550119" for m in ms), timeout=20)
    delivered = [m for m in messages if m["status_code"] == 201 and case["id"] in m["Body"]]
    first = first_notices(delivered, case["id"])
    stage1 = [m for m in delivered if m["Body"].startswith("Puente: URGENT") and "unclaimed" in m["Body"]]
    stage2 = [m for m in delivered if m["Body"].startswith("Puente coordinator:")]
    assert [m["To"] for m in first] == speakers("th") == ["+15550112"]
    assert sorted(m["To"] for m in stage1) == sorted(ON_CALL - {"+15550112"})  # everyone on call not yet told
    assert [m["To"] for m in stage2] == ["+15550119"]
    # After the (2 s) timeout, not before; RQ schedules to the whole second, so up to 1 s early.
    assert min(m["received"] for m in stage1) - float(case["created"]) >= 1
    assert min(m["received"] for m in stage2) - min(m["received"] for m in stage1) >= 1
    assert eventually(lambda: sorted(n["stage"] for n in notifications(case["id"])) == [0, 1, 1, 1, 2])


def test_a_claimed_urgent_case_is_not_escalated(phone, roster, fake_twilio, redis_client):
    phone.text(MUST_PASS[("hmn", "emergency_medical")])
    case = the_case(phone.number)
    fake_twilio.wait_for(lambda ms: first_notices(ms, case["id"]), timeout=15)
    redis_client.hset(f"puente:case:{case['id']}", "state", "claimed")  # as the console's claim does
    time.sleep(3.5)
    assert [m["To"] for m in fake_twilio.messages if case["id"] in m["Body"]] == speakers("hmn")


def test_twilio_failing_twice_then_succeeding_still_delivers(phone, roster, fake_twilio):
    fake_twilio.fail_next(2, status=500)
    phone.text(MUST_PASS[("es", "request_human")])  # a normal case: one Spanish speaker on call, no escalation
    case = the_case(phone.number)
    assert case["priority"] == "normal"
    messages = fake_twilio.wait_for(lambda ms: any(m["status_code"] == 201 for m in ms), timeout=20)
    assert [(m["To"], m["status_code"]) for m in messages] == [("+15550111", 500), ("+15550111", 500),
                                                               ("+15550111", 201)]
    assert messages[2]["received"] - messages[0]["received"] >= 1  # backoff: 1 s, then 2 s (to RQ's whole second)
    attempts = eventually(lambda: len(notifications(case["id"])) == 3 and notifications(case["id"]))
    assert [(n["to"], n["status"], n["attempt"]) for n in attempts] == [
        (roster["+15550111"], "retrying", 1), (roster["+15550111"], "retrying", 2), (roster["+15550111"], "sent", 3)]
    assert all(n["reason"] for n in attempts[:2])


def test_twilio_answering_after_the_timeout_is_looked_up_not_sent_again(phone, roster, fake_twilio):
    fake_twilio.slow_next(1, 2.5)  # accepted, but answered after the worker's 1 s timeout
    phone.text(MUST_PASS[("es", "request_human")])  # one Spanish speaker on call, a normal case
    case = the_case(phone.number)
    assert eventually(lambda: any(n["status"] == "sent" for n in notifications(case["id"])), timeout=20)
    time.sleep(1.0)
    accepted = [m for m in fake_twilio.messages if m["status_code"] == 201 and case["id"] in m["Body"]]
    assert [m["To"] for m in accepted] == ["+15550111"]  # one SMS, not one per retry
    assert [n["status"] for n in notifications(case["id"])] == ["unknown", "sent"]


def test_a_redis_restart_loses_no_case_and_no_queued_notification(tmp_path, monkeypatch):
    port = free_port()
    server = start_redis(tmp_path / "redis", port)
    url = f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"

    def point_at(redis_url):
        monkeypatch.setenv("REDIS_URL", redis_url)
        get_settings.cache_clear()
        storage.client.cache_clear()

    original = get_settings().redis_url
    point_at(url)
    try:
        case = escalations.new_case("p_restart", "urgent", "emergency_medical", "so", "whatsapp", "US", "caawimaad")
        assert escalations.record(case) == "redis"
        server.send_signal(signal.SIGTERM)  # a clean stop: Redis writes its append-only file out
        assert server.wait(timeout=10) == 0
        server = start_redis(tmp_path / "redis", port)
        client = redis.Redis.from_url(url, decode_responses=True)
        assert client.hgetall(f"puente:case:{case['id']}") == case
        assert client.zscore(escalations.QUEUE, case["id"]) is not None
        queue = Queue(notify.QUEUE_NAME, connection=redis.Redis.from_url(url))
        assert f"notify-{case['id']}" in queue.job_ids  # waiting for a worker, still there
        assert len(queue.scheduled_job_registry.get_job_ids()) == 1  # the escalation, still scheduled
    finally:
        point_at(original)
        server.terminate()
        server.wait(timeout=10)


def test_the_supervisor_restarts_a_killed_worker(notify_worker, redis_server, tmp_path):
    import os
    import subprocess
    import sys

    from rq import Worker

    connection = redis.Redis.from_url(redis_server["url"])

    def children(pid):
        return [w.pid for w in Worker.all(connection=connection)
                if w.pid and Path(f"/proc/{w.pid}/stat").exists()
                and Path(f"/proc/{w.pid}/stat").read_text().split()[3] == str(pid)]

    log = (tmp_path / "supervisor.log").open("w")
    supervisor = subprocess.Popen([str(Path(sys.executable).with_name("puente")), "notify", "supervise"],
                                  env={**os.environ, "REDIS_URL": redis_server["url"],
                                       "PUENTE_WORKER_GRACE_SECONDS": "5"}, stdout=log, stderr=subprocess.STDOUT)
    try:
        first = eventually(lambda: children(supervisor.pid), timeout=30)
        assert len(first) == 1
        os.kill(first[0], signal.SIGKILL)  # killed mid-whatever, as an OOM killer would
        second = eventually(lambda: [p for p in children(supervisor.pid) if p != first[0]], timeout=30)
        assert second and supervisor.poll() is None
    finally:
        supervisor.terminate()
        assert supervisor.wait(timeout=30) == 0
    assert not children(supervisor.pid) or all(not Path(f"/proc/{p}").exists() for p in children(supervisor.pid))
