"""The webhook's configuration, from the environment, with safe defaults for a local run."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import get_settings


def _local_token(var_dir: Path) -> str:
    """Without TWILIO_AUTH_TOKEN (local mode) a random token is kept in var/, so that the
    terminal phone (`puente phone`) on this machine can sign requests and nothing else can."""
    path = var_dir / "twilio-local.token"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(16))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class WebhookConfig:
    auth_token: str
    public_url: str
    rasa_url: str
    local_mode: bool
    reply_timeout: float = 7.0
    ascii_spanish_sms: bool = False
    accept_digit: str = ""
    dedupe_seconds: int = 86400
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "WebhookConfig":
        settings = get_settings()
        token = os.environ.get("TWILIO_AUTH_TOKEN", "").strip()
        return cls(
            auth_token=token or _local_token(settings.var_dir),
            public_url=os.environ.get("PUBLIC_URL", "http://localhost:8000").rstrip("/"),
            rasa_url=settings.rasa_url.rstrip("/"),
            local_mode=not token,
            reply_timeout=float(os.environ.get("PUENTE_REPLY_TIMEOUT", "7")),
            ascii_spanish_sms=os.environ.get("PUENTE_SMS_ASCII_SPANISH", "0") == "1",
            accept_digit=os.environ.get("PUENTE_ACCEPT_DIGIT", "").strip(),
        )
