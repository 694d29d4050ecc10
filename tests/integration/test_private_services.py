"""The internal services answer only their own callers: Rasa's HTTP API wants its token, the
action server its shared secret, Redis its password; all listen on loopback only."""
from __future__ import annotations

import json
import os

import pytest
import redis
import requests

from bot.handoff import escalations


@pytest.mark.parametrize("method,path", [("GET", "/conversations/p_someone/tracker"), ("PUT", "/model"),
                                         ("POST", "/conversations/p_someone/trigger_intent"),
                                         ("POST", "/model/parse")])
def test_rasa_refuses_its_api_without_the_token(stack, method, path):
    response = requests.request(method, stack["rasa"] + path, json={"name": "emergency_medical", "text": "hi"},
                                timeout=10)
    assert response.status_code == 401
    good = requests.post(stack["rasa"] + "/model/parse", json={"text": "hola"}, timeout=10,
                         params={"token": os.environ["RASA_AUTH_TOKEN"]})
    assert good.status_code == 200


def test_the_action_server_refuses_a_forged_call(stack, redis_client):
    forged = {"next_action": "action_answer", "sender_id": "p_forger", "version": "3.6.2", "domain": {},
              "tracker": {"sender_id": "p_forger", "slots": {}, "latest_message": {
                  "text": "they are beating me now", "intent": {"name": "emergency_abuse", "confidence": 1.0},
                  "metadata": {"channel": "sms"}}, "events": [], "paused": False, "followup_action": None,
                  "active_loop": {}, "latest_action_name": "action_listen"}}
    for params in ({}, {"token": "guess"}):
        response = requests.post(stack["actions"] + "/webhook", params=params, data=json.dumps(forged), timeout=10)
        assert response.status_code == 401
    assert not [c for c in escalations.open_cases() if c["sender"] == "p_forger"]
    assert requests.get(stack["actions"] + "/health", timeout=10).status_code == 200


def test_redis_wants_its_password(redis_server):
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(host="127.0.0.1", port=redis_server["port"]).ping()
    assert redis.Redis.from_url(redis_server["url"]).ping()


def test_services_listen_on_loopback_only(stack):
    import subprocess

    listening = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout
    for url in (stack["rasa"], stack["actions"]):
        port = url.rsplit(":", 1)[1]
        lines = [line for line in listening.splitlines() if f":{port} " in line]
        assert lines and all("127.0.0.1:" in line for line in lines), lines


def test_rasas_channel_refuses_a_message_without_the_token(stack, redis_client):
    forged = {"sender": "p_forged_channel", "message": "they are beating me now, i cant breathe"}
    for url, headers in ((f"{stack['rasa']}/webhooks/puente/webhook", {}),
                         (f"{stack['rasa']}/webhooks/puente/webhook", {"X-Puente-Token": "guess"}),
                         (f"{stack['rasa']}/webhooks/rest/webhook", {})):  # the plain channel is not enabled
        assert requests.post(url, json=forged, headers=headers, timeout=10).status_code in (401, 404)
    assert not [c for c in escalations.open_cases() if c["sender"] == "p_forged_channel"]
