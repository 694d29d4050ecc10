"""The console in headless Chromium (Debian's), as a volunteer uses it on a phone screen."""
from __future__ import annotations

import shutil
import threading
import uuid

import pytest
from werkzeug.serving import make_server

from bot.conversation.catalog import render
from bot.handoff import escalations, volunteers

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def live_console(webhook_app):
    server = make_server("127.0.0.1", 0, webhook_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api").sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    yield chromium
    chromium.close()
    playwright.stop()


def test_volunteer_takes_an_urgent_case_replies_and_hands_back(live_console, browser, phone, fake_twilio, notify_worker,
                                                               redis_client, tmp_path):
    from tests.integration.test_webhook import MUST_PASS, expected, joined

    name = f"Tida {uuid.uuid4().hex[:6]}"
    volunteer = volunteers.add(name, "+1-555-0161", ["th", "en"], on_call=True, password="volunteer pass 1")
    try:
        phone.text(MUST_PASS[("th", "emergency_medical")], channel="whatsapp")
        [case] = [c for c in escalations.open_cases() if c["language"] == "th" and c["state"] == "waiting"]

        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone screen
        page.goto(f"{live_console}/console/")
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", "volunteer pass 1")
        page.click("button[type=submit]")
        page.wait_for_selector(f"a[href='/console/cases/{case['id']}']")
        assert "URGENT" in page.inner_text(f"a[href='/console/cases/{case['id']}']")
        page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)

        page.click(f"a[href='/console/cases/{case['id']}']")
        page.click("text=Take this case")
        page.wait_for_selector("textarea[name=text]")
        page.click(".canned .chip >> nth=0")  # a canned reply in the person's language (Thai)
        canned = page.input_value("textarea[name=text]")
        assert canned == render("canned.hello", "th")
        page.click("text=Send")
        page.wait_for_selector(".from-volunteer")
        page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
        received = [m for m in fake_twilio.messages if m["To"] == f"whatsapp:{phone.number}"]
        assert received[-1]["Body"] == canned

        # A new message from the person appears without reloading.
        phone.text("ขอบคุณค่ะ", channel="whatsapp")
        page.wait_for_selector("text=ขอบคุณค่ะ", timeout=10_000)

        page.select_option("select[name=outcome]", "resolved")
        page.click("text=Close and hand back to the assistant")
        page.wait_for_url(f"{live_console}/console/")
        assert expected("welcome", "th") in joined(phone.text(MUST_PASS[("th", "greet")], channel="whatsapp"))
    finally:
        volunteers.remove(volunteer["id"])
