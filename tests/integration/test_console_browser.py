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


def test_a_reviewer_edits_and_approves_a_spanish_entry_and_the_next_sms_carries_it(live_console, browser, phone,
                                                                                  redis_client, tmp_path):
    """Issue 13: the organisation corrects an answer without a programmer; the .po is signed by
    the reviewer and the running assistant (the action server) uses it at the next message."""
    from tests.integration.test_webhook import MUST_PASS, joined

    name = f"Revisora {uuid.uuid4().hex[:6]}"
    reviewer = volunteers.add(name, "+1-555-0171", ["es"], on_call=False, role="reviewer",
                              password="reviewer pass 1")
    corrected = ("Puedes tener abogado, pero el gobierno no lo paga. Pide la lista de servicios legales "
                 "gratuitos del tribunal de inmigración. Texto revisado hoy.")
    try:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{live_console}/console/")
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", "reviewer pass 1")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_console}/console/review")  # a reviewer takes no cases
        assert "Español" in page.inner_text("table.status")
        assert "ภาษาไทย" not in page.inner_text("table.status")  # only the languages they speak
        page.click("text=Español (es)")
        page.select_option("select[name=country]", "US")
        page.click("text=Show")
        entry = page.locator("li[id='right_to_lawyer.US']")
        assert "lawyer" in entry.locator(".english").inner_text()  # the English beside the translation
        entry.locator("textarea[name=text]").fill(corrected)
        entry.locator("button[value=approve]").click()
        page.wait_for_selector(".saved")
        assert "done" in page.locator("li[id='right_to_lawyer.US'] .state").inner_text()
        assert name in page.locator("li[id='right_to_lawyer.US']").inner_text()
        page.screenshot(path=str(tmp_path / "review.png"), full_page=True)

        answer = joined(phone.text(MUST_PASS[("es", "right_to_lawyer")]))
        assert corrected in answer

        # A placeholder dropped by mistake is refused with a reason, and nothing changes.
        entry = page.locator("li[id='emergency.medical']")
        entry.locator("textarea[name=text]").fill("Llama al 911.")
        entry.locator("button[value=approve]").click()
        page.wait_for_selector(".error")
        assert "emergency_number" in page.inner_text(".error")
    finally:
        volunteers.remove(reviewer["id"])
