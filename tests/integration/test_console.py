"""The volunteer console on the real stack: sign-in, CSRF, claiming, replying, handing back.
The person's phone is the signed webhook phone; Twilio's REST API is the local fake."""
from __future__ import annotations

import re
import threading

import pytest

from bot.conversation.catalog import render
from bot.handoff import cases, escalations, volunteers
from tests.integration.conftest import PASSWORD


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client, name, password=PASSWORD):
    page = client.get("/console/login").get_data(as_text=True)
    return client.post("/console/login", data={"name": name, "password": password, "csrf": csrf(page)})


def test_guessing_is_slowed_for_the_guesser_not_locked_for_the_volunteer(webhook_app, team, redis_client):
    stranger = webhook_app.test_client()
    name = team["es"]["name"]
    for variant in (name, name.upper(), name.replace(" ", "  "), name + "\t", name.replace(" ", "\u00a0")):
        assert sign_in(stranger, variant, "wrong").status_code in (401, 429)
    # Every spelling counted as one name: the stranger now waits, whatever spelling is tried.
    response = sign_in(stranger, name.replace(" ", "\u00a0"), "wrong")
    assert response.status_code == 429 and "seconds" in response.get_data(as_text=True)
    # The volunteer, from another address, signs in at once.
    volunteer = webhook_app.test_client()
    volunteer.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert sign_in(volunteer, name).status_code == 302
    audited = [entry[1]["action"] for entry in redis_client.xrange("puente:audit")]
    assert audited.count("sign_in_failed") >= 3 and "sign_in_throttled" in audited


def test_sign_out_and_a_password_change_end_the_session(webhook_app, team):
    client = webhook_app.test_client()
    sign_in(client, team["es"]["name"])
    cookie = client.get_cookie("session").value
    page = client.get("/console/").get_data(as_text=True)
    client.post("/console/logout", data={"csrf": csrf(page)})
    replay = webhook_app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/console/").status_code == 302  # the old cookie no longer signs anyone in
    sign_in(client, team["es"]["name"])
    assert client.get("/console/").status_code == 200
    volunteers.update(team["es"]["id"], password="another long passphrase")
    assert client.get("/console/").status_code == 302


def test_console_pages_carry_the_security_headers(webhook_app, team):
    client = webhook_app.test_client()
    sign_in(client, team["es"]["name"])
    headers = client.get("/console/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"


def test_a_volunteer_reads_only_waiting_cases_or_their_own(webhook_app, phone, team, redis_client):
    from tests.integration.test_webhook import MUST_PASS

    phone.text(MUST_PASS[("en", "request_human")])
    from bot.store.privacy import pseudonymise

    [case] = [c for c in escalations.open_cases() if c["sender"] == pseudonymise(phone.number)]
    holder, other, admin = (webhook_app.test_client() for _ in range(3))
    sign_in(holder, team["es"]["name"])
    sign_in(other, team["th"]["name"])
    sign_in(admin, team["admin"]["name"])
    assert other.get(f"/console/cases/{case['id']}/transcript.frag").status_code == 200  # waiting: may take it
    cases.claim(case["id"], team["es"]["id"])
    text = MUST_PASS[("en", "request_human")]
    assert text not in other.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    assert other.get(f"/console/cases/{case['id']}/transcript.frag").status_code == 403
    assert text in holder.get(f"/console/cases/{case['id']}/transcript.frag").get_data(as_text=True)
    assert text in admin.get(f"/console/cases/{case['id']}/transcript.frag").get_data(as_text=True)
    assert other.get("/console/outbox").status_code == 403 and admin.get("/console/outbox").status_code == 200
    reads = [e[1] for e in redis_client.xrange("puente:audit") if e[1]["action"] == "read_transcript"]
    assert {r["who"] for r in reads if r["case"] == case["id"]} >= {team["es"]["id"], team["admin"]["id"]}


def test_only_https_recording_links_are_rendered(webhook_app, team):
    case = escalations.new_case("p_js_link", "normal", "voicemail", "en", "voice", "US", "")
    case["recording_url"] = "javascript:alert(document.cookie)"
    escalations.record(case)
    client = webhook_app.test_client()
    sign_in(client, team["admin"]["name"])
    page = client.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    assert "javascript:" not in page


@pytest.mark.parametrize("form", [
    {"action": "add", "name": "X", "phone": "not a phone", "password": "a long enough passphrase"},
    {"action": "add", "name": "Weak Y", "phone": "+15550177", "password": "1"},
    {"action": "add"}, {"action": "toggle"}, {"action": "remove"}, {"action": "explode"}, {},
])
def test_malformed_admin_input_is_answered_never_500(webhook_app, team, form):
    client = webhook_app.test_client()
    sign_in(client, team["admin"]["name"])
    page = client.get("/console/admin/volunteers").get_data(as_text=True)
    response = client.post("/console/admin/volunteers", data={"csrf": csrf(page), **form})
    assert response.status_code in (302, 400)


def test_pages_need_a_session_and_posts_need_the_csrf_token(webhook_app, team):
    client = webhook_app.test_client()
    assert client.get("/console/").status_code == 302
    assert sign_in(client, team["es"]["name"]).status_code == 302
    assert client.get("/console/").status_code == 200
    assert client.post("/console/cases/nope/claim", data={}).status_code == 400


def test_two_volunteers_claim_at_once_exactly_one_wins(redis_client):
    case = escalations.new_case("p_race", "urgent", "emergency_abuse", "es", "sms", "US", "...")
    escalations.record(case)
    barrier, results = threading.Barrier(8), []

    def attempt(i):
        barrier.wait()
        results.append(cases.claim(case["id"], f"v{i}"))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results) == [False] * 7 + [True]


