"""The tracker store keeps a long session short without losing what the dialogue needs."""
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.store.tracker_store import MAX_EVENTS, recent_events


def test_long_sessions_are_cut_to_recent_turns_with_the_slots_kept():
    slot = TextSlot("language", mappings=[{"type": "custom"}])
    events = [SlotSet("language", "hmn")]
    for i in range(40):
        events += [UserUttered(f"m{i}"), ActionExecuted("action_answer"), BotUttered("r"),
                   ActionExecuted(ACTION_LISTEN_NAME)]
    tracker = DialogueStateTracker.from_events("p_long", events, slots=[slot])
    kept = recent_events(tracker)
    assert len(kept) < MAX_EVENTS
    rebuilt = DialogueStateTracker.from_events("p_long", kept, slots=[TextSlot("language", mappings=[{"type": "custom"}])])
    assert rebuilt.get_slot("language") == "hmn"
    assert rebuilt.latest_message.text == "m39"
