"""Pseudonymous ids and log redaction: phone numbers and message texts stay out of logs."""
from __future__ import annotations

import hashlib
import hmac
import logging
import re

from bot.settings import get_settings

_PHONE = re.compile(r"\+?\d[\d ()./-]{6,}\d")
_CHANNEL_PREFIX = re.compile(r"^(whatsapp|sms|tel|voice):", re.I)


def pseudonymise(sender: str, key: bytes | None = None) -> str:
    """A stable keyed hash of a sender id. SMS and WhatsApp from one number give one id.

    A keyed hash (not a plain one) because phone numbers are few enough to brute-force.
    """
    key = key if key is not None else get_settings().pseudonym_key
    canonical = _CHANNEL_PREFIX.sub("", sender.strip()).replace(" ", "")
    return "p_" + hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()[:32]


def redact(text: str) -> str:
    return _PHONE.sub("[number]", text)


class RedactingFilter(logging.Filter):
    """Masks anything shaped like a phone number in every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = redact(str(record.msg))
        return True


def install_log_redaction() -> None:
    handler_filter = RedactingFilter()
    for handler in logging.getLogger().handlers:
        handler.addFilter(handler_filter)
    logging.getLogger().addFilter(handler_filter)
