"""Escalations: urgent or normal cases for a human, written durably, one open case per person.

Redis (with append-only persistence) holds the queue. When Redis cannot be reached the
case goes to a local spool file instead and is moved into Redis on the next write: an
escalation is never dropped.

A person has at most one open case. What they send while it is open joins it: the
transcript grows, a new emergency raises it to urgent and alerts whoever must know (the
volunteer holding it, or everyone on call when nobody does yet), and nothing else sends
another notification.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from pathlib import Path

import redis

from bot.handoff import jobs, spool
from bot.settings import get_settings
from bot.store import storage

log = logging.getLogger(__name__)
CASE = "puente:case:{}"
# The whole message is kept for the volunteer: Twilio delivers at most 1,600 characters by SMS
# and 4,096 by WhatsApp, so nothing a person can send is cut.
MESSAGE_CHARS = 4096
QUEUE = "puente:cases:open"          # sorted set: urgent first, then oldest first
BY_SENDER = "puente:cases:sender:{}"  # set of case ids per pseudonymous sender
OPEN_FOR = "puente:cases:open-for:{}"  # pseudonymous sender -> the id of their one open case
HANDOFF = "puente:handoff:{}"          # sender -> case id, while a volunteer holds the case (bot.handoff.cases)
ALERTED = "puente:case:{}:alerted"     # set while the holder has just been alerted: no repeat alerts
TRANSCRIPT_LIMIT = 60                   # lines kept per case: the recent turns
PRIORITY_RANK = {"urgent": 0, "normal": 1}


def _spool_path() -> Path:
    return get_settings().var_dir / "spool" / "escalations.jsonl"


def new_case(sender: str, priority: str, reason: str, language: str, channel: str, country: str,
             text: str = "", replies: list[str] | None = None, possible: bool = False) -> dict:
    """A case as a flat dict of strings (a Redis hash). `possible`: urgent because the triage
    was unsure; the person was asked whether someone is in danger now (see answer_danger)."""
    now = time.time()
    transcript = [{"from": "person", "text": text[:MESSAGE_CHARS], "at": round(now, 3)}]
    # What the assistant answered, so the volunteer knows what the person was already told.
    transcript += [{"from": "assistant", "text": reply, "at": round(now, 3)} for reply in replies or []]
    return {
        "id": uuid.uuid4().hex[:12],
        "sender": sender,
        "priority": priority,
        "reason": reason,
        "language": language,
        "channel": channel,
        "country": country,
        "state": "waiting",
        "created": f"{now:.3f}",
        **({"possible": "asked"} if possible else {}),
        **_deadline(reason, text, now),
        # The message that raised the case, for the volunteer who takes it.
        "transcript": json.dumps(transcript, ensure_ascii=False),
    }


def with_attachments(text: str, attachments: list[str]) -> str:
    """A message as the volunteer reads it: its text, then a note of the attachments
    ("image/jpeg"...) that could not be read."""
    if not attachments:
        return text
    note = f"[attachment not read: {', '.join(map(str, attachments))}]"
    return f"{text} {note}" if text.strip() else note


def _deadline(reason: str, text: str, now: float) -> dict:
    from bot.handoff.deadlines import stated_deadline

    deadline = stated_deadline(text, now) if reason == "emergency_deportation" else None
    return {"deadline": f"{deadline:.0f}"} if deadline else {}


def queue_score(case: dict) -> float:
    """Where a case sorts in the open queue (lower first)."""
    # Urgent cases sort before every normal one; within a priority, oldest first, except
    # deportations with a stated deadline, which go first, nearest deadline first.
    if case.get("deadline"):
        return float(case["deadline"]) - 1e10
    return PRIORITY_RANK[case["priority"]] * 1e11 + float(case["created"])


def _write(r: redis.Redis, case: dict) -> None:
    pipe = r.pipeline(transaction=True)
    pipe.hset(CASE.format(case["id"]), mapping=case)
    pipe.expire(CASE.format(case["id"]), get_settings().data_ttl_seconds)  # cases expire like everything else
    pipe.zadd(QUEUE, {case["id"]: queue_score(case)})
    pipe.sadd(BY_SENDER.format(case["sender"]), case["id"])
    pipe.expire(BY_SENDER.format(case["sender"]), get_settings().data_ttl_seconds)
    pipe.execute()


def record(case: dict) -> str:
    """Writes the case to Redis, or to the spool when Redis fails; when the person already has
    an open case, the new one joins it instead. Returns "redis", "joined" or "spool"."""
    try:
        r = storage.client()
        open_id = _open_case(r, case)
        if open_id:
            _join(r, open_id, case)
            log.info("escalation joined the open case %s: priority=%s reason=%s", open_id, case["priority"],
                     case["reason"])
            return "joined"
        _write(r, case)
        log.info("escalation %s recorded: priority=%s reason=%s language=%s channel=%s",
                 case["id"], case["priority"], case["reason"], case["language"], case["channel"])
    except redis.RedisError as error:
        log.error("redis unavailable (%s); escalation %s spooled to disk", type(error).__name__, case["id"])
        _spool(case)
        return "spool"
    try:
        # The case is durable already: a failed enqueue must neither spool it again nor reach
        # the caller. the notifier's sweep catches up on cases without notifications.
        jobs.on_case_recorded(case)
    except Exception as error:  # noqa: BLE001
        log.error("escalation %s: notification not enqueued (%s)", case["id"], type(error).__name__)
    try:
        flush_spool(r)  # Redis answers: whatever was spooled goes in now (the flusher would soon)
    except Exception as error:  # noqa: BLE001 - the spool stays; never the caller's problem
        log.error("spooled escalations not moved yet (%s)", type(error).__name__)
    return "redis"


def _open_case(r: redis.Redis, case: dict) -> str | None:
    """The id of the person's open case for `case` to join, or None when `case` is now their
    open case (claimed atomically, so two messages at once still make one case)."""
    key = OPEN_FOR.format(case["sender"])
    for _ in range(3):
        if r.set(key, case["id"], nx=True, ex=get_settings().data_ttl_seconds):
            return None
        other = r.get(key)
        if other == case["id"]:
            return None  # the same case again (a spool flush, a retry)
        state = _state_when_written(r, other) if other else None
        if state not in (None, "closed"):
            return other
        # Closed or gone: that slot is free; delete it only if nobody has taken it meanwhile.
        storage.delete_if_equal(r, key, other or "")
    return None


def _state_when_written(r: redis.Redis, case_id: str, wait: float = 2.0) -> str | None:
    """The state of a case that holds a person's open-case slot. Its writer claims the slot
    just before writing the case, so a case not there yet is waited for (up to `wait`
    seconds) rather than taken for gone: two messages at once must still make one case."""
    deadline = time.monotonic() + wait
    while True:
        state = r.hget(CASE.format(case_id), "state")
        if state is not None or time.monotonic() >= deadline:
            return state
        time.sleep(0.02)


def _join(r: redis.Redis, open_id: str, case: dict) -> None:
    """Adds what `case` holds to the open case: its transcript lines, a voicemail, and an
    emergency (which raises the open case to urgent and alerts; see raise_for_emergency)."""
    append_transcript(open_id, json.loads(case.get("transcript") or "[]"))
    extra = {k: case[k] for k in ("recording_url", "callback_number", "caller") if case.get(k)}
    if extra:
        r.hset(CASE.format(open_id), mapping=extra)
    if case["priority"] == "urgent":
        raise_for_emergency(open_id, case["reason"], possible=bool(case.get("possible")))


def append_transcript(case_id: str, entries: list[dict]) -> None:
    """Appends transcript lines ({"from", "text", "at", ...}) to a case, atomically (the
    console, the webhook and the action server write the same case); keeps the last
    TRANSCRIPT_LIMIT. Raises redis.RedisError when Redis cannot be reached."""
    key = CASE.format(case_id)
    with storage.client().pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)
                transcript = json.loads(pipe.hget(key, "transcript") or "[]")
                transcript = (transcript + entries)[-TRANSCRIPT_LIMIT:]
                pipe.multi()
                pipe.hset(key, mapping={"transcript": json.dumps(transcript, ensure_ascii=False),
                                        "updated": f"{time.time():.3f}"})
                pipe.expire(key, get_settings().data_ttl_seconds)  # kept for the retention period after the last line
                pipe.execute()
                return
            except redis.WatchError:
                continue


def raise_for_emergency(case_id: str, reason: str, possible: bool = False) -> bool:
    """A new emergency in a case already open or held. The case becomes urgent (its reason
    the emergency) and sorts with the urgent ones; `possible` (the triage was unsure) leaves
    it for the person's yes/no, a sure emergency makes an earlier "possible" definite.
    Who is alerted: the volunteer holding the case (again at most once per escalation
    delay; the others follow when that volunteer does not respond), or, for a case nobody
    holds yet that was not urgent, every volunteer as for a new urgent case.
    Returns True when the case was raised. Raises redis.RedisError."""
    r = storage.client()
    case = r.hgetall(CASE.format(case_id))
    if not case or case.get("state") == "closed":
        return False
    fields: dict[str, str] = {}
    if case.get("priority") != "urgent":
        fields = {"priority": "urgent", "reason": reason, "raised": f"{time.time():.3f}",
                  "possible": "asked" if possible else ""}
    elif not possible and case.get("possible") == "asked":
        fields = {"possible": ""}  # now sure: a later "no" to the danger question must not lower it
    if fields:
        update(case_id, case, fields)
    raised = "priority" in fields
    try:
        if case.get("state") == "claimed":
            if r.set(ALERTED.format(case_id), "1", nx=True, ex=jobs.escalation_delay()):
                jobs.alert_holder(case_id)
        elif raised:
            jobs.on_case_raised(case_id)
    except Exception as error:  # noqa: BLE001 - the case is urgent already; the console shows it
        log.error("case %s: emergency alert not enqueued (%s)", case_id, type(error).__name__)
    return raised


def note_message(sender: str, text: str, replies: list[str]) -> str | None:
    """A message that opened no case, from a person whose case is open and waiting: it joins
    the transcript, so the volunteer who takes the case reads everything. Returns the case
    id, or None when there is no open case. Raises redis.RedisError."""
    r = storage.client()
    case_id = r.get(OPEN_FOR.format(sender))
    if not case_id or r.hget(CASE.format(case_id), "state") != "waiting":
        return None
    now = round(time.time(), 3)
    append_transcript(case_id, [{"from": "person", "text": text[:MESSAGE_CHARS], "at": now}]
                      + [{"from": "assistant", "text": reply, "at": now} for reply in replies])
    return case_id


def _spool(case: dict) -> None:
    spool.append(_spool_path(), case)


def flush_spool(r: redis.Redis | None = None) -> int:
    """Moves spooled cases into Redis, each exactly once (joining the person's open case like
    record()), and enqueues their notifications. Returns how many moved; raises
    redis.RedisError when Redis fails meanwhile (the rest stay spooled)."""
    path = _spool_path()
    if not path.exists():
        return 0
    r = r or storage.client()
    written: list[dict] = []

    def move(case: dict) -> None:
        missing = {"id", "sender", "priority", "reason", "language", "channel", "created", "transcript"} - set(case)
        if missing or case["priority"] not in PRIORITY_RANK:
            raise ValueError(f"not a case (missing {sorted(missing)})")  # quarantined by spool.drain
        open_id = _open_case(r, case)
        if open_id:
            _join(r, open_id, case)
        else:
            _write(r, case)  # idempotent: same id, same fields
            written.append(case)

    try:
        moved = spool.drain(path, move, transient=(redis.RedisError, OSError))
    finally:
        _notify_moved(written)
    if moved:
        log.warning("moved %d spooled escalations into redis", moved)
    return moved


def _notify_moved(written: list[dict]) -> None:
    if not written:
        return
    try:
        # Spooled cases were never enqueued for notification; the worker's sweep also
        # catches any other case written just before a crash.
        for case in written:
            jobs.on_case_recorded(case)
        jobs.enqueue_sweep()
    except Exception as error:  # noqa: BLE001 - `puente notify sweep` can run it again
        log.error("notification sweep failed (%s)", type(error).__name__)


def answer_danger(sender: str, answer: str) -> int:
    """Applies the person's answer to "is someone in danger right now?" to their cases still
    marked possible: "confirmed" keeps them urgent, "denied" lowers them to normal (and so
    down the queue). No answer leaves them urgent. Returns how many cases changed; raises
    redis.RedisError when Redis cannot be reached."""
    r = storage.client()
    changed = 0
    for case_id in r.smembers(BY_SENDER.format(sender)):
        key = CASE.format(case_id)
        case = r.hgetall(key)
        if case.get("possible") != "asked" or case.get("state") == "closed":
            continue
        fields = {"possible": answer}
        if answer == "denied":
            fields["priority"] = "normal"
        update(case_id, case, fields)
        changed += 1
    return changed


def update(case_id: str, case: dict, fields: dict[str, str]) -> None:
    """Writes new fields (priority, reason...) on a recorded case and re-sorts it in the open
    queue, atomically. Raises redis.RedisError when Redis cannot be reached."""
    pipe = storage.client().pipeline(transaction=True)
    pipe.hset(CASE.format(case_id), mapping=fields)
    pipe.zadd(QUEUE, {case_id: queue_score({**case, **fields})}, xx=True)  # only while it is queued
    pipe.execute()


def open_cases(limit: int = 100) -> list[dict]:
    r = storage.client()
    ids = r.zrange(QUEUE, 0, limit - 1)
    pipe = r.pipeline()
    for case_id in ids:
        pipe.hgetall(CASE.format(case_id))
    found = pipe.execute()
    gone = [case_id for case_id, case in zip(ids, found) if not case]
    if gone:
        r.zrem(QUEUE, *gone)  # expired or deleted on request: not open any more
    return [case for case in found if case]


def forget(sender: str) -> int:
    """Deletes every case of this sender (hash, queue entry, open-case and hand-off keys),
    found by the sender index and by a scan, so that an expired index hides none. Returns
    how many cases were deleted. Raises redis.RedisError."""
    r = storage.client()
    ids = set(r.smembers(BY_SENDER.format(sender)))
    for key in r.scan_iter(match=CASE.format("*"), count=500):
        if key.count(":") == 2 and r.hget(key, "sender") == sender:
            ids.add(key.rsplit(":", 1)[1])
    pipe = r.pipeline()
    for case_id in ids:
        pipe.delete(CASE.format(case_id))
        pipe.zrem(QUEUE, case_id)
        pipe.delete(ALERTED.format(case_id))
    pipe.delete(BY_SENDER.format(sender), OPEN_FOR.format(sender), HANDOFF.format(sender))
    pipe.execute()
    return len(ids)
