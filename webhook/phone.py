"""A terminal phone: correctly signed Twilio requests to the running webhook, so the
helpline can be tried (and tested, and benchmarked) without a Twilio account."""
from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import requests
from twilio.request_validator import RequestValidator

HOTLINE = "+15550100"  # the fictional number people "call" locally


@dataclass
class Phone:
    webhook_url: str   # where the webhook listens, e.g. http://127.0.0.1:8000
    public_url: str    # what Twilio would call (PUBLIC_URL): the signature covers it
    auth_token: str
    number: str = "+15550123"
    session: requests.Session = field(default_factory=requests.Session)

    def post(self, path: str, params: dict, signature: str | None = None) -> requests.Response:
        signature = signature if signature is not None else \
            RequestValidator(self.auth_token).compute_signature(self.public_url + path, params)
        return self.session.post(self.webhook_url + path, data=params,
                                 headers={"X-Twilio-Signature": signature}, timeout=30)

    def text(self, body: str, channel: str = "sms", sid: str | None = None, **extra) -> list[str]:
        sender = f"whatsapp:{self.number}" if channel == "whatsapp" else self.number
        params = {"MessageSid": sid or "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                  "From": sender, "To": f"whatsapp:{HOTLINE}" if channel == "whatsapp" else HOTLINE,
                  "Body": body, "NumMedia": "0", **extra}
        response = self.post("/twilio/messages", params)
        response.raise_for_status()
        return [m.text or "" for m in ET.fromstring(response.text).iter("Message")]

    def call(self, path: str = "/twilio/voice", call_sid: str | None = None, **params) -> ET.Element:
        form = {"CallSid": call_sid or "CA" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                "From": self.number, "To": HOTLINE, "CallStatus": "in-progress", **params}
        response = self.post(path, form)
        response.raise_for_status()
        return ET.fromstring(response.text)


def follow(response: ET.Element) -> tuple[str | None, list[str]]:
    """Where a TwiML response sends the call next (a Gather's action, or a Redirect) and what it says."""
    said = [el.text or "" for el in response.iter() if el.tag in ("Say", "Play")]
    gather = response.find("Gather")
    if gather is not None:
        return gather.get("action"), said
    redirect = response.find("Redirect")
    return (redirect.text if redirect is not None else None), said


def interactive(phone: Phone, channel: str) -> None:
    import sys

    print(f"Puente by {channel} from {phone.number} (fictional). Ctrl-D to hang up.\n")
    if channel == "voice":
        _voice(phone)
        return
    for line in sys.stdin if not sys.stdin.isatty() else iter(lambda: input("you> "), None):
        for message in phone.text(line.rstrip("\n"), channel=channel):
            print("puente>", message.replace("\n", "\n        "), "\n")


def _voice(phone: Phone) -> None:
    call_sid = "CA" + uuid.uuid4().hex
    response = phone.call(call_sid=call_sid)
    while True:
        target, said = follow(response)
        for text in said:
            print("  (voice)", text)
        if target is None:
            print("  (the call ended)")
            return
        if response.find("Gather") is None:
            response = phone.call(target, call_sid=call_sid)
            continue
        try:
            digits = input("keys> ").strip()
        except EOFError:
            return
        params = {"Digits": digits} if digits and all(c in "0123456789*#" for c in digits) else \
            ({"SpeechResult": digits} if digits else {})
        response = phone.call(target, call_sid=call_sid, **params)
