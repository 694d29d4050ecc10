"""Security probes of the volunteer console (sign-in, sessions, CSRF, access control, XSS)."""
from __future__ import annotations

import uuid
from urllib.parse import urljoin, urlsplit

import pytest

from bot.handoff import cases, escalations, volunteers
from bot.store.privacy import pseudonymise
from tests.integration.conftest import PASSWORD
from tests.integration.test_console import csrf, sign_in

BASE = "https://puente.example.org/console/login"


def _case(sender="p_probe", **extra):
    case = escalations.new_case(f"{sender}_{uuid.uuid4().hex[:6]}", "normal", "voice_callback", "en", "voice", "US",
                                "")
    case.update(extra)
    escalations.record(case)
    return case


# -- access control ---------------------------------------------------------------------------------

def test_plain_volunteer_hears_the_voicemail_of_a_case_held_by_another(webhook_app, team):
    rec = f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE{uuid.uuid4().hex}"
    case = _case(recording_url=rec)
    assert cases.claim(case["id"], team["es"]["id"])  # Ana holds it
    other = webhook_app.test_client()
    sign_in(other, team["th"]["name"])  # Tida: a plain volunteer, not the holder
    page = other.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    assert "its conversation is theirs to read" in page  # the transcript is hidden from her ...
    assert rec not in page, "the voicemail link of a case held by another volunteer is shown"


def test_plain_volunteer_hears_the_voicemail_of_a_closed_case(webhook_app, team):
    rec = f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE{uuid.uuid4().hex}"
    case = _case(recording_url=rec)
    assert cases.claim(case["id"], team["es"]["id"])
    cases.close(case["id"], team["es"]["id"], "resolved")
    other = webhook_app.test_client()
    sign_in(other, team["th"]["name"])
    page = other.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    assert rec not in page, "the voicemail link of a closed case is shown to any volunteer"


def test_reclosing_an_old_case_ends_another_volunteers_live_handoff(webhook_app, phone, team, fake_twilio):
    from tests.integration.test_webhook import MUST_PASS

    sender = pseudonymise(phone.number)
    phone.text(MUST_PASS[("en", "request_human")])
    [first] = [c for c in escalations.open_cases() if c["sender"] == sender]
    ana = webhook_app.test_client()
    sign_in(ana, team["es"]["name"])
    page = ana.get(f"/console/cases/{first['id']}").get_data(as_text=True)
    ana.post(f"/console/cases/{first['id']}/claim", data={"csrf": csrf(page)})
    ana.post(f"/console/cases/{first['id']}/close", data={"csrf": csrf(page), "outcome": "resolved"})
    assert cases.get(first["id"])["state"] == "closed"

    phone.text(MUST_PASS[("en", "request_human")])  # the person asks again: a new case, taken by Tida
    [second] = [c for c in escalations.open_cases() if c["sender"] == sender and c["id"] != first["id"]]
    assert cases.claim(second["id"], team["th"]["id"])
    assert cases.held_case(sender) == second["id"]
    sent_before = len([m for m in fake_twilio.messages if m["To"] == phone.number])

    # Ana, who no longer holds anything of this person's, posts "close" on her old case again.
    response = ana.post(f"/console/cases/{first['id']}/close", data={"csrf": csrf(page), "outcome": "other"})
    after = [m for m in fake_twilio.messages if m["To"] == phone.number]
    problems = []
    if response.status_code != 403:
        problems.append(f"re-close answered {response.status_code}")
    if cases.held_case(sender) != second["id"]:
        problems.append("Tida's hand-off key was deleted: the assistant answers the person again")
    if len(after) > sent_before:
        problems.append(f"the person was texted again: {after[-1]['Body']!r}")
    if cases.get(first["id"])["outcome"] != "resolved":
        problems.append("the closed case's outcome was rewritten")
    assert cases.get(second["id"])["state"] == "claimed"
    words = f"tida are you there {uuid.uuid4().hex[:6]}"
    answered = phone.text(words)
    if answered or words not in str(cases.get(second["id"])["transcript"]):
        problems.append(f"the person's next message went to the assistant ({len(answered)} replies), "
                        "not to Tida, who still holds the case")
    assert not problems, problems


def test_plain_volunteer_cannot_act_on_or_read_others_cases(webhook_app, team):
    case = _case(recording_url="")
    cases.append(case["id"], "person", "secret words of the person")
    assert cases.claim(case["id"], team["es"]["id"])
    tida = webhook_app.test_client()
    sign_in(tida, team["th"]["name"])
    token = csrf(tida.get("/console/").get_data(as_text=True))
    assert tida.get(f"/console/cases/{case['id']}/transcript.frag").status_code == 403
    assert "secret words" not in tida.get(f"/console/cases/{case['id']}").get_data(as_text=True)
    assert "secret words" not in tida.get("/console/queue.frag").get_data(as_text=True)
    assert "secret words" not in tida.get("/console/").get_data(as_text=True)
    assert tida.post(f"/console/cases/{case['id']}/claim", data={"csrf": token}).status_code == 302
    assert cases.get(case["id"])["claimed_by"] == team["es"]["id"]
    assert tida.post(f"/console/cases/{case['id']}/reply", data={"csrf": token, "text": "x"}).status_code == 403
    assert tida.post(f"/console/cases/{case['id']}/close", data={"csrf": token, "outcome": "other"}).status_code == 403
    assert tida.get("/console/outbox").status_code == 403
    assert tida.get("/console/admin/volunteers").status_code == 403
    assert tida.post("/console/admin/volunteers", data={"csrf": token, "action": "add", "name": "Evil",
                                                        "phone": "+15550999", "languages": "en", "role": "admin",
                                                        "password": "a long enough passphrase"}).status_code == 403
    assert volunteers.find_by_name("Evil") is None


