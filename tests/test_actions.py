"""actions.ActionAnswer with a real Redis: what the dispatcher sends and what is remembered."""
from __future__ import annotations

import asyncio
import os

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswer
from bot.conversation.catalog import render
from bot.handoff import escalations
from bot.settings import get_settings
from bot.store import storage


def tracker(sender, text, intent, confidence=0.9, language="en", slots=None, channel="sms"):
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence},
             "intent_ranking": [{"name": intent, "confidence": confidence}], "language": language,
             "language_confidence": 0.99, "metadata": {"channel": channel}}
    return Tracker(sender, slots or {}, parse, [], False, None, {}, "action_listen")


def run(t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAnswer().run(dispatcher, t, {}))
    return [m["text"] for m in dispatcher.messages], {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_answer_in_detected_language_and_language_remembered(redis_client):
    texts, slots = run(tracker("p_act1", "kuv xav tau kws lij choj", "right_to_lawyer", language="hmn"))
    assert slots["language"] == "hmn"
    assert render("right_to_lawyer.US", "hmn") in texts[0]
    assert storage.load_profile("p_act1")["language"] == "hmn"


def test_emergency_is_recorded_with_channel_and_pseudonymous_sender(redis_client):
    texts, _ = run(tracker("p_act2", "ma neefsan karo", "emergency_medical", language="so", channel="whatsapp"))
    assert "911" in texts[0]
    [case] = [c for c in escalations.open_cases() if c["sender"] == "p_act2"]
    assert (case["priority"], case["language"], case["channel"]) == ("urgent", "so", "whatsapp")


def test_redis_down_the_person_still_gets_an_answer_and_the_case_is_spooled(private_var, redis_client, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    storage.client.cache_clear()
    try:
        texts, _ = run(tracker("p_act3", "me quiero matar", "emergency_self_harm", language="es"))
        assert "988" in texts[0]
        spool = get_settings().var_dir / "spool" / "escalations.jsonl"
        assert "p_act3" in spool.read_text()
    finally:
        monkeypatch.setenv("REDIS_URL", os.environ["REDIS_URL"])
        monkeypatch.undo()
        get_settings.cache_clear()
        storage.client.cache_clear()
    escalations.flush_spool()
    assert any(c["sender"] == "p_act3" for c in escalations.open_cases())


def test_unsure_asks_opens_a_possible_urgent_case_and_no_lowers_it(redis_client):
    parse = {"text": "mi compa tiene calentura y esta muy raro", "language": "es", "language_confidence": 0.99,
             "intent": {"name": "covid_sick", "confidence": 0.6},
             "intent_ranking": [{"name": "covid_sick", "confidence": 0.6}, {"name": "emergency_medical", "confidence": 0.2}],
             "urgency": {"level": "unsure", "intent": "emergency_medical", "score": 0.25, "source": "model"},
             "metadata": {"channel": "sms"}}
    texts, slots = run(Tracker("p_act4", {}, parse, [], False, None, {}, "action_listen"))
    assert texts == [render("urgency.ask", "es")]
    [case] = [c for c in escalations.open_cases() if c["sender"] == "p_act4"]
    assert (case["priority"], case["possible"]) == ("urgent", "asked")
    texts, _ = run(tracker("p_act4", "2", "out_of_scope", confidence=0.1, language="es", slots=slots))
    assert texts[0] == render("urgency.lowered", "es")
    [case] = [c for c in escalations.open_cases() if c["sender"] == "p_act4"]
    assert (case["priority"], case["possible"]) == ("normal", "denied")
