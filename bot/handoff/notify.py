"""Telling volunteers about new cases: SMS through Twilio, sent by RQ jobs off the request path.

A new case notifies the on-call volunteers who speak its language (everyone on call when
nobody does). An urgent case still waiting after PUENTE_URGENT_ESCALATION_SECONDS notifies
every on-call volunteer not yet told (stage 1), and after as long again the coordinator
(stage 2). Failed sends that can succeed later are retried with backoff by RQ.

Nothing is dropped silently: every attempt and its result is appended to the case's
`notifications` field, which the console and `puente cases list --json` show. Jobs carry
case ids only, and the texts name no person and no number, so neither reaches RQ's logs.
"""
from __future__ import annotations

import json
import logging
import os
import time

import redis
from rq import Worker, get_current_job
from rq.job import Job, JobStatus

from bot.handoff import twilio_rest, volunteers
from bot.handoff.escalations import CASE
from bot.handoff.escalations import QUEUE as OPEN_CASES

# The queue's API is re-exported: callers and tests know it as notify.queue(), notify.QUEUE_NAME.
from bot.handoff.jobs import (  # noqa: F401
    QUEUE_NAME,
    RETRY_INTERVALS,
    escalation_delay,
    on_case_recorded,
    queue,
    schedule_escalation,
)
from bot.store import storage

log = logging.getLogger(__name__)
KEEP_ENTRIES = 200
SENDING = "puente:notify:sending:{}:{}:{}"  # case, stage, volunteer: a send began, its outcome not yet recorded
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "th": "Thai", "hmn": "Hmong", "so": "Somali", "ur": "Urdu"}
PENDING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED}


class RetryLater(Exception):
    """Raised so that RQ retries the job with backoff; the message carries no number."""


def sweep() -> int:
    """Enqueues every waiting case that has no notification and no job on its way (cases
    moved in from the disk spool, or written just before a crash), and every case whose job
    a dead worker left half done (it resends only to those not yet told). Returns how many."""
    r = storage.client()
    found = 0
    for case_id in r.zrange(OPEN_CASES, 0, -1):
        case = r.hgetall(CASE.format(case_id))
        if not case or case.get("state") != "waiting":
            continue
        job = Job.fetch_many([f"notify-{case_id}"], connection=queue().connection)[0]
        orphaned = job is not None and _orphaned(job)
        if job is not None and job.get_status(refresh=False) in PENDING and not orphaned:
            continue
        if json.loads(case.get("notifications") or "[]") and not orphaned:
            continue
        on_case_recorded(case)
        found += 1
    if found:
        log.warning("sweep: enqueued notifications for %d cases", found)
    return found


def _orphaned(job: Job) -> bool:
    """A job marked started by a worker that no longer exists (killed mid-send): RQ would
    only notice after its timeout, minutes later."""
    if job.get_status(refresh=False) != JobStatus.STARTED:
        return False
    alive = {worker.name for worker in Worker.all(connection=queue().connection)}
    return getattr(job, "worker_name", None) not in alive


# -- the jobs --------------------------------------------------------------------------------

def notify_new_case(case_id: str, since: float = 0.0) -> dict:
    """Texts the on-call volunteers about a waiting case. `since`: the case was raised to
    urgent at that time, so volunteers told before are told again."""
    case = storage.client().hgetall(CASE.format(case_id))
    if not case or case.get("state") != "waiting":
        return {"case": case_id, "skipped": "not waiting"}  # claimed or closed before we got here
    targets = volunteers.on_call_for(case["language"]) or volunteers.on_call_all()
    if not targets:
        # Nobody is on call: the coordinator must hear of it rather than nobody.
        coordinator = volunteers.coordinator()
        targets = [coordinator] if coordinator else []
    head = "URGENT case" if case.get("priority") == "urgent" else "New case"
    if since:
        head = "Case now URGENT:"
    return _deliver(case, 0, targets, f"Puente: {head} {case_id} in {_about(case)}. Open {_link(case_id)}",
                    nobody="Nobody is on call and no coordinator is set: nobody was notified.", since=since)


HELD_EMERGENCY_STAGE = 3  # after 0 (new case), 1 (every on-call volunteer), 2 (the coordinator)
HELD_UNANSWERED_STAGE = 4  # the holder did not respond to that alert: the others


