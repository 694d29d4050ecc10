"""Shared fixtures: a real Redis server for the whole run, and settings pointing at it."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


REDIS_PASSWORD = "test-redis-password-not-secret"


def start_redis(directory: Path, port: int, password: str = REDIS_PASSWORD) -> subprocess.Popen:
    """A real redis-server as bin/services runs it: loopback only, a password, append-only."""
    directory.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1",
         "--dir", str(directory), "--appendonly", "yes", "--save", "", "--requirepass", password],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    port = free_port()
    directory = tmp_path_factory.mktemp("redis")
    process = start_redis(directory, port)
    yield {"port": port, "url": f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0", "dir": directory, "process": process,
           "password": REDIS_PASSWORD}
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session", autouse=True)
def test_environment(tmp_path_factory, redis_server):
    """Every test sees settings that point at the test Redis and a private var/ directory."""
    var_dir = tmp_path_factory.mktemp("var")
    # A copy of the catalogs: the review tests edit them, as a reviewer would, never the repo's.
    locale_dir = tmp_path_factory.mktemp("catalogs") / "locale"
    shutil.copytree(ROOT / "locale", locale_dir, ignore=shutil.ignore_patterns("*.mo", ".review.lock"))
    os.environ.update({
        "PUENTE_LOCALE_DIR": str(locale_dir),
        "REDIS_URL": redis_server["url"],
        "PUENTE_VAR_DIR": str(var_dir),
        "PUENTE_PSEUDONYM_KEY": "test-key-not-secret",
        "PUENTE_COUNTRY": "US",
        "RASA_TELEMETRY_ENABLED": "false",
        "PUENTE_SPOOL_FLUSH_SECONDS": "0",  # no background flusher in the test process
        "REDIS_PASSWORD": REDIS_PASSWORD,
        "RASA_AUTH_TOKEN": "test-rasa-token-not-secret",
        "ACTION_SERVER_TOKEN": "test-action-token-not-secret",
    })
    from bot.settings import get_settings
    from bot.store import storage

    get_settings.cache_clear()
    storage.client.cache_clear()
    storage.tracker_client.cache_clear()
    yield


@pytest.fixture
def catalogs(tmp_path, monkeypatch):
    """A private copy of the catalogs, as the settings see them: a test may edit them freely."""
    from bot.settings import get_settings

    locale = tmp_path / "locale"
    shutil.copytree(get_settings().locale_dir, locale, ignore=shutil.ignore_patterns("*.mo", ".review.lock"))
    monkeypatch.setenv("PUENTE_LOCALE_DIR", str(locale))
    get_settings.cache_clear()
    yield locale
    get_settings.cache_clear()


@pytest.fixture
def redis_client(redis_server):
    import redis

    client = redis.Redis.from_url(redis_server["url"], decode_responses=True)
    client.flushdb()
    return client


@pytest.fixture(scope="session")
def fake_twilio():
    """A local server speaking Twilio's REST API (tests/fake_twilio.py), for the whole run;
    reset before every test that uses it (see _reset_fake_twilio)."""
    from tests.fake_twilio import FakeTwilio

    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _reset_fake_twilio(request):
    # Per test: no messages, no failures left over. Only when the test uses the server, so
    # that tests which do not need it never start it.
    if "fake_twilio" in request.fixturenames:
        request.getfixturevalue("fake_twilio").reset()


@pytest.fixture
def twilio_env(fake_twilio, monkeypatch):
    """Credentials for the fake server in this process, as the notify worker gets them."""
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", fake_twilio.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", fake_twilio.auth_token)
    monkeypatch.setenv("TWILIO_API_BASE", fake_twilio.url)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+15550100")
    monkeypatch.setenv("TWILIO_WHATSAPP_FROM", "+15550100")
    return fake_twilio


@pytest.fixture
def private_var(tmp_path):
    """A var/ of this test's own, so the running stack's spool flusher (the action server
    moves spooled cases into Redis every second) cannot take this test's spool first."""
    from bot.settings import get_settings

    before = os.environ["PUENTE_VAR_DIR"]
    os.environ["PUENTE_VAR_DIR"] = str(tmp_path)
    get_settings.cache_clear()
    yield tmp_path
    os.environ["PUENTE_VAR_DIR"] = before
    get_settings.cache_clear()
