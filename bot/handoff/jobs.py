"""The notification job queue (RQ): what is enqueued when a case is recorded.

Jobs are named by their import path, so recording a case (bot.handoff.escalations) needs
this module only, and the notifier (bot.handoff.notify), which reads cases, is imported by
the worker alone: the two never import each other.
"""
from __future__ import annotations

import os
import time
from datetime import timedelta
from functools import lru_cache

import redis
from rq import Callback, Queue, Retry

from bot.settings import get_settings
from bot.store import storage

QUEUE_NAME = "puente-notify"
RETRY_INTERVALS = [1, 2, 4, 8, 16]  # seconds: about half a minute of Twilio trouble is ridden out
ESCALATION_MARK = "puente:notify:escalation:{}:{}"  # set once per case and stage: scheduled already
NOTIFY_NEW_CASE = "bot.handoff.notify.notify_new_case"
ESCALATE_IF_UNCLAIMED = "bot.handoff.notify.escalate_if_unclaimed"
SWEEP = "bot.handoff.notify.sweep"
ALERT_HOLDER = "bot.handoff.notify.alert_holder"
ESCALATE_HELD = "bot.handoff.notify.escalate_held_emergency"
JOB_FAILED = "bot.handoff.notify.job_failed"


@lru_cache(maxsize=2)
def _connection(url: str) -> redis.Redis:
    # RQ stores pickled bytes, so it needs its own connection without decode_responses.
    return storage.connect(url, socket_timeout=5)


def queue() -> Queue:
    return Queue(QUEUE_NAME, connection=_connection(get_settings().redis_url))


def escalation_delay() -> int:
    """Seconds an urgent case may wait unclaimed before the next stage (PUENTE_URGENT_ESCALATION_SECONDS)."""
    return max(1, int(os.environ.get("PUENTE_URGENT_ESCALATION_SECONDS", "").strip() or 180))


def job_options(job_id: str) -> dict:
    return {"job_id": job_id, "retry": Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            "on_failure": Callback(JOB_FAILED), "job_timeout": 120, "result_ttl": 3600}


def on_case_recorded(case: dict) -> None:
    """Called once a case is safely in Redis (bot.handoff.escalations.record)."""
    queue().enqueue(NOTIFY_NEW_CASE, case["id"], **job_options(f"notify-{case['id']}"))
    if case.get("priority") == "urgent":
        schedule_escalation(case["id"], 1)


def schedule_escalation(case_id: str, stage: int) -> None:
    # Once per case and stage, even when a case is swept up again or a job is retried.
    if storage.client().set(ESCALATION_MARK.format(case_id, stage), "1", nx=True, ex=7 * 86400):
        queue().enqueue_in(timedelta(seconds=escalation_delay()), ESCALATE_IF_UNCLAIMED, case_id, stage=stage,
                           **job_options(f"escalate-{case_id}-{stage}"))


def enqueue_sweep() -> None:
    """Asks the worker to look for waiting cases that were never notified (bot.handoff.notify.sweep)."""
    queue().enqueue(SWEEP, job_id="notify-sweep", job_timeout=120, result_ttl=60)


def on_case_raised(case_id: str) -> None:
    """A waiting case became urgent (a new emergency joined it): everybody is told again, as
    URGENT, and the escalation stages start over."""
    since = time.time()
    queue().enqueue(NOTIFY_NEW_CASE, case_id, since=since, **job_options(f"notify-{case_id}-raised-{since * 1000:.0f}"))
    storage.client().delete(ESCALATION_MARK.format(case_id, 1), ESCALATION_MARK.format(case_id, 2))
    schedule_escalation(case_id, 1)


def alert_holder(case_id: str) -> None:
    """An emergency in a conversation a volunteer holds: text that volunteer at once, and, if
    the volunteer has not written to the person after the escalation delay, the others."""
    since = time.time()
    queue().enqueue(ALERT_HOLDER, case_id, since=since, **job_options(f"alert-holder-{case_id}-{since * 1000:.0f}"))
    queue().enqueue_in(timedelta(seconds=escalation_delay()), ESCALATE_HELD, case_id, since=since,
                       **job_options(f"escalate-held-{case_id}-{since * 1000:.0f}"))
