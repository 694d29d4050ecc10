"""The six languages: codes, names, menu order and how a message names one of them; and the
catalogs the replies are written in (Urdu has two: its own script, and Roman Urdu)."""
from __future__ import annotations

import re

from bot.text import normalise
from bot.understanding.langid import script_of

# Menu order is also the voice keypad order (1-6).
LANGUAGES = ("en", "es", "th", "hmn", "so", "ur")
DEFAULT = "en"

# Urdu is written in its own script or in Latin letters ("Roman Urdu"); many who write Roman
# Urdu cannot read the script, and the script turns one answer into 3 to 5 SMS. Roman Urdu has
# a catalog of its own (written, not transliterated) and is otherwise Urdu: the same language
# code for understanding, volunteers and voice.
ROMAN_URDU = "ur-Latn"
CATALOGS = LANGUAGES + (ROMAN_URDU,)

# Each language's name in itself, as shown in the numbered language menu.
NATIVE_NAMES = {
    "en": "English",
    "es": "Español",
    "th": "ภาษาไทย",
    "hmn": "Hmoob",
    "so": "Soomaali",
    "ur": "اردو",
    ROMAN_URDU: "Roman Urdu",
}
# The text language menu: the six, then Roman Urdu as 7.
MENU = CATALOGS

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
# Asking for Urdu in Latin letters: checked before NAMES, since these contain "urdu".
ROMAN_NAMES = ["roman urdu", "urdu roman", "urdu in english", "english urdu", "urdu english", "roman mein",
               "roman main", "angrezi huroof", "english letters"]
_ROMAN = re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in ROMAN_NAMES) + r")(?![\w])")

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


def asks_roman_urdu(text: str) -> bool:
    return bool(_ROMAN.search(normalise(text)))


def urdu_script(text: str) -> str:
    """"Latn" for Urdu written in Latin letters, "Arab" in Urdu script, "" when text has no
    letters of either (a digit, an emoji)."""
    return {"latin": "Latn", "arabic": "Arab"}.get(script_of(text), "")


def catalog_for(lang: str, script: str | None) -> str:
    """The catalog a reply in `lang` is written from: Roman Urdu for Urdu in Latin script."""
    return ROMAN_URDU if lang == "ur" and script == "Latn" else lang


def language_menu() -> str:
    return "\n".join(f"{i} {NATIVE_NAMES[code]}" for i, code in enumerate(MENU, start=1))
