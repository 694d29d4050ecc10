"""The volunteer console: server-rendered pages, usable on a phone, in English and Spanish."""
from __future__ import annotations

import time
from functools import lru_cache

from babel.support import Translations
from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from bot.conversation.languages import LANGUAGES, NATIVE_NAMES
from bot.handoff import cases, escalations, volunteers
from bot.handoff import takeover as handoff
from bot.settings import get_settings
from webhook.console_auth import (
    check_csrf,
    clear_failures,
    client_address,
    csrf_token,
    end_session,
    login_required,
    record_failure,
    sees_everything,
    start_session,
    throttle_wait,
)

bp = Blueprint("console", __name__, url_prefix="/console")


def N_(text: str) -> str:
    return text


# Shown through _() with a variable, so listed here for extraction.
STATE_LABELS = [N_("waiting"), N_("claimed"), N_("closed")]
OUTCOME_LABELS = [N_("resolved"), N_("referred"), N_("callback_done"), N_("no_response"), N_("duplicate"), N_("other")]
# A case opened on an unsure triage: what the person answered to "is someone in danger now?"
POSSIBLE_LABELS = {"asked": N_("Possible emergency: asked if someone is in danger now, no answer yet"),
                   "confirmed": N_("Possible emergency: the person said yes, someone is in danger"),
                   "denied": N_("Possible emergency: the person said nobody is in danger now")}
UI_LANGUAGES = ("en", "es")


@lru_cache(maxsize=None)
def _ui_translations(lang: str) -> Translations:
    return Translations.load(str(get_settings().locale_dir), [lang], "console")


def ui_language() -> str:
    if request.args.get("ui") in UI_LANGUAGES:
        session["ui"] = request.args["ui"]
    return session.get("ui") or request.accept_languages.best_match(UI_LANGUAGES) or "en"


@bp.app_context_processor
def inject():
    lang = ui_language() if request.blueprint == "console" else "en"
    translations = _ui_translations(lang)
    return {"_": translations.gettext, "ui_lang": lang, "csrf_token": csrf_token,
            "local_mode": not _twilio_configured(), "language_names": NATIVE_NAMES,
            "possible_labels": {k: translations.gettext(v) for k, v in POSSIBLE_LABELS.items()},
            "volunteer": getattr(g, "volunteer", None)}


def _twilio_configured() -> bool:
    import os

    return bool(os.environ.get("TWILIO_ACCOUNT_SID", "").strip())


def mask(address: str | None) -> str:
    if not address:
        return "—"
    prefix, _, number = address.rpartition(":")
    return (prefix + ":" if prefix else "") + number[:3] + "•" * max(len(number) - 5, 0) + number[-2:]


