"""POST /twilio/voice and its follow-ups: the phone menus for people calling from detention.

Keypad first (facility phones, little time, no literacy needed), speech where Twilio
recognises the language. Every prompt repeats on silence or a wrong key; it never hangs up
on a person who has not chosen to leave.
"""
from __future__ import annotations

import logging
from urllib.parse import urlencode

import requests
from flask import Blueprint, Response, current_app, request
from twilio.twiml.voice_response import Gather, VoiceResponse

from bot.conversation import content
from bot.conversation.dialogue import Dialogue, say
from bot.conversation.languages import LANGUAGES
from bot.handoff import escalations
from bot.settings import get_settings
from bot.store import storage
from bot.store.privacy import pseudonymise
from bot.store.secrets_box import seal
from bot.understanding.urgent import EMERGENCY_INTENTS
from webhook.messaging import first_time
from webhook.security import twilio_signed

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/twilio/voice")

# Where Twilio has a text-to-speech voice, and where it recognises speech.
TTS = {"en": "en-US", "es": "es-MX", "th": "th-TH"}
SPEECH = {"en": "en-US", "es": "es-MX", "th": "th-TH", "ur": "ur-PK"}
ENGLISH_NAMES = {"en": "English", "es": "Spanish", "th": "Thai", "hmn": "Hmong", "so": "Somali", "ur": "Urdu"}
TOPICS = {"1": "rights_general", "2": "covid_info", "3": "find_clinic"}
MAX_TRIES = 4          # silences or wrong keys before a person is put through to a volunteer
MAX_VOLUNTEERS = 10    # Twilio dials at most ten numbers at once


def _xml(response: VoiceResponse) -> Response:
    return Response(str(response), mimetype="application/xml")


