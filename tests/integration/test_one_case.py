"""One open case per person, and nothing hidden from the volunteer: signed messages through
the real webhook, Rasa and action server, the real RQ worker sending through the Twilio SDK
to the fake Twilio server, which tells what volunteers' phones would have received."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from bot.handoff import cases, takeover, volunteers
from bot.store.privacy import pseudonymise
from tests.integration.conftest import ON_CALL, eventually, speakers, the_case
from tests.integration.test_webhook import expected, joined

MUST_PASS = {(r["lang"], r["intent"]): r["text"] for r in (
    json.loads(line) for line in (Path(__file__).parent / "must_pass.jsonl").open(encoding="utf-8"))}
COORDINATOR = "+15550119"


def about(messages: list[dict], case_id: str) -> list[dict]:
    return [m for m in messages if m["status_code"] == 201 and case_id in m["Body"]]


def person_lines(case_id: str) -> list[str]:
    return [line["text"] for line in cases.get(case_id)["transcript"] if line["from"] == "person"]


@pytest.mark.parametrize("lang", ["en", "so"])
def test_asking_for_a_person_three_times_opens_one_case_and_notifies_once(phone, roster, fake_twilio, lang):
    for _ in range(3):
        assert expected("human.requested", lang) in joined(phone.text(MUST_PASS[(lang, "request_human")]))
    case = the_case(phone.number)  # exactly one
    assert person_lines(case["id"]) == [MUST_PASS[(lang, "request_human")]] * 3
    fake_twilio.wait_for(lambda ms: about(ms, case["id"]), timeout=15)
    time.sleep(1.0)  # repeated notifications would arrive about now
    assert sorted(m["To"] for m in about(fake_twilio.messages, case["id"])) == speakers(lang)


@pytest.mark.parametrize("lang", ["es", "ur"])
def test_ten_urgent_messages_make_one_urgent_case_and_one_round_of_notices(phone, roster, fake_twilio, lang):
    for _ in range(10):
        assert expected("emergency.medical", lang) in joined(phone.text(MUST_PASS[(lang, "emergency_medical")]))
    case = the_case(phone.number)
    assert case["priority"] == "urgent" and len(person_lines(case["id"])) == 10
    fake_twilio.wait_for(lambda ms: about(ms, case["id"]), timeout=15)
    time.sleep(1.0)
    first = [m for m in about(fake_twilio.messages, case["id"])  # the first round, not the 2 s escalation
             if m["Body"].startswith("Puente: URGENT case") and ". Open " in m["Body"]]
    assert sorted(m["To"] for m in first) == speakers(lang)  # once each, not ten times
    assert not [m for m in fake_twilio.messages if "now URGENT" in m["Body"] and case["id"] in m["Body"]]


@pytest.mark.parametrize("lang", ["es", "hmn"])
def test_an_emergency_raises_the_open_case_and_tells_the_volunteers_again(phone, roster, fake_twilio, lang):
    phone.text(MUST_PASS[(lang, "request_human")])
    case = the_case(phone.number)
    assert case["priority"] == "normal"
    fake_twilio.wait_for(lambda ms: about(ms, case["id"]), timeout=15)
    reply = joined(phone.text(MUST_PASS[(lang, "emergency_medical")]))
    assert expected("emergency.medical", lang) in reply  # the guidance at once
    raised = the_case(phone.number)
    assert raised["id"] == case["id"] and (raised["priority"], raised["reason"]) == ("urgent", "emergency_medical")
    again = fake_twilio.wait_for(
        lambda ms: [m for m in about(ms, case["id"]) if "now URGENT" in m["Body"]], timeout=15)
    assert sorted(m["To"] for m in again if "now URGENT" in m["Body"]) == speakers(lang)


@pytest.mark.parametrize("lang", ["es", "so"])
def test_a_held_emergency_alerts_the_holder_once_then_the_others_when_the_holder_is_silent(
        phone, roster, fake_twilio, lang):
    phone.text(MUST_PASS[(lang, "request_human")])
    case = the_case(phone.number)
    holder_number = speakers(lang)[0]
    assert cases.claim(case["id"], roster[holder_number])
    for _ in range(3):
        assert expected("emergency.medical", lang) in joined(phone.text(MUST_PASS[(lang, "emergency_medical")]))
    assert cases.get(case["id"])["priority"] == "urgent"
    others = fake_twilio.wait_for(
        lambda ms: [m for m in about(ms, case["id"]) if "has not responded" in m["Body"]], timeout=20)
    time.sleep(0.5)
    alerts = [m for m in about(fake_twilio.messages, case["id"]) if "EMERGENCY now in the case you hold" in m["Body"]]
    assert [m["To"] for m in alerts] == [holder_number]  # three emergencies, one alert
    others = [m for m in about(fake_twilio.messages, case["id"]) if "has not responded" in m["Body"]]
    assert sorted(m["To"] for m in others) == sorted((ON_CALL - {holder_number}) | {COORDINATOR})


def test_a_holder_who_answers_is_not_escalated_past(phone, roster, fake_twilio):
    phone.text(MUST_PASS[("es", "request_human")])
    case = the_case(phone.number)
    holder = volunteers.get(roster["+15550111"])
    assert cases.claim(case["id"], holder["id"])
    phone.text(MUST_PASS[("es", "emergency_medical")])
    fake_twilio.wait_for(lambda ms: [m for m in about(ms, case["id"]) if "EMERGENCY" in m["Body"]], timeout=15)
    takeover.reply(case["id"], holder, "Estoy aquí. ¿Dónde estás?")
    time.sleep(3.5)  # past the (2 s) escalation delay
    assert not [m for m in about(fake_twilio.messages, case["id"]) if "has not responded" in m["Body"]]


@pytest.mark.parametrize("lang", ["es", "so"])
def test_a_whatsapp_photo_with_a_caption_is_noted_and_the_person_told(phone, roster, lang):
    media = {"NumMedia": "1", "MediaContentType0": "image/jpeg",
             "MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1"}
    # WhatsApp keeps the catalog's typographic dashes; expected() has the SMS ones.
    reply = joined(phone.text(MUST_PASS[(lang, "request_human")], channel="whatsapp", **media)).replace("–", "-")
    assert expected("input.media_unread", lang) in reply and expected("human.requested", lang) in reply
    case = the_case(f"whatsapp:{phone.number}")
    assert person_lines(case["id"]) == [f"{MUST_PASS[(lang, 'request_human')]} [attachment not read: image/jpeg]"]
    # A voice note alone, while the case waits: answered, and noted on the case.
    phone.text("", channel="whatsapp", NumMedia="1", MediaContentType0="audio/ogg",
               MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM2/Media/ME2")
    assert eventually(lambda: person_lines(case["id"])[-1] == "[attachment not read: audio/ogg]")
    # In a held conversation, a photo is noted too, and the person told it was not seen.
    assert cases.claim(case["id"], roster[speakers(lang)[0]])
    reply = phone.text("mira" if lang == "es" else "eeg", channel="whatsapp", NumMedia="2",
                       MediaContentType0="image/png", MediaContentType1="application/pdf")
    assert joined(reply) == expected("input.media_unread", lang)
    assert person_lines(case["id"])[-1].endswith("[attachment not read: image/png, application/pdf]")
    assert pseudonymise(f"whatsapp:{phone.number}") == case["sender"]
