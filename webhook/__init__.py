"""The Flask webhook that Twilio calls: SMS and WhatsApp (messaging) and phone calls (voice)."""
from __future__ import annotations

import logging

from flask import Flask

from bot.privacy import install_log_redaction
from webhook.config import WebhookConfig


def create_app(config: WebhookConfig | None = None) -> Flask:
    app = Flask(__name__)
    app.config["PUENTE"] = config or WebhookConfig.from_env()
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # Twilio's forms are small; anything bigger is not Twilio

    from webhook import messaging, voice

    app.register_blueprint(messaging.bp)
    app.register_blueprint(voice.bp)

    @app.get("/health")
    def health():
        return {"ok": True, "local_mode": app.config["PUENTE"].local_mode}

    logging.basicConfig(level=logging.INFO)
    install_log_redaction()
    return app
