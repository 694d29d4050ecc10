"""On the real stack: what a reviewer's edit or import through the console does to the next SMS."""
from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
from contextlib import contextmanager

from bot.conversation import review
from bot.conversation.catalog import po_path, render
from bot.handoff import volunteers
from tests.integration.test_console import csrf
from tests.integration.test_webhook import MUST_PASS, joined

PASS = "probe reviewer passphrase"


@contextmanager
def spanish_reviewer(webhook_app):
    """A signed-in Spanish reviewer's client and the CSRF token of the review page; the Spanish
    catalog is put back afterwards."""
    name = f"Revisora {uuid.uuid4().hex[:6]}"
    reviewer = volunteers.add(name, "+1-555-0172", ["es"], on_call=False, role="reviewer", password=PASS)
    path = po_path("es")
    original = path.read_bytes()
    try:
        client = webhook_app.test_client()
        page = client.get("/console/login").get_data(as_text=True)
        client.post("/console/login", data={"name": name, "password": PASS, "csrf": csrf(page)})
        yield client, csrf(client.get("/console/review/es").get_data(as_text=True))
    finally:
        tmp = path.with_name(".probe-restore")
        tmp.write_bytes(original)
        tmp.replace(path)
        volunteers.remove(reviewer["id"])


def test_an_imported_catalog_with_a_broken_plural_forms_header_changes_nothing_and_spanish_still_answers(
        webhook_app, phone, team):
    """The header of an uploaded .po is never taken (only its texts): gettext could not load it."""
    with spanish_reviewer(webhook_app) as (client, token):
        before = po_path("es").read_bytes()
        bad = review.export_po("es").decode("utf-8").replace(
            '"Content-Transfer-Encoding: 8bit\\n"',
            '"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1;\\n"', 1)
        response = client.post("/console/review/es/import", content_type="multipart/form-data",
                               data={"csrf": token, "po": (io.BytesIO(bad.encode("utf-8")), "es.po")})
        assert response.status_code == 302 and po_path("es").read_bytes() == before
        assert "abogado" in joined(phone.text(MUST_PASS[("es", "right_to_lawyer")]))


def test_a_vertical_tab_pasted_from_word_is_refused_and_the_sms_reply_stays_xml(webhook_app, phone, team):
    """Word's Shift+Enter is a vertical tab (U+000B): in the TwiML reply it would make the XML
    not well-formed, and Twilio would deliver nothing."""
    with spanish_reviewer(webhook_app) as (client, token):
        text = render("right_to_lawyer.US", "es").replace(". ", ".\x0b", 1)
        client.post("/console/review/es/entry", data={"csrf": token, "msgid": "right_to_lawyer.US",
                                                      "text": text, "action": "approve"})
        assert render("right_to_lawyer.US", "es") != text
        response = phone.post("/twilio/messages", {"MessageSid": "SM" + uuid.uuid4().hex, "From": phone.number,
                                                   "To": "+15550100", "Body": MUST_PASS[("es", "right_to_lawyer")],
                                                   "NumMedia": "0"})
        ET.fromstring(response.data)
