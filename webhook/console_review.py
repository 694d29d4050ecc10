"""The console's review pages: reviewers check and approve catalog entries per language and
country, English beside the translation, and export or import a language's .po.

Thin: everything about the catalog is bot.conversation.review.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, g, get_flashed_messages, redirect, render_template, request, url_for

from bot.conversation import review
from bot.conversation.languages import CATALOGS, NATIVE_NAMES
from bot.handoff import cases
from bot.settings import COUNTRIES
from webhook.console import bp
from webhook.console_auth import login_required

STATES = ("fuzzy", "pending", "missing", "done")  # the order a reviewer works through them
MAX_UPLOAD = 1024 * 1024  # bytes: a catalog is about 60 KB


def may_review(volunteer: dict, lang: str) -> bool:
    """Admins review every catalog; reviewers and coordinators the languages they speak (their
    roster languages; Urdu covers Roman Urdu)."""
    if volunteer.get("role") == "admin":
        return True
    return lang.split("-")[0] in (volunteer.get("languages") or [])


def _catalog_or_404(lang: str) -> str:
    if lang not in CATALOGS:
        abort(404)
    if not may_review(g.volunteer, lang):
        abort(403)
    return lang


@bp.before_request
def _larger_uploads_for_import():
    # Before the form is parsed (the CSRF check reads it): the app's limit is for Twilio's forms.
    if request.endpoint == "console.review_import":
        request.max_content_length = MAX_UPLOAD


@bp.get("/review")
@login_required(role="reviewer")
def review_home():
    langs = [lang for lang in CATALOGS if may_review(g.volunteer, lang)]
    rows = {row.lang: row for row in review.status()}
    return render_template("console/review_home.html", langs=langs, rows=rows, names=NATIVE_NAMES)


@bp.get("/review/<lang>")
@login_required(role="reviewer")
def review_list(lang):
    lang = _catalog_or_404(lang)
    country = request.args.get("country") if request.args.get("country") in COUNTRIES else None
    state = request.args.get("state") if request.args.get("state") in STATES else None
    entries = [e for e in review.entries(lang, country) if state is None or e.state == state]
    entries.sort(key=lambda e: (STATES.index(e.state), e.msgid))
    # Outcomes come through the session, never the URL: a link cannot put words in the banner.
    notes = dict(get_flashed_messages(with_categories=True))
    return render_template("console/review_list.html", lang=lang, entries=entries, country=country, state=state,
                           countries=COUNTRIES, states=STATES, names=NATIVE_NAMES,
                           saved=notes.get("saved", ""), error=notes.get("error", ""))


@bp.post("/review/<lang>/entry")
@login_required(role="reviewer")
def review_save(lang):
    lang = _catalog_or_404(lang)
    msgid = request.form.get("msgid", "")
    back = {"country": request.form.get("country") or None, "state": request.form.get("state") or None}
    back = {k: v for k, v in back.items() if v in COUNTRIES + STATES}
    try:
        review.save(lang, msgid, request.form.get("text", ""), g.volunteer.get("name", ""),
                    approve=request.form.get("action") == "approve", seen_english=request.form.get("source", ""))
    except review.ReviewError as problem:  # said back to the reviewer, never a 500
        flash(str(problem), "error")
    else:
        cases.audit(g.volunteer["id"], f"review_{request.form.get('action', 'save')}", target=f"{lang}:{msgid}")
        flash(msgid, "saved")
    return redirect(url_for("console.review_list", lang=lang, **back) + "#" + quote(msgid[:200], safe=""))


@bp.get("/review/<lang>/export")
@login_required(role="reviewer")
def review_export(lang):
    lang = _catalog_or_404(lang)
    return Response(review.export_po(lang), mimetype="text/x-gettext-translation",
                    headers={"Content-Disposition": f'attachment; filename="puente-{lang}.po"'})


@bp.post("/review/<lang>/import")
@login_required(role="reviewer")
def review_import(lang):
    request.max_content_length = MAX_UPLOAD
    lang = _catalog_or_404(lang)
    upload = request.files.get("po")
    try:
        if upload is None:
            raise review.ReviewError("choose a .po file to import")
        report = review.import_po(lang, upload.read(), importer=g.volunteer.get("name", ""))
    except review.ReviewError as problem:
        flash(str(problem), "error")
    else:
        cases.audit(g.volunteer["id"], "review_import", target=f"{lang}:{report['changed']} changed")
        flash(f"{report['changed']} changed of {report['entries']} imported; changed entries await approval", "saved")
    return redirect(url_for("console.review_list", lang=lang))
