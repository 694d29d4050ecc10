"""Messages that could not be answered by the assistant (Rasa or its actions down) are kept,
with the sender's pseudonym, for a volunteer and for replay. Redis first, disk spool second."""
from __future__ import annotations

import json
import logging
import time

import redis

from bot.handoff.escalations import (  # one lock for every spool file in var/
    MESSAGE_CHARS,
    _spool_lock,
)
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
        return "redis"
    except redis.RedisError:
        path = get_settings().var_dir / "spool" / "inbox.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with _spool_lock, path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
        log.error("redis unavailable; an unanswered message was spooled to disk")
        return "spool"


def pending(limit: int = 100) -> list[dict]:
    return [json.loads(x) for x in storage.client().lrange(PENDING, 0, limit - 1)]