def _url(path: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"/twilio/voice{path}" + (f"?{query}" if query else "")


def _lang() -> str:
    lang = request.args.get("lang", "")
    return lang if lang in LANGUAGES else "en"


def _tries() -> int:
    return int(request.args.get("n", "0") or 0)


def _recording(lang: str, msgid: str) -> str | None:
    return (get_settings().org.get("voice_recordings") or {}).get(lang, {}).get(msgid)


def _speak(target, msgid: str, lang: str, **extra) -> bool:
    """Says msgid in lang, or plays its recording; False when neither is possible."""
    if lang in TTS:
        target.say(say(msgid, lang, **extra), language=TTS[lang])
        return True
    url = _recording(lang, msgid)
    if url:
        target.play(url)
        return True
    return False


def _speak_or_english(target, msgid: str, lang: str) -> None:
    """In the caller's language where possible; else in English rather than silence."""
    if not _speak(target, msgid, lang):
        target.say(say(msgid, "en"), language=TTS["en"])


def _no_recording(target) -> None:
    for lang in ("en", "es"):
        target.say(say("voice.no_recording", lang), language=TTS[lang])


@bp.post("")
@twilio_signed
def incoming():
    response = VoiceResponse()
    accept = current_app.config["PUENTE"].accept_digit
    if accept and first_time(f"accept:{request.form.get('CallSid')}"):
        # Calls from detention phones ask the called party to press a key to accept.
        response.play(digits=f"ww{accept}")
    response.redirect(_url("/menu"), method="POST")
    return _xml(response)


@bp.post("/menu")
@twilio_signed
def language_menu():
    response = VoiceResponse()
    gather = Gather(num_digits=1, action=_url("/language", n=_tries()), method="POST", timeout=6)
    for digit, lang in enumerate(LANGUAGES, start=1):
        if not _speak(gather, "voice.language_option", lang, digit=str(digit)):
            gather.say(f"For {ENGLISH_NAMES[lang]}, press {digit}.",
                       language="en-US")
    response.append(gather)
    _again(response, "/menu", "en")
    return _xml(response)


def _again(response: VoiceResponse, path: str, lang: str, **params) -> None:
    """After a silence: say so, and repeat; after too many, put the person through to a person."""
    tries = _tries() + 1
    if tries >= MAX_TRIES:
        response.redirect(_url("/dial", lang=lang), method="POST")
        return
    _speak_or_english(response, "voice.no_input", lang)
    response.redirect(_url(path, lang=lang, n=tries, **params), method="POST")


@bp.post("/language")
@twilio_signed
def choose_language():
    digit = request.form.get("Digits", "")
    response = VoiceResponse()
    if digit.isdigit() and 1 <= int(digit) <= len(LANGUAGES):
        lang = LANGUAGES[int(digit) - 1]
        try:
            storage.save_profile(pseudonymise(request.form.get("From", "")), language=lang)
        except Exception as error:  # the call goes on without the profile
            log.error("could not remember the caller's language: %s", type(error).__name__)
        response.redirect(_url("/topics", lang=lang), method="POST")
    else:
        response.say(say("voice.wrong_key", "en"), language="en-US")
        response.redirect(_url("/menu", n=_tries() + 1), method="POST")
    return _xml(response)


@bp.post("/topics")
@twilio_signed
def topics():
    lang = _lang()
    response = VoiceResponse()
    inputs = "dtmf speech" if lang in SPEECH else "dtmf"
    gather = Gather(input=inputs, num_digits=1, action=_url("/topic", lang=lang), method="POST", timeout=6,
                    language=SPEECH.get(lang, "en-US"), speech_timeout="auto")
    if _speak(gather, "voice.topic_menu", lang):
        if lang in SPEECH:
            _speak(gather, "voice.speech_hint", lang)
    else:
        _no_recording(gather)
    response.append(gather)
    _again(response, "/topics", lang)
    return _xml(response)


@bp.post("/topic")
@twilio_signed
def topic():
    lang = _lang()
    digit = request.form.get("Digits", "")
    speech = request.form.get("SpeechResult", "")
    response = VoiceResponse()
    if digit == "0":
        response.redirect(_url("/dial", lang=lang), method="POST")
    elif digit in ("9", "*"):
        response.redirect(_url("/topics", lang=lang), method="POST")
    elif digit in TOPICS:
        response.redirect(_url("/answer", lang=lang, topic=TOPICS[digit]), method="POST")
    elif speech:
        intent = _understand(speech)
        if intent in EMERGENCY_INTENTS or intent == "request_human":
            response.redirect(_url("/dial", lang=lang, urgent="1" if intent in EMERGENCY_INTENTS else ""),
                              method="POST")
        elif intent in content.TOPICS:
            response.redirect(_url("/answer", lang=lang, topic=intent), method="POST")
        else:
            _speak(response, "voice.wrong_key", lang)
            response.redirect(_url("/topics", lang=lang), method="POST")
    else:
        _speak_or_english(response, "voice.wrong_key", lang)
        response.redirect(_url("/topics", lang=lang, n=_tries() + 1), method="POST")
    return _xml(response)


def _understand(speech: str) -> str | None:
    """The same NLU as the messages: Rasa's parse API; the urgent phrases as a safety net."""
    urgent = Dialogue(get_settings()).urgent.match(speech)
    if urgent:
        return urgent
    try:
        parse = requests.post(f"{current_app.config['PUENTE'].rasa_url}/model/parse", json={"text": speech},
                              timeout=3).json()
    except (requests.RequestException, ValueError):
        return None
    intent = parse.get("intent") or {}
    if intent.get("name") in EMERGENCY_INTENTS:
        return intent["name"]
    urgency = parse.get("urgency") or {}
    if urgency.get("level") == "unsure" and urgency.get("intent") in EMERGENCY_INTENTS:
        # A caller on a monitored line has no time for "is someone in danger?": a person decides.
        return urgency["intent"]
    return intent.get("name") if (intent.get("confidence") or 0) >= get_settings().nlu_threshold else None


@bp.post("/answer")
@twilio_signed
def answer():
    lang, topic_name = _lang(), request.args.get("topic", "")
    if topic_name not in content.TOPICS:
        topic_name = "rights_general"
    response = VoiceResponse()
    gather = Gather(num_digits=1, action=_url("/after", lang=lang, topic=topic_name), method="POST", timeout=8)
    msgid = content.answer_id(topic_name, get_settings().country)
    if _speak(gather, msgid, lang):
        _speak(gather, "voice.after_answer", lang)
    else:
        _no_recording(gather)
    response.append(gather)
    response.redirect(_url("/topics", lang=lang), method="POST")
    return _xml(response)


@bp.post("/after")
@twilio_signed
def after():
    lang, digit = _lang(), request.form.get("Digits", "")
    response = VoiceResponse()
    if digit == "9":
        response.redirect(_url("/answer", lang=lang, topic=request.args.get("topic", "")), method="POST")
    elif digit == "0":
        response.redirect(_url("/dial", lang=lang), method="POST")
    else:
        response.redirect(_url("/topics", lang=lang), method="POST")
    return _xml(response)


def on_call_numbers(lang: str) -> list[str]:
    volunteers = get_settings().org.get("volunteers") or []
    matching = [v["phone"] for v in volunteers if v.get("on_call") and lang in (v.get("languages") or [])]
    return matching[:MAX_VOLUNTEERS]


@bp.post("/dial")
@twilio_signed
def dial():
    lang = _lang()
    urgent = request.args.get("urgent", "")
    response = VoiceResponse()
    numbers = on_call_numbers(lang)
    if not numbers:
        response.redirect(_url("/voicemail-prompt", lang=lang, urgent=urgent), method="POST")
        return _xml(response)
    _speak_or_english(response, "voice.connecting", lang)
    # All at once; each volunteer must press a key first, so a voicemail box cannot take the call.
    dial_verb = response.dial(action=_url("/dial-done", lang=lang, urgent=urgent), method="POST", timeout=25,
                              caller_id=request.form.get("To") or None)
    for number in numbers:
        dial_verb.number(number, url=_url("/whisper", lang=lang), method="POST")
    return _xml(response)


@bp.post("/whisper")
@twilio_signed
def whisper():
    response = VoiceResponse()
    gather = Gather(num_digits=1, action=_url("/whisper-accept"), method="POST", timeout=8)
    gather.say(say("voice.whisper", "en") + f" ({ENGLISH_NAMES[_lang()]})", language="en-US")
    response.append(gather)
    response.hangup()  # no key: a voicemail box or nobody; this leg drops, the others ring on
    return _xml(response)


@bp.post("/whisper-accept")
@twilio_signed
def whisper_accept():
    response = VoiceResponse()
    if request.form.get("Digits") != "1":
        response.hangup()
    return _xml(response)  # an empty response connects the volunteer to the caller


@bp.post("/dial-done")
@twilio_signed
def dial_done():
    lang = _lang()
    response = VoiceResponse()
    if request.form.get("DialCallStatus") == "completed":
        _speak(response, "voice.goodbye", lang)
        response.hangup()
    else:
        response.redirect(_url("/voicemail-prompt", lang=lang, urgent=request.args.get("urgent", "")), method="POST")
    return _xml(response)


@bp.post("/voicemail-prompt")
@twilio_signed
def voicemail_prompt():
    lang = _lang()
    response = VoiceResponse()
    if not _speak(response, "voice.no_answer", lang):
        for fallback in ("en", "es"):
            response.say(say("voice.no_answer", fallback), language=TTS[fallback])
    response.record(action=_url("/voicemail", lang=lang, urgent=request.args.get("urgent", "")), method="POST",
                    max_length=120, play_beep=True, timeout=5)
    response.redirect(_url("/voicemail", lang=lang, urgent=request.args.get("urgent", "")), method="POST")
    return _xml(response)


@bp.post("/voicemail")
@twilio_signed
def voicemail():
    """The callback request: recorded durably once per recording (Twilio may retry)."""
    lang = _lang()
    form = request.form
    recording = form.get("RecordingUrl", "")
    if first_time(f"voicemail:{form.get('RecordingSid') or form.get('CallSid')}"):
        caller = form.get("From", "")
        case = escalations.new_case(pseudonymise(caller), "urgent" if request.args.get("urgent") else "normal",
                                    "voice_callback", lang, "voice", get_settings().country)
        case["recording_url"] = recording
        case["callback_number"] = seal(caller)  # needed to call back; encrypted at rest
        escalations.record(case)
    response = VoiceResponse()
    _speak_or_english(response, "voice.voicemail_thanks", lang)
    response.hangup()
    return _xml(response)
