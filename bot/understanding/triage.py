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


def _is_thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def clauses(text: str) -> list[str]:
    """The message's clauses when it has more than one; [] for a single clause.

    Thai separates clauses with spaces (words are not spaced), so each space-separated run
    of Thai is one; long unpunctuated runs are read in overlapping windows."""
    out: list[str] = []
    for part in _BREAKS.split(text or ""):
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
    urgent: float = 0.5         # the urgency model, whole message: urgent at or above
    clause: float = 0.7         # the urgency model, one clause: urgent at or above
    unsure: float = 0.3         # whole message or clause at or above this (and below urgent): unsure
    top_emergency: float = 0.3  # an emergency intent ranked first with at least this confidence: urgent
    runner_up: float = 0.25     # an emergency among the next three intents with at least this: unsure


@dataclass(frozen=True)
class Decision:
    level: str            # "urgent" | "unsure" | "calm"
    intent: str | None    # the emergency intent when not calm
    score: float          # the highest urgency probability seen, whole message or clause
    source: str           # what decided: intent, urgent_phrase, urgency_model, clause, runner_up, none

    def as_dict(self) -> dict:
        return {"level": self.level, "intent": self.intent, "score": round(self.score, 4), "source": self.source}


def decide(ranking: list[tuple[str, float]], whole: float, parts: list[tuple[float, list[tuple[str, float]]]],
           phrase: str | None, t: Thresholds) -> Decision:
    """ranking: [(intent, confidence)] best first; whole: P(urgent) of the message; parts:
    [(P(urgent), ranking)] per clause; phrase: the emergency of a matched urgent phrase."""
    best_part = max(parts, key=lambda p: p[0], default=(0.0, []))
    score = max(whole, best_part[0])
    top, confidence = ranking[0] if ranking else (None, 0.0)

    def emergency_in(r: list[tuple[str, float]], default: str | None = None) -> str | None:
        return next((name for name, _ in r if name in EMERGENCY_INTENTS), default)

    if top in EMERGENCY_INTENTS and confidence >= t.top_emergency:
        return Decision("urgent", top, score, "intent")
    if phrase:
        return Decision("urgent", phrase, score, "urgent_phrase")
    if whole >= t.urgent:
        return Decision("urgent", emergency_in(ranking, "emergency_medical"), score, "urgency_model")
    if best_part[0] >= t.clause:
        return Decision("urgent", emergency_in(best_part[1]) or emergency_in(ranking, "emergency_medical"),
                        score, "clause")
    if top in EMERGENCY_INTENTS:
        return Decision("unsure", top, score, "intent")
    if score >= t.unsure:
        intent = emergency_in(best_part[1] if best_part[0] > whole else ranking) or emergency_in(ranking)
        return Decision("unsure", intent or "emergency_medical", score, "urgency_model" if whole >= t.unsure else "clause")
    for name, conf in ranking[1:4]:
        if name in EMERGENCY_INTENTS and conf >= t.runner_up:
            return Decision("unsure", name, score, "runner_up")
    return Decision("calm", None, score, "none")
