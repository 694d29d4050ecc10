"""Nothing about a person is left once they ask: a whole story through the real webhook, Rasa,
action server, Redis, worker and console, then deletion, then a search everywhere."""
from __future__ import annotations

import json
import re
from pathlib import Path

from bot.handoff import cases, escalations, takeover, volunteers
from bot.retention import forget
from bot.settings import get_settings
from bot.store import storage
from bot.store.privacy import pseudonymise
from tests.integration.test_voice import Call, dial_to_voicemail, to_topics
from tests.integration.test_webhook import MUST_PASS, expected, joined


def everything_in_redis(client) -> str:
    """Every key and value of both databases (profiles and cases; Rasa's trackers), as text
    (RQ's jobs are pickled: bytes are decoded leniently, and zlib-compressed job data too)."""
    import zlib

    import redis

    def text(value) -> str:
        if isinstance(value, bytes):
            try:
                value = zlib.decompress(value)
            except zlib.error:
                pass
            return value.decode("utf-8", "replace")
        if isinstance(value, (list, set, tuple)):
            return " ".join(text(v) for v in value)
        if isinstance(value, dict):
            return " ".join(f"{text(k)}={text(v)}" for k, v in value.items())
        return str(value)

    url = get_settings().redis_url
    dump = []
    for db in (0, get_settings().tracker_db):
        raw = redis.Redis.from_url(re.sub(r"/\d+$", f"/{db}", url))
        for key in raw.scan_iter(count=1000):
            kind = raw.type(key).decode()
            value = {"string": lambda: raw.get(key), "hash": lambda: raw.hgetall(key),
                     "list": lambda: raw.lrange(key, 0, -1), "set": lambda: raw.smembers(key),
                     "zset": lambda: raw.zrange(key, 0, -1),
                     "stream": lambda: [fields for _, fields in raw.xrange(key)]}.get(kind, lambda: b"")()
            dump.append(f"{text(key)} {text(value)}")
    return "\n".join(dump)


def test_forget_after_a_whole_story_leaves_nothing_anywhere(phone, roster, fake_twilio, stack, redis_client):
    import uuid

    mark = uuid.uuid4().hex[:8]  # other tests send the same must-pass texts: these are this person's own
    texts = [f"hola, buenos días {mark}", f"{MUST_PASS[('es', 'emergency_abuse')]} {mark}",
             f"estoy en el centro de Otay Mesa {mark}"]
    for text in texts:
        phone.text(text)
    sender = pseudonymise(phone.number)
    [case] = [c for c in escalations.open_cases() if c["sender"] == sender]
    holder = volunteers.get(roster["+15550111"])
    assert cases.claim(case["id"], holder["id"])
    takeover.reply(case["id"], holder, f"Hola, soy Ana. ¿Estás a salvo? {mark}")
    phone.text("sí, gracias")
    call = Call(phone)  # and a voicemail from the same phone
    response = dial_to_voicemail(call, call.answer(to_topics(call, "es"), Digits="0"), "no-answer")
    call.post(response.find("Record").get("action"), RecordingUrl=f"https://api.twilio.com/rec/REforget{mark}",
              RecordingSid="RE" + call.sid[-8:])

    report = forget(sender)
    assert report["cases"] >= 1 and report["profile"] == 1 and report["conversation"] == 1

    everything = everything_in_redis(redis_client)
    for trace in [sender, phone.number, phone.number[1:], mark, *texts]:
        assert trace not in everything, trace
    files = [p for p in Path(get_settings().var_dir).rglob("*") if p.is_file()]
    logs = [p for p in Path(stack["logs"]).rglob("*") if p.is_file()]
    for path in files + logs:
        content = path.read_bytes().decode("utf-8", "replace")
        for trace in [sender, phone.number, mark]:
            assert trace not in content, (trace, path)


def test_a_person_deletes_their_own_data_by_text_after_confirming(phone, redis_client):
    phone.text(MUST_PASS[("es", "request_human")])
    sender = pseudonymise(phone.number)
    assert [c for c in escalations.open_cases() if c["sender"] == sender]
    assert expected("privacy.delete_confirm", "es", confirm_minutes="10") in joined(phone.text("BORRAR"))
    assert storage.load_profile(sender)  # nothing deleted before the confirmation
    assert expected("privacy.deleted", "es") in joined(phone.text("borrar"))
    assert storage.load_profile(sender) == {}
    assert not [c for c in escalations.open_cases() if c["sender"] == sender]
    assert sender not in everything_in_redis(redis_client)


def test_data_files_and_logs_are_readable_by_their_owner_only(private_var, redis_client, monkeypatch):
    import os

    from bot.handoff import spool

    spool.append(private_var / "spool" / "escalations.jsonl", {"id": "x", "sender": "p_perm"})
    for path in (private_var / "spool").iterdir():
        assert os.stat(path).st_mode & 0o077 == 0, path
    services = (Path(__file__).resolve().parents[2] / "bin" / "services").read_text()
    assert re.search(r"^umask 077", services, re.M)
    assert json.loads((private_var / "spool" / "escalations.jsonl").read_text())["sender"] == "p_perm"
