"""What the assistant answers: one turn in, rendered catalog messages out.

Pure logic, no I/O (but for the clinic directory, read through a cached loader): the Rasa
action feeds it the parse result and the remembered state, then stores the new state and
records any escalation. That keeps every rule here testable
without a model, and the action thin.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import lru_cache

import yaml

from bot.conversation import content
from bot.conversation.catalog import render, reviewed_note
from bot.conversation.formatting import format_hours
from bot.conversation.languages import (LANGUAGES, MENU, asks_roman_urdu, catalog_for, language_menu,
                                        named_language, urdu_script)
from bot.settings import COUNTRIES, Settings, get_settings
from bot.text import as_menu_choice, has_words, normalise
from bot.understanding.urgent import EMERGENCY_INTENTS, UrgentPhrases

MAX_MESSAGE_CHARS = 2000  # beyond this only the beginning is read; the person is told
MISUNDERSTANDINGS_BEFORE_HANDOFF = 3
URGENT_IN_RANKING = 0.25  # an unsure parse with an emergency this likely is treated as one
SOCIAL = {"greet", "goodbye", "thanks", "affirm", "deny"}

DANGER_QUESTION = "urgency.ask"  # pending_menu while we wait for "1 yes / 2 no"
MAIN_MENU = {1: "menu.rights", 2: "menu.health", 3: "find_clinic", 4: "find_detained_person",
             5: "release_options", 6: "request_human", 7: "menu.language", 8: "menu.country"}
RIGHTS_MENU = {1: "rights_general", 2: "right_to_lawyer", 3: "right_to_asylum", 4: "right_to_medical_care",
               5: "right_to_communicate", 6: "right_not_to_sign", 7: "child_rights", 8: "release_options"}
HEALTH_MENU = {1: "covid_info", 2: "covid_prevention", 3: "covid_testing_vaccine", 4: "covid_sick",
               5: "find_clinic", 6: "right_to_medical_care"}
SUBMENUS = {"menu.rights": RIGHTS_MENU, "menu.health": HEALTH_MENU}


@dataclass(frozen=True)
class State:
    """What is remembered about one sender between turns (Rasa slots and the profile store)."""
    language: str | None = None
    country: str | None = None
    last_answer: str | None = None
    pending_menu: str | None = None
    options: tuple[str, ...] = ()
    misunderstandings: int = 0
    location: str | None = None  # "lat,lon" of the place the person last searched clinics near
    place: str | None = None     # its name as shown, or "pin" for a shared location
    script: str | None = None    # Urdu only: "Latn" (Roman Urdu) or "Arab", remembered with the language


@dataclass(frozen=True)
class Turn:
    text: str
    intent: str | None = None
    confidence: float = 0.0
    ranking: tuple[tuple[str, float], ...] = ()
    language: str | None = None
    language_confidence: float = 0.0
    location: tuple[float, float] | None = None  # a WhatsApp location pin
    urgency: str | None = None          # the NLU's triage: "urgent", "unsure", "calm"; None when it gave none
    urgency_intent: str | None = None   # the emergency it has in mind, when not calm
    unserved: str | None = None         # a language Puente does not serve ("ar", "fa", "ps", "other")

    @classmethod
    def from_parse(cls, parse: dict) -> "Turn":
        intent = parse.get("intent") or {}
        ranking = tuple((r.get("name"), float(r.get("confidence") or 0)) for r in parse.get("intent_ranking") or [])
        pin = (parse.get("metadata") or {}).get("location") or {}
        urgency = parse.get("urgency") or {}
        return cls(
            urgency=urgency.get("level"),
            urgency_intent=urgency.get("intent"),
            unserved=parse.get("language_unserved"),
            location=(float(pin["latitude"]), float(pin["longitude"])) if "latitude" in pin else None,
            text=parse.get("text") or "",
            intent=intent.get("name"),
            confidence=float(intent.get("confidence") or 0),
            ranking=ranking,
            language=parse.get("language"),
            language_confidence=float(parse.get("language_confidence") or 0),
        )


@dataclass(frozen=True)
class Escalation:
    priority: str  # "urgent" or "normal"
    reason: str    # the intent, "urgent_phrase" or "misunderstood"
    possible: bool = False  # urgent until the person says nobody is in danger now (an unsure triage)


@dataclass
class Reply:
    messages: list[str]
    state: State
    escalation: Escalation | None = None
    language_changed: bool = False
    notes: list[str] = field(default_factory=list)  # ids of what was sent, for tests and audit
    # The person's answer to "is someone in danger now?": "confirmed" keeps their possible-urgent
    # case urgent, "denied" lowers it to normal.
    danger_answer: str | None = None


@lru_cache(maxsize=4)
def _keywords(data_dir: str) -> dict[str, set[str]]:
    from pathlib import Path
    words: dict[str, set[str]] = {"menu": set(), "more": set(), "answer_yes": set(), "answer_no": set(),
                                  "delete_data": set()}
    for path in sorted(Path(data_dir, "keywords").glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind in words:
            items = doc.get(kind) or []
            if not isinstance(items, list) or not all(isinstance(w, str) for w in items):
                # A string would make each letter a keyword ("o" lowering an emergency); an
                # unquoted yes or no is a YAML boolean.
                raise ValueError(f"{path.name}: {kind} must be a list of quoted words")
            words[kind] |= {normalise(w) for w in items}
    return words


@lru_cache(maxsize=4)
def _urgent(data_dir: str) -> UrgentPhrases:
    from pathlib import Path
    return UrgentPhrases.load(Path(data_dir) / "urgent")


class Dialogue:
    def __init__(self, settings: Settings, now: Callable[[], datetime] | None = None):
        self.settings = settings
        self.keywords = _keywords(str(settings.data_dir))
        self.urgent = _urgent(str(settings.data_dir))
        self.now = now or (lambda: datetime.now(timezone.utc))  # "open now" is asked of the clinic's clock

    # -- rendering -------------------------------------------------------------------
    def params(self, lang: str, country: str) -> dict[str, str]:
        org, cc = self.settings.org, self.settings.country_config(country)
        hotline = org.get("hotline", {})
        params = {
            "hotline": str(hotline.get("number", "")),
            "hotline_hours": format_hours(hotline["hours"], lang) if hotline.get("hours") else "",
            "emergency_number": str(cc.get("emergency_number", "")),
            "crisis_line": str(cc.get("crisis_line", "")),
            "police_number": str(cc.get("police_number") or cc.get("emergency_number", "")),
            "country": render(f"country.{country}", lang),
        }
        # One number for every danger is wrong where the police have their own (shared/facts: Thailand).
        split = params["police_number"] != params["emergency_number"]
        params["danger_number"] = render("numbers.danger.split" if split else "numbers.danger", lang, **params)
        params.update({f"country_{c}": render(f"country.{c}", lang) for c in COUNTRIES})
        return params

    # -- the turn ----------------------------------------------------------------------
    def respond(self, state: State, turn: Turn) -> Reply:
        country = state.country or self.settings.country
        state = replace(state, country=country)
        text = turn.text or ""
        norm = normalise(text)
        lang, switched, script = self._language(state, turn, norm)
        # Nothing tells the language, or it is one we do not serve: the menu in all six (0 is
        # a person). An emergency the models or phrases see still comes first, in the
        # language remembered or else English, with the menu after it.
        if lang is None or turn.unserved:
            urgent_intent = self._urgent_intent(turn, text)
            if as_menu_choice(text) == 0 and not urgent_intent:  # "0 to reach a person", in any language
                lang = state.language or "en"
                return self._intent(replace(state, language=lang), _Out(self, lang, country, state.script),
                                    "request_human", turn)
            if not urgent_intent:
                return self._unknown_language(state)
            lang = state.language or "en"
            reply = self._emergency(replace(state, language=lang), _Out(self, lang, country, state.script),
                                    urgent_intent, turn)
            reply.messages.append(language_menu())
            return reply
        state = replace(state, language=lang, script=script)
        out = _Out(self, lang, country, script)

        # Triage reads every clause of a long message; the rest of the assistant reads the start.
        if len(text) > MAX_MESSAGE_CHARS and not self._urgent_intent(turn, text):
            out.say("input.too_long")

        # A location pin is the answer to "where are you?": the clinic search uses it.
        if turn.location and not norm:
            return self._clinics(state, out, turn)

        # The answer to "is someone in danger right now?": a digit, or yes or no in words.
        if state.pending_menu == DANGER_QUESTION:
            answer = self._danger_answer(as_menu_choice(text), norm)
            if answer:
                return self._danger_answered(state, out, answer, turn)
            if self._short(text) and not self._urgent_intent(turn, text):
                # "not sure", "what?", "3": not an answer; the case stays urgent. Ask once more,
                # then say plainly that volunteers have it as urgent.
                if "asked_again" not in state.options:
                    out.say(DANGER_QUESTION)
                    return out.reply(replace(state, options=state.options[:2] + ("asked_again",)))
                out.say("escalation.recorded")
                self._duty(out)
                return out.reply(replace(state, pending_menu=None, options=()))
            state = replace(state, pending_menu=None, options=())  # another message: the case stays urgent

        # A single digit is a menu choice, whatever the model makes of it.
        choice = as_menu_choice(text)
        if choice is not None:
            return self._menu_choice(state, out, choice, turn)

        # Safety first: an emergency is answered whatever else the message or the menu state says.
        urgent_intent = self._urgent_intent(turn, text)
        if urgent_intent:
            return self._emergency(state, out, urgent_intent, turn)
        if turn.urgency == "unsure" and state.pending_menu != DANGER_QUESTION:
            return self._ask_danger(state, out, turn)

        if state.pending_menu == "clinic.place" and norm:
            reply = self._place_given(state, out, turn)
            if reply:
                return reply
        # Empty and emoji-only messages are answered, but never count toward handing a person
        # over as "misunderstood": three thumbs-up are no reason to text a volunteer.
        if not norm or not has_words(text):
            out.say("input.empty" if not norm else "input.emoji", extra="menu.hint")
            return out.reply(state)
        keyword = norm.strip(" \"'.!?¿¡“”«»")
        if keyword in self.keywords["more"]:
            return self._more(state, out)
        if keyword in self.keywords["menu"]:
            return self._show(state, out, "menu.main")

        if switched:
            out.say("language.switched")
            return self._show(state, out, "menu.main", language_changed=True)

        intent = turn.intent
        if intent == "choose_language":
            return self._show(state, out, "menu.language")
        if intent is None or (turn.confidence < self.settings.nlu_threshold and intent not in SOCIAL):
            return self._clarify(state, out, turn)
        return self._intent(state, out, intent, turn)

    # -- pieces ----------------------------------------------------------------------------
    def _language(self, state: State, turn: Turn, norm: str) -> tuple[str | None, bool, str | None]:
        """The reply language, whether the person just asked to switch, and (Urdu only) the script."""
        lang, switched = self._language_code(state, turn, norm)
        if lang != "ur":
            return lang, switched, None
        words, choice = len(norm.split()), as_menu_choice(turn.text)
        if asks_roman_urdu(turn.text):
            script = "Latn"
        elif state.pending_menu == "menu.language" and choice in (6, 7):
            script = "Latn" if MENU[choice - 1] != "ur" else "Arab"
        elif state.pending_menu == "clinic.place" or (state.script and (words < 2 or self._keyword(norm))):
            script = state.script  # a town's name or a keyword ("main menu") says nothing of the script
        else:
            # A full message in the other script is a switch: people answer in what they read.
            script = urdu_script(turn.text) or state.script or "Arab"
        return lang, switched, script

    def _language_code(self, state: State, turn: Turn, norm: str) -> tuple[str | None, bool]:
        words = len(norm.split())
        if asks_roman_urdu(turn.text):
            return "ur", state.language != "ur" or state.script != "Latn"
        asked = named_language(turn.text) if (turn.intent == "choose_language" or words <= 3) else None
        if asked:
            return asked, asked != state.language or turn.intent == "choose_language"
        if state.pending_menu == "clinic.place" and state.language and words <= 3:
            return state.language, False  # a town's name says nothing about the person's language
        if state.pending_menu == "menu.language":
            choice = as_menu_choice(turn.text)
            if choice and 1 <= choice <= len(MENU):
                return LANGUAGES[choice - 1] if choice <= len(LANGUAGES) else "ur", True
        detected = turn.language if turn.language in LANGUAGES else None
        if state.language is None:
            return (detected if turn.language_confidence > 0 else None), False
        if self._keyword(norm):
            return state.language, False  # "more", "main menu": the keywords of every language, no switch
        # A remembered language holds against a stray word; a full message in another
        # language (or another script) means another person on the phone, or a switch.
        if detected and detected != state.language and (
            turn.language_confidence >= 0.99 or (turn.language_confidence >= 0.8 and words >= 4)
        ):
            return detected, False
        return state.language, False

    def _keyword(self, norm: str) -> bool:
        """A navigation keyword (MENU, MORE, in any of the languages): it tells no language."""
        keyword = norm.strip(" \"'.!?¿¡“”«»")
        return keyword in self.keywords["menu"] or keyword in self.keywords["more"]

    def _urgent_intent(self, turn: Turn, text: str) -> str | None:
        if turn.intent in EMERGENCY_INTENTS:
            return turn.intent
        if turn.urgency is not None:
            # The NLU's triage read the whole message with the phrases, the models and the
            # cues; repeating a cruder check here would only bring its false alarms back.
            if turn.urgency == "urgent":
                return turn.urgency_intent if turn.urgency_intent in EMERGENCY_INTENTS else "emergency_medical"
            return None
        phrase_hit = self.urgent.match(text)
        if phrase_hit:
            return phrase_hit
        if turn.confidence < self.settings.nlu_threshold:
            for name, confidence in turn.ranking[:3]:
                if name in EMERGENCY_INTENTS and confidence >= URGENT_IN_RANKING:
                    return name
        return None

    def _duty(self, out: "_Out") -> None:
        """Says honestly whether a volunteer is on duty now, or when the next shift starts."""
        from bot.conversation.formatting import format_day_time
        from bot.handoff import volunteers

        if volunteers.on_duty_now():
            out.say("duty.on")
            return
        start = volunteers.next_duty_start()
        if start is not None:
            out.params["next_duty"] = format_day_time(start, out.lang)
            out.say("duty.off")

    def _emergency(self, state: State, out: "_Out", intent: str, turn: Turn) -> Reply:
        out.say(content.emergency_id(intent, state.country))
        out.say("escalation.recorded")
        self._duty(out)
        new = replace(state, pending_menu=None, options=(), misunderstandings=0, last_answer=None)
        return out.reply(new, Escalation("urgent", intent))

    def _ask_danger(self, state: State, out: "_Out", turn: Turn) -> Reply:
        """Unsure whether someone is in danger: one short question, and a possible-urgent case
        opened at once so that a volunteer sees it even if no answer comes."""
        out.say(DANGER_QUESTION)
        after = turn.intent if turn.intent and turn.intent not in EMERGENCY_INTENTS else "out_of_scope"
        emergency = turn.urgency_intent if turn.urgency_intent in EMERGENCY_INTENTS else "emergency_medical"
        new = replace(state, pending_menu=DANGER_QUESTION, options=(emergency, after), misunderstandings=0)
        return out.reply(new, Escalation("urgent", emergency, possible=True))

    def _danger_answer(self, choice: int | None, norm: str) -> str | None:
        """1 or a plain yes (data/keywords: answer_yes) confirms; 2 or a plain no lowers. Nothing else
        counts: "no sé", "ไม่แน่ใจ" (not sure) must never lower a possible emergency."""
        word = norm.strip(" \"'.!?¿¡“”«»")
        if choice == 1 or (choice is None and word in self.keywords["answer_yes"]):
            return "confirmed"
        if choice == 2 or (choice is None and word in self.keywords["answer_no"]):
            return "denied"
        return None

    @staticmethod
    def _short(text: str) -> bool:
        """A reply, not a message of its own: a few words (or a short Thai phrase)."""
        return len(text.split()) <= 4 and len(text) <= 40

    def _danger_answered(self, state: State, out: "_Out", answer: str, turn: Turn) -> Reply:
        emergency, after = (state.options + ("emergency_medical", "out_of_scope"))[:2]
        state = replace(state, pending_menu=None, options=())
        if answer == "confirmed":
            out.say(content.emergency_id(emergency, state.country))
            out.say("escalation.recorded")
            self._duty(out)
            reply = out.reply(replace(state, misunderstandings=0, last_answer=None))
        elif after == "request_human":  # the lowered case is already the request for a person
            out.say("urgency.lowered")
            self._duty(out)
            reply = out.reply(replace(state, misunderstandings=0))
        else:
            # Then the question they asked, or the menu when it was not understood.
            out.say("urgency.lowered")
            reply = self._intent(state, out, after, turn) if after != "out_of_scope" \
                else self._show(state, out, "menu.main")
        reply.danger_answer = answer
        return reply

    def _intent(self, state: State, out: "_Out", intent: str, turn: Turn) -> Reply:
        if intent == "request_human":
            out.say("human.requested")
            self._duty(out)
            return out.reply(replace(state, pending_menu=None, misunderstandings=0), Escalation("normal", intent))
        if intent == "greet":
            out.say("welcome")
            return self._show(state, out, "menu.main")
        if intent == "menu":
            return self._show(state, out, "menu.main")
        if intent in ("thanks", "goodbye", "affirm", "deny"):
            out.say(intent)
            if intent in ("affirm", "deny"):
                out.say("menu.hint")
            return out.reply(replace(state, misunderstandings=0))
        if intent == "find_clinic":
            return self._clinics(state, out, turn)
        if intent in content.TOPICS:
            return self._answer(state, out, intent)
        return self._misunderstood(state, out, "out_of_scope", turn, hint=True)

    def _answer(self, state: State, out: "_Out", topic: str) -> Reply:
        msgid = content.answer_id(topic, state.country)
        more = content.MORE.get(msgid)
        out.say(msgid, extra="more.hint" if more else "menu.hint", extra_text=reviewed_note(msgid, out.lang))
        return out.reply(replace(state, last_answer=msgid, pending_menu=None, options=(), misunderstandings=0))

    # -- clinics -------------------------------------------------------------------------
    def _clinics(self, state: State, out: "_Out", turn: Turn) -> Reply:
        """Clinics near the place in the message, the pin, or the place remembered; else asks where."""
        from bot.clinics import needs, store

        directory = store.current()
        need = needs.need_in(turn.text) or (state.options[0] if state.pending_menu == "clinic.place"
                                           and state.options else None)
        if turn.location:
            return self._clinic_results(state, out, directory.search(pin=turn.location, need=need))
        place = directory.place(turn.text) if as_menu_choice(turn.text) is None else None
        if place is None and state.location:
            place = _remembered(state)
        if place is None:
            out.say("clinic.ask_place")
            return out.reply(replace(state, pending_menu="clinic.place", options=(need,) if need else (),
                                     last_answer=None, misunderstandings=0))
        return self._clinic_results(state, out, directory.search(place=place, need=need))

    def _place_given(self, state: State, out: "_Out", turn: Turn) -> Reply | None:
        """The answer to "which town?": a place, else (unless it is plainly another question) ask again."""
        from bot.clinics import store

        place = store.current().place(turn.text)
        if place is not None:
            return self._clinics(state, out, turn)
        if turn.intent not in (None, "find_clinic", "out_of_scope") and turn.confidence >= self.settings.nlu_threshold:
            return None
        return self._misunderstood(state, out, "clinic.place_unknown", turn)

    def _clinic_results(self, state: State, out: "_Out", result) -> Reply:
        from bot.clinics import present

        texts, ids = present.messages(result, out.lang, self.now(), out.params, state.country)
        out.add(texts, ids)
        place = result.place
        remembered = replace(state, pending_menu=None, options=(), last_answer=None, misunderstandings=0,
                             # To the nearest kilometre: enough to find a clinic, no more of where someone lives.
                             location=f"{place.lat:.2f},{place.lon:.2f}",
                             place=place.label or present.PIN)
        return out.reply(remembered)

    def _more(self, state: State, out: "_Out") -> Reply:
        more = content.MORE.get(state.last_answer or "")
        out.say(more or "more.none", extra_text=reviewed_note(more, out.lang) if more else None)
        if more:
            out.say("menu.hint")
        return out.reply(replace(state, pending_menu=None))

    def _show(self, state: State, out: "_Out", menu: str, language_changed: bool = False) -> Reply:
        if menu == "menu.language":
            out.say("menu.language", extra_text=language_menu())
        else:
            out.say(menu)
        reply = out.reply(replace(state, pending_menu=menu, options=(), misunderstandings=0))
        reply.language_changed = language_changed
        return reply

    def _menu_choice(self, state: State, out: "_Out", choice: int, turn: Turn) -> Reply:
        if choice == 0:
            return self._intent(state, out, "request_human", turn)
        pending = state.pending_menu
        if pending == "menu.country" and 1 <= choice <= len(COUNTRIES):
            state = replace(state, country=COUNTRIES[choice - 1])
            out = _Out(self, state.language, state.country, state.script)
            out.say("country.switched")
            return self._show(state, out, "menu.main")
        if pending == "menu.language" and 1 <= choice <= len(MENU):
            out.say("language.switched")
            return self._show(state, out, "menu.main", language_changed=True)
        if pending == "clarify" and 1 <= choice <= len(state.options):
            return self._intent(state, out, state.options[choice - 1], turn)
        target = SUBMENUS.get(pending, MAIN_MENU).get(choice)
        if target is None:
            # A wrong key re-shows the menu the person was in, rather than failing.
            return self._show(state, out, pending if pending in ("menu.rights", "menu.health", "menu.country",
                                                                  "menu.language") else "menu.main")
        if target.startswith("menu."):
            return self._show(state, out, target)
        return self._intent(state, out, target, turn)

    def _clarify(self, state: State, out: "_Out", turn: Turn) -> Reply:
        options = tuple(name for name, _ in turn.ranking[:4]
                        if name in content.LABELS and name not in ("menu", "choose_language"))[:3]
        count = state.misunderstandings + 1
        if count >= MISUNDERSTANDINGS_BEFORE_HANDOFF:
            out.say("human.after_misunderstandings")
            return out.reply(replace(state, misunderstandings=0, pending_menu=None), Escalation("normal", "misunderstood"))
        lines = [f"{i} {render(content.LABELS[name], out.lang)}" for i, name in enumerate(options, start=1)]
        lines.append(render("clarify.human", out.lang))
        out.say("clarify.intro", extra_text="\n".join(lines))
        return out.reply(replace(state, pending_menu="clarify", options=options, misunderstandings=count))

    def _misunderstood(self, state: State, out: "_Out", msgid: str, turn: Turn, hint: bool = False) -> Reply:
        count = state.misunderstandings + 1
        if count >= MISUNDERSTANDINGS_BEFORE_HANDOFF:
            out.say(msgid)
            out.say("human.after_misunderstandings")
            return out.reply(replace(state, misunderstandings=0, pending_menu=None), Escalation("normal", "misunderstood"))
        out.say(msgid, extra="menu.hint")
        return out.reply(replace(state, misunderstandings=count))

    def _unknown_language(self, state: State) -> Reply:
        # Nothing tells the language, or we do not serve it: say so in English and Spanish, say
        # what to do if someone is in danger (and that 0 is a person), and offer the six.
        country = state.country or self.settings.country
        safety = [render("input.unknown_language.safety", lang, **self.params(lang, country)) for lang in ("en", "es")]
        messages = [render("input.unknown_language", "en") + "\n" + render("input.unknown_language", "es"),
                    "\n".join(safety), language_menu()]
        return Reply(messages, replace(state, pending_menu="menu.language"),
                     notes=["input.unknown_language", "input.unknown_language.safety"])


class _Out:
    """Collects the rendered messages of one reply."""

    def __init__(self, dialogue: Dialogue, lang: str, country: str, script: str | None = None):
        self.lang = catalog_for(lang, script)  # the catalog written from: "ur-Latn" for Roman Urdu
        self.params = dialogue.params(self.lang, country)
        self.messages: list[str] = []
        self.notes: list[str] = []

    def say(self, msgid: str, extra: str | None = None, extra_text: str | None = None) -> None:
        text = render(msgid, self.lang, **self.params)
        if extra_text:
            text += "\n" + extra_text
        if extra:
            text += "\n" + render(extra, self.lang, **self.params)
        self.messages.append(text)
        self.notes.append(msgid)

    def add(self, texts: list[str], msgids: list[str]) -> None:
        """Messages rendered elsewhere (the clinic results), and the catalog ids they used."""
        self.messages += texts
        self.notes += msgids

    def reply(self, state: State, escalation: Escalation | None = None) -> Reply:
        return Reply(self.messages, state, escalation, notes=self.notes)


def _remembered(state: State):
    from bot.clinics.gazetteer import Place
    from bot.clinics.present import PIN

    lat, lon = (float(v) for v in state.location.split(","))
    return Place("" if state.place in (None, PIN) else state.place, lat, lon, state.country or "")


def say(msgid: str, lang: str, country: str | None = None, **extra: str) -> str:
    """A catalog entry filled with the deployment's numbers, hours and country, outside a
    conversation turn (webhook fallbacks, voice prompts, volunteer handoff messages)."""
    settings = get_settings()
    dialogue = Dialogue(settings)
    return render(msgid, lang, **dialogue.params(lang, country or settings.country), **extra)