def alert_holder(case_id: str, since: float = 0.0) -> dict:
    """The person whose conversation a volunteer holds wrote an emergency (at `since`): tell
    that volunteer (or the coordinator, when the holder has left the roster)."""
    case = storage.client().hgetall(CASE.format(case_id))
    if not case or case.get("state") != "claimed":
        return {"case": case_id, "skipped": "not held"}
    holder = volunteers.get(case.get("claimed_by", "")) if case.get("claimed_by") else None
    coordinator = volunteers.coordinator()
    targets = [holder] if holder else ([coordinator] if coordinator else [])
    text = f"Puente: EMERGENCY now in the case you hold, {case_id} ({_about(case)}). {_link(case_id)}"
    return _deliver(case, HELD_EMERGENCY_STAGE, targets, text, since=since,
                    nobody="The volunteer holding the case is not on the roster and no coordinator is set.")


def escalate_held_emergency(case_id: str, since: float) -> dict:
    """The volunteer holding the case was alerted to an emergency at `since` and has written
    nothing to the person since: every other on-call volunteer and the coordinator are told."""
    case = storage.client().hgetall(CASE.format(case_id))
    if not case or case.get("state") != "claimed":
        return {"case": case_id, "skipped": "not held"}
    transcript = json.loads(case.get("transcript") or "[]")
    if any(line.get("from") == "volunteer" and line.get("at", 0) >= since for line in transcript):
        return {"case": case_id, "skipped": "the volunteer responded"}
    holder = case.get("claimed_by", "")
    coordinator = volunteers.coordinator()
    targets = [v for v in volunteers.on_call_all() if v["id"] != holder]
    if coordinator and coordinator["id"] not in {v["id"] for v in targets}:
        targets.append(coordinator)
    text = (f"Puente: EMERGENCY in case {case_id} ({_about(case)}): the volunteer holding it has not responded "
            f"for {_minutes(escalation_delay())}. Please help. {_link(case_id)}")
    return _deliver(case, HELD_UNANSWERED_STAGE, targets, text, since=since,
                    nobody="Nobody else is on call and no coordinator is set.")


def escalate_if_unclaimed(case_id: str, stage: int = 1) -> dict:
    case = storage.client().hgetall(CASE.format(case_id))
    if not case or case.get("state") != "waiting":
        return {"case": case_id, "stage": stage, "skipped": "not waiting"}
    if case.get("priority") != "urgent":  # the person said nobody is in danger now
        return {"case": case_id, "stage": stage, "skipped": "no longer urgent"}
    waited = _minutes(stage * escalation_delay())
    if stage == 1:
        schedule_escalation(case_id, 2)  # first, so that the coordinator is told even if this stage fails
        told = _delivered(case)
        targets = [v for v in volunteers.on_call_all() if v["id"] not in told]
        text = f"Puente: URGENT case {case_id} in {_about(case)} unclaimed for {waited}. Can you take it? {_link(case_id)}"
        nobody = "Every on-call volunteer had been notified already."
    else:
        coordinator = volunteers.coordinator()
        targets = [coordinator] if coordinator else []
        text = (f"Puente coordinator: URGENT case {case_id} in {_about(case)} unclaimed for {waited} although "
                f"on-call volunteers were told. {_link(case_id)}")
        nobody = "No coordinator is set: the escalation reached nobody."
    return _deliver(case, stage, targets, text, nobody=nobody)


def _deliver(case: dict, stage: int, targets: list[dict], text: str, nobody: str, since: float = 0.0) -> dict:
    """Sends `text` to each target not yet sent it at this stage (since `since`) and records
    every attempt on the case; raises RetryLater for sends worth trying again."""
    job = get_current_job()
    retries_left = job.retries_left if job is not None else None
    attempt = 1 + len(RETRY_INTERVALS) - retries_left if retries_left is not None else 1
    last_attempt = not retries_left
    done = _delivered(case, stage, since)
    entries, again = [], 0
    if not targets:
        entries.append(_entry(None, stage, "failed", nobody, attempt))
        _append(case["id"], entries[-1:])
    r = storage.client()
    for volunteer in targets:
        if volunteer["id"] in done:
            continue  # a retry resends only what has not gone yet
        number = volunteers.phone_of(volunteer)
        # Set before the send, cleared once its outcome is recorded: a worker killed in between
        # leaves it, and the next attempt asks Twilio instead of sending a second copy.
        marker = SENDING.format(case["id"], stage, volunteer["id"])
        began = r.get(marker)
        if _sent_after_timeout(case, stage, volunteer["id"], since, number, text, began):
            entry = _entry(volunteer["id"], stage, "sent", "Found at Twilio after it answered late.", attempt)
        else:
            r.set(marker, f"{time.time():.3f}", ex=86400)
            delivery = twilio_rest.send("sms", number, text)
            status, reason = delivery.status, delivery.reason
            if status in ("failed", "unknown") and delivery.retryable:
                if last_attempt:
                    reason = f"{reason} Gave up after {attempt} attempts."
                elif status == "failed":
                    status, again = "retrying", again + 1
                else:
                    again += 1  # stays "unknown": the next attempt looks it up first
            entry = _entry(volunteer["id"], stage, status, reason, attempt)
        entries.append(entry)
        _append(case["id"], [entry])  # at once: a crash later must not resend this one
        if entry["status"] != "unknown":
            r.delete(marker)
    log.info("case %s stage %d attempt %d: %s", case["id"], stage, attempt,
             ", ".join(f"{e['status']}" for e in entries) or "nothing to send")
    if again:
        raise RetryLater(f"case {case['id']} stage {stage}: {again} notification(s) to retry")
    return {"case": case["id"], "stage": stage, "attempt": attempt, "results": [e["status"] for e in entries]}


