"""The phone line against forged and tampered requests, odd query parameters on signed URLs."""
from __future__ import annotations

import uuid

import pytest

from bot.handoff import calls
from tests.integration.test_voice import HOTLINE, Call, end_of_menus, to_topics

PATHS = ["/twilio/voice", "/twilio/voice/menu", "/twilio/voice/language", "/twilio/voice/topics",
         "/twilio/voice/topic", "/twilio/voice/answer", "/twilio/voice/after", "/twilio/voice/silence",
         "/twilio/voice/dial", "/twilio/voice/whisper", "/twilio/voice/whisper-accept",
         "/twilio/voice/dial-done", "/twilio/voice/voicemail-prompt", "/twilio/voice/voicemail"]


@pytest.mark.parametrize("path", PATHS)
def test_unsigned_and_badly_signed_requests_get_403(phone, redis_client, path):
    form = {"CallSid": "CAforged", "From": "+15550199", "To": HOTLINE, "Digits": "1",
            "RecordingUrl": "https://evil.example/x"}
    assert phone.post(path, form, signature="").status_code == 403
    assert phone.post(path, form, signature="bm9wZQ==").status_code == 403
    # Signed for another URL (query tampered): refused.
    from twilio.request_validator import RequestValidator

    from tests.integration.conftest import AUTH_TOKEN, PUBLIC_URL
    sig = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, form)
    assert phone.client.post(path + "?call=CAother", data=form,
                             headers={"X-Twilio-Signature": sig}).status_code == 403
    assert redis_client.keys("puente:*") == []


ODD_N = ["-5", "abc", "", "99999999999999999999", "1e9", "²", "٣", "3.5", " 2"]


@pytest.mark.parametrize("n", ODD_N)
@pytest.mark.parametrize("path", ["/twilio/voice/menu", "/twilio/voice/topics", "/twilio/voice/answer",
                                  "/twilio/voice/silence", "/twilio/voice/language", "/twilio/voice/topic",
                                  "/twilio/voice/after"])
def test_odd_n_is_never_a_500(phone, roster, path, n):
    resp = phone.post(f"{path}?n={n}&lang=es", {"CallSid": "CA" + uuid.uuid4().hex, "From": phone.number,
                                                "To": HOTLINE, "Digits": "7"})
    assert resp.status_code == 200, (resp.status_code, resp.data[:200])


def test_digits_superscript_body(phone, roster):
    call = Call(phone)
    gather = call.start().find("Gather")
    resp = phone.post(gather.get("action"), {"CallSid": call.sid, "From": phone.number, "To": HOTLINE,
                                             "Digits": "²"})
    print(gather.get("action"), resp.status_code, resp.data)
    assert resp.status_code == 200


@pytest.mark.parametrize("to", ["../x", "dial", "voicemail", "/menu", "", "MENU", "answer"])
@pytest.mark.parametrize("lang", ["xx", "", "EN", "../en", "es"])
def test_silence_with_odd_to_and_lang_goes_back_into_a_menu(phone, roster, to, lang):
    call = Call(phone)
    response = call.post(f"/twilio/voice/silence?to={to}&lang={lang}&topic=../../etc")
    redirect = response.find("Redirect").text
    assert redirect.split("?")[0] in ("/twilio/voice/menu", "/twilio/voice/topics", "/twilio/voice/answer")
    response = call.settle(response)
    while end_of_menus(response) is None:
        response = call.answer(response)
    assert end_of_menus(response) == "Dial"


@pytest.mark.parametrize("urgent", ["anything", "emergency_medical", "../x", "<Say>x</Say>"])
@pytest.mark.parametrize("unsure", ["", "1", "no"])
def test_dial_with_odd_urgent_and_unsure(phone, roster, urgent, unsure):
    call = Call(phone)
    response = call.post(f"/twilio/voice/dial?lang=xx&urgent={urgent}&unsure={unsure}")
    assert end_of_menus(response) == "Dial"
    response = call.settle(call.post(response.find("Dial").get("action"), DialCallStatus="no-answer"))
    assert end_of_menus(response) == "Record"
    resp = call.post(response.find("Record").get("action"), RecordingUrl="https://api.twilio.com/rec/x",
                     RecordingSid="RE" + uuid.uuid4().hex)
    assert resp.find("Hangup") is not None


def test_whisper_accept_for_another_call_is_only_via_a_signed_url(phone, roster):
    """call=<another sid> is inside the signed URL: a tampered one is refused (above); a signed
    one (only Twilio, from our own TwiML) marks that call. Here: what a signed forgery would do."""
    victim = Call(phone)
    response = victim.answer(to_topics(victim, "es"), Digits="0")
    resp = phone.post(f"/twilio/voice/whisper-accept?call={victim.sid}",
                      {"CallSid": "CAx", "From": HOTLINE, "To": "+15550111", "Digits": "1"}, signature="")
    assert resp.status_code == 403
    assert not calls.answered(victim.sid)
    response = victim.settle(victim.post(response.find("Dial").get("action"), DialCallStatus="completed"))
    assert end_of_menus(response) == "Record"


@pytest.mark.parametrize("topic", ["../x", "", "emergency_medical", "request_human", "covid_info"])
def test_answer_and_after_with_odd_topic(phone, roster, topic):
    call = Call(phone)
    response = call.post(f"/twilio/voice/answer?lang=th&topic={topic}")
    assert response.find("Gather") is not None
    response = call.answer(response, Digits="9")
    assert response.find("Gather") is not None
