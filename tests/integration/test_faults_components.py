"""One component broken at a time (action server frozen; Redis killed and restarted
with its append-only file), counting cases, notices per volunteer, transcript lines, time."""
from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter

from bot.handoff import escalations
from bot.store import storage
from bot.store.privacy import pseudonymise
from tests.conftest import start_redis
from tests.integration.conftest import eventually, speakers
from tests.integration.test_webhook import expected, joined


def cases_of(number):
    return [c for c in escalations.open_cases(1000) if c["sender"] == pseudonymise(number)]


def first_notices(messages, case_id):
    return [m for m in messages if m["status_code"] == 201 and m["Body"].startswith(f"Puente: URGENT case {case_id} ")
            and "unclaimed" not in m["Body"]]


def test_action_server_frozen_past_the_reply_timeout(phone, stack, roster, fake_twilio):
    phone.text("hello")
    text = "my cellmate collapsed and is not moving"
    pid = stack["actions_process"].pid
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        reply = joined(phone.text(text))
        elapsed = time.monotonic() - started
        time.sleep(3)
    finally:
        os.kill(pid, signal.SIGCONT)
    print("elapsed", elapsed)
    assert elapsed < 10, elapsed
    assert expected("emergency.medical", "en") in reply, reply
    time.sleep(8)  # Rasa's held turn runs its actions once the action server is back
    cases = cases_of(phone.number)
    assert len(cases) == 1, cases
    case = cases[0]
    assert case["priority"] == "urgent"
    fake_twilio.wait_for(lambda ms: first_notices(ms, case["id"]), timeout=15)
    time.sleep(1)
    sent = Counter(m["To"] for m in fake_twilio.messages if m["status_code"] == 201 and case["id"] in m["Body"]
                   and "unclaimed" not in m["Body"] and "coordinator" not in m["Body"])
    print("notices", sent)
    assert sorted(sent) == speakers("en") and set(sent.values()) == {1}, sent
    person = [l["text"] for l in json.loads(case["transcript"]) if l["from"] == "person"]
    print("person lines", person)
    assert person.count(text) == 1, person


def test_redis_killed_and_restarted_on_its_append_only_file(phone, stack, roster, fake_twilio, redis_server,
                                                            notify_worker):
    phone.text("hola")
    text = "me estan golpeando ahora mismo, ayudenme por favor"
    redis_server["process"].kill()
    redis_server["process"].wait()
    try:
        started = time.monotonic()
        reply = joined(phone.text(text))
        elapsed = time.monotonic() - started
    finally:
        redis_server["process"] = start_redis(redis_server["dir"], redis_server["port"])
    print("elapsed", elapsed)
    assert elapsed < 10 and expected("emergency.abuse", "es") in reply, (elapsed, reply)
    storage.reset_availability()
    cases = eventually(lambda: cases_of(phone.number), timeout=20)
    assert len(cases) == 1, cases
    fake_twilio.wait_for(lambda ms: first_notices(ms, cases[0]["id"]), timeout=30)
    time.sleep(1.5)
    notices = first_notices(fake_twilio.messages, cases[0]["id"])
    print("notices", Counter(m["To"] for m in notices), "language", cases[0]["language"])
    assert sorted(m["To"] for m in notices) == speakers("es")
    assert notify_worker["process"].poll() is None, "the notification worker died with Redis"
    # A second message after the restart joins the same case, without new notices.
    phone.text("por favor ayuda, me siguen golpeando")
    time.sleep(2)
    assert len(cases_of(phone.number)) == 1
    assert len(first_notices(fake_twilio.messages, cases[0]["id"])) == len(speakers("es"))
