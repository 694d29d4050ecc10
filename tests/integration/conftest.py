"""The real stack, started once per test run: the trained model in a real Rasa server,
the real action server, and the session's real Redis (tests/conftest.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, free_port

BIN = Path(sys.executable).parent


def wait_http(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} died:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {seconds}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def stack(redis_server, tmp_path_factory):
    from bot.understanding.training import train_if_needed

    model = train_if_needed()
    logs = tmp_path_factory.mktemp("logs")
    rasa_port, actions_port = free_port(), free_port()
    env = {**os.environ, "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_server["port"]),
           "REDIS_TRACKER_DB": "1", "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
           # The action server moves spooled cases into Redis by itself, as in production; this
           # process does not (unit tests spool and flush on their own).
           "PUENTE_SPOOL_FLUSH_SECONDS": "1"}
    processes = []
    with (logs / "actions.log").open("w") as out:
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "actions.server", "--port", str(actions_port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
    with (logs / "rasa.log").open("w") as out:
        processes.append(subprocess.Popen(
            [str(BIN / "rasa"), "run", "-i", "127.0.0.1", "--enable-api", "--auth-token", os.environ["RASA_AUTH_TOKEN"],
             "--model", str(model), "--port", str(rasa_port), "--endpoints", "endpoints.yml",
             "--credentials", "credentials.yml"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
    try:
        wait_http(f"http://127.0.0.1:{actions_port}/health", processes[0], logs / "actions.log", 120)
        wait_http(f"http://127.0.0.1:{rasa_port}/status?token={os.environ['RASA_AUTH_TOKEN']}", processes[1],
                  logs / "rasa.log", 300)
        yield {"rasa": f"http://127.0.0.1:{rasa_port}", "actions": f"http://127.0.0.1:{actions_port}", "logs": logs,
               "rasa_process": processes[1], "actions_process": processes[0]}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def parse(stack):
    def _parse(text: str) -> dict:
        response = requests.post(f"{stack['rasa']}/model/parse", json={"text": text}, timeout=30,
                                 params={"token": os.environ["RASA_AUTH_TOKEN"]})
        response.raise_for_status()
        return response.json()
    return _parse


@pytest.fixture
def chat(stack):
    """Sends one message as `sender` through Rasa's channel (with its token); returns the texts received."""
    def _chat(sender: str, text: str, channel: str = "sms") -> list[str]:
        response = requests.post(f"{stack['rasa']}/webhooks/puente/webhook",
                                 json={"sender": sender, "message": text, "metadata": {"channel": channel}},
                                 headers={"X-Puente-Token": os.environ["RASA_AUTH_TOKEN"]}, timeout=30)
        response.raise_for_status()
        return [m.get("text", "") for m in response.json()]
    return _chat


PUBLIC_URL = "https://puente.example.org"
AUTH_TOKEN = "test-auth-token"


@pytest.fixture(scope="session")
def webhook_app(stack):
    from webhook import create_app
    from webhook.config import WebhookConfig

    return create_app(WebhookConfig(auth_token=AUTH_TOKEN, public_url=PUBLIC_URL, rasa_url=stack["rasa"],
                                    local_mode=False, reply_timeout=7.0))


class SignedPhone:
    """Signs requests exactly as Twilio does and posts them through the real Flask app."""

    def __init__(self, client, number):
        self.client, self.number = client, number

    def post(self, path, params, signature=None):
        from twilio.request_validator import RequestValidator

        if signature is None:
            signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, params)
        return self.client.post(path, data=params, headers={"X-Twilio-Signature": signature})

    def text(self, body, channel="sms", sid=None, **extra):
        import uuid
        import xml.etree.ElementTree as ET

        sender = f"whatsapp:{self.number}" if channel == "whatsapp" else self.number
        params = {"MessageSid": sid or "SM" + uuid.uuid4().hex, "From": sender, "To": "+15550100",
                  "Body": body, "NumMedia": "0", **extra}
        response = self.post("/twilio/messages", params)
        assert response.status_code == 200, response.data
        return [m.text or "" for m in ET.fromstring(response.data).iter("Message")]

    def call(self, path="/twilio/voice", **params):
        import xml.etree.ElementTree as ET

        form = {"CallSid": params.pop("CallSid", "CA-test"), "From": self.number, "To": "+15550100", **params}
        response = self.post(path, form)
        assert response.status_code == 200, response.data
        return ET.fromstring(response.data)


@pytest.fixture
def phone(webhook_app):
    import uuid

    # Unique per test: a number reused by another test would bring that test's remembered language.
    return SignedPhone(webhook_app.test_client(), f"+1555{uuid.uuid4().int % 10**7:07d}")


# -- notifications: the real RQ worker against the fake Twilio server ----------------------------

