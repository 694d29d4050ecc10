"""One case per person, tried as an operator: one component at a time frozen (SIGSTOP) and restored (SIGCONT), as
tests/integration/test_faults.py and test_webhook.py do."""
from __future__ import annotations

import json
import time
from pathlib import Path

from bot.handoff import cases, escalations
from bot.store import storage
from bot.store.privacy import pseudonymise
from tests.integration.conftest import eventually, the_case
from tests.integration.test_faults import frozen
from tests.integration.test_webhook import expected, joined

MUST_PASS = {(r["lang"], r["intent"]): r["text"] for r in (
    json.loads(line) for line in (Path(__file__).parent / "must_pass.jsonl").open(encoding="utf-8"))}


def open_of(number):
    return [c for c in escalations.open_cases(1000) if c["sender"] == pseudonymise(number)]


def about(messages, case_id):
    return [m for m in messages if m["status_code"] == 201 and case_id in m["Body"]]


def person_lines(case_id):
    return [l["text"] for l in cases.get(case_id)["transcript"] if l["from"] == "person"]


def test_redis_frozen_while_a_held_case_is_open_then_back(phone, stack, roster, fake_twilio, redis_server):
    phone.text(MUST_PASS[("en", "request_human")])
    case = the_case(phone.number)
    assert cases.claim(case["id"], roster["+15550111"])
    fake_twilio.reset()
    with frozen(redis_server["process"]):
        reply = joined(phone.text("the guards beat me"))
        plain = joined(phone.text("are you there?"))
    storage.reset_availability()
    assert expected("emergency.abuse", "en") in reply and plain
    eventually(lambda: "are you there?" in person_lines(case["id"]), timeout=15)
    assert len(open_of(phone.number)) == 1 and open_of(phone.number)[0]["id"] == case["id"]
    lines = person_lines(case["id"])
    assert lines.count("the guards beat me") == 1 and lines.count("are you there?") == 1, lines
    assert cases.get(case["id"])["priority"] == "urgent"
    fake_twilio.wait_for(
        lambda ms: [m for m in about(ms, case["id"]) if "EMERGENCY now in the case you hold" in m["Body"]], timeout=15)
    time.sleep(1)
    assert [m["To"] for m in about(fake_twilio.messages, case["id"]) if "you hold" in m["Body"]] == ["+15550111"]


def test_redis_frozen_waiting_case_messages_join_without_new_notices(phone, stack, roster, fake_twilio, redis_server):
    phone.text(MUST_PASS[("es", "request_human")])
    case = the_case(phone.number)
    fake_twilio.wait_for(lambda ms: about(ms, case["id"]), timeout=15)
    time.sleep(0.5)
    before = len(about(fake_twilio.messages, case["id"]))
    with frozen(redis_server["process"]):
        phone.text("hola, sigo aqui")
        phone.text("¿alguien me puede ayudar?")
    storage.reset_availability()
    eventually(lambda: len(person_lines(case["id"])) >= 3, timeout=15)
    time.sleep(2)
    assert len(open_of(phone.number)) == 1
    assert len(about(fake_twilio.messages, case["id"])) == before, [m["Body"] for m in fake_twilio.messages]


def test_worker_frozen_then_back_notifies_once(phone, stack, roster, fake_twilio, notify_worker):
    with frozen(notify_worker["process"]):
        phone.text(MUST_PASS[("es", "request_human")])
        phone.text(MUST_PASS[("es", "emergency_medical")])
        case = the_case(phone.number)
        time.sleep(3)
        assert fake_twilio.messages == []
    fake_twilio.wait_for(lambda ms: [m for m in about(ms, case["id"]) if "unclaimed" in m["Body"]], timeout=20)
    time.sleep(3)
    bodies = [(m["To"], m["Body"].split(" in ")[0]) for m in about(fake_twilio.messages, case["id"])]
    from collections import Counter
    dup = {k: v for k, v in Counter(bodies).items() if v > 1}
    assert not dup, bodies
