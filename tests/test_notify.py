"""Notification jobs called directly (the RQ worker runs them in tests/integration):
who is told, what the text says, and that every attempt is recorded on the case."""
from __future__ import annotations

import json

import pytest
from rq.job import Job

from bot.handoff import escalations, notify, volunteers
from bot.store import storage


@pytest.fixture
def roster(redis_client):
    people = {
        "ana": volunteers.add("Ana Test", "+15550111", ["en", "es"]),
        "boon": volunteers.add("Boon Test", "+15550112", ["th", "hmn"]),
        "erin": volunteers.add("Erin Test", "+15550115", ["en", "ur"]),
        "dolores": volunteers.add("Dolores Test", "+15550114", ["es", "so"], on_call=False),
        "coord": volunteers.add("Coordinator Test", "+15550119", ["en"], on_call=False, role="coordinator"),
    }
    yield people
    for person in volunteers.list_all():
        volunteers.remove(person["id"])


def waiting_case(language: str, priority: str = "urgent", channel: str = "whatsapp") -> dict:
    # Written without record(), so that no job is enqueued: these tests call the jobs themselves.
    case = escalations.new_case("p_notify", priority, "emergency_medical", language, channel, "US", "ayuda")
    escalations._write(storage.client(), case)
    return case


def notifications(case_id: str) -> list[dict]:
    return json.loads(storage.client().hget(f"puente:case:{case_id}", "notifications") or "[]")


def test_new_case_goes_to_on_call_speakers_with_no_content_or_number(roster, twilio_env, monkeypatch):
    monkeypatch.setenv("PUENTE_CONSOLE_URL", "https://puente.example.org")
    case = waiting_case("es")
    notify.notify_new_case(case["id"])
    [message] = twilio_env.delivered()
    assert message["To"] == "+15550111"  # Ana: on call and speaks Spanish; Dolores is off call
    assert message["Body"] == (f"Puente: URGENT case {case['id']} in Spanish (whatsapp). "
                               f"Open https://puente.example.org/console/cases/{case['id']}")
    assert [(n["to"], n["stage"], n["status"]) for n in notifications(case["id"])] == [(roster["ana"]["id"], 0, "sent")]
    notify.notify_new_case(case["id"])  # run again (a retry, a sweep): nobody is told twice
    assert len(twilio_env.delivered()) == 1


def test_nobody_speaks_it_then_everyone_on_call_then_the_coordinator(roster, twilio_env):
    case = waiting_case("so")
    notify.notify_new_case(case["id"])
    assert sorted(m["To"] for m in twilio_env.delivered()) == ["+15550111", "+15550112", "+15550115"]
    for person in ("ana", "boon", "erin"):
        volunteers.update(roster[person]["id"], on_call=False)
    twilio_env.reset()
    other = waiting_case("th", priority="normal")
    notify.notify_new_case(other["id"])
    [message] = twilio_env.delivered()
    assert message["To"] == "+15550119" and message["Body"].startswith(f"Puente: New case {other['id']} in Thai")


def test_nobody_at_all_is_recorded_as_a_failure(redis_client, twilio_env):
    case = waiting_case("th")
    notify.notify_new_case(case["id"])
    [entry] = notifications(case["id"])
    assert entry["to"] is None and entry["status"] == "failed" and "nobody" in entry["reason"].lower()


def test_escalation_reaches_those_not_told_then_the_coordinator(roster, twilio_env):
    case = waiting_case("th")
    notify.notify_new_case(case["id"])
    notify.escalate_if_unclaimed(case["id"], stage=1)
    stage1 = [m for m in twilio_env.delivered() if "unclaimed" in m["Body"]]
    assert sorted(m["To"] for m in stage1) == ["+15550111", "+15550115"]  # Boon was told already
    notify.escalate_if_unclaimed(case["id"], stage=2)
    [stage2] = [m for m in twilio_env.delivered() if m["Body"].startswith("Puente coordinator:")]
    assert stage2["To"] == "+15550119"
    assert [n["stage"] for n in notifications(case["id"])] == [0, 1, 1, 2]


def test_a_claimed_case_is_not_escalated(roster, twilio_env, redis_client):
    case = waiting_case("th")
    redis_client.hset(f"puente:case:{case['id']}", "state", "claimed")
    assert notify.escalate_if_unclaimed(case["id"], stage=1)["skipped"]
    assert twilio_env.messages == []


def test_a_failure_on_the_last_attempt_is_recorded_not_dropped(roster, twilio_env):
    case = waiting_case("es")
    twilio_env.fail_next(1, status=503)
    notify.notify_new_case(case["id"])  # outside RQ: this is the only (so the last) attempt
    [entry] = notifications(case["id"])
    assert entry["status"] == "failed" and "Gave up" in entry["reason"] and entry["to"] == roster["ana"]["id"]


def test_local_mode_notifications_go_to_the_outbox(roster, redis_client, monkeypatch):
    monkeypatch.delenv("TWILIO_ACCOUNT_SID", raising=False)
    case = waiting_case("hmn")
    notify.notify_new_case(case["id"])
    [item] = [json.loads(x) for x in redis_client.lrange("puente:outbox", 0, -1)]
    assert item["body"].startswith(f"Puente: URGENT case {case['id']} in Hmong")
    assert [n["status"] for n in notifications(case["id"])] == ["queued_local"]


def test_spooled_cases_are_swept_into_the_notification_queue(private_var, redis_client, monkeypatch):
    case = escalations.new_case("p_sweep", "urgent", "emergency_abuse", "es", "sms", "MX", "")
    escalations._spool(case)
    assert escalations.flush_spool() == 1  # moves it into Redis, then enqueues its notification
    assert Job.fetch(f"notify-{case['id']}", connection=notify.queue().connection) is not None
    assert redis_client.exists(f"puente:notify:escalation:{case['id']}:1")
    assert notify.sweep() == 0  # a job is on its way (or done): not enqueued twice


def test_a_worker_killed_mid_send_is_looked_up_not_sent_twice(roster, twilio_env, monkeypatch):
    from bot.handoff import twilio_rest

    case = waiting_case("es")
    went = []

    def dies_after_the_request_left(channel, to, body, content_sid=None):
        went.append((to, body))
        raise KeyboardInterrupt  # the worker is killed here: nothing after this line runs

    monkeypatch.setattr(twilio_rest, "send", dies_after_the_request_left)
    with pytest.raises(KeyboardInterrupt):
        notify.notify_new_case(case["id"])
    assert notifications(case["id"]) == []  # the outcome was never recorded
    monkeypatch.setattr(twilio_rest, "find_sent",
                        lambda channel, to, body, since: "SM1" if (to, body) in went else None)
    monkeypatch.setattr(twilio_rest, "send", lambda *a, **k: pytest.fail("sent a second copy"))
    notify.notify_new_case(case["id"])
    [entry] = notifications(case["id"])
    assert (entry["to"], entry["status"]) == (roster["ana"]["id"], "sent") and "Found at Twilio" in entry["reason"]
