"""Redis: the connections, and what is remembered per sender (bot.retention deletes it).

Keys hold pseudonymous ids only (bot.store.privacy.pseudonymise), and everything expires.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlparse

import redis

from bot.settings import get_settings

PROFILE = "puente:profile:{}"
OPT_OUT = "puente:optout:{}"  # a person who texted STOP
TRACKER = "puente:tracker:{}"  # Rasa's conversation, in the tracker database (endpoints.yml)


@lru_cache(maxsize=1)
def client() -> redis.Redis:
    # Short timeouts: a stuck Redis must not hold a reply (or an escalation) hostage.
    return redis.Redis.from_url(get_settings().redis_url, socket_timeout=2, socket_connect_timeout=2,
                                decode_responses=True, health_check_interval=30)


def load_profile(sender: str) -> dict[str, str]:
    return client().hgetall(PROFILE.format(sender))


def save_profile(sender: str, **fields: str | None) -> None:
    values = {k: v for k, v in fields.items() if v}
    if not values:
        return
    key = PROFILE.format(sender)
    pipe = client().pipeline()
    pipe.hset(key, mapping=values)
    pipe.expire(key, get_settings().data_ttl_seconds)
    pipe.execute()


@lru_cache(maxsize=1)
def tracker_client() -> redis.Redis:
    # The database number in REDIS_URL would win over a db= argument: replace it in the URL.
    url = urlparse(get_settings().redis_url)._replace(path=f"/{get_settings().tracker_db}").geturl()
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True)
