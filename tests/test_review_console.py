"""The console review pages as an attacker uses them (Flask test client, private catalogs)."""
from __future__ import annotations

import re
import uuid

import pytest

from bot.conversation import review
from bot.conversation.catalog import render

PASSWORD = "probe passphrase long enough"


@pytest.fixture(scope="module")
def app():
    from webhook import create_app
    from webhook.config import WebhookConfig

    return create_app(WebhookConfig(auth_token="t", public_url="https://puente.example.org",
                                    rasa_url="http://127.0.0.1:9", local_mode=False))


@pytest.fixture
def people(redis_client):
    from bot.handoff import volunteers

    suffix = uuid.uuid4().hex[:6]
    made = {
        "es_reviewer": volunteers.add(f"Rev Es {suffix}", "+1-555-0161", ["es"], on_call=False, role="reviewer",
                                      password=PASSWORD),
        "th_reviewer": volunteers.add(f"Rev Th {suffix}", "+1-555-0162", ["th"], on_call=False, role="reviewer",
                                      password=PASSWORD),
        "volunteer": volunteers.add(f"Vol {suffix}", "+1-555-0163", ["es", "en"], on_call=False, password=PASSWORD),
        "coordinator": volunteers.add(f"Coord {suffix}", "+1-555-0164", ["en", "es"], on_call=False,
                                      role="coordinator", password=PASSWORD),
    }
    yield made
    for v in made.values():
        volunteers.remove(v["id"])


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def signed_in(app, volunteer):
    client = app.test_client()
    page = client.get("/console/login").get_data(as_text=True)
    r = client.post("/console/login", data={"name": volunteer["name"], "password": PASSWORD, "csrf": csrf(page)})
    assert r.status_code == 302, r.status_code
    return client


def token(client, lang):
    return csrf(client.get(f"/console/review/{lang}").get_data(as_text=True))


def test_a_newline_in_the_posted_msgid_is_a_500(app, people, catalogs):
    """The unknown msgid goes unchecked into the redirect's Location fragment."""
    client = signed_in(app, people["es_reviewer"])
    response = client.post("/console/review/es/entry", data={"csrf": token(client, "es"), "action": "save",
                                                              "msgid": "thanks\r\nX-Injected: 1", "text": "hola"})
    assert response.status_code < 500


def test_the_error_banner_shows_any_text_a_link_puts_in_the_url(app, people, catalogs):
    """/console/review/<lang>?error=... is displayed as the console's own alert: a link sent to
    a reviewer can make the console say anything (escaped, but still the console's voice)."""
    client = signed_in(app, people["es_reviewer"])
    bait = "Your session expired. Call the coordinator now on +1-900-555-0100"
    page = client.get("/console/review/es", query_string={"error": bait}).get_data(as_text=True)
    assert bait not in page


def test_an_approval_from_a_page_showing_the_old_english_marks_the_stale_translation_done(app, people, catalogs):
    """The digest written as `source` is that of the English at save time, not of the English the
    reviewer saw (the form does not carry it): a reviewer who loaded the page before the English
    was corrected approves the old translation, and it is served as reviewed against the new."""
    es = signed_in(app, people["es_reviewer"])
    page = es.get("/console/review/es").get_data(as_text=True)  # shows the old English
    old_spanish = render("covid_info", "es")
    review.save("en", "covid_info", "COVID-19 is an illness caused by a virus. Corrected: no longer X.",
                "Coordinator", approve=True)  # meanwhile, the English is corrected
    assert render("covid_info", "es") != old_spanish  # fuzzy: English served
    es.post("/console/review/es/entry", data={"csrf": csrf(page), "msgid": "covid_info", "text": old_spanish,
                                             "action": "approve"})
    assert render("covid_info", "es") != old_spanish, "translation of the old English approved as current"
