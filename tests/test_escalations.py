"""Escalations are kept in Redis, and on disk when Redis is down, then moved back: never lost."""
from __future__ import annotations

import json
import os
import time

from bot.handoff import escalations
from bot.retention import forget
from bot.settings import get_settings
from bot.store import storage


def test_case_is_queued_with_priority_language_channel_and_pseudonym(redis_client):
    normal = escalations.new_case("p_abc", "normal", "request_human", "so", "sms", "US", "qof")
    urgent = escalations.new_case("p_def", "urgent", "emergency_medical", "th", "whatsapp", "TH", "...")
    assert escalations.record(normal) == "redis"
    assert escalations.record(urgent) == "redis"
    cases = escalations.open_cases()
    assert [c["id"] for c in cases] == [urgent["id"], normal["id"]]  # urgent first
    assert cases[0]["language"] == "th" and cases[0]["channel"] == "whatsapp" and cases[0]["sender"] == "p_def"


def test_redis_down_spools_to_disk_and_recovers(private_var, redis_client, monkeypatch):
    case = escalations.new_case("p_xyz", "urgent", "emergency_abuse", "es", "sms", "MX", "me golpearon")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    get_settings.cache_clear()
    storage.client.cache_clear()
    try:
        assert escalations.record(case) == "spool"
    finally:
        monkeypatch.setenv("REDIS_URL", os.environ["REDIS_URL"])
        monkeypatch.undo()
        get_settings.cache_clear()
        storage.client.cache_clear()
    assert escalations.flush_spool() == 1
    assert [c["id"] for c in escalations.open_cases()] == [case["id"]]


def test_forget_removes_profile_and_transcripts(redis_client):
    storage.save_profile("p_forget", language="hmn", country="US")
    escalations.record(escalations.new_case("p_forget", "normal", "request_human", "hmn", "sms", "US", "pab"))
    assert storage.load_profile("p_forget")["language"] == "hmn"
    storage.tracker_client().set(storage.TRACKER.format("p_forget"), "{}")
    report = forget("p_forget")
    assert report["profile"] == 1 and report["conversation"] == 1 and report["cases"] == 1
    assert storage.load_profile("p_forget") == {}
    assert storage.tracker_client().get(storage.TRACKER.format("p_forget")) is None
    assert not [c for c in escalations.open_cases() if c["sender"] == "p_forget"]
    assert not [k for k in redis_client.keys("*") if "p_forget" in k]


def test_cases_expire_after_the_retention_period(redis_client):
    case = escalations.new_case("p_case_ttl", "normal", "request_human", "en", "sms", "US", "hi")
    escalations.record(case)
    assert 0 < redis_client.ttl(escalations.CASE.format(case["id"])) <= get_settings().data_ttl_seconds


def test_forget_reaches_the_spool_files_and_their_quarantine(private_var, redis_client, tmp_path):
    from bot.handoff import spool

    path = get_settings().var_dir / "spool" / "escalations.jsonl"
    spool.append(path, escalations.new_case("p_spooled", "urgent", "emergency_abuse", "es", "sms", "US", "me pegan"))
    spool.append(path, escalations.new_case("p_other", "normal", "request_human", "es", "sms", "US", "hola"))
    (path.with_name(path.name + ".quarantine")).write_bytes(b'{"sender": "p_spooled", "text": "me peg\n')
    report = forget("p_spooled")
    assert report["spooled_cases"] == 2
    assert b"p_spooled" not in path.read_bytes() and b"p_other" in path.read_bytes()
    assert b"p_spooled" not in path.with_name(path.name + ".quarantine").read_bytes()
    escalations.flush_spool()  # what remains moves on; the forgotten case never comes back
    assert not [c for c in escalations.open_cases() if c["sender"] == "p_spooled"]


def test_profile_expires(redis_client):
    storage.save_profile("p_ttl", language="es")
    assert 0 < redis_client.ttl("puente:profile:p_ttl") <= get_settings().data_ttl_seconds


def test_a_deportation_with_a_stated_deadline_goes_first_nearest_first(redis_client):
    medical = escalations.new_case("p_m", "urgent", "emergency_medical", "en", "sms", "US", "cant breathe")
    tomorrow = escalations.new_case("p_t", "urgent", "emergency_deportation", "es", "sms", "MX", "me deportan mañana")
    tonight = escalations.new_case("p_n", "urgent", "emergency_deportation", "th", "sms", "TH", "จะส่งกลับคืนนี้")
    for case in (medical, tomorrow, tonight):
        escalations.record(case)
    assert [c["id"] for c in escalations.open_cases()][:3] == [tonight["id"], tomorrow["id"], medical["id"]]


