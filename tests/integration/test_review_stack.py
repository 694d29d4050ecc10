"""On the real stack: what a reviewer's import through the console does to the next SMS."""
from __future__ import annotations

import io
import uuid

from bot.conversation import review
from bot.conversation.catalog import po_path
from bot.handoff import volunteers
from tests.integration.test_console import csrf

PASS = "probe reviewer passphrase"


def test_an_imported_catalog_with_a_broken_plural_forms_header_silences_the_language(webhook_app, phone, team):
    from tests.integration.test_webhook import MUST_PASS, joined

    name = f"Revisora {uuid.uuid4().hex[:6]}"
    reviewer = volunteers.add(name, "+1-555-0172", ["es"], on_call=False, role="reviewer", password=PASS)
    path = po_path("es")
    original = path.read_bytes()
    try:
        client = webhook_app.test_client()
        page = client.get("/console/login").get_data(as_text=True)
        client.post("/console/login", data={"name": name, "password": PASS, "csrf": csrf(page)})
        page = client.get("/console/review/es").get_data(as_text=True)
        bad = review.export_po("es").decode("utf-8").replace(
            '"Content-Transfer-Encoding: 8bit\\n"',
            '"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1;\\n"', 1)
        response = client.post("/console/review/es/import", content_type="multipart/form-data",
                               data={"csrf": csrf(page), "po": (io.BytesIO(bad.encode("utf-8")), "es.po")})
        assert response.status_code == 302
        accepted = "error=" not in response.headers["Location"]
        answer = joined(phone.text(MUST_PASS[("es", "right_to_lawyer")]))
        assert not accepted or "abogado" in answer, f"import accepted; the Spanish answer is now {answer!r}"
    finally:
        tmp = path.with_name(".probe-restore")
        tmp.write_bytes(original)
        tmp.replace(path)
        volunteers.remove(reviewer["id"])


def test_a_vertical_tab_pasted_from_word_is_approved_and_the_sms_reply_is_not_xml(webhook_app, phone, team):
    """Word's Shift+Enter is a vertical tab (U+000B). Approved through the console, it goes into
    the TwiML reply, which is then not well-formed XML: Twilio delivers nothing."""
    import xml.etree.ElementTree as ET

    from bot.conversation.catalog import render
    from tests.integration.test_webhook import MUST_PASS

    name = f"Revisora {uuid.uuid4().hex[:6]}"
    reviewer = volunteers.add(name, "+1-555-0173", ["es"], on_call=False, role="reviewer", password=PASS)
    path = po_path("es")
    original = path.read_bytes()
    try:
        client = webhook_app.test_client()
        page = client.get("/console/login").get_data(as_text=True)
        client.post("/console/login", data={"name": name, "password": PASS, "csrf": csrf(page)})
        page = client.get("/console/review/es").get_data(as_text=True)
        text = render("right_to_lawyer.US", "es").replace(". ", ".\x0b", 1)
        client.post("/console/review/es/entry", data={"csrf": csrf(page), "msgid": "right_to_lawyer.US",
                                                      "text": text, "action": "approve"})
        if render("right_to_lawyer.US", "es") != text:
            return  # refused: fine
        response = phone.post("/twilio/messages", {"MessageSid": "SM" + uuid.uuid4().hex, "From": phone.number,
                                                   "To": "+15550100", "Body": MUST_PASS[("es", "right_to_lawyer")],
                                                   "NumMedia": "0"})
        ET.fromstring(response.data)  # ParseError: not well-formed
    finally:
        tmp = path.with_name(".probe-restore")
        tmp.write_bytes(original)
        tmp.replace(path)
        volunteers.remove(reviewer["id"])
