"""The one custom action: ask bot.conversation.dialogue what to say, then remember and record.

Async throughout: Redis calls run in worker threads so the action server's event loop
never waits on I/O.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import clinics
from bot.conversation.dialogue import Dialogue, State, Turn
from bot.handoff import escalations, inbox
from bot.settings import get_settings
from bot.store import storage
from bot.store.privacy import install_log_redaction

log = logging.getLogger(__name__)
install_log_redaction()
# The clinic search's place names take seconds to index: done while the server starts, not
# while the first person who asks for a clinic waits.
threading.Thread(target=clinics.warm, name="clinics-warm", daemon=True).start()
# Cases spooled while Redis was down move back as soon as it answers, not at the next escalation.
inbox.start_flushing()


def _state(tracker: Tracker, profile: Dict[str, str]) -> State:
    slot = tracker.get_slot
    return State(
        language=slot("language") or profile.get("language"),
        country=slot("country") or profile.get("country"),
        last_answer=slot("last_answer"),
        pending_menu=slot("pending_menu"),
        options=tuple(slot("options") or ()),
        misunderstandings=int(slot("misunderstandings") or 0),
        location=profile.get("location"),
        place=profile.get("place"),
        script=profile.get("script"),
    )


async def _safely(function, *args, default=None):
    try:
        return await asyncio.to_thread(function, *args)
    except Exception as error:  # the reply must go out even when Redis is down
        log.error("%s failed: %s", getattr(function, "__name__", function), type(error).__name__)
        return default


class ActionAnswer(Action):
    def name(self) -> Text:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        settings = get_settings()
        sender = tracker.sender_id  # already pseudonymous: the webhook hashes numbers before Rasa sees them
        metadata = tracker.latest_message.get("metadata") or {}
        profile = await _safely(storage.load_profile, sender, default={}) or {}
        state = _state(tracker, profile)
        if metadata.get("language") and not state.language:
            state = State(**{**state.__dict__, "language": metadata["language"]})

        # In a thread: the first clinic question reads the directory and the place names from disk.
        reply = await asyncio.to_thread(Dialogue(settings).respond, state, Turn.from_parse(tracker.latest_message))

        text = escalations.with_attachments(tracker.latest_message.get("text") or "", metadata.get("attachments") or [])
        if reply.escalation:
            case = escalations.new_case(
                sender, reply.escalation.priority, reply.escalation.reason, reply.state.language or "en",
                metadata.get("channel", "rest"), reply.state.country or settings.country,
                text, reply.messages, possible=reply.escalation.possible)
            # record() itself falls back to the disk spool; it never raises for Redis errors.
            # A person with a case open already: this joins it (bot.handoff.escalations).
            await asyncio.to_thread(escalations.record, case)
        else:
            await _safely(escalations.note_message, sender, text, reply.messages)
        if reply.danger_answer:
            await _safely(escalations.answer_danger, sender, reply.danger_answer)
        await _safely(lambda: storage.save_profile(sender, language=reply.state.language, country=reply.state.country,
                                                   location=reply.state.location, place=reply.state.place,
                                                   script=reply.state.script))
        for text in reply.messages:
            dispatcher.utter_message(text=text)
        s = reply.state
        new = {"language": s.language, "country": s.country, "last_answer": s.last_answer,
               "pending_menu": s.pending_menu, "options": list(s.options),
               "misunderstandings": float(s.misunderstandings)}
        # Only what changed: every event is stored and re-read on each turn.
        return [SlotSet(name, value) for name, value in new.items() if tracker.get_slot(name) != value]
