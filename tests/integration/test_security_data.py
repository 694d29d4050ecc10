"""Security probes of data deletion and the internal services."""
from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import redis
import requests

from bot.handoff import escalations
from bot.retention import forget
from bot.store import storage
from bot.store.privacy import pseudonymise
from tests.integration.conftest import eventually, notifications
from tests.integration.test_privacy import everything_in_redis
from tests.integration.test_webhook import MUST_PASS


def test_forgotten_texts_stay_in_redis_append_only_file(phone, redis_server, redis_client, stack):
    """bin/services runs Redis with appendonly yes in var/redis: what forget deletes is still on disk."""
    mark = uuid.uuid4().hex[:10]
    text = f"{MUST_PASS[('es', 'emergency_abuse')]} {mark}"
    phone.text(text)
    sender = pseudonymise(phone.number)
    assert [c for c in escalations.open_cases() if c["sender"] == sender]
    forget(sender)
    assert mark not in everything_in_redis(redis_client)  # gone from Redis's memory ...
    time.sleep(1.5)  # appendfsync everysec
    on_disk = [p for p in Path(redis_server["dir"]).rglob("*") if p.is_file()
               and mark.encode() in p.read_bytes()]
    assert not on_disk, f"the deleted message text is still in {[p.name for p in on_disk]}"


def test_delete_keyword_leaves_nothing_for_sender(phone, redis_client):
    mark = uuid.uuid4().hex[:10]
    phone.text(f"{MUST_PASS[('en', 'request_human')]} {mark}")
    phone.text("DELETE")
    phone.text("hello")  # something in between: still confirms within 10 minutes (documented)
    phone.text("delete")
    sender = pseudonymise(phone.number)
    dump = everything_in_redis(redis_client)
    assert sender not in dump and mark not in dump


def test_delete_said_once_deletes_nothing(phone, redis_client):
    mark = uuid.uuid4().hex[:10]
    phone.text(f"{MUST_PASS[('en', 'request_human')]} {mark}")
    sid = "SM" + uuid.uuid4().hex
    phone.text("DELETE", sid=sid)
    phone.text("DELETE", sid=sid)  # Twilio retrying the same message is not a confirmation
    assert mark in everything_in_redis(redis_client)


def test_rasa_rest_channel_needs_no_token(stack, roster, fake_twilio):
    """Anyone who reaches Rasa's port posts as any sender: the action server's token is bypassed."""
    forger = "p_forged_" + uuid.uuid4().hex[:8]
    response = requests.post(f"{stack['rasa']}/webhooks/rest/webhook", timeout=30,
                             json={"sender": forger, "message": MUST_PASS[("en", "emergency_abuse")],
                                   "metadata": {"channel": "sms"}})
    forged = [c for c in escalations.open_cases() if c["sender"] == forger]
    texted = eventually(lambda: [n for n in notifications(forged[0]["id"]) if n["status"] == "sent"]) if forged else []
    assert not (response.status_code == 200 and forged), \
        f"no token: HTTP {response.status_code}, urgent case {forged[0]['id'] if forged else None}, " \
        f"{len(texted)} volunteers texted"


def test_redis_and_actions_refuse_strangers(stack, redis_server):
    for db in (0, 1):
        try:
            redis.Redis(host="127.0.0.1", port=redis_server["port"], db=db).keys("*")
            raise AssertionError("redis answered without a password")
        except redis.AuthenticationError:
            pass
    for params in ({}, {"token": ""}, {"token": "x"}):
        assert requests.post(stack["actions"] + "/webhook", params=params, json={}, timeout=10).status_code == 401
    for path in ("/webhook/", "/actions", "/webhook?token="):
        assert requests.post(stack["actions"] + path, json={}, timeout=10).status_code in (401, 404, 405)
    assert requests.get(stack["rasa"] + "/conversations/p_x/tracker",
                        params={"token": ""}, timeout=10).status_code == 401
    assert os.environ["RASA_AUTH_TOKEN"]
    assert storage.client().ping()