def _waiting(case: dict) -> int:
    return int((time.time() - float(case.get("created") or time.time())) // 60)


def _queue(lang_filter: str | None) -> list[dict]:
    rows = []
    for case in escalations.open_cases(limit=500):
        if lang_filter and case.get("language") != lang_filter:
            continue
        case["waiting_minutes"] = _waiting(case)
        rows.append(case)
    return rows


# -- sign-in -------------------------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
def login():
    error, wait = None, 0
    if request.method == "POST":
        check_csrf()
        name = volunteers.canonical_name(request.form.get("name", ""))
        password = request.form.get("password", "")
        client = client_address()
        wait = throttle_wait(name, client)
        if wait:
            error = "wait"
            cases.audit("anonymous", "sign_in_throttled", name=name, client=client)
        else:
            volunteer = volunteers.find_by_name(name)
            # verify_password does the same work for an unknown name: timing tells nothing.
            if volunteers.verify_password(volunteer, password):
                clear_failures(name, client)
                start_session(volunteer)
                cases.audit(volunteer["id"], "sign_in", client=client)
                target = request.args.get("next", "")
                safe = target.startswith("/console") and "//" not in target and "\\" not in target
                return redirect(target if safe else url_for("console.queue"))
            record_failure(name, client)
            cases.audit("anonymous", "sign_in_failed", name=name, client=client)
            error = "wrong"
    status = 429 if error == "wait" else (401 if error else 200)
    return render_template("console/login.html", error=error, wait=wait), status


@bp.post("/logout")
@login_required
def logout():
    cases.audit(g.volunteer["id"], "sign_out")
    end_session()
    return redirect(url_for("console.login"))


@bp.after_app_request
def security_headers(response):
    """The console's pages may not be framed, sniffed or leak their URL, and run only their own
    script; HSTS wherever the public URL is https."""
    if request.blueprint == "console" or request.path.startswith("/static"):
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                    "media-src https:; object-src 'none'; base-uri 'none'; form-action 'self'; "
                                    "frame-ancestors 'none'")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        if current_app.config["PUENTE"].public_url.startswith("https://"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


# -- the queue --------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def queue():
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else None
    cases.audit(g.volunteer["id"], "view_queue")
    return render_template("console/queue.html", rows=_queue(lang), lang_filter=lang, languages=LANGUAGES)


@bp.get("/queue.frag")
@login_required
def queue_fragment():
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else None
    return render_template("console/_queue_rows.html", rows=_queue(lang))


# -- one case ---------------------------------------------------------------------------------------

def _case_or_404(case_id: str) -> dict:
    case = cases.get(case_id)
    if case is None:
        abort(404)
    return case


def _case_view(case: dict) -> dict:
    mine = case.get("claimed_by") == g.volunteer["id"]
    address = cases.contact_of(case["sender"])
    if case.get("callback_number"):
        from bot.store.secrets_box import unseal

        address = unseal(case["callback_number"])
    recording = case.get("recording_url", "")
    return {"case": case, "mine": mine, "address": address if mine else mask(address),
            "canned": handoff.canned_replies(case) if mine else [], "outcomes": cases.OUTCOMES,
            "claimer": (volunteers.get(case["claimed_by"]) or {}).get("name", "") if case.get("claimed_by") else "",
            "may_read": may_read(case),
            # The voicemail is the caller's own words: only for whoever may read the case, and
            # only Twilio's https links (a javascript: or http: URL never reaches a page).
            "recording": recording if recording.startswith("https://") and may_read(case) else ""}


def may_read(case: dict) -> bool:
    """A transcript is read by whoever may take the case (it is waiting) or holds it, and by
    coordinators and admins; not by every volunteer, for every case, for ever."""
    return case.get("state") == "waiting" or case.get("claimed_by") == g.volunteer["id"] \
        or sees_everything(g.volunteer)


def _audit_read(case_id: str) -> None:
    # The page polls its transcript every 2 s: one audit line per volunteer, case and minute.
    from bot.store import storage

    if storage.client().set(f"puente:audit:read:{g.volunteer['id']}:{case_id}", "1", nx=True, ex=60):
        cases.audit(g.volunteer["id"], "read_transcript", case_id)


@bp.get("/cases/<case_id>")
@login_required
def case(case_id):
    found = _case_or_404(case_id)
    cases.audit(g.volunteer["id"], "view", case_id)
    view = _case_view(found)
    if view["may_read"]:
        _audit_read(case_id)
    else:
        found["transcript"] = []
    return render_template("console/case.html", **view)


@bp.get("/cases/<case_id>/transcript.frag")
@login_required
def transcript_fragment(case_id):
    found = _case_or_404(case_id)
    if not may_read(found):
        abort(403)
    _audit_read(case_id)
    return render_template("console/_transcript.html", case=found)


@bp.post("/cases/<case_id>/claim")
@login_required
def claim(case_id):
    _case_or_404(case_id)
    if cases.claim(case_id, g.volunteer["id"]):
        handoff.announce(case_id, "handoff.claimed")
    return redirect(url_for("console.case", case_id=case_id))


@bp.post("/cases/<case_id>/reply")
@login_required
def reply(case_id):
    found = _case_or_404(case_id)
    if found.get("claimed_by") != g.volunteer["id"] or found.get("state") != "claimed":
        abort(403)
    text = request.form.get("text", "").strip()[:1500]
    if text:
        handoff.reply(case_id, g.volunteer, text)
    return redirect(url_for("console.case", case_id=case_id))


@bp.post("/cases/<case_id>/close")
@login_required
def close(case_id):
    found = _case_or_404(case_id)
    if found.get("claimed_by") != g.volunteer["id"] or found.get("state") != "claimed":
        abort(403)  # a closed case stays closed: a stale tab must not end someone else's hand-off
    outcome = request.form.get("outcome", "other")
    if outcome not in cases.OUTCOMES:
        abort(400)
    handoff.announce(case_id, "handoff.closed")
    cases.close(case_id, g.volunteer["id"], outcome)
    return redirect(url_for("console.queue"))


# -- local mode and administration ---------------------------------------------------------------

@bp.get("/outbox")
@login_required(role="admin")
def outbox():
    import json

    from bot.store import storage

    items = [json.loads(x) for x in storage.client().lrange("puente:outbox", -100, -1)][::-1]
    return render_template("console/outbox.html", items=items)


@bp.route("/admin/volunteers", methods=["GET", "POST"])
@login_required(role="admin")
def admin_volunteers():
    error = None
    if request.method == "POST":
        action = request.form.get("action", "")
        try:
            if action == "add":
                languages = [x for x in request.form.getlist("languages") if x in LANGUAGES]
                volunteers.add(request.form.get("name", "").strip(), request.form.get("phone", "").strip(), languages,
                               on_call=bool(request.form.get("on_call")), role=request.form.get("role", "volunteer"),
                               password=request.form.get("password") or None)
            elif action == "remove":
                volunteers.remove(request.form.get("id", ""))
            elif action == "toggle":
                found = volunteers.get(request.form.get("id", ""))
                if found:
                    volunteers.update(found["id"], on_call="0" if found.get("on_call") == "1" else "1")
            else:
                raise ValueError("unknown action")
        except ValueError as problem:  # what the admin typed: said back, never a 500
            error = str(problem)
        else:
            cases.audit(g.volunteer["id"], f"admin_{action}")
            return redirect(url_for("console.admin_volunteers"))
    return render_template("console/admin_volunteers.html", people=volunteers.list_all(), languages=LANGUAGES,
                           error=error), (400 if error else 200)