def test_urgent_case_claimed_answered_and_handed_back(webhook_app, phone, team, fake_twilio, redis_client):
    from tests.integration.test_webhook import MUST_PASS, expected, joined

    assert expected("escalation.recorded", "es") in joined(phone.text(MUST_PASS[("es", "emergency_abuse")]))
    [case] = [c for c in escalations.open_cases() if c["language"] == "es" and c["priority"] == "urgent"
              and c["state"] == "waiting"]
    client = webhook_app.test_client()
    sign_in(client, team["es"]["name"])
    queue = client.get("/console/?lang=es").get_data(as_text=True)
    assert case["id"] in queue and "URGENT" in queue
    page = client.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    assert phone.number not in page  # masked until claimed
    client.post(f"/console/cases/{case['id']}/claim", data={"csrf": csrf(page)})
    page = client.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    assert phone.number in page
    to_person = [m for m in fake_twilio.messages if m["To"] == phone.number]
    assert to_person and to_person[-1]["Body"] == render("handoff.claimed", "es")

    # While the volunteer holds the case the assistant is silent and the volunteer reads along.
    assert phone.text("sigo aqui, tengo miedo") == []
    assert "sigo aqui, tengo miedo" in client.get(f"/console/cases/{case['id']}/transcript.frag").get_data(as_text=True)

    client.post(f"/console/cases/{case['id']}/reply", data={"csrf": csrf(page), "text": "Hola, soy Ana. Estoy contigo."})
    assert [m for m in fake_twilio.messages if m["To"] == phone.number][-1]["Body"] == "Hola, soy Ana. Estoy contigo."

    client.post(f"/console/cases/{case['id']}/close", data={"csrf": csrf(page), "outcome": "resolved"})
    assert cases.get(case["id"])["state"] == "closed"
    assert expected("welcome", "es") in joined(phone.text(MUST_PASS[("es", "greet")]))
    actions = [entry[1]["action"] for entry in redis_client.xrange("puente:audit")]
    assert {"view", "claim", "reply", "close"} <= set(actions)


def test_undeliverable_reply_is_shown_with_the_reason(webhook_app, phone, team, redis_client):
    from tests.integration.test_webhook import MUST_PASS

    phone.text(MUST_PASS[("es", "request_human")])
    [case] = [c for c in escalations.open_cases() if c["reason"] == "request_human" and c["state"] == "waiting"]
    phone.text("STOP")
    client = webhook_app.test_client()
    sign_in(client, team["es"]["name"])
    page = client.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    client.post(f"/console/cases/{case['id']}/claim", data={"csrf": csrf(page)})
    client.post(f"/console/cases/{case['id']}/reply", data={"csrf": csrf(page), "text": "hola?"})
    transcript = client.get(f"/console/cases/{case['id']}/transcript.frag").get_data(as_text=True)
    assert "STOP" in transcript


@pytest.mark.parametrize("lang,ask,emergency", [
    ("es", "quiero hablar con una persona por favor", "me estan golpeando ahora mismo, no puedo respirar"),
    ("en", "can i talk to a real person please", "they are beating me right now, i cant breathe"),
])
def test_an_emergency_in_a_held_conversation_is_answered_and_alerts_the_volunteer(
        webhook_app, phone, team, fake_twilio, redis_client, lang, ask, emergency):
    """A volunteer holds a normal case; the person writes an emergency: the guidance goes back
    at once, the case becomes urgent, and the volunteer who holds it gets an SMS."""
    from bot.store.privacy import pseudonymise
    from tests.integration.test_webhook import expected, joined

    assert expected("human.requested", lang) in joined(phone.text(ask))
    sender = pseudonymise(phone.number)
    [case] = [c for c in escalations.open_cases() if c["sender"] == sender and c["priority"] == "normal"]
    holder = team["es"]
    assert cases.claim(case["id"], holder["id"])
    reply = joined(phone.text(emergency))
    assert "911" in reply and cases.get(case["id"])["priority"] == "urgent"
    alerts = fake_twilio.wait_for(lambda ms: [m for m in ms if case["id"] in m["Body"] and "EMERGENCY" in m["Body"]],
                                  timeout=15)
    assert [m["To"] for m in alerts if "EMERGENCY" in m["Body"]] == [volunteers.phone_of(holder)]
    # A calm message in the held conversation stays with the volunteer, unanswered by the assistant.
    assert phone.text("gracias" if lang == "es" else "thank you") == []
    # STOP shows on the case at once, not when the volunteer's next reply fails.
    phone.text("STOP")
    assert any("texted STOP" in line["text"] for line in cases.get(case["id"])["transcript"])


def test_a_withheld_callers_voicemail_shows_no_number_and_no_call_back(webhook_app, phone, team, redis_client):
    from tests.integration.test_voice import Call, dial_to_voicemail, to_topics

    call = Call(phone, caller="+266696687")  # Twilio's ANONYMOUS
    response = dial_to_voicemail(call, call.answer(to_topics(call, "es"), Digits="0"), "no-answer")
    call.post(response.find("Record").get("action"), RecordingUrl="https://api.twilio.com/rec/RE9",
              RecordingSid="RE" + call.sid[-8:])
    [case] = [c for c in escalations.open_cases() if c.get("caller") == "withheld" and c["language"] == "es"
              and c["recording_url"] == "https://api.twilio.com/rec/RE9"]
    client = webhook_app.test_client()
    sign_in(client, team["es"]["name"])
    page = client.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    client.post(f"/console/cases/{case['id']}/claim", data={"csrf": csrf(page)})
    page = client.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    assert "Number withheld" in page and "266696687" not in page and "tel:" not in page
