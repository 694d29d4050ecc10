"""SMS encoding and splitting, and WhatsApp formatting.

Hand-written because neither Twilio's SDK nor a maintained library exposes the GSM-7
character set: one character outside it turns the whole SMS into UCS-2 (70 characters a
segment instead of 160), which triples the cost and the number of pieces a person receives.
"""
from __future__ import annotations

import unicodedata

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
    """Splits a long reply into bodies of at most `limit` characters, at paragraph, line
    or word boundaries, so no body exceeds Twilio's 1,600 characters."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


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
