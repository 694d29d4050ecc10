"""Rasa's Redis tracker store, keeping only the current conversation session.

Rasa 3.6's RedisTrackerStore.save merges the stored tracker with the new one by comparing
every event with every other (quadratic): on this machine that was two thirds of Rasa's
time per turn. What Puente remembers across sessions lives in its own profile store
(bot/storage.py), so older sessions need not be kept at all, which also keeps less of
what people wrote.
"""
from __future__ import annotations

from typing import Optional

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker


class LatestSessionRedisTrackerStore(RedisTrackerStore):
    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        await self.stream_events(tracker)
        self.red.set(self.key_prefix + tracker.sender_id, self.serialise_tracker(tracker),
                     ex=timeout or self.record_exp)