@pytest.fixture(scope="session", autouse=True)
def urgent_escalation_seconds():
    """A short escalation delay, set before the stack starts: the escalation is scheduled by
    whoever records the case (the action server), so that process must see it too."""
    os.environ["PUENTE_URGENT_ESCALATION_SECONDS"] = "2"
    yield


@pytest.fixture(scope="session")
def notify_worker(redis_server, fake_twilio, tmp_path_factory):
    """A real `rq worker --with-scheduler` on the test Redis, sending through the real Twilio
    SDK to the fake server. The same settings go into this process's environment, so that
    anything sent from the tests (or the Flask app they drive) reaches the fake server too."""
    from redis import Redis
    from rq import Worker

    settings = {"TWILIO_ACCOUNT_SID": fake_twilio.account_sid, "TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
                "TWILIO_API_BASE": fake_twilio.url, "TWILIO_FROM_NUMBER": "+15550100",
                "TWILIO_WHATSAPP_FROM": "+15550100", "PUENTE_URGENT_ESCALATION_SECONDS": "2",
                # Short, so that a test can make Twilio answer after the client gave up.
                "TWILIO_HTTP_TIMEOUT": "1"}
    os.environ.update(settings)
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "rq"), "worker", "-w", "bot.handoff.notify.NotifyWorker", "--with-scheduler", "puente-notify",
             "--url", redis_server["url"]],
            cwd=ROOT, env={**os.environ}, stdout=out, stderr=subprocess.STDOUT)
    connection = Redis.from_url(redis_server["url"])
    deadline = time.time() + 30
    while not any(w.pid == process.pid for w in Worker.all(connection=connection)):
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            raise RuntimeError(f"rq worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    yield {"process": process, "log": log}
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


# -- a known roster of volunteers (fictional numbers) --------------------------------------------

# Fictional numbers. Who is on call for what decides every expectation below.
ROSTER = {
    "+15550111": ("Ana (test)", "en,es", True, "volunteer"),
    "+15550112": ("Boon (test)", "th,hmn", True, "volunteer"),
    "+15550113": ("Cali (test)", "so,ur", True, "volunteer"),
    "+15550114": ("Dolores (test)", "es,th", False, "volunteer"),  # off call: never notified
    "+15550115": ("Erin (test)", "en,ur", True, "volunteer"),
    "+15550119": ("Coordinator (test)", "en,es", False, "coordinator"),
}
ON_CALL = {number for number, (_, _, on_call, _) in ROSTER.items() if on_call}


def speakers(lang: str) -> list[str]:
    return sorted(n for n, (_, langs, on_call, _) in ROSTER.items() if on_call and lang in langs.split(","))


@pytest.fixture
def roster(redis_client, notify_worker, fake_twilio):
    from bot.handoff import volunteers

    ids = {number: volunteers.add(name, number, langs, on_call=on_call, role=role)["id"]
           for number, (name, langs, on_call, role) in ROSTER.items()}
    yield ids
    for volunteer_id in ids.values():
        volunteers.remove(volunteer_id)


def the_case(sender_number: str) -> dict:
    from bot.handoff import escalations
    from bot.store.privacy import pseudonymise

    sender = pseudonymise(sender_number)
    cases = [c for c in escalations.open_cases() if c["sender"] == sender]
    assert len(cases) == 1, cases
    return cases[0]


def notifications(case_id: str) -> list[dict]:
    import json

    from bot.store import storage

    return json.loads(storage.client().hget(f"puente:case:{case_id}", "notifications") or "[]")


def eventually(check, timeout: float = 5.0):
    """check() until it returns something true: a job records its results just after Twilio answers."""
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return result




# -- console users ------------------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


@pytest.fixture
def team(redis_client, fake_twilio, notify_worker):
    """An admin and two volunteers who can sign in to the console (password PASSWORD)."""
    import uuid

    from bot.handoff import volunteers

    suffix = uuid.uuid4().hex[:6]
    people = {
        "admin": volunteers.add(f"Admin {suffix}", "+1-555-0150", ["en"], on_call=False, role="admin", password=PASSWORD),
        "es": volunteers.add(f"Ana {suffix}", "+1-555-0151", ["es", "en"], on_call=True, password=PASSWORD),
        "th": volunteers.add(f"Tida {suffix}", "+1-555-0152", ["th"], on_call=True, password=PASSWORD),
    }
    yield people
    for person in people.values():
        volunteers.remove(person["id"])


def frozen(process):
    """SIGSTOP, then SIGCONT on leaving: the process holds its connections and answers nothing,
    as a hung server does."""
    import signal as _signal

    class Frozen:
        def __enter__(self):
            os.kill(process.pid, _signal.SIGSTOP)

        def __exit__(self, *exc):
            os.kill(process.pid, _signal.SIGCONT)
    return Frozen()
