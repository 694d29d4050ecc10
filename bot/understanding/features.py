"""What the intent and urgency models read, without Rasa: words by Unicode category (Thai
segmented by pythainlp), normalised, followed by the message's cue tokens.

The Rasa components (bot.understanding.components) and the webhook's offline understanding
(bot.understanding.offline) both build their model input here, so a model trained through
Rasa reads the same text either way.
"""
from __future__ import annotations

import unicodedata

from bot.text import normalise, thai_words
from bot.understanding.triage import clauses


def _word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LNM"


def _thai_char(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def word_spans(text: str) -> list[tuple[str, int]]:
    """[(word, start offset)]: runs of letters, digits and marks, lowercased; Thai runs
    split into words. A text with no word character is one token, stripped."""
    spans: list[tuple[str, int]] = []
    i = 0
    while i < len(text):
        if not _word_char(text[i]):
            i += 1
            continue
        j = i
        thai = _thai_char(text[i])
        while j < len(text) and _word_char(text[j]) and _thai_char(text[j]) == thai:
            j += 1
        spans.extend(_thai_spans(text[i:j], i) if thai else [(text[i:j].lower(), i)])
        i = j
    if not spans and text.strip():
        spans = [(text.strip(), text.index(text.strip()))]
    return spans


def _thai_spans(run: str, offset: int) -> list[tuple[str, int]]:
    spans, position = [], 0
    for word in thai_words(run):
        start = run.find(word, position)
        if start < 0 or not word.strip():
            continue
        spans.append((word, offset + start))
        position = start + len(word)
    return spans


def words(text: str, tokens: list[str] | None = None) -> str:
    """Normalised words joined by spaces (`tokens`: the words already found, else found here)."""
    tokens = [w for w, _ in word_spans(text)] if tokens is None else tokens
    return " ".join(normalise(token) for token in tokens) if tokens else normalise(text)


def model_text(text: str, cue_tokens: str, tokens: list[str] | None = None) -> str:
    """The text the intent and urgency models see: the words, then "cue_now cue_joke"..."""
    return f"{words(text, tokens)} {cue_tokens}".strip()


def clause_texts(text: str, cue_tokens: str) -> list[str]:
    """Each clause of a long message as the models see it, with the whole message's cues
    (a clause "they beat me" keeps the "in my country" said in another)."""
    return [model_text(piece, cue_tokens) for piece in clauses(text)]
