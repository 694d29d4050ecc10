"""The webhook's configuration, from the environment, with safe defaults for a local run."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from bot.settings import get_settings, local_secret


@dataclass(frozen=True)
class WebhookConfig:
    auth_token: str
    public_url: str
    rasa_url: str
    local_mode: bool
    reply_timeout: float = 7.0
    ascii_spanish_sms: bool = False
    accept_digit: str = ""
    dedupe_seconds: int = 90 * 86400  # a replay is answered once, however late: as long as data is kept
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "WebhookConfig":
        settings = get_settings()
        token = os.environ.get("TWILIO_AUTH_TOKEN", "").strip()
        return cls(
            # Local mode: a token kept in var/, so that the terminal phone (`puente phone`) on
            # this machine can sign requests and nothing else can.
            auth_token=token or local_secret("TWILIO_AUTH_TOKEN", "twilio-local.token", var_dir=settings.var_dir),
            public_url=os.environ.get("PUBLIC_URL", "http://localhost:8000").rstrip("/"),
            rasa_url=settings.rasa_url.rstrip("/"),
            local_mode=not token,
            reply_timeout=float(os.environ.get("PUENTE_REPLY_TIMEOUT", "7")),
            ascii_spanish_sms=os.environ.get("PUENTE_SMS_ASCII_SPANISH", "0") == "1",
            accept_digit=os.environ.get("PUENTE_ACCEPT_DIGIT", "").strip(),
            dedupe_seconds=settings.data_ttl_seconds,
        )
