"""A case's life after it is recorded (bot/handoff/escalations.py): claimed by one volunteer,
the conversation in both directions, closed with an outcome, handed back to the assistant.

While a case is claimed the assistant is paused for that person. Rasa's own pause still
parses and logs every message and only /restart undoes it, so the handoff lives here and
the webhook routes by it.
"""
from __future__ import annotations

import json
import time

from bot.handoff import escalations
from bot.handoff.escalations import CASE, HANDOFF, MESSAGE_CHARS, OPEN_FOR, QUEUE
from bot.settings import get_settings
from bot.store import storage

CONTACT = "puente:contact:{}"   # sender -> sealed address to reply to (the only raw number kept)
AUDIT = "puente:audit"          # stream: who viewed, claimed, replied, closed what
OUTCOMES = ("resolved", "referred", "callback_done", "no_response", "duplicate", "other")

# Atomic claim: of two volunteers clicking at once, exactly one gets the case.
_CLAIM = """
local case = KEYS[1]
if redis.call('HGET', case, 'state') ~= 'waiting' then return 0 end
redis.call('HSET', case, 'state', 'claimed', 'claimed_by', ARGV[1], 'claimed_at', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4])
return 1
"""


def get(case_id: str) -> dict | None:
    case = storage.client().hgetall(CASE.format(case_id))
    if not case:
        return None
    case["transcript"] = json.loads(case.get("transcript") or "[]")
    case["notifications"] = json.loads(case.get("notifications") or "[]")
    return case


def claim(case_id: str, volunteer_id: str) -> bool:
    r = storage.client()
    sender = r.hget(CASE.format(case_id), "sender")
    if not sender:
        return False
    won = r.eval(_CLAIM, 2, CASE.format(case_id), HANDOFF.format(sender), volunteer_id, f"{time.time():.3f}",
                 case_id, 7 * 86400)
    if won:
        audit(volunteer_id, "claim", case_id)
    return bool(won)


def append(case_id: str, author: str, text: str, **extra) -> dict:
    """Adds a line to the case's transcript (kept short: the recent turns only)."""
    entry = {"from": author, "text": text[:MESSAGE_CHARS], "at": round(time.time(), 3), **extra}
    escalations.append_transcript(case_id, [entry])
    return entry


def close(case_id: str, volunteer_id: str, outcome: str) -> dict | None:
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    r = storage.client()
    case = get(case_id)
    if case is None:
        return None
    pipe = r.pipeline(transaction=True)
    pipe.hset(CASE.format(case_id), mapping={"state": "closed", "outcome": outcome, "closed_by": volunteer_id,
                                             "closed_at": f"{time.time():.3f}"})
    pipe.zrem(QUEUE, case_id)
    pipe.execute()
    # The hand-off ends only if it is this case's: the person may already be in another one.
    storage.delete_if_equal(r, HANDOFF.format(case["sender"]), case_id)
    # The person's next request opens a new case (only if this was their open one).
    storage.delete_if_equal(r, OPEN_FOR.format(case["sender"]), case_id)
    audit(volunteer_id, "close", case_id, outcome=outcome)
    return case


def held_case(sender: str) -> str | None:
    """The case a volunteer holds for this sender, if any."""
    return storage.client().get(HANDOFF.format(sender))


def remember_contact(sender: str, address: str) -> None:
    from bot.store.secrets_box import seal

    storage.client().set(CONTACT.format(sender), seal(address), ex=get_settings().data_ttl_seconds)


def contact_of(sender: str) -> str | None:
    from bot.store.secrets_box import unseal

    sealed = storage.client().get(CONTACT.format(sender))
    return unseal(sealed) if sealed else None


def audit(who: str, action: str, case_id: str = "", **details: str) -> None:
    storage.client().xadd(AUDIT, {"who": who, "action": action, "case": case_id, "at": f"{time.time():.3f}",
                                  **{k: str(v) for k, v in details.items()}}, maxlen=100_000, approximate=True)
