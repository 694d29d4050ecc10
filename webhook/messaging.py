"""POST /twilio/messages: SMS and WhatsApp."""
from __future__ import annotations

import hashlib
import logging
import math
import re
import time

import redis
from flask import Blueprint, Response, current_app, request
from twilio.twiml.messaging_response import MessagingResponse

from bot.conversation import content
from bot.conversation.dialogue import Dialogue, say
from bot.conversation.languages import catalog_for, urdu_script
from bot.handoff import cases, escalations, inbox
from bot.retention import forget
from bot.settings import get_settings
from bot.store import storage
from bot.store.privacy import pseudonymise
from bot.text import normalise
from bot.understanding import offline
from bot.understanding.langid import script_of
from webhook import sms
from webhook.rasa_client import RasaUnavailable, as_text, converse, triage
from webhook.security import twilio_signed

log = logging.getLogger(__name__)
bp = Blueprint("messaging", __name__)

# Carrier conventions (CTIA): these exact words, in English, whatever the conversation's language.
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
START_WORDS = {"START", "YES", "UNSTOP"}
SEEN = "puente:seen:{}"


def twiml(bodies: list[str] | None = None) -> Response:
    response = MessagingResponse()
    for body in bodies or []:
        response.message(body)
    return Response(str(response), mimetype="application/xml")


def first_time(sid: str | None) -> bool:
    """True the first time a MessageSid or CallSid is seen: Twilio retries are answered once.
    When Redis is down we answer: a duplicate answer beats a dropped one."""
    if not sid:
        return True
    try:
        return bool(storage.client().set(SEEN.format(sid), 1, nx=True,
                                         ex=current_app.config["PUENTE"].dedupe_seconds))
    except redis.RedisError:
        return True


def _safe(function, *args, default=None):
    try:
        return function(*args)
    except redis.RedisError:
        log.error("redis unavailable in %s", getattr(function, "__name__", "call"))
        return default


def _language(sender: str, text: str) -> str:
    """The catalog to answer from without Rasa (see _person)."""
    return _person(sender, text)[0]


def _person(sender: str, text: str) -> tuple[str, str, str]:
    """(catalog, language, country) without Rasa. The language is remembered (with its
    script: Roman Urdu is the catalog "ur-Latn", the language "ur"), or the trained language
    identifier's guess (bot.understanding.offline), or told by the script, or English; the
    country is remembered, or the deployment's."""
    profile = _safe(storage.load_profile, sender, default={}) or {}
    country = profile.get("country") or get_settings().country
    if profile.get("language"):
        return catalog_for(profile["language"], profile.get("script")), profile["language"], country
    understanding = offline.load_current()
    guessed = understanding.language(text) if understanding is not None and text.strip() else None
    lang = guessed or {"thai": "th", "arabic": "ur"}.get(script_of(text), "en")
    return catalog_for(lang, urdu_script(text) if lang == "ur" else None), lang, country


def _format(messages: list[str], channel: str, lang: str) -> list[str]:
    if channel == "whatsapp":
        return sms.for_whatsapp(messages)
    return sms.for_sms(messages, lang, current_app.config["PUENTE"].ascii_spanish_sms)


# Twilio's status callbacks (MessageStatus) and anything else that is not a person's message.
INBOUND_STATUS = {"", "received", "receiving"}


def is_message(form) -> bool:
    """An inbound message has a sender and a Body field (empty when only media was sent);
    delivery-status callbacks posted here by a misconfigured number have MessageStatus."""
    return ("MessageStatus" not in form and form.get("SmsStatus", "") in INBOUND_STATUS
            and bool(form.get("From")) and ("Body" in form or "NumMedia" in form))


def message_id(form) -> str:
    """Twilio's MessageSid; for a request without one (not Twilio's, or replayed by hand), a
    digest of what it carries, so that the same request is still answered once."""
    sid = form.get("MessageSid") or form.get("SmsSid")
    if sid:
        return sid
    content = "\x1f".join(f"{k}={form.get(k, '')}" for k in sorted(form.keys()))
    return "digest:" + hashlib.sha256(content.encode()).hexdigest()


