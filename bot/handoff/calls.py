"""What the phone line knows about one call: who is calling (or that the number is withheld),
how often the caller has not been understood, whether a volunteer really took the call,
and whom to dial.

Per-call state lives in Redis under the CallSid for a day (`puente:call:{sid}`), because
Twilio's callbacks for one call arrive as separate requests, in Twilio's order, to any
webhook worker.
"""
from __future__ import annotations

import logging
import re

import redis

from bot.handoff import volunteers
from bot.settings import get_settings
from bot.store import storage
from bot.store.privacy import pseudonymise

log = logging.getLogger(__name__)
CALL = "puente:call:{}"
CALL_TTL = 86400
MAX_DIALLED = 10  # Twilio's <Dial> rings at most ten <Number>s at once

# Twilio reports a withheld caller id either as the word or (older accounts, and <Dial>
# legs before 2023) as the word typed on a phone keypad: ANONYMOUS -> +266696687.
_WITHHELD_WORDS = ("ANONYMOUS", "RESTRICTED", "BLOCKED", "UNKNOWN", "UNAVAILABLE", "PRIVATE", "WITHHELD")
_KEYPAD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")
WITHHELD = frozenset(_WITHHELD_WORDS) | {"+" + word.translate(_KEYPAD) for word in _WITHHELD_WORDS}
_E164 = re.compile(r"\+[1-9]\d{6,14}")


def withheld(caller: str) -> bool:
    """True when `caller` (Twilio's From) cannot be called or texted back: withheld,
    anonymous, empty, or not an E.164 number."""
    value = (caller or "").strip()
    return value.upper() in WITHHELD or not _E164.fullmatch(value)


def caller_id(caller: str, call_sid: str) -> str:
    """The pseudonymous id of the person calling. A withheld number is one per call, not
    one for everybody who withholds theirs (they would share a language and cases)."""
    return pseudonymise(f"call:{call_sid}" if withheld(caller) else caller)


def _key(call_sid: str) -> str:
    return CALL.format(call_sid)


def strike(call_sid: str, carried: int) -> int:
    """Counts one silence, wrong key or unrecognised speech on this call and returns the
    call's total. `carried` is the count the previous TwiML carried in its URL: used when
    Redis is down, and never undercut, so the limit holds on every path."""
    if not call_sid:
        return carried + 1
    try:
        pipe = storage.client().pipeline()
        pipe.hincrby(_key(call_sid), "strikes", 1)
        pipe.expire(_key(call_sid), CALL_TTL)
        counted, _ = pipe.execute()
        return max(int(counted), carried + 1)
    except redis.RedisError:
        return carried + 1


def mark_answered(call_sid: str) -> None:
    """A volunteer pressed the accept key on a leg of this call: a person, not a voicemail box."""
    try:
        pipe = storage.client().pipeline()
        pipe.hset(_key(call_sid), "answered", "1")
        pipe.expire(_key(call_sid), CALL_TTL)
        pipe.execute()
    except redis.RedisError:
        # The volunteer is connected all the same; the caller will be offered voicemail
        # when the call ends, which beats being hung up on.
        log.error("could not note an accepted call (redis unavailable)")


def answered(call_sid: str) -> bool:
    """Whether a volunteer accepted this call. False when unknown: Twilio reports a dial that
    a voicemail box picked up as completed, so only the accept key counts."""
    try:
        return storage.client().hget(_key(call_sid), "answered") == "1"
    except redis.RedisError:
        return False


def numbers_to_dial(language: str) -> list[str]:
    """The numbers to ring at once, from the console's roster (the same people the SMS
    notifications reach): on call in the caller's language, else everybody on call, else the
    coordinator. At most ten. A roster entry whose number cannot be read is skipped, not
    allowed to silence the others. When the roster cannot be read (Redis down, every entry
    damaged), the coordinator of the organisation's config, so that the call still reaches a
    person; an empty roster gives [] (voicemail). Never raises."""
    try:
        groups = [volunteers.on_call_for(language), volunteers.on_call_all(),
                  [c for c in [volunteers.coordinator()] if c]]
    except Exception as error:  # noqa: BLE001 - Redis down: the config's coordinator below
        log.error("roster unavailable for voice (%s); dialling the configured coordinator", type(error).__name__)
        return _configured_coordinator()
    if not any(groups):
        return []  # nobody on the roster at all: the caller leaves a voicemail
    for people in groups:
        numbers = []
        for person in people:
            try:
                numbers.append(volunteers.normalise_phone(volunteers.phone_of(person)))
            except Exception as error:  # noqa: BLE001 - one damaged entry must not silence the others
                log.error("volunteer %s has no usable phone number (%s): skipped", person.get("id"),
                          type(error).__name__)
        if numbers:
            return list(dict.fromkeys(numbers))[:MAX_DIALLED]
    return _configured_coordinator()


def _configured_coordinator() -> list[str]:
    coordinator = get_settings().org.get("coordinator") or {}
    try:
        return [volunteers.normalise_phone(str(coordinator["phone"]))] if coordinator.get("phone") else []
    except ValueError:
        log.error("the coordinator's phone in the organisation config is not a phone number")
        return []
