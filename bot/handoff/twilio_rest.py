"""Outgoing SMS and WhatsApp through Twilio's REST API, with the real SDK.

Without TWILIO_ACCOUNT_SID (local mode, the default) nothing leaves the machine: the
message goes to the Redis list `puente:outbox`, which the console shows. Every result is a
Delivery saying whether it went, and if not, why in plain words and whether trying again
can help. Numbers and message texts are never logged.
"""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from functools import lru_cache

import redis
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from twilio.rest.api.v2010.account.message import MessageList  # noqa: F401 - loaded lazily by the SDK otherwise

from bot.store import storage
from bot.store.secrets_box import seal

log = logging.getLogger(__name__)
OUTBOX = "puente:outbox"
OUTBOX_KEEP = 1000
TWILIO_API = "https://api.twilio.com"

# Twilio's error codes that no retry can fix, in words a volunteer can act on.
PERMANENT = {
    21610: "The person has opted out (texted STOP): Twilio will not deliver to them until they text START.",
    63016: "WhatsApp's 24-hour window is closed: only an approved template can reach this person now.",
    21211: "The number is not a valid phone number.",
    21614: "The number cannot receive SMS (a landline?).",
}


@dataclass(frozen=True)
class Delivery:
    status: str              # "sent" (Twilio accepted it) | "queued_local" (local mode outbox) | "failed"
                             # | "unknown" (the request left, no answer came: look it up before resending)
    sid: str = ""
    reason: str = ""
    retryable: bool = False