@bp.post("/twilio/messages")
@twilio_signed
def inbound():
    form = request.form
    if not is_message(form):
        return twiml()  # a status callback or a stray post: touch nothing
    if not first_time(message_id(form)):
        return twiml()
    raw_from = form.get("From", "")
    channel = "whatsapp" if raw_from.startswith("whatsapp:") else "sms"
    sender = pseudonymise(raw_from)
    text = form.get("Body", "") or ""
    keyword = text.strip().upper()
    # Twilio's Advanced Opt-Out answered the keyword already (OptOutType STOP, START, HELP):
    # we record the opt-out state and add nothing.
    handled_by_twilio = form.get("OptOutType", "").upper() in ("STOP", "START", "HELP")

    if keyword in STOP_WORDS or form.get("OptOutType", "").upper() == "STOP":
        # Twilio (or the carrier) confirms the opt-out itself; we only stop writing, and a
        # volunteer holding the conversation sees it at once rather than when a reply fails.
        _safe(lambda: storage.client().set(storage.OPT_OUT.format(sender), 1))
        held = _safe(cases.held_case, sender)
        if held:
            _safe(lambda: cases.append(held, "system", "The person texted STOP: replies can no longer reach them.",
                                       by="Puente"))
        return twiml()
    if keyword in START_WORDS or form.get("OptOutType", "").upper() == "START":
        _safe(lambda: storage.client().delete(storage.OPT_OUT.format(sender)))
    if handled_by_twilio:
        return twiml()
    if keyword == "HELP":
        lang = _language(sender, text)
        return twiml(_format([say("help.carrier", lang)], channel, lang))
    if normalise(text) in Dialogue(get_settings()).keywords["delete_data"]:
        return _delete_request(sender, channel, text)

    # The one raw address kept, sealed, so that a volunteer's reply can reach the person.
    _safe(cases.remember_contact, sender, raw_from)
    _safe(lambda: storage.save_profile(sender, last_inbound=f"{time.time():.0f}", channel=channel))
    attachments = attachment_types(form)
    held = _safe(cases.held_case, sender)
    if held:
        # A volunteer holds this conversation: the assistant stays silent, the volunteer reads
        # it; but an emergency is answered at once, and the case raised and alerted.
        _safe(cases.append, held, "person", escalations.with_attachments(text, attachments))
        emergency = _held_emergency(text)
        lang, code, country = _person(sender, text)
        unread = [say("input.media_unread", lang)] if attachments else []
        if not emergency:
            return twiml(_format(unread, channel, lang))
        _safe(escalations.raise_for_emergency, held, emergency)
        if (_safe(cases.get, held) or {}).get("state") == "closed":
            # The volunteer closed the case while this message arrived: the emergency opens a
            # new case rather than ending as the last line of a closed one.
            escalations.record(escalations.new_case(sender, "urgent", emergency, code, channel, country,
                                                    escalations.with_attachments(text, attachments)))
        # In the person's language, with their country's numbers (remembered in the profile).
        return twiml(_format([say(content.emergency_id(emergency, country), lang, country)] + unread, channel, lang))

    metadata = {"channel": channel}
    location = _location(form)
    if location:
        metadata["location"] = location
    if attachments and not text.strip() and "location" not in metadata:
        lang = _language(sender, text)
        reply = say("input.media", lang)
        # A case waiting for a volunteer still shows that something was sent, and what.
        _safe(escalations.note_message, sender, escalations.with_attachments("", attachments), [reply])
        return twiml(_format([reply], channel, lang))
    if attachments:
        metadata["attachments"] = attachments

    config = current_app.config["PUENTE"]
    if storage.unavailable():
        # Rasa keeps its conversations in this Redis and would hang as long: answer now.
        return _fallback(sender, channel, escalations.with_attachments(text, attachments), "redis unavailable")
    try:
        replies = converse(config.rasa_url, sender, as_text(text), metadata, config.reply_timeout)
    except RasaUnavailable as error:
        return _fallback(sender, channel, escalations.with_attachments(text, attachments), str(error))
    lang = _language(sender, text)  # after the turn: the assistant may have just learnt it
    unread = [say("input.media_unread", lang)] if attachments else []
    return twiml(_format(replies + unread, channel, lang))


