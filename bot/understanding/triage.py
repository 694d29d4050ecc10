"""Triage that reads the whole message: is someone in danger now?

The signals, computed by the NLU (bot.understanding.components):
- the 27-way intent ranking of the whole message;
- the urgent/not-urgent model's probability for the whole message and for each clause,
  so that an emergency in the last sentence of a long message still counts;
- a reviewed urgent phrase (data/urgent/<lang>.yml), the safety net under the models.

The decision has three levels: `urgent`, `unsure` (the person is asked whether someone is in
danger now, and a possible-urgent case is opened at once) and `calm`. Thresholds are
probabilities in [0, 1], set in config.yml and chosen by cross-validation (bench/nlu_eval.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.urgent import EMERGENCY_INTENTS

# Sentence ends in the six languages' scripts, and the clause breaks people type instead.
_BREAKS = re.compile(r"[.!?;\n\r؟۔।…]+|\s[-–—]+\s|,\s*(?=(?:but|pero|tiam sis|tab sis|laakiin|lekin|magar)\b)|[,،]\s*(?=(?:لیکن|مگر|แต่))")
WINDOW_WORDS = 12  # an unpunctuated voice transcript is read in overlapping windows of this many words
# A message is read clause by clause from this length on (shorter ones are one thought, and
# scoring their pieces would cost time for nothing): words, or characters of Thai.
LONG_WORDS = 12
LONG_THAI_CHARS = 40


def _is_thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def clauses(text: str) -> list[str]:
    """The clauses of a long message when it has more than one; [] otherwise.

    Thai separates clauses with spaces (words are not spaced), so each space-separated run
    of Thai is one; long unpunctuated runs are read in overlapping windows."""
    text = text or ""
    if len(text.split()) < LONG_WORDS and not (_is_thai(text) and len(text) >= LONG_THAI_CHARS):
        return []
    out: list[str] = []
    for part in _BREAKS.split(text):
        part = part.strip(" ,،")
        if not part:
            continue
        if _is_thai(part):
            out += [chunk for chunk in part.split() if chunk]
            continue
        words = part.split()
        if len(words) <= 2 * WINDOW_WORDS:
            out.append(part)
            continue
        step = WINDOW_WORDS // 2
        out += [" ".join(words[i:i + WINDOW_WORDS]) for i in range(0, len(words) - step, step)]
    return out if len(out) > 1 else []


@dataclass(frozen=True)
class Thresholds:
    """Probabilities in [0, 1]; defaults chosen by 5-fold cross-validation (see config.yml)."""
    urgent: float = 0.3         # emergency mass of the whole message: urgent at or above
    clause: float = 0.9         # emergency mass of one clause of a long message: urgent at or above
    unsure: float = 0.2         # emergency mass of the whole message at or above this, below urgent: unsure
    second: float = 0.6         # the urgent/not-urgent model at or above this, when calm otherwise: unsure
    calmed_urgent: float = 0.4  # with a calming cue and a calm likeliest intent, urgent only at or above
    # An urgent phrase ("they beat me") is urgent unless the message says it is past, supposed,
    # denied or a joke (a cue: bot.understanding.cues) and both models disagree plainly: the
    # emergency mass below phrase_floor and another intent ranked first with at least
    # phrase_override ("in my country they beat me, can I ask for asylum"); then unsure.
    # A self-harm phrase is never calmed by a joke or a denial ("I want to die lol"), only by
    # the past or a supposition, and then it is asked about, never ignored.
    phrase_floor: float = 0.2
    phrase_override: float = 0.4

    def __post_init__(self) -> None:
        for name, value in self.__dict__.items():
            if not 0.0 <= value <= 1.0:  # "30" for 0.3 would silence the model: refuse it
                raise ValueError(f"triage threshold {name}={value!r} must be a probability in [0, 1]")


@dataclass(frozen=True)
class Decision:
    level: str            # "urgent" | "unsure" | "calm"
    intent: str | None    # the emergency intent when not calm
    score: float          # the highest emergency mass seen, whole message or clause
    source: str           # what decided: model, clause, urgent_phrase, second_opinion, none

    def as_dict(self) -> dict:
        return {"level": self.level, "intent": self.intent, "score": round(self.score, 4), "source": self.source}


Ranking = list[tuple[str, float]]


def _calming(emergency: str) -> set[str]:
    """The cues that may soften an emergency: a joke or "I'm fine" never softens self-harm."""
    return CALMING_CUES - {"joke", "safe"} if emergency == "emergency_self_harm" else CALMING_CUES


def _emergency_in(ranking: Ranking) -> str | None:
    return next((name for name, _ in ranking if name in EMERGENCY_INTENTS), None)


CALMING_CUES = {"past", "hypothetical", "safe", "joke"}


def decide(ranking: Ranking, mass: float, parts: list[tuple[float, Ranking]], second: float,
           phrase: str | None, t: Thresholds = Thresholds(), cues: frozenset[str] | set[str] = frozenset()) -> Decision:
    """ranking: the whole message's [(intent, probability)], best first; mass: its emergency
    mass (bot.understanding.intents.IntentModel.score); parts: (mass, ranking) per clause of a
    long message; second: P(urgent) from the urgent/not-urgent model; phrase: the emergency
    of a matched urgent phrase, or None; cues: the message's cue kinds."""
    part_mass, part_ranking = max(parts, key=lambda p: p[0], default=(0.0, []))
    score = max(mass, part_mass)
    top, confidence = ranking[0] if ranking else (None, 0.0)
    likeliest = _emergency_in(ranking) or "emergency_medical"

    if phrase:
        # A joke never calms a self-harm phrase ("I want to die lol"); a past attempt told as
        # history ("I tried to kill myself years ago, will it hurt my asylum case?") is asked about.
        contradicted = (mass < t.phrase_floor and top not in EMERGENCY_INTENTS and confidence >= t.phrase_override
                        and bool(_calming(phrase) & set(cues)))
        return Decision("unsure" if contradicted else "urgent", phrase, score, "urgent_phrase")
    if mass >= t.urgent:
        # "Fever and cough but breathing fine", "if I sign...", "last month a guard...": a
        # message that says its danger is denied, supposed or past, and whose likeliest intent
        # is not an emergency, needs a clearer model to be urgent; below that it is asked about.
        cautious = top not in EMERGENCY_INTENTS and bool(_calming(likeliest) & set(cues)) and mass < t.calmed_urgent
        return Decision("unsure" if cautious else "urgent", likeliest, score, "model")
    if part_mass >= t.clause:
        return Decision("urgent", _emergency_in(part_ranking) or likeliest, score, "clause")
    # A clause out of its message (Thai clauses are short runs) is too little to ask about:
    # only a whole message's score makes it unsure.
    if mass >= t.unsure:
        return Decision("unsure", likeliest, score, "model")
    if second >= t.second:
        return Decision("unsure", likeliest, score, "second_opinion")
    return Decision("calm", None, score, "none")
