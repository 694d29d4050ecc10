"""The Flask webhook that Twilio calls: SMS and WhatsApp (messaging) and phone calls (voice)."""
from __future__ import annotations

import logging
import threading

from flask import Flask

from bot.handoff import inbox
from bot.settings import local_secret
from bot.store.privacy import install_log_redaction
from bot.text import thai_dictionary
from bot.understanding import offline
from webhook.config import WebhookConfig


def create_app(config: WebhookConfig | None = None) -> Flask:
    app = Flask(__name__)
    app.config["PUENTE"] = config or WebhookConfig.from_env()
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # Twilio's forms are small; anything bigger is not Twilio

    app.config.update(
        SECRET_KEY=local_secret("PUENTE_SECRET_KEY", "console-secret.key"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Secure cookies wherever the console is served over HTTPS (every real deployment).
        SESSION_COOKIE_SECURE=app.config["PUENTE"].public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=12 * 3600,
    )

    from webhook import console, console_review, messaging, voice  # noqa: F401 - console_review adds routes

    app.register_blueprint(messaging.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(console.bp)
    # Splitting a long Thai reply needs pythainlp's dictionary (about 2 s to build): built
    # while the server starts, not while a person waits.
    threading.Thread(target=thai_dictionary, name="thai-dictionary", daemon=True).start()
    # The fallback reads messages with the trained model's own triage (about 2 s to load).
    threading.Thread(target=offline.load_current, name="offline-understanding", daemon=True).start()
    # Cases and messages spooled while Redis was down move back as soon as it answers.
    inbox.start_flushing()

    @app.get("/health")
    def health():
        return {"ok": True, "local_mode": app.config["PUENTE"].local_mode}

    logging.basicConfig(level=logging.INFO)
    install_log_redaction()
    return app
