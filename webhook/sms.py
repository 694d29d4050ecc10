"""SMS encoding and splitting, and WhatsApp formatting.

Hand-written because neither Twilio's SDK nor a maintained library exposes the GSM-7
character set: one character outside it turns the whole SMS into UCS-2 (70 characters a
segment instead of 160), which triples the cost and the number of pieces a person receives.
"""
from __future__ import annotations

import unicodedata

import regex

from bot.text import thai_words

# GSM 03.38 basic set, and the extension table (each extension character costs two septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")
MAX_SMS_CHARS = 1600  # Twilio's limit for one message body


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def gsm7_length(text: str) -> int:
    return sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)


def segment_count(text: str) -> int:
    if is_gsm7(text):
        n = gsm7_length(text)
        return 1 if n <= 160 else -(-n // 153)
    n = len(text.encode("utf-16-le")) // 2
    return 1 if n <= 70 else -(-n // 67)


def strip_spanish_accents(text: str) -> str:
    """"información" -> "informacion", as people text, keeping ñ, ¿ ¡ and what GSM-7 has.

    Characters GSM-7 already has (é, ñ, ü, ¿, ¡) stay; only the rest lose their accent.
    """
    out = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENDED:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base if base in GSM7_BASIC else ch)
    return "".join(out)


def gsm7_friendly(text: str) -> str:
    """Typographic characters from catalogs (– “ ” ’ …) replaced by GSM-7 ones."""
    return (text.replace("–", "-").replace("—", "-").replace("“", '"').replace("”", '"')
            .replace("’", "'").replace("‘", "'").replace("…", "...").replace("\u202f", " ").replace("\xa0", " "))


def split_sms(text: str, limit: int = MAX_SMS_CHARS) -> list[str]:
    """Splits a long reply into bodies of at most `limit` characters, so no body exceeds
    Twilio's 1,600: at a paragraph, line or space in the second half of the body, else
    between two Thai words, else between two grapheme clusters, never inside one (a Thai
    vowel or tone mark, an accent, a flag or a ZWJ emoji stays with its base)."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        if cut <= limit // 2:
            cut = _boundary(rest, limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


_CLUSTER = regex.compile(r"\X")
_THAI = regex.compile(r"\p{Thai}")


def _boundary(text: str, limit: int) -> int:
    """The last place at or before `limit` where `text` may be cut (> 0): a Thai word
    boundary in the second half when the text is Thai there, else a grapheme cluster boundary."""
    ends = [0]
    for cluster in _CLUSTER.finditer(text, 0, limit + 1):
        if cluster.end() > limit:
            break
        ends.append(cluster.end())
    cut = ends[-1] if ends[-1] > 0 else min(len(text), limit)
    window_start = limit // 2
    if _THAI.search(text, window_start, cut):
        position, words = window_start, thai_words(text[window_start:cut + 1])
        best = None
        for word in words[:-1]:  # the last "word" may run past the cut
            position += len(word)
            if position <= cut and position in ends:
                best = position
        if best:
            return best
    return cut


def for_sms(messages: list[str], lang: str, ascii_spanish: bool) -> list[str]:
    text = gsm7_friendly("\n\n".join(messages))
    if ascii_spanish and lang == "es":
        text = strip_spanish_accents(text)
    return split_sms(text)


def for_whatsapp(messages: list[str]) -> list[str]:
    """WhatsApp takes long messages (4,096 characters); the first line of a reply is bolded
    when it is a heading-like short line."""
    out = []
    for message in messages:
        first, _, rest = message.partition("\n")
        if rest and len(first) <= 80 and first.endswith(":"):
            message = f"*{first}*\n{rest}"
        out.extend(split_sms(message, limit=4000))
    return out
