"""POST /twilio/voice and its follow-ups: the phone menus for people calling from detention.

Keypad first (facility phones, little time, no literacy needed), speech where Twilio
recognises the language. Every silence, wrong key and unrecognised answer, in every menu,
counts toward one limit per call (bot.handoff.calls); past it the caller is put through
to the volunteers, and when nobody accepts the call, to voicemail. No path hangs up on a
person who has not chosen to leave.
"""
from __future__ import annotations

import logging
import re
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request
from twilio.twiml.voice_response import Gather, VoiceResponse

from bot.clinics import voice as voice_clinics
from bot.conversation import content
from bot.conversation.catalog import reviewed_note
from bot.conversation.dialogue import Dialogue, say
from bot.conversation.languages import LANGUAGES
from bot.handoff import calls, escalations
from bot.settings import get_settings
from bot.store import storage
from bot.store.secrets_box import seal
from bot.understanding import offline
from bot.understanding.urgent import EMERGENCY_INTENTS
from webhook.messaging import first_time
from webhook.rasa_client import triage
from webhook.security import twilio_signed

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/twilio/voice")

# Where Twilio has a text-to-speech voice, and where it recognises speech.
TTS = {"en": "en-US", "es": "es-MX", "th": "th-TH"}
SPEECH = {"en": "en-US", "es": "es-MX", "th": "th-TH", "ur": "ur-PK"}
ENGLISH_NAMES = {"en": "English", "es": "Spanish", "th": "Thai", "hmn": "Hmong", "so": "Somali", "ur": "Urdu"}
TOPICS = {"1": "rights_general", "2": "covid_info", "3": "find_clinic"}
MAX_TRIES = 4   # silences, wrong keys and unrecognised answers per call before a person is dialled
ACCEPT_KEY = "1"
MIN_CONVERSATION_SECONDS = 10  # an accepted call shorter than this was a dropped line, not a conversation
# The menus a silence or a wrong answer sends the caller back to (nothing else may be named in a URL).
RETRY_TO = {"menu": "/menu", "topics": "/topics", "answer": "/answer"}


def _xml(response: VoiceResponse) -> Response:
    return Response(str(response), mimetype="application/xml")


