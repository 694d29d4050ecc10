"""The six languages: codes, names, menu order and how a message names one of them."""
from __future__ import annotations

import re

from bot.text import normalise

# Menu order is also the voice keypad order (1-6).
LANGUAGES = ("en", "es", "th", "hmn", "so", "ur")
DEFAULT = "en"

# Each language's name in itself, as shown in the numbered language menu.
NATIVE_NAMES = {
    "en": "English",
    "es": "Español",
    "th": "ภาษาไทย",
    "hmn": "Hmoob",
    "so": "Soomaali",
    "ur": "اردو",
}

# How people name each language, in any of the six (normalised: lowercase, no accents).
# Data, not logic: add spellings here when the logs of misunderstood messages show them.
NAMES = {
    "en": ["english", "ingles", "inglish", "angrezi", "angraizi", "انگریزی", "อังกฤษ", "askiv", "lus askiv",
           "ingiriis", "ingiriisi", "af ingiriis"],
    "es": ["spanish", "espanol", "espaniol", "castellano", "espanish", "ہسپانوی", "hispanvi", "สเปน", "lus mev",
           "lus spanish", "isbaanish", "af isbaanish", "espanyol"],
    "th": ["thai", "tailandes", "ไทย", "ภาษาไทย", "thaib", "lus thaib", "تھائی", "af thai", "af taylandi"],
    "hmn": ["hmong", "hmoob", "lus hmoob", "ม้ง", "ภาษาม้ง", "ہمونگ", "af hmong", "mong"],
    "so": ["somali", "soomaali", "af soomaali", "af somali", "โซมาลี", "صومالی", "lus somali", "lus xos mas lis"],
    "ur": ["urdu", "اردو", "อูรดู", "lus urdu", "af urdu", "urdoo"],
}

_NAME_PATTERNS = [
    (lang, re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])") if name.isascii() else re.compile(re.escape(name)))
    for lang, names in NAMES.items()
    for name in names
]


def named_language(text: str) -> str | None:
    """The language a message asks for ("english please", "ภาษาไทย"), or None.

    When several are named ("no hablo ingles, espanol por favor") the last one wins:
    people name what they do not want first and what they want last.
    """
    norm = normalise(text)
    best: tuple[int, str] | None = None
    for lang, pattern in _NAME_PATTERNS:
        for match in pattern.finditer(norm):
            if best is None or match.start() > best[0]:
                best = (match.start(), lang)
    return best[1] if best else None


def language_menu() -> str:
    return "\n".join(f"{i} {NATIVE_NAMES[code]}" for i, code in enumerate(LANGUAGES, start=1))