def test_an_answer_about_danger_keeps_or_lowers_the_possible_case(redis_client):
    asked = escalations.new_case("p_possible", "urgent", "emergency_medical", "en", "sms", "US", "he looks bad",
                                 possible=True)
    time.sleep(0.01)  # the queue orders by creation time, to the millisecond
    other = escalations.new_case("p_other", "normal", "request_human", "en", "sms", "US", "a person please")
    time.sleep(0.01)
    late = escalations.new_case("p_late", "urgent", "emergency_abuse", "en", "sms", "US", "they beat me now")
    for case in (asked, other, late):
        escalations.record(case)
    assert [c["id"] for c in escalations.open_cases()] == [asked["id"], late["id"], other["id"]]
    assert escalations.answer_danger("p_possible", "denied") == 1
    lowered = redis_client.hgetall(escalations.CASE.format(asked["id"]))
    assert lowered["priority"] == "normal" and lowered["possible"] == "denied"
    # Below every urgent case now, and before the later normal one.
    assert [c["id"] for c in escalations.open_cases()] == [late["id"], asked["id"], other["id"]]
    assert escalations.answer_danger("p_possible", "confirmed") == 0  # answered already


def test_the_whole_message_is_kept_for_the_volunteer(redis_client):
    text = "hello, some background. " * 100 + "they are beating me now"
    case = escalations.new_case("p_long", "urgent", "emergency_abuse", "en", "whatsapp", "US", text)
    assert len(text) > 2000 and json.loads(case["transcript"])[0]["text"] == text


def test_a_second_request_joins_the_open_case_until_it_is_closed(redis_client):
    from bot.handoff import cases

    first = escalations.new_case("p_join", "normal", "request_human", "es", "sms", "US", "una persona")
    again = escalations.new_case("p_join", "normal", "misunderstood", "es", "sms", "US", "???", ["¿Perdón?"])
    assert escalations.record(first) == "redis"
    assert escalations.record(again) == "joined"
    assert [c["id"] for c in escalations.open_cases() if c["sender"] == "p_join"] == [first["id"]]
    texts = [(line["from"], line["text"]) for line in cases.get(first["id"])["transcript"]]
    assert texts == [("person", "una persona"), ("person", "???"), ("assistant", "¿Perdón?")]
    cases.close(first["id"], "v1", "resolved")
    later = escalations.new_case("p_join", "normal", "request_human", "es", "sms", "US", "otra vez")
    assert escalations.record(later) == "redis"  # a closed case is not joined


def test_an_emergency_joining_a_normal_case_raises_it_and_a_sure_one_outranks_a_possible_one(redis_client):
    from bot.handoff import cases

    normal = escalations.new_case("p_raise", "normal", "request_human", "en", "sms", "US", "a person please")
    escalations.record(normal)
    possible = escalations.new_case("p_raise", "urgent", "emergency_medical", "en", "sms", "US", "i feel odd",
                                    possible=True)
    assert escalations.record(possible) == "joined"
    case = cases.get(normal["id"])
    assert (case["priority"], case["reason"], case["possible"]) == ("urgent", "emergency_medical", "asked")
    sure = escalations.new_case("p_raise", "urgent", "emergency_abuse", "en", "sms", "US", "he is hitting me now")
    assert escalations.record(sure) == "joined"
    assert cases.get(normal["id"])["possible"] == ""
    assert escalations.answer_danger("p_raise", "denied") == 0  # a "no" no longer lowers a sure emergency
    assert cases.get(normal["id"])["priority"] == "urgent"
    assert redis_client.zscore(escalations.QUEUE, normal["id"]) < 1e11  # sorted with the urgent ones


def test_spooled_cases_of_one_person_are_joined_when_they_are_moved_back(private_var, redis_client, monkeypatch):
    one = escalations.new_case("p_spool2", "normal", "request_human", "so", "sms", "US", "qof")
    two = escalations.new_case("p_spool2", "urgent", "emergency_medical", "so", "sms", "US", "neefsan maayo")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    storage.client.cache_clear()
    try:
        assert escalations.record(one) == "spool" and escalations.record(two) == "spool"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        storage.client.cache_clear()
    assert escalations.flush_spool() == 2
    [case] = [c for c in escalations.open_cases() if c["sender"] == "p_spool2"]
    assert case["id"] == one["id"] and case["priority"] == "urgent"