class RedirectingHttpClient(TwilioHttpClient):
    """The SDK builds every URL on https://api.twilio.com and offers no base-URL setting
    (edge and region only change the host within twilio.com). Rewriting the prefix here,
    below the SDK, lets tests and the bench run the real SDK - request building, auth,
    error parsing - against a local server that speaks Twilio's REST format."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


def _quiet_logger() -> logging.Logger:
    # The SDK logs requests and response headers at INFO; ours must never carry a number.
    logger = logging.getLogger("puente.twilio_http")
    logger.setLevel(logging.WARNING)
    return logger


@lru_cache(maxsize=4)
def _client(account_sid: str, auth_token: str, api_base: str) -> Client:
    # Cached per credentials: one HTTP session, so connections to Twilio are reused.
    kwargs = {"timeout": float(os.environ.get("TWILIO_HTTP_TIMEOUT", "10")), "logger": _quiet_logger()}
    http = RedirectingHttpClient(api_base, **kwargs) if api_base else TwilioHttpClient(**kwargs)
    return Client(account_sid, auth_token, http_client=http)


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def local_mode() -> bool:
    return not _env("TWILIO_ACCOUNT_SID")


def _address(channel: str, number: str) -> str:
    number = number.removeprefix("whatsapp:")
    return f"whatsapp:{number}" if channel == "whatsapp" else number


def send(channel: str, to_number: str, body: str, content_sid: str | None = None) -> Delivery:
    if channel not in ("sms", "whatsapp"):
        raise ValueError(f"channel must be sms or whatsapp, not {channel!r}")
    if local_mode():
        return _to_outbox(channel, to_number, body, content_sid)
    sender = _env("TWILIO_WHATSAPP_FROM" if channel == "whatsapp" else "TWILIO_FROM_NUMBER")
    token = _env("TWILIO_AUTH_TOKEN")
    if not sender or not token:
        missing = "TWILIO_AUTH_TOKEN" if not token else \
            ("TWILIO_WHATSAPP_FROM" if channel == "whatsapp" else "TWILIO_FROM_NUMBER")
        log.error("twilio send impossible: %s is not set", missing)
        return Delivery("failed", reason=f"Sending is not configured ({missing} is not set).")
    params = {"to": _address(channel, to_number), "from_": _address(channel, sender)}
    if content_sid:
        params["content_sid"] = content_sid  # an approved template: the only thing outside WhatsApp's window
    else:
        params["body"] = body
    try:
        message = _client(_env("TWILIO_ACCOUNT_SID"), token, _env("TWILIO_API_BASE")).messages.create(**params)
    except TwilioRestException as error:
        return _failure(error)
    except requests.ReadTimeout:
        # The request reached Twilio, the answer did not reach us: it may well have been sent.
        log.warning("twilio did not answer in time: outcome unknown, to be looked up before any resend")
        return Delivery("unknown", reason="Twilio did not answer in time; it is checked before any resend.",
                        retryable=True)
    except (requests.RequestException, TwilioException) as error:
        log.warning("twilio unreachable (%s): will retry", type(error).__name__)
        return Delivery("failed", reason="Twilio could not be reached; trying again.", retryable=True)
    log.info("twilio accepted %s message %s", channel, message.sid)
    return Delivery("sent", sid=message.sid or "")


def find_sent(channel: str, to_number: str, body: str, since: float) -> str | None:
    """The sid of a message with this body that Twilio accepted for `to_number` at or after
    `since` (epoch seconds), or None: what a send that timed out really did. Twilio's REST API
    has no idempotency key for messages, so the only safe resend is one after this lookup.
    Raises TwilioException or requests.RequestException when Twilio cannot be asked."""
    if local_mode():
        return None
    sender = _env("TWILIO_WHATSAPP_FROM" if channel == "whatsapp" else "TWILIO_FROM_NUMBER")
    client = _client(_env("TWILIO_ACCOUNT_SID"), _env("TWILIO_AUTH_TOKEN"), _env("TWILIO_API_BASE"))
    for message in client.messages.list(to=_address(channel, to_number), from_=_address(channel, sender), limit=20):
        created = message.date_created.timestamp() if message.date_created else since
        if message.body == body and created >= since - 60:  # a minute for clocks that disagree
            return message.sid
    return None


def _failure(error: TwilioRestException) -> Delivery:
    log.warning("twilio refused a message: http %s, error %s", error.status, error.code)
    if error.status == 429 or error.status >= 500:
        return Delivery("failed", reason=f"Twilio is busy or failing (HTTP {error.status}); trying again.",
                        retryable=True)
    reason = PERMANENT.get(error.code or 0) or f"Twilio refused the message (error {error.code or error.status})."
    return Delivery("failed", reason=reason, retryable=False)


def forget_outbox(sender: str) -> int:
    """Deletes the local outbox's messages to this pseudonymous sender (their number is kept
    only sealed, so each is unsealed and pseudonymised to compare). Returns how many."""
    from bot.store.privacy import pseudonymise
    from bot.store.secrets_box import unseal

    r = storage.client()
    removed = 0
    for raw in r.lrange(OUTBOX, 0, -1):
        item = json.loads(raw)
        try:
            to = unseal(item.get("to", ""))
        except Exception:  # noqa: BLE001 - an item sealed with an old key is nobody's any more
            continue
        if pseudonymise(to) == sender or pseudonymise(f"whatsapp:{to}") == sender:
            removed += r.lrem(OUTBOX, 0, raw)
    return removed


def _to_outbox(channel: str, to_number: str, body: str, content_sid: str | None) -> Delivery:
    item = {"to": seal(to_number), "body": body, "channel": channel, "at": round(time.time(), 3)}
    if content_sid:
        item["content_sid"] = content_sid
    try:
        r = storage.client()
        pipe = r.pipeline()
        pipe.rpush(OUTBOX, json.dumps(item, ensure_ascii=False))
        pipe.ltrim(OUTBOX, -OUTBOX_KEEP, -1)  # the console shows the recent ones; the list must not grow forever
        pipe.execute()
        from bot.settings import get_settings

        storage.trim_older_than(r, OUTBOX, get_settings().data_ttl_seconds)
    except redis.RedisError as error:
        log.error("outbox write failed (%s)", type(error).__name__)
        return Delivery("failed", reason="The local outbox could not be written; trying again.", retryable=True)
    return Delivery("queued_local", reason="Local mode: nothing is sent; the message is in the outbox.")
