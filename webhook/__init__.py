"""The Flask webhook that Twilio calls: SMS and WhatsApp (messaging) and phone calls (voice)."""
from __future__ import annotations

import logging

from flask import Flask

from bot.privacy import install_log_redaction
from webhook.config import WebhookConfig


def _secret_key() -> str:
    import os
    import secrets

    from bot.settings import get_settings

    key = os.environ.get("PUENTE_SECRET_KEY", "").strip()
    if key:
        return key
    path = get_settings().var_dir / "console-secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(config: WebhookConfig | None = None) -> Flask:
    app = Flask(__name__)
    app.config["PUENTE"] = config or WebhookConfig.from_env()
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # Twilio's forms are small; anything bigger is not Twilio

    app.config.update(
        SECRET_KEY=_secret_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Secure cookies wherever the console is served over HTTPS (every real deployment).
        SESSION_COOKIE_SECURE=app.config["PUENTE"].public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=12 * 3600,
    )

    from webhook import console, messaging, voice

    app.register_blueprint(messaging.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(console.bp)

    @app.get("/health")
    def health():
        return {"ok": True, "local_mode": app.config["PUENTE"].local_mode}

    logging.basicConfig(level=logging.INFO)
    install_log_redaction()
    return app
