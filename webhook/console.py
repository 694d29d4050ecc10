"""The volunteer console: server-rendered pages, usable on a phone, in English and Spanish."""
from __future__ import annotations

import time
from functools import lru_cache

from babel.support import Translations
from flask import (
    Blueprint,
    abort,
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
    csrf_token,
    locked_out,
    login_required,
    record_failure,
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
    error = None
    if request.method == "POST":
        check_csrf()
        name = request.form.get("name", "").strip()
        password = request.form.get("password", "")
        if locked_out(name):
            error = "locked"
        else:
            volunteer = volunteers.find_by_name(name)
            if volunteer and volunteers.verify_password(volunteer, password):
                clear_failures(name)
                session.clear()
                session["volunteer_id"] = volunteer["id"]
                session.permanent = True
                cases.audit(volunteer["id"], "sign_in")
                target = request.args.get("next", "")
                return redirect(target if target.startswith("/console") else url_for("console.queue"))
            record_failure(name)
            error = "wrong"
    return render_template("console/login.html", error=error), (401 if error else 200)


@bp.post("/logout")
@login_required
def logout():
    session.clear()
    return redirect(url_for("console.login"))


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
    return {"case": case, "mine": mine, "address": address if mine else mask(address),
            "canned": handoff.canned_replies(case) if mine else [], "outcomes": cases.OUTCOMES,
            "claimer": (volunteers.get(case["claimed_by"]) or {}).get("name", "") if case.get("claimed_by") else ""}


@bp.get("/cases/<case_id>")
@login_required
def case(case_id):
    found = _case_or_404(case_id)
    cases.audit(g.volunteer["id"], "view", case_id)
    return render_template("console/case.html", **_case_view(found))


@bp.get("/cases/<case_id>/transcript.frag")
@login_required
def transcript_fragment(case_id):
    return render_template("console/_transcript.html", case=_case_or_404(case_id))


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
    if found.get("claimed_by") != g.volunteer["id"]:
        abort(403)
    outcome = request.form.get("outcome", "other")
    if outcome not in cases.OUTCOMES:
        abort(400)
    handoff.announce(case_id, "handoff.closed")
    cases.close(case_id, g.volunteer["id"], outcome)
    return redirect(url_for("console.queue"))


# -- local mode and administration ---------------------------------------------------------------

@bp.get("/outbox")
@login_required
def outbox():
    import json

    from bot.store import storage

    items = [json.loads(x) for x in storage.client().lrange("puente:outbox", -100, -1)][::-1]
    return render_template("console/outbox.html", items=items)


@bp.route("/admin/volunteers", methods=["GET", "POST"])
@login_required(role="admin")
def admin_volunteers():
    if request.method == "POST":
        action = request.form.get("action")
        if action == "add":
            languages = [x for x in request.form.getlist("languages") if x in LANGUAGES]
            volunteers.add(request.form["name"].strip(), request.form["phone"].strip(), languages,
                           on_call=bool(request.form.get("on_call")), role=request.form.get("role", "volunteer"),
                           password=request.form.get("password") or None)
        elif action == "remove":
            volunteers.remove(request.form["id"])
        elif action == "toggle":
            found = volunteers.get(request.form["id"])
            if found:
                volunteers.update(found["id"], on_call="0" if found.get("on_call") == "1" else "1")
        cases.audit(g.volunteer["id"], f"admin_{action}")
        return redirect(url_for("console.admin_volunteers"))
    return render_template("console/admin_volunteers.html", people=volunteers.list_all(), languages=LANGUAGES)