def job_failed(job: Job, connection, exc_type, exc_value, traceback) -> None:
    """RQ's failure callback, on every failed attempt. Sends that failed were recorded by
    the job itself; this records the unexpected (a bug, Redis trouble) once retries run out."""
    if exc_type is RetryLater or job.retries_left:
        return
    case_id = job.args[0] if job.args else ""
    stage = job.kwargs.get("stage", 0) if job.func_name.endswith("escalate_if_unclaimed") else 0
    try:
        _append(case_id, [_entry(None, stage, "failed", f"The notification job failed ({exc_type.__name__}).", 0)])
    except redis.RedisError:
        log.error("case %s: notification failure could not be recorded", case_id)


# -- helpers ---------------------------------------------------------------------------------

def _entry(to: str | None, stage: int, status: str, reason: str, attempt: int) -> dict:
    return {"to": to, "stage": stage, "status": status, "reason": reason, "attempt": attempt,
            "at": round(time.time(), 3)}


def _sent_after_timeout(case: dict, stage: int, volunteer_id: str, since: float, number: str, text: str,
                        began: str | None = None) -> bool:
    """Whether an earlier attempt of this stage whose outcome is unknown (Twilio answered too
    late, or the worker died mid-send: `began` is when that send started) did reach Twilio:
    looked up rather than resent. False when Twilio cannot be asked."""
    unknown = [e["at"] for e in json.loads(case.get("notifications") or "[]") if e.get("to") == volunteer_id
               and e.get("stage") == stage and e.get("status") == "unknown" and e.get("at", 0) >= since]
    if began:
        unknown.append(float(began))
    if not unknown:
        return False
    try:
        return bool(twilio_rest.find_sent("sms", number, text, min(unknown) - 30))
    except Exception as error:  # noqa: BLE001 - Twilio unreachable: a resend (that will fail too) is the safe side
        log.warning("case %s: lookup of an unanswered send failed (%s)", case["id"], type(error).__name__)
        return False


def _delivered(case: dict, stage: int | None = None, since: float = 0.0) -> set[str]:
    entries = json.loads(case.get("notifications") or "[]")
    return {e["to"] for e in entries if e.get("to") and e.get("status") in ("sent", "queued_local")
            and (stage is None or e.get("stage") == stage) and e.get("at", 0) >= since}


def _append(case_id: str, entries: list[dict]) -> None:
    """Appends to the case's `notifications` atomically: other jobs and the console write the same hash."""
    if not entries:
        return
    key = CASE.format(case_id)
    with storage.client().pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)
                if not pipe.exists(key):
                    return  # the case was deleted meanwhile
                current = json.loads(pipe.hget(key, "notifications") or "[]")
                pipe.multi()
                pipe.hset(key, "notifications", json.dumps((current + entries)[-KEEP_ENTRIES:]))
                pipe.execute()
                return
            except redis.WatchError:
                continue


def _about(case: dict) -> str:
    return f"{LANGUAGE_NAMES.get(case.get('language', ''), case.get('language', '?'))} ({case.get('channel', '?')})"


def _link(case_id: str) -> str:
    base = os.environ.get("PUENTE_CONSOLE_URL", "").strip() or os.environ.get("PUBLIC_URL", "").strip() \
        or "http://localhost:8000"
    return f"{base.rstrip('/')}/console/cases/{case_id}"


def _minutes(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds >= 60 else f"{seconds} s"


class NotifyWorker(Worker):
    """rq's forking Worker, named with `rq worker -w bot.handoff.notify.NotifyWorker`: loading this
    class imports the jobs' modules (Twilio's SDK, Redis, cryptography: about half a second)
    once in the parent, so each forked job starts warm and a notification leaves in tens
    of milliseconds instead of after that import."""
