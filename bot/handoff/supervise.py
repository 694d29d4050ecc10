"""Keeps the notification worker (RQ, with its scheduler) alive: `puente notify supervise`.

RQ's worker survives most things, but not all: killed in the middle of a send it is gone,
and after a Redis restart its scheduler thread (which runs retries and the escalation
stages) can stay dead for minutes while the worker still takes jobs. Urgent escalations
stop silently. This supervisor runs the worker as a child process and restarts it when it
exits, or when Redis answers but the worker has not registered, or nobody holds the
scheduler's lock, for longer than PUENTE_WORKER_GRACE_SECONDS (20). Each restart runs the
notifier's sweep, so cases recorded meanwhile are notified.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from rq import Worker
from rq.scheduler import RQScheduler

from bot.handoff import jobs
from bot.settings import get_settings

log = logging.getLogger(__name__)
CHECK_SECONDS = 2.0


def worker_command(redis_url: str) -> list[str]:
    rq = Path(sys.executable).with_name("rq")
    return [str(rq), "worker", "-w", "bot.handoff.notify.NotifyWorker", "--with-scheduler", jobs.QUEUE_NAME,
            "--url", redis_url]


def healthy(connection: redis.Redis, pid: int) -> bool | None:
    """True when the worker with this pid is registered and some worker holds the scheduler
    lock; False when not; None when Redis cannot be asked (nothing to judge by)."""
    try:
        registered = any(worker.pid == pid for worker in Worker.all(connection=connection))
        scheduling = bool(connection.exists(RQScheduler.get_locking_key(jobs.QUEUE_NAME)))
    except redis.RedisError:
        return None
    return registered and scheduling


def run(redis_url: str | None = None, grace: float | None = None) -> int:
    """Supervises until SIGTERM or SIGINT, then stops the worker. Returns an exit status."""
    redis_url = redis_url or get_settings().redis_url
    grace = grace if grace is not None else float(os.environ.get("PUENTE_WORKER_GRACE_SECONDS", "20"))
    connection = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    child: subprocess.Popen | None = None
    unhealthy_since: float | None = None
    restarts = 0
    while not stopping:
        if child is None or child.poll() is not None:
            if child is not None:
                restarts += 1
                log.error("notification worker exited (status %s): restarting (restart %d)", child.returncode, restarts)
                time.sleep(min(30, 2 ** min(restarts, 5)) if restarts > 3 else 1)
            child = subprocess.Popen(worker_command(redis_url))
            unhealthy_since = time.monotonic()  # it needs a moment to register and take the lock
            _sweep_soon()
        time.sleep(CHECK_SECONDS)
        state = healthy(connection, child.pid)
        if state is True:
            unhealthy_since = None
            restarts = 0
        elif state is False:
            unhealthy_since = unhealthy_since or time.monotonic()
            if time.monotonic() - unhealthy_since > grace:
                log.error("notification worker unhealthy for %.0f s (not registered or no scheduler): restarting",
                          time.monotonic() - unhealthy_since)
                _stop(child)
        # None: Redis is down; the worker cannot work either, and restarting would not help.
    if child is not None:
        _stop(child)
    return 0


def _stop(child: subprocess.Popen) -> None:
    child.terminate()
    try:
        child.wait(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait(timeout=5)


def _sweep_soon() -> None:
    try:
        jobs.enqueue_sweep()
    except Exception as error:  # noqa: BLE001 - the next restart or `puente notify sweep` tries again
        log.warning("sweep not enqueued (%s)", type(error).__name__)
