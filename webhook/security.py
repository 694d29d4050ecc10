"""Every Twilio request is checked against X-Twilio-Signature with Twilio's own validator."""
from __future__ import annotations

import functools
import logging

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)


def public_url() -> str:
    """The URL Twilio signed: PUBLIC_URL (what Twilio calls) + the path and query seen here.

    Behind a proxy request.url is the internal address, which Twilio never signed.
    """
    config = current_app.config["PUENTE"]
    query = request.query_string.decode()
    return config.public_url + request.path + (f"?{query}" if query else "")


def twilio_signed(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        validator = RequestValidator(current_app.config["PUENTE"].auth_token)
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not validator.validate(public_url(), request.form.to_dict(), signature):
            log.warning("refused a request with a missing or wrong Twilio signature on %s", request.path)
            abort(403)
        return view(*args, **kwargs)
    return wrapper
