"""Garbage lines written into var/spool/escalations.jsonl by an operator (or a torn
record that happens to be valid JSON), and the spool shared by several writers."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from bot.handoff import escalations
from bot.settings import get_settings
from bot.store import storage
from bot.store.privacy import pseudonymise
from tests.integration.conftest import eventually
from tests.integration.test_webhook import expected, joined


def spool_path():
    return get_settings().var_dir / "spool" / "escalations.jsonl"


def cases_of(number):
    return [c for c in escalations.open_cases(1000) if c["sender"] == pseudonymise(number)]


def first_notices(messages, case_id):
    return [m for m in messages if m["status_code"] == 201 and m["Body"].startswith(f"Puente: URGENT case {case_id} ")]


@pytest.mark.parametrize("garbage", [b'{"garbage": true}', b"{}", b'{"id": "x"}'])
def test_a_json_object_that_is_not_a_case_blocks_every_spooled_case_after_it(phone, stack, roster, fake_twilio,
                                                                             redis_server, garbage):
    path = spool_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as f:  # an operator's garbage line, valid JSON
        f.write(garbage + b"\n")
    try:
        os.kill(redis_server["process"].pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            reply = joined(phone.text("me estan golpeando ahora mismo, ayudenme por favor"))
            elapsed = time.monotonic() - started
        finally:
            os.kill(redis_server["process"].pid, signal.SIGCONT)
        storage.reset_availability()
        assert elapsed < 10 and expected("emergency.abuse", "es") in reply
        # The action server's flusher (every 1 s) should move the spooled urgent case.
        cases = eventually(lambda: cases_of(phone.number), timeout=15)
        left = (path.read_bytes() if path.exists() else b"").count(b"\n")
        assert len(cases) == 1, f"urgent case still stuck in the spool after 15 s; spool holds {left} lines"
    finally:
        if path.exists():
            lines = [l for l in path.read_bytes().split(b"\n") if l.strip() and l != garbage]
            path.write_bytes(b"".join(l + b"\n" for l in lines))
            escalations.flush_spool()


def test_many_writers_and_the_flusher_at_once_lose_and_duplicate_nothing(redis_client, monkeypatch):
    """8 threads x 25 spooled cases (distinct senders) while two threads flush: each case ends
    in Redis exactly once."""
    from bot.handoff import jobs
    monkeypatch.setattr(jobs, "on_case_recorded", lambda case: None)
    monkeypatch.setattr(jobs, "enqueue_sweep", lambda: None)
    ids = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(w):
        for i in range(25):
            case = escalations.new_case(f"p_probe_{w}_{i}", "urgent", "emergency_medical", "en", "sms", "US", "x")
            with lock:
                ids.append(case["id"])
            escalations._spool(case)

    def flusher():
        while not stop.is_set():
            try:
                escalations.flush_spool()
            except Exception as error:  # noqa: BLE001
                print("flush error", type(error).__name__, error)
            time.sleep(0.005)

    flushers = [threading.Thread(target=flusher) for _ in range(2)]
    writers = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in flushers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in flushers:
        t.join()
    escalations.flush_spool()
    queued = redis_client.zrange(escalations.QUEUE, 0, -1)
    assert sorted(set(queued) & set(ids)) == sorted(ids) and len(ids) == 200
    assert not spool_path().exists()
    for case_id in ids:
        redis_client.delete(escalations.CASE.format(case_id))
        redis_client.zrem(escalations.QUEUE, case_id)
