"""Rasa's Redis tracker store, keeping only the recent part of the current session.

Rasa 3.6's RedisTrackerStore.save merges the stored tracker with the new one by comparing
every event with every other (quadratic), and every turn re-reads the whole session: on
this machine the two were most of Rasa's time per turn, growing with each message. What
Puente remembers across sessions lives in its own profile store (bot/store/storage.py), and the
dialogue needs only the slots and the last few turns, so older events are dropped, which
also keeps less of what people wrote.
"""
from __future__ import annotations

import json
from typing import Optional

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

MAX_EVENTS = 80   # when a session grows past this ...
KEEP_EVENTS = 30  # ... keep about this many recent events, behind a snapshot of the slots


def recent_events(tracker: DialogueStateTracker) -> list:
    events = list(tracker.events)
    if len(events) <= MAX_EVENTS:
        return events
    # Cut where the assistant was listening, so the kept part starts with a whole turn.
    cut = len(events) - KEEP_EVENTS
    while cut < len(events) and not (isinstance(events[cut], ActionExecuted)
                                     and events[cut].action_name == ACTION_LISTEN_NAME):
        cut += 1
    slots = [SlotSet(name, value) for name, value in tracker.current_slot_values().items() if value is not None]
    return [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), *slots, *events[cut:]]


class LatestSessionRedisTrackerStore(RedisTrackerStore):
    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        await self.stream_events(tracker)
        serialised = json.dumps(Dialogue(tracker.sender_id, recent_events(tracker)).as_dict())
        self.red.set(self.key_prefix + tracker.sender_id, serialised, ex=timeout or self.record_exp)
