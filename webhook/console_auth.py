"""Sign-in for the volunteer console: argon2 hashes (bot/handoff/volunteers.py), secure session
cookies, CSRF tokens, and lock-out after failed attempts."""
from __future__ import annotations

import functools
import hmac
import secrets

from flask import abort, g, redirect, request, session, url_for

from bot.store import storage

MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
FAILURES = "puente:login:failures:{}"


def locked_out(name: str) -> bool:
    return int(storage.client().get(FAILURES.format(name.lower())) or 0) >= MAX_FAILURES


def record_failure(name: str) -> None:
    key = FAILURES.format(name.lower())
    pipe = storage.client().pipeline()
    pipe.incr(key)
    pipe.expire(key, LOCKOUT_SECONDS)
    pipe.execute()


def clear_failures(name: str) -> None:
    storage.client().delete(FAILURES.format(name.lower()))


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """Every form POST carries the session's token: another site cannot post as a volunteer."""
    sent = request.form.get("csrf", "") or request.headers.get("X-CSRF-Token", "")
    if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
        abort(400, "CSRF token missing or wrong")


def login_required(view=None, *, role: str | None = None):
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            from bot.handoff import volunteers

            volunteer = volunteers.get(session.get("volunteer_id", "")) if session.get("volunteer_id") else None
            if volunteer is None:
                return redirect(url_for("console.login", next=request.path))
            if role and volunteer.get("role") not in (role, "admin"):
                abort(403)
            g.volunteer = volunteer
            if request.method == "POST":
                check_csrf()
            return fn(*args, **kwargs)
        return wrapper
    return decorate(view) if view else decorate
