"""Everything kept about one person, in one place: deleting it on request.

Sits above every store (profiles and Rasa's trackers in bot.store, cases in bot.handoff),
so that no store reaches up into another to delete what it does not own.
"""
from __future__ import annotations

from bot.handoff import cases, escalations
from bot.store import storage


def forget(sender: str) -> int:
    """Deletes what is kept about one pseudonymous sender: the profile, the sealed reply
    address, the opt-out mark, Rasa's conversation and the texts of their cases.

    Returns the number of records deleted or emptied. Raises redis.RedisError when Redis
    cannot be reached (nothing is then known to be deleted: run it again)."""
    deleted = storage.client().delete(storage.PROFILE.format(sender), cases.CONTACT.format(sender),
                                      storage.OPT_OUT.format(sender))
    deleted += storage.tracker_client().delete(storage.TRACKER.format(sender))
    deleted += escalations.forget(sender)
    return deleted
