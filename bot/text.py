"""Normalising what people type: case, accents, repeated letters, digits in any script."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_REPEATS = re.compile(r"(.)\1{2,}")
_SPACES = re.compile(r"\s+")


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "LATIN" in unicodedata.name(ch, "")


def normalise(text: str) -> str:
    """Lowercase, drop accents on Latin letters, squeeze "holaaaa" to "holaa", trim spaces.

    Only marks on Latin letters are dropped: in Thai the combining marks are vowels and
    tones, and removing them would change the word.
    """
    text = unicodedata.normalize("NFKC", text or "").lower()
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.category(ch) == "Mn" and out and _is_latin(out[-1]):
            continue
        out.append(ch)
    text = unicodedata.normalize("NFC", "".join(out))
    text = _REPEATS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


def has_words(text: str) -> bool:
    """True when the text has at least one letter or digit (in any script)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text or "")


def as_menu_choice(text: str) -> int | None:
    """"2", " 2. ", "๒" (Thai) or "۲" (Urdu) -> 2; anything else -> None."""
    stripped = (text or "").strip().rstrip(".)").strip()
    if len(stripped) != 1:
        return None
    try:
        return unicodedata.digit(stripped)
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=1)
def thai_dictionary():
    """pythainlp's bundled word list as a trie, built once per process: pythainlp otherwise
    rebuilds it on every call (13 % of a turn), and it takes about 2 s."""
    from pythainlp.corpus.common import thai_words
    from pythainlp.util import dict_trie

    return dict_trie(thai_words())


def thai_words(run: str) -> list[str]:
    """A run of Thai split into words (pythainlp's newmm, offline, with the bundled dictionary)."""
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(run, custom_dict=thai_dictionary(), engine="newmm", keep_whitespace=True)
