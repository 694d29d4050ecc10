"""Messages that could not be answered by the assistant (Rasa or its actions down) are kept,
with the sender's pseudonym, for a volunteer and for replay. Redis first, disk spool second."""
from __future__ import annotations

import json
import logging
import os
import time

import redis

from bot.handoff import escalations, spool
from bot.handoff.escalations import MESSAGE_CHARS
from bot.settings import get_settings
from bot.store import storage

log = logging.getLogger(__name__)
PENDING = "puente:inbox:pending"


def keep(sender: str, channel: str, text: str, language: str | None) -> str:
    item = {"sender": sender, "channel": channel, "text": text[:MESSAGE_CHARS], "language": language or "",
            "at": round(time.time(), 3)}
    try:
        r = storage.client()
        r.rpush(PENDING, json.dumps(item, ensure_ascii=False))
        r.expire(PENDING, get_settings().data_ttl_seconds)
        storage.trim_older_than(r, PENDING, get_settings().data_ttl_seconds)
        return "redis"
    except redis.RedisError:
        spool.append(_spool_path(), item)
        log.error("redis unavailable; an unanswered message was spooled to disk")
        return "spool"


def _spool_path():
    return get_settings().var_dir / "spool" / "inbox.jsonl"


def flush_spool() -> int:
    """Moves messages kept on disk into the Redis list, oldest first. Raises redis.RedisError."""
    r = storage.client()

    def move(item: dict) -> None:
        if not isinstance(item.get("sender"), str):
            raise ValueError("not a kept message")  # quarantined by spool.drain
        r.rpush(PENDING, json.dumps(item, ensure_ascii=False))
        r.expire(PENDING, get_settings().data_ttl_seconds)

    return spool.drain(_spool_path(), move, transient=(redis.RedisError, OSError))


def forget(sender: str) -> int:
    """Deletes this sender's kept messages, in Redis and in the spool. Returns how many."""
    r = storage.client()
    removed = 0
    for item in r.lrange(PENDING, 0, -1):
        if json.loads(item).get("sender") == sender:
            removed += r.lrem(PENDING, 0, item)
    return removed + spool.remove(_spool_path(), sender)


def pending(limit: int = 100) -> list[dict]:
    return [json.loads(x) for x in storage.client().lrange(PENDING, 0, limit - 1)]


def start_flushing() -> None:
    """Moves spooled cases and kept messages into Redis by themselves once Redis is back
    (bot.handoff.spool.start_flusher), every PUENTE_SPOOL_FLUSH_SECONDS (2; 0 turns it off);
    called by the webhook and the action server."""
    interval = float(os.environ.get("PUENTE_SPOOL_FLUSH_SECONDS", "").strip() or 2)
    if interval > 0:
        spool.start_flusher([escalations.flush_spool, flush_spool], lambda: not storage.unavailable(), interval)