def attachment_types(form) -> list[str]:
    """The content types of a message's attachments ("image/jpeg", "audio/ogg"...), from
    Twilio's NumMedia and MediaContentType{i}; at most ten, as Twilio sends. A NumMedia that
    is not a number counts as none."""
    count = form.get("NumMedia", "0")
    count = min(int(count), 10) if re.fullmatch(r"[0-9]{1,3}", count) else 0
    # Only what is really there: Twilio sends a type and a URL for each attachment.
    return [(form.get(f"MediaContentType{i}") or "unknown type")[:80] for i in range(count)
            if form.get(f"MediaContentType{i}") or form.get(f"MediaUrl{i}")]


def _location(form) -> dict | None:
    """A WhatsApp location pin, or None when the fields are absent or not coordinates."""
    try:
        latitude, longitude = float(form.get("Latitude", "")), float(form.get("Longitude", ""))
    except ValueError:
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude) and -90 <= latitude <= 90
            and -180 <= longitude <= 180):
        return None
    return {"latitude": latitude, "longitude": longitude,
            "label": (form.get("Label") or form.get("Address") or "")[:200]}


DELETE_ASKED = "puente:forget:asked:{}"  # the person asked to delete their data; a second ask confirms
DELETE_CONFIRM_SECONDS = 600


def _delete_request(sender: str, channel: str, text: str) -> Response:
    """The person's own "DELETE" / "BORRAR"...: the first asks them to confirm (within 10
    minutes), the second deletes everything kept about them (bot.retention.forget)."""
    lang, _, country = _person(sender, text)
    asked = DELETE_ASKED.format(sender)
    try:
        if storage.client().get(asked):
            report = forget(sender)
            storage.client().delete(asked)
            log.info("a person deleted their data by keyword: %s", ", ".join(f"{k} {v}" for k, v in report.items()))
            return twiml(_format([say("privacy.deleted", lang)], channel, lang))
        storage.client().set(asked, "1", ex=DELETE_CONFIRM_SECONDS)
    except (redis.RedisError, OSError) as error:
        log.error("deletion by keyword failed (%s)", type(error).__name__)
        return twiml(_format([say("privacy.delete_failed", lang)], channel, lang))
    return twiml(_format([say("privacy.delete_confirm", lang, country,
                              confirm_minutes=str(DELETE_CONFIRM_SECONDS // 60))], channel, lang))


def _held_emergency(text: str) -> str | None:
    """The emergency in a message the assistant will not answer: the NLU's triage when Rasa
    answers in time, else the same models read offline (or the reviewed phrase lists)."""
    parse = triage(current_app.config["PUENTE"].rasa_url, text)
    urgency = parse.get("urgency") or {}
    if urgency:
        return urgency.get("intent") if urgency.get("level") == "urgent" else None
    level, emergency = _offline_triage(text)
    return emergency if level == "urgent" else None


def _offline_triage(text: str) -> tuple[str, str | None]:
    """(level, emergency intent) without Rasa: the trained model's own triage
    (bot.understanding.offline), else the reviewed phrase lists."""
    understanding = offline.load_current()
    if understanding is not None:
        decision = understanding.triage(text)
        return decision.level, decision.intent
    phrase = Dialogue(get_settings()).urgent.match(text)
    return ("urgent", phrase) if phrase else ("calm", None)


def _fallback(sender: str, channel: str, text: str, reason: str) -> Response:
    """Rasa, the action server or Redis failed: keep the message, escalate what the assistant's
    own triage finds urgent (unsure counts: nobody can ask the question now), and answer in the
    person's language with the emergency guidance and the number of a human."""
    log.error("assistant unavailable (%s); answering with the fallback", reason)
    # The catalog renders; the language (Urdu for Roman Urdu) is what volunteers speak.
    lang, code, country = _person(sender, text)
    inbox.keep(sender, channel, text, code)
    level, emergency = _offline_triage(text)
    urgent = emergency if level in ("urgent", "unsure") else None
    case = escalations.new_case(sender, "urgent" if urgent else "normal", urgent or "assistant_unavailable",
                                code, channel, country, text, possible=level == "unsure")
    escalations.record(case)
    # With the person's country's numbers (remembered in the profile), not the deployment's.
    messages = [say("fallback.unavailable", lang, country)]
    if level == "urgent" and emergency:
        messages.insert(0, say(content.emergency_id(emergency, country), lang, country))
    return twiml(_format(messages, channel, lang))