# -- sign-in ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/console/..//evil.example", "/console%2F%2Fevil.example",
                                    "/console/%2F%2Fevil.example", "/console/\\evil.example", "/console@evil.example",
                                    "/console/\t/evil.example", "/console.evil.example", "https://evil.example/console",
                                    "//evil.example/console", "/console/%5C%5Cevil.example", "/console/%09/evil.example"])
def test_next_never_leaves_the_site(webhook_app, team, target):
    from urllib.parse import quote

    client = webhook_app.test_client()
    page = client.get("/console/login").get_data(as_text=True)
    for raw in (quote(target, safe=""), target):
        response = client.post(f"/console/login?next={raw}",
                               data={"name": team["es"]["name"], "password": PASSWORD, "csrf": csrf(page)})
        assert response.status_code == 302
        location = response.headers["Location"]
        resolved = urlsplit(urljoin(BASE, location.replace("\t", "")))
        assert resolved.netloc == "puente.example.org", (target, location)
        client = webhook_app.test_client()
        page = client.get("/console/login").get_data(as_text=True)


@pytest.mark.parametrize("variant", ["ANA {s}", " ana   {s} ", "Ａｎａ {s}", "Ana\u200b {s}", "Аna {s}"])
def test_name_variants(webhook_app, team, variant):
    """NFKC/case/space variants sign in (one name, one throttle); confusables and zero-width do not."""
    suffix = team["es"]["name"].split()[-1]
    client = webhook_app.test_client()
    status = sign_in(client, variant.format(s=suffix)).status_code
    canonical = volunteers.canonical_name(variant.format(s=suffix)) == volunteers.canonical_name(team["es"]["name"])
    assert status == (302 if canonical else 401)


def test_x_forwarded_for_does_not_evade_throttling(webhook_app, team):
    client = webhook_app.test_client()
    name = team["th"]["name"]
    statuses = []
    for i in range(6):
        page = client.get("/console/login").get_data(as_text=True)
        statuses.append(client.post("/console/login", data={"name": name, "password": "wrong", "csrf": csrf(page)},
                                    headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code)
    assert 429 in statuses, statuses


def test_session_fixation_and_replay(webhook_app, team):
    client = webhook_app.test_client()
    client.get("/console/login")
    before = client.get_cookie("session").value
    sign_in(client, team["es"]["name"])
    after = client.get_cookie("session").value
    assert before != after
    # The pre-login cookie does not become a signed-in one.
    fixed = webhook_app.test_client()
    fixed.set_cookie("session", before)
    assert fixed.get("/console/").status_code == 302
    # A removed volunteer's session ends; a demoted admin loses admin pages at once.
    admin = webhook_app.test_client()
    sign_in(admin, team["admin"]["name"])
    assert admin.get("/console/outbox").status_code == 200
    volunteers.update(team["admin"]["id"], role="volunteer")
    assert admin.get("/console/outbox").status_code == 403
    volunteers.remove(team["es"]["id"])
    assert client.get("/console/").status_code == 302


@pytest.mark.parametrize("path", ["/console/logout", "/console/cases/{id}/claim", "/console/cases/{id}/reply",
                                  "/console/cases/{id}/close", "/console/admin/volunteers"])
def test_every_post_wants_the_csrf_token(webhook_app, team, path):
    case = _case()
    client = webhook_app.test_client()
    sign_in(client, team["admin"]["name"])
    url = path.format(id=case["id"])
    for token in (None, "", "forged"):
        data = {"outcome": "other", "text": "x", "action": "add", "name": "Evil2", "phone": "+15550998",
                "languages": "en", "role": "admin", "password": "a long enough passphrase"}
        if token is not None:
            data["csrf"] = token
        assert client.post(url, data=data).status_code == 400, (url, token)
    assert client.get("/console/").status_code == 200  # still signed in
    assert cases.get(case["id"])["state"] == "waiting"
    # login itself
    anon = webhook_app.test_client()
    assert anon.post("/console/login", data={"name": team["es"]["name"], "password": PASSWORD}).status_code == 400


# -- stored XSS ----------------------------------------------------------------------------------------

def test_stored_xss_is_escaped(webhook_app, team):
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    evil = volunteers.add(f"Evil {payload} {uuid.uuid4().hex[:4]}", "+15550997", ["en"], role="volunteer",
                          password=PASSWORD)
    try:
        case = _case(recording_url='https://x.example/a"><script>alert(3)</script>', reason=payload,
                     channel=payload)
        cases.append(case["id"], "person", payload)
        cases.append(case["id"], "volunteer", payload, by=payload, status="failed", reason=payload)
        assert cases.claim(case["id"], evil["id"])
        admin = webhook_app.test_client()
        sign_in(admin, team["admin"]["name"])
        pages = [admin.get(f"/console/cases/{case['id']}").get_data(as_text=True),
                 admin.get(f"/console/cases/{case['id']}/transcript.frag").get_data(as_text=True),
                 admin.get("/console/").get_data(as_text=True), admin.get("/console/queue.frag").get_data(as_text=True),
                 admin.get("/console/admin/volunteers").get_data(as_text=True)]
        for page in pages:
            assert "<script>alert" not in page and "<img src=x" not in page
    finally:
        volunteers.remove(evil["id"])