def _url(path: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"/twilio/voice{path}" + (f"?{query}" if query else "")


def _lang() -> str:
    lang = request.args.get("lang", "")
    return lang if lang in LANGUAGES else "en"


def _tries() -> int:
    value = request.args.get("n", "0")
    return int(value) if re.fullmatch(r"[0-9]{1,2}", value) else 0


def _call_sid() -> str:
    return request.form.get("CallSid", "")


def _caller() -> str:
    return calls.caller_id(request.form.get("From", ""), _call_sid())


def _country() -> str:
    try:
        return storage.load_profile(_caller()).get("country") or get_settings().country
    except Exception:  # noqa: BLE001 - the deployment's country rather than no guidance
        return get_settings().country


def _recording(lang: str, msgid: str) -> str | None:
    return (get_settings().org.get("voice_recordings") or {}).get(lang, {}).get(msgid)


def has_voice(lang: str, msgid: str) -> bool:
    """Whether msgid can be heard in lang: Twilio speaks the language, or a recording exists."""
    return lang in TTS or bool(_recording(lang, msgid))


def _speak(target, msgid: str, lang: str, country: str | None = None, **extra) -> bool:
    """Says msgid in lang (its voice twin where the text form gives a text-only instruction),
    or plays its recording; False when neither is possible."""
    msgid = content.spoken_id(msgid)
    if lang in TTS:
        target.say(say(msgid, lang, country, **extra), language=TTS[lang])
        return True
    url = _recording(lang, msgid)
    if url:
        target.play(url)
        return True
    return False


def _speak_or_english(target, msgid: str, lang: str, country: str | None = None, **extra) -> None:
    """In the caller's language where possible; else in English rather than silence."""
    if not _speak(target, msgid, lang, country, **extra):
        target.say(say(content.spoken_id(msgid), "en", country, **extra), language=TTS["en"])


def _retry(response: VoiceResponse, back_to: str, lang: str, msgid: str, **params) -> Response:
    """One more silence, wrong key or unrecognised answer on this call: say so and go back,
    or, past the limit, put the caller through to a person."""
    strikes = calls.strike(_call_sid(), _tries())
    if strikes >= MAX_TRIES:
        response.redirect(_url("/dial", lang=lang), method="POST")
        return _xml(response)
    _speak_or_english(response, msgid, lang)
    response.redirect(_url(RETRY_TO[back_to], lang=lang, n=strikes, **params), method="POST")
    return _xml(response)


def _on_silence(response: VoiceResponse, back_to: str, lang: str, **params) -> None:
    """What runs when a Gather times out with nothing: counted when it happens, not when the
    menu is read out, so it goes through /silence."""
    response.redirect(_url("/silence", lang=lang, to=back_to, n=_tries(), **params), method="POST")


@bp.post("")
@twilio_signed
def incoming():
    response = VoiceResponse()
    accept = current_app.config["PUENTE"].accept_digit
    if accept:
        # Calls from detention phones ask the called party to press a key to accept; on every
        # first request, Twilio's retries included (a lost first answer must not lose the call).
        response.play(digits=f"ww{accept}")
    response.redirect(_url("/menu"), method="POST")
    return _xml(response)


@bp.post("/silence")
@twilio_signed
def silence():
    back_to = request.args.get("to", "")
    back_to = back_to if back_to in RETRY_TO else "topics"
    lang = _lang() if back_to != "menu" else "en"
    return _retry(VoiceResponse(), back_to, lang, "voice.no_input", topic=request.args.get("topic", ""))


@bp.post("/menu")
@twilio_signed
def language_menu():
    response = VoiceResponse()
    gather = Gather(num_digits=1, action=_url("/language", n=_tries()), method="POST", timeout=6)
    for digit, lang in enumerate(LANGUAGES, start=1):
        if not _speak(gather, "voice.language_option", lang, digit=str(digit)):
            gather.say(f"For {ENGLISH_NAMES[lang]}, press {digit}.", language="en-US")
    for lang in ("en", "es"):
        _speak(gather, "voice.press_zero", lang)
    response.append(gather)
    _on_silence(response, "menu", "en")
    return _xml(response)


@bp.post("/language")
@twilio_signed
def choose_language():
    digit = request.form.get("Digits", "")
    response = VoiceResponse()
    if digit == "0":
        response.redirect(_url("/dial", lang="en"), method="POST")
        return _xml(response)
    choices = {str(i): lang for i, lang in enumerate(LANGUAGES, start=1)}
    if digit not in choices:
        return _retry(response, "menu", "en", "voice.wrong_key")
    lang = choices[digit]
    try:
        storage.save_profile(_caller(), language=lang)
    except Exception as error:  # noqa: BLE001 - the call goes on without the profile
        log.error("could not remember the caller's language: %s", type(error).__name__)
    response.redirect(_url("/topics", lang=lang, n=_tries()), method="POST")
    return _xml(response)


@bp.post("/topics")
@twilio_signed
def topics():
    lang = _lang()
    response = VoiceResponse()
    inputs = "dtmf speech" if lang in SPEECH else "dtmf"
    gather = Gather(input=inputs, num_digits=1, action=_url("/topic", lang=lang, n=_tries()), method="POST",
                    timeout=6, language=SPEECH.get(lang, "en-US"), speech_timeout="auto")
    if _speak(gather, "voice.topic_menu", lang):
        if lang in SPEECH:
            _speak(gather, "voice.speech_hint", lang)
        response.append(gather)
        _on_silence(response, "topics", lang)
        return _xml(response)
    # No voice and no recording in this language yet: a short notice, the menu in English,
    # and silence puts the caller through to a person at once.
    _speak(gather, "voice.no_recording", lang)
    gather.say(say("voice.no_recording", "en"), language=TTS["en"])
    gather.say(say("voice.topic_menu", "en"), language=TTS["en"])
    response.append(gather)
    response.redirect(_url("/dial", lang=lang), method="POST")
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
        response.redirect(_url("/topics", lang=lang, n=_tries()), method="POST")
    elif digit in TOPICS:
        response.redirect(_url("/answer", lang=lang, topic=TOPICS[digit], n=_tries()), method="POST")
    elif speech and not digit:
        intent, sure = _understand(speech)
        if intent in EMERGENCY_INTENTS or intent == "request_human":
            # An unsure emergency is put through to a person too, without the guidance.
            response.redirect(_url("/dial", lang=lang, urgent=intent if intent in EMERGENCY_INTENTS else "",
                                   unsure="" if sure else "1"), method="POST")
        elif intent in content.TOPICS:
            response.redirect(_url("/answer", lang=lang, topic=intent, n=_tries()), method="POST")
        else:
            return _retry(response, "topics", lang, "voice.not_understood")
    else:
        return _retry(response, "topics", lang, "voice.wrong_key")
    return _xml(response)


def _understand(speech: str) -> tuple[str | None, bool]:
    """(intent, sure) from the same NLU as the messages: Rasa's parse API, with the urgent
    phrases as a safety net; (None, False) when nothing is understood."""
    urgent = Dialogue(get_settings()).urgent.match(speech)
    if urgent:
        return urgent, True
    parse = triage(current_app.config["PUENTE"].rasa_url, speech) or _offline_parse(speech)
    if not parse:
        return None, False
    intent = parse.get("intent") or {}
    urgency = parse.get("urgency") or {}
    if urgency.get("level") == "urgent" and urgency.get("intent") in EMERGENCY_INTENTS:
        return urgency["intent"], True
    if intent.get("name") in EMERGENCY_INTENTS or (urgency.get("level") == "unsure"
                                                   and urgency.get("intent") in EMERGENCY_INTENTS):
        # A caller on a monitored line has no time for "is someone in danger?": a person decides.
        return urgency.get("intent") or intent["name"], False
    sure = (intent.get("confidence") or 0) >= get_settings().nlu_threshold
    return (intent.get("name"), True) if sure else (None, False)


def _offline_parse(speech: str) -> dict:
    """Rasa is down: the same models read offline (bot.understanding.offline), in the shape of
    Rasa's parse; {} when the model file cannot be read either."""
    understanding = offline.load_current()
    if understanding is None:
        return {}
    name, confidence = understanding.intent(speech)
    return {"intent": {"name": name, "confidence": confidence}, "urgency": understanding.triage(speech).as_dict()}


@bp.post("/answer")
@twilio_signed
def answer():
    lang, topic_name = _lang(), request.args.get("topic", "")
    if topic_name not in content.TOPICS:
        topic_name = "rights_general"
    country = _country()
    response = VoiceResponse()
    msgid = content.answer_id(topic_name, country)
    if topic_name == "find_clinic":
        # By phone: the town, said aloud, and the nearest clinics read out (/clinic).
        gather = Gather(input="dtmf speech", num_digits=1, action=_url("/clinic", lang=lang, n=_tries()),
                        method="POST", timeout=8, language=SPEECH.get(lang, "en-US"), speech_timeout="auto")
    else:
        gather = Gather(num_digits=1, action=_url("/after", lang=lang, topic=topic_name, n=_tries()), method="POST",
                        timeout=8)
    if has_voice(lang, content.spoken_id(msgid)):
        _speak(gather, msgid, lang, country)
        _speak_note(gather, msgid, lang)
    else:
        # The answer cannot be heard in this language yet: English, and a person on 0.
        gather.say(say("voice.no_recording", "en"), language=TTS["en"])
        _speak(gather, msgid, "en", country)
        _speak_note(gather, msgid, "en")
    if topic_name != "find_clinic":
        _speak_or_english(gather, "voice.after_answer", lang)
    response.append(gather)
    _on_silence(response, "topics", lang)
    return _xml(response)


def _speak_note(target, msgid: str, lang: str) -> None:
    """When the law of the answer changes fast: the date it was last checked."""
    note = reviewed_note(msgid, lang)
    if note and lang in TTS:
        target.say(note, language=TTS[lang])


@bp.post("/clinic")
@twilio_signed
def clinic():
    """The caller said a town (or pressed a key) after the clinic prompt: the nearest clinics,
    read out with their telephone numbers, or the volunteers."""
    lang, digit = _lang(), request.form.get("Digits", "")
    # The town said now, or (to hear the clinics again) the one said before, kept in the URL.
    speech = (request.form.get("SpeechResult", "") or request.args.get("place", ""))[:80]
    response = VoiceResponse()
    if digit == "0":
        response.redirect(_url("/dial", lang=lang), method="POST")
        return _xml(response)
    if digit == "*":
        response.redirect(_url("/topics", lang=lang, n=_tries()), method="POST")
        return _xml(response)
    if digit and not speech:
        # The prompt names only 0 (and the town, said): any other key counts toward the limit.
        return _retry(response, "answer", lang, "voice.wrong_key", topic="find_clinic")
    try:
        found = voice_clinics.search(speech)
    except Exception as error:  # noqa: BLE001 - an unreadable directory: a person finds the clinic
        log.error("clinic search failed on a call: %s", type(error).__name__)
        response.redirect(_url("/dial", lang=lang), method="POST")
        return _xml(response)
    if found is None:
        return _retry(response, "answer", lang, "clinic.place_unknown", topic="find_clinic")
    gather = Gather(num_digits=1, action=_url("/clinic-after", lang=lang, place=speech, n=_tries()),
                    method="POST", timeout=8)
    for msgid, params in voice_clinics.script(found, _speaking(lang)):
        _speak_or_english(gather, msgid, lang, _country(), **params)
    response.append(gather)
    _on_silence(response, "topics", lang)
    return _xml(response)


def _speaking(lang: str) -> str:
    return lang if has_voice(lang, "clinic.result.voice") else "en"


@bp.post("/clinic-after")
@twilio_signed
def clinic_after():
    lang, digit = _lang(), request.form.get("Digits", "")
    response = VoiceResponse()
    if digit == "0":
        response.redirect(_url("/dial", lang=lang), method="POST")
    elif digit == "9":
        response.redirect(_url("/clinic", lang=lang, place=request.args.get("place", ""), n=_tries()), method="POST")
    elif digit == "3":
        response.redirect(_url("/answer", lang=lang, topic="find_clinic", n=_tries()), method="POST")
    elif digit == "*":
        response.redirect(_url("/topics", lang=lang, n=_tries()), method="POST")
    else:
        return _retry(response, "topics", lang, "voice.wrong_key")
    return _xml(response)


@bp.post("/after")
@twilio_signed
def after():
    lang, digit = _lang(), request.form.get("Digits", "")
    response = VoiceResponse()
    if digit == "9":
        response.redirect(_url("/answer", lang=lang, topic=request.args.get("topic", ""), n=_tries()), method="POST")
    elif digit == "0":
        response.redirect(_url("/dial", lang=lang), method="POST")
    elif digit == "*":
        response.redirect(_url("/topics", lang=lang, n=_tries()), method="POST")
    else:
        return _retry(response, "answer", lang, "voice.wrong_key", topic=request.args.get("topic", ""))
    return _xml(response)


@bp.post("/dial")
@twilio_signed
def dial():
    lang = _lang()
    urgent = request.args.get("urgent", "")
    response = VoiceResponse()
    if urgent in EMERGENCY_INTENTS and not request.args.get("unsure"):
        # What to do now, before any ringing: the volunteers may not answer in time.
        country = _country()
        _speak_or_english(response, content.emergency_id(urgent, country), lang, country)
    numbers = calls.numbers_to_dial(lang)
    if not numbers:
        response.redirect(_url("/voicemail-prompt", lang=lang, urgent=urgent), method="POST")
        return _xml(response)
    _speak_or_english(response, "voice.connecting", lang)
    # All at once; each volunteer must press the accept key first (/whisper), and only that
    # key counts as answered (/dial-done): a voicemail box cannot take the call.
    dial_verb = response.dial(action=_url("/dial-done", lang=lang, urgent=urgent), method="POST", timeout=25,
                              caller_id=request.form.get("To") or None)
    for number in numbers:
        dial_verb.number(number, url=_url("/whisper", lang=lang, call=_call_sid()), method="POST")
    return _xml(response)


@bp.post("/whisper")
@twilio_signed
def whisper():
    response = VoiceResponse()
    gather = Gather(num_digits=1, action=_url("/whisper-accept", call=request.args.get("call", "")),
                    method="POST", timeout=8)
    gather.say(say("voice.whisper", "en") + f" ({ENGLISH_NAMES[_lang()]})", language="en-US")
    response.append(gather)
    response.hangup()  # no key: a voicemail box or nobody; this leg drops, the others ring on
    return _xml(response)


@bp.post("/whisper-accept")
@twilio_signed
def whisper_accept():
    response = VoiceResponse()
    if request.form.get("Digits") != ACCEPT_KEY:
        response.hangup()
        return _xml(response)
    calls.mark_answered(request.args.get("call", ""))
    return _xml(response)  # an empty response connects the volunteer to the caller


@bp.post("/dial-done")
@twilio_signed
def dial_done():
    lang = _lang()
    response = VoiceResponse()
    duration = request.form.get("DialCallDuration", "")
    short = re.fullmatch(r"[0-9]{1,6}", duration) is not None and int(duration) < MIN_CONVERSATION_SECONDS
    # Accepted, and Twilio says the call took place: anything else (no-answer, busy, failed,
    # canceled) means the caller still needs someone.
    if calls.answered(_call_sid()) and request.form.get("DialCallStatus") == "completed" and not short:
        _speak(response, "voice.goodbye", lang)
        response.hangup()
    else:
        # Whatever DialCallStatus says ("completed" when a voicemail box picked up): nobody
        # accepted, or the volunteer's line dropped within seconds of accepting.
        response.redirect(_url("/voicemail-prompt", lang=lang, urgent=request.args.get("urgent", "")), method="POST")
    return _xml(response)


@bp.post("/voicemail-prompt")
@twilio_signed
def voicemail_prompt():
    lang = _lang()
    urgent = request.args.get("urgent", "")
    response = VoiceResponse()
    if not _speak(response, "voice.no_answer", lang):
        for fallback in ("en", "es"):
            response.say(say("voice.no_answer", fallback), language=TTS[fallback])
    response.record(action=_url("/voicemail", lang=lang, urgent=urgent), method="POST",
                    max_length=120, play_beep=True, timeout=5)
    response.redirect(_url("/voicemail", lang=lang, urgent=urgent), method="POST")
    return _xml(response)


@bp.post("/voicemail")
@twilio_signed
def voicemail():
    """The message for the volunteers: recorded durably once per recording (Twilio may
    retry). No recording from a withheld number leaves nothing to act on: no case."""
    lang = _lang()
    form = request.form
    recording = form.get("RecordingUrl", "")
    caller = form.get("From", "")
    hidden = calls.withheld(caller)
    response = VoiceResponse()
    if not recording and hidden:
        _speak_or_english(response, "voice.no_message", lang)
        response.hangup()
        return _xml(response)
    if first_time(f"voicemail:{form.get('RecordingSid') or _call_sid()}"):
        urgent = request.args.get("urgent", "")
        case = escalations.new_case(_caller(), "urgent" if urgent else "normal",
                                    urgent if urgent in EMERGENCY_INTENTS else "voice_callback",
                                    lang, "voice", _country(),
                                    "" if recording else "(the caller left no recording)")
        case["recording_url"] = recording
        if hidden:
            case["caller"] = "withheld"
        else:
            case["callback_number"] = seal(caller)  # needed to call back; encrypted at rest
        escalations.record(case)
    _speak_or_english(response, "voice.voicemail_thanks" if recording else "voice.no_message", lang)
    response.hangup()
    return _xml(response)
