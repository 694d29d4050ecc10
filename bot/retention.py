"""Everything kept about one person, in one place: deleting it on request.

Sits above every store (profiles and Rasa's trackers in bot.store, cases, kept messages and
the outbox in bot.handoff, the spool files on disk), so that no store reaches up into
another to delete what it does not own.
"""
from __future__ import annotations

import redis

from bot.handoff import escalations, inbox, spool, twilio_rest
from bot.handoff.cases import CONTACT
from bot.settings import get_settings
from bot.store import storage


def forget(sender: str) -> dict[str, int]:
    """Deletes everything kept about one pseudonymous sender: the profile (language, country,
    place), the sealed reply address, the opt-out mark, Rasa's conversation, every case with
    its transcript, sealed callback number and recording link, the hand-off keys, kept
    messages, local-outbox messages to them, and their lines in the spool files.

    Returns what was deleted, by kind ({"cases": 2, ...}). Raises redis.RedisError when Redis
    cannot be reached (nothing is then known to be deleted: run it again) and OSError when a
    spool file cannot be rewritten."""
    r = storage.client()
    report = {
        "profile": r.delete(storage.PROFILE.format(sender)),
        "reply_address": r.delete(CONTACT.format(sender)),
        "opt_out": r.delete(storage.OPT_OUT.format(sender)),
        "conversation": storage.tracker_client().delete(storage.TRACKER.format(sender)),
        "cases": escalations.forget(sender),
        "kept_messages": inbox.forget(sender),
        "outbox": twilio_rest.forget_outbox(sender),
        "spooled_cases": spool.remove(get_settings().var_dir / "spool" / "escalations.jsonl", sender),
    }
    try:
        # Redis's append-only file still holds every write until it is rewritten from what is
        # left: the deleted texts must not stay on disk for whoever takes it.
        r.bgrewriteaof()
    except redis.ResponseError:
        pass  # a rewrite is already running or scheduled; it starts from the dataset as it is then
    return report
