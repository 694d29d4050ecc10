"""What reaches the person while a volunteer holds their case: the volunteer's replies on
the same channel, and the messages that say a person took over or handed back.

Every reply gets a delivery result the volunteer sees: an undeliverable reply says why and
what to do instead, it is never dropped silently.
"""
from __future__ import annotations

import os
import time

from bot.conversation.dialogue import say
from bot.conversation.languages import catalog_for
from bot.handoff import cases, twilio_rest
from bot.store import storage

WHATSAPP_WINDOW = 24 * 3600


def person_language(case: dict) -> str:
    """The catalog to write to the person from: their language, Roman Urdu if they write it."""
    profile = storage.load_profile(case["sender"])
    return catalog_for(profile.get("language") or case.get("language") or "en", profile.get("script"))


def send_to_person(case: dict, text: str) -> dict:
    """Sends text to the person of a case; returns {"status", "reason"} for the volunteer."""
    if case.get("channel") == "voice":
        return {"status": "failed", "reason": "This person called by phone: call them back (number above)."}
    if case.get("channel") not in ("sms", "whatsapp"):
        return {"status": "failed", "reason": "This conversation has no phone channel to answer on."}
    address = cases.contact_of(case["sender"])
    if not address:
        return {"status": "failed",
                "reason": "No number is kept for this person any more (expired or deleted at their request)."}
    if storage.client().exists(storage.OPT_OUT.format(case["sender"])):
        return {"status": "failed", "reason": "The person texted STOP and gets no messages. Wait until they write "
                                              "again (START), or call them if they asked for a call."}
    content_sid = None
    if case["channel"] == "whatsapp":
        last = float(storage.load_profile(case["sender"]).get("last_inbound") or 0)
        if time.time() - last > WHATSAPP_WINDOW:
            content_sid = os.environ.get("PUENTE_WHATSAPP_TEMPLATE_SID", "").strip() or None
            if not content_sid:
                return {"status": "failed", "reason": "WhatsApp's 24-hour window is closed and no approved template "
                                                      "is configured: wait for the person to write, or call them."}
    delivery = twilio_rest.send(case["channel"], address.removeprefix("whatsapp:"), text, content_sid=content_sid)
    return {"status": delivery.status, "reason": delivery.reason or ""}


def reply(case_id: str, volunteer: dict, text: str) -> dict:
    case = cases.get(case_id)
    result = send_to_person(case, text)
    cases.append(case_id, "volunteer", text, by=volunteer.get("name", ""), **result)
    cases.audit(volunteer["id"], "reply", case_id, status=result["status"])
    return result


def announce(case_id: str, msgid: str) -> dict:
    """Tells the person, in their language, that a volunteer took over or handed back."""
    case = cases.get(case_id)
    lang = person_language(case)
    text = say(msgid, lang)
    result = send_to_person(case, text)
    cases.append(case_id, "system", text, **result)
    return result


def canned_replies(case: dict) -> list[str]:
    from bot.conversation.content import CANNED

    lang = person_language(case)
    return [say(msgid, lang) for msgid in CANNED]
