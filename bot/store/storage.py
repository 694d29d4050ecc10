"""Redis: the connections, and what is remembered per sender (bot.retention deletes it).

Keys hold pseudonymous ids only (bot.store.privacy.pseudonymise), and everything expires.
"""
from __future__ import annotations

import time
from functools import lru_cache
from urllib.parse import urlparse

import redis

from bot.settings import get_settings

PROFILE = "puente:profile:{}"
OPT_OUT = "puente:optout:{}"  # a person who texted STOP
TRACKER = "puente:tracker:{}"  # Rasa's conversation, in the tracker database (endpoints.yml)


# One timeout or refused connection marks that Redis server unavailable in this process for a
# few seconds, during which every call to it fails at once: a request makes a dozen Redis
# calls, and a frozen Redis would otherwise cost each of them its full timeout (21 s, past
# Twilio's 15 s).
UNAVAILABLE_SECONDS = 5.0
_unavailable_until: dict[tuple[str, int], float] = {}


def _address(url: str | None = None) -> tuple[str, int]:
    parsed = urlparse(url or get_settings().redis_url)
    return parsed.hostname or "localhost", parsed.port or 6379


def unavailable(url: str | None = None) -> bool:
    """True while the Redis server at `url` (default REDIS_URL) is known to be unreachable
    from this process (see GuardedConnection)."""
    return time.monotonic() < _unavailable_until.get(_address(url), 0.0)


def reset_availability() -> None:
    """Forgets past failures (tests, and an operator's `puente` commands after a repair)."""
    _unavailable_until.clear()


class GuardedConnection(redis.Connection):
    """redis-py's connection, failing fast (redis.ConnectionError) while its server is known
    to be unavailable, and marking it so on a timeout or a refused connection."""

    def _down(self) -> bool:
        return time.monotonic() < _unavailable_until.get((self.host, int(self.port)), 0.0)

    def _trip(self) -> None:
        _unavailable_until[(self.host, int(self.port))] = time.monotonic() + UNAVAILABLE_SECONDS

    def connect(self):
        if self._down():
            raise redis.ConnectionError("redis marked unavailable after a recent failure")
        try:
            return super().connect()
        except (redis.ConnectionError, redis.TimeoutError):
            self._trip()
            raise

    def send_packed_command(self, command, check_health=True):
        if self._down():
            self.disconnect()
            raise redis.ConnectionError("redis marked unavailable after a recent failure")
        try:
            return super().send_packed_command(command, check_health)
        except (redis.ConnectionError, redis.TimeoutError):
            self._trip()
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            self._trip()
            raise


def connect(url: str, **options) -> redis.Redis:
    """A client with short timeouts and the fail-fast connection; `options` as redis.Redis."""
    options = {"socket_timeout": 2, "socket_connect_timeout": 2, **options}
    if url.startswith("redis://"):  # rediss:// (TLS) keeps redis-py's SSL connection
        options["connection_class"] = GuardedConnection
    return redis.Redis.from_url(url, **options)


_DELETE_IF_EQUAL = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


def delete_if_equal(r: redis.Redis, key: str, value: str) -> bool:
    """Deletes `key` only while it still holds `value`, atomically (another writer may have
    replaced it meanwhile). Returns whether it was deleted."""
    return bool(r.eval(_DELETE_IF_EQUAL, 1, key, value))


def trim_older_than(r: redis.Redis, key: str, seconds: int) -> None:
    """Drops items older than `seconds` (their JSON "at") from the head of a list kept in
    arrival order, so that a list written to every day still forgets its old items."""
    import json

    cutoff = time.time() - seconds
    while (head := r.lindex(key, 0)) is not None and json.loads(head).get("at", 0) < cutoff:
        r.lpop(key)


@lru_cache(maxsize=1)
def client() -> redis.Redis:
    # Short timeouts: a stuck Redis must not hold a reply (or an escalation) hostage.
    return connect(get_settings().redis_url, decode_responses=True, health_check_interval=30)


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
    return connect(url, decode_responses=True)
