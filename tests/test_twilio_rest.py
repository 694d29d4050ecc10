"""The real Twilio SDK against the local fake of Twilio's REST API (tests/fake_twilio.py)."""
from __future__ import annotations

import json
import logging

from bot.handoff import twilio_rest
from bot.store.secrets_box import unseal


def test_sms_and_whatsapp_are_sent_in_twilios_format(twilio_env):
    delivery = twilio_rest.send("sms", "+15550111", "Puente: hello")
    assert delivery.status == "sent" and delivery.sid.startswith("SM") and not delivery.retryable
    delivery = twilio_rest.send("whatsapp", "+15550112", "Puente: hola")
    assert delivery.status == "sent"
    sms, whatsapp = twilio_env.delivered()
    assert (sms["To"], sms["From"], sms["Body"]) == ("+15550111", "+15550100", "Puente: hello")
    assert (whatsapp["To"], whatsapp["From"]) == ("whatsapp:+15550112", "whatsapp:+15550100")
    assert sms["AccountSid"] == twilio_env.account_sid


def test_an_approved_template_goes_by_content_sid(twilio_env):
    assert twilio_rest.send("whatsapp", "+15550112", "ignored", content_sid="HX" + "1" * 32).status == "sent"
    assert twilio_env.delivered()[0]["ContentSid"] == "HX" + "1" * 32


def test_server_errors_and_rate_limits_are_retryable(twilio_env):
    twilio_env.fail_next(1, status=500)
    twilio_env.fail_next(1, status=429)
    for _ in range(2):
        delivery = twilio_rest.send("sms", "+15550111", "x")
        assert delivery.status == "failed" and delivery.retryable and delivery.reason
    assert twilio_rest.send("sms", "+15550111", "x").status == "sent"


def test_opted_out_and_closed_window_are_final_with_a_reason(twilio_env):
    twilio_env.fail_for("+15550113", 21610)
    twilio_env.fail_for("+15550114", 63016)
    opted_out = twilio_rest.send("sms", "+15550113", "x")
    assert opted_out.status == "failed" and not opted_out.retryable and "STOP" in opted_out.reason
    window = twilio_rest.send("whatsapp", "+15550114", "x")
    assert window.status == "failed" and not window.retryable and "24-hour" in window.reason


def test_twilio_unreachable_is_retryable(twilio_env, monkeypatch):
    monkeypatch.setenv("TWILIO_API_BASE", "http://127.0.0.1:1")
    delivery = twilio_rest.send("sms", "+15550111", "x")
    assert delivery.status == "failed" and delivery.retryable


def test_wrong_credentials_are_refused_not_retried(twilio_env, monkeypatch):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "not-the-token")
    delivery = twilio_rest.send("sms", "+15550111", "x")
    assert delivery.status == "failed" and not delivery.retryable


def test_local_mode_queues_to_the_outbox_and_sends_nothing(fake_twilio, redis_client, monkeypatch):
    monkeypatch.delenv("TWILIO_ACCOUNT_SID", raising=False)
    delivery = twilio_rest.send("whatsapp", "+15550111", "Puente: hola")
    assert delivery.status == "queued_local" and not delivery.retryable
    [item] = [json.loads(x) for x in redis_client.lrange("puente:outbox", 0, -1)]
    assert item["body"] == "Puente: hola" and item["channel"] == "whatsapp" and item["at"] > 0
    assert unseal(item["to"]) == "+15550111" and "5550111" not in json.dumps(item)
    assert fake_twilio.messages == []


def test_numbers_and_texts_never_reach_the_logs(twilio_env, caplog):
    caplog.set_level(logging.DEBUG)
    twilio_rest.send("sms", "+15550111", "secret words")
    twilio_env.fail_for("+15550113", 21610)
    twilio_rest.send("sms", "+15550113", "secret words")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged and "5550111" not in logged and "5550113" not in logged and "secret words" not in logged
