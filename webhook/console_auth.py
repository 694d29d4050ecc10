"""Sign-in for the volunteer console: argon2 hashes (bot/handoff/volunteers.py), server-side
sessions that sign-out and a password change end, CSRF tokens, and throttled guessing.

Guessing is slowed, not locked: failures per (name, client), per client and per name each
impose a growing wait before the next try. A stranger failing on purpose slows only their own
client and, at worst, makes a name wait 30 s between tries; they cannot lock a volunteer out.
"""
from __future__ import annotations

import functools
import hmac
import json
import secrets
import time

from flask import abort, g, redirect, request, session, url_for

from bot.store import storage

FAILURES = "puente:login:failures:{}"     # hash {n, last} per "pair:<name>|<client>", "client:<ip>", "name:<name>"
SESSION = "puente:console:session:{}"     # session id -> {volunteer, epoch}
SESSION_SECONDS = 12 * 3600
FAILURE_MEMORY_SECONDS = 24 * 3600
# (kind, failures before any wait, longest wait in seconds): the wait doubles with each failure.
THROTTLES = (("pair", 3, 15 * 60), ("client", 10, 15 * 60), ("name", 10, 30))


def _keys(name: str, client: str) -> dict[str, str]:
    return {"pair": f"pair:{name}|{client}", "client": f"client:{client}", "name": f"name:{name}"}


def throttle_wait(name: str, client: str) -> int:
    """Seconds before this client may try this (canonical) name again; 0 when it may now."""
    r = storage.client()
    now, wait = time.time(), 0.0
    for kind, free, longest in THROTTLES:
        state = r.hgetall(FAILURES.format(_keys(name, client)[kind]))
        failures = int(state.get("n", 0))
        if failures >= free:
            delay = min(longest, 2 ** (failures - free))
            wait = max(wait, float(state.get("last", 0)) + delay - now)
    return max(0, int(wait + 0.999))


def record_failure(name: str, client: str) -> None:
    pipe = storage.client().pipeline()
    for key in _keys(name, client).values():
        pipe.hincrby(FAILURES.format(key), "n", 1)
        pipe.hset(FAILURES.format(key), "last", f"{time.time():.3f}")
        pipe.expire(FAILURES.format(key), FAILURE_MEMORY_SECONDS)
    pipe.execute()


def clear_failures(name: str, client: str) -> None:
    keys = _keys(name, client)
    storage.client().delete(FAILURES.format(keys["pair"]), FAILURES.format(keys["name"]))


def client_address() -> str:
    """The client's address as the proxy in front reports it (the last hop it added), else the
    socket's. Only a trusted proxy's header is used: PUENTE_TRUSTED_PROXY=1 in deployments."""
    import os

    forwarded = request.headers.get("X-Forwarded-For", "")
    if os.environ.get("PUENTE_TRUSTED_PROXY") == "1" and forwarded:
        return forwarded.split(",")[-1].strip()[:64]
    return (request.remote_addr or "unknown")[:64]


# -- sessions ---------------------------------------------------------------------------------------

def start_session(volunteer: dict) -> None:
    """A new server-side session for this volunteer (the cookie carries only its random id)."""
    session.clear()
    session_id = secrets.token_urlsafe(32)
    storage.client().set(SESSION.format(session_id),
                         json.dumps({"volunteer": volunteer["id"], "epoch": volunteer.get("session_epoch", "")}),
                         ex=SESSION_SECONDS)
    session["sid"] = session_id
    session.permanent = True


def end_session() -> None:
    session_id = session.get("sid")
    if session_id:
        storage.client().delete(SESSION.format(session_id))
    session.clear()


def current_volunteer() -> dict | None:
    """The signed-in volunteer, or None: no session, an ended one, or one from before the
    volunteer's last password change (bot.handoff.volunteers bumps `session_epoch`)."""
    from bot.handoff import volunteers

    session_id = session.get("sid")
    if not session_id:
        return None
    raw = storage.client().get(SESSION.format(session_id))
    if not raw:
        return None
    stored = json.loads(raw)
    volunteer = volunteers.get(stored.get("volunteer", ""))
    if volunteer is None or volunteer.get("session_epoch", "") != stored.get("epoch", ""):
        return None
    return volunteer


# -- requests ---------------------------------------------------------------------------------------

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
    """`role`: "coordinator" lets coordinators and admins in, "admin" admins only, "reviewer"
    reviewers, coordinators and admins; without a role, everyone but reviewers (who take no
    cases: they are sent to the review pages)."""
    allowed = {None: ("volunteer", "coordinator", "admin"), "coordinator": ("coordinator", "admin"),
               "admin": ("admin",), "reviewer": ("reviewer", "coordinator", "admin")}[role]

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            volunteer = current_volunteer()
            if volunteer is None:
                return redirect(url_for("console.login", next=request.path))
            if role is None and volunteer.get("role") == "reviewer":
                return redirect(url_for("console.review_home"))
            if volunteer.get("role") not in allowed:
                abort(403)
            g.volunteer = volunteer
            if request.method == "POST":
                check_csrf()
            return fn(*args, **kwargs)
        return wrapper
    return decorate(view) if view else decorate


def sees_everything(volunteer: dict) -> bool:
    return volunteer.get("role") in ("coordinator", "admin")
