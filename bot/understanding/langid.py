"""Which of the six languages a message is in, and whether it is one we serve at all.

Script decides Thai at once. Arabic script is Urdu when it has a letter only Urdu uses
(ے ں ٹ ڈ ڑ ھ ہ); otherwise a character n-gram model trained on our Urdu-script examples
and on Arabic, Persian and Pashto samples (data/langid/unserved.jsonl) tells Urdu from the
languages we do not serve, leaning to Urdu when unsure (an Urdu speaker sent the language
menu loses a turn). Other scripts (Burmese, Khmer, Chinese, Cyrillic, Ethiopic...) are not
served. Whoever writes in a language we do not serve is offered the language menu and a
person, never an answer in a language they did not write. Latin script (English, Spanish, Hmong RPA,
Somali and Roman Urdu) goes to a character n-gram classifier trained on the project's own
training data: common detectors know neither Hmong nor Roman Urdu, and guess badly on the
two-word messages people send.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

from bot.text import has_words, normalise

LATIN_LANGUAGES = ("en", "es", "hmn", "so", "ur")


# Letters Urdu writes and Arabic and Persian do not; Pashto's own letters.
URDU_LETTERS = set("ےںٹڈڑھہۂۓ")
PASHTO_LETTERS = set("ټډړښږځڅېۍڼګ")
UNSERVED_MIN_PROBABILITY = 0.85  # below this an Arabic-script message is taken as Urdu


@dataclass(frozen=True)
class Guess:
    language: str
    confidence: float  # 1.0 when the script decides; 0.0 when nothing in the text tells
    unserved: str | None = None  # "ar", "fa", "ps" or "other": a language Puente does not serve


def script_of(text: str) -> str:
    counts: Counter[str] = Counter()
    for ch in text:
        if unicodedata.category(ch)[0] != "L":
            continue
        name = unicodedata.name(ch, "")
        if name.startswith("THAI"):
            counts["thai"] += 1
        elif name.startswith("ARABIC"):
            counts["arabic"] += 1
        elif "LATIN" in name:
            counts["latin"] += 1
        else:
            counts["other"] += 1
    # Any Thai or Urdu letters decide: people who write them are Thai or Urdu speakers,
    # however many English words (asylum, covid, ICE) they mix in.
    for script in ("thai", "arabic"):
        if counts[script]:
            return script
    return counts.most_common(1)[0][0] if counts else "none"


class LanguageIdentifier:
    def __init__(self, pipeline=None, arabic_script=None):
        self.pipeline = pipeline
        self.arabic_script = arabic_script  # Urdu vs Arabic, Persian, Pashto

    @classmethod
    def train(cls, texts: list[str], languages: list[str],
              unserved: list[tuple[str, str]] = ()) -> "LanguageIdentifier":
        """texts and languages: the NLU examples; unserved: (text, code) samples of the
        Arabic-script languages Puente does not serve."""
        # Imported here: scikit-learn is heavy, and only training and the NLU need it.
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.naive_bayes import MultinomialNB
        from sklearn.pipeline import make_pipeline, make_union

        # Latin-script lines in the Thai file are English typed by Thai speakers: as
        # examples of "Thai" they would teach the model that English is Thai.
        pairs = [(normalise(t), lang) for t, lang in zip(texts, languages)
                 if script_of(t) == "latin" and lang in LATIN_LANGUAGES]
        # Naive Bayes over character n-grams and words: measured on the held-out sets it
        # beat logistic regression and linear SVMs, above all on short English messages
        # that code-switched examples in other languages had pulled away.
        pipeline = make_pipeline(
            make_union(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4)), TfidfVectorizer(analyzer="word")),
            MultinomialNB(alpha=0.2),
        )
        pipeline.fit([p[0] for p in pairs], [p[1] for p in pairs])
        return cls(pipeline, _train_arabic_script(texts, languages, unserved))

    def identify(self, text: str) -> Guess:
        script = script_of(text)
        if script == "thai":
            return Guess("th", 1.0)
        if script == "arabic":
            other = self._unserved_arabic_script(text)
            return Guess("ur", 0.0, other) if other else Guess("ur", 1.0)
        if script == "other":
            return Guess("en", 0.0, "other")
        if script != "latin" or self.pipeline is None or not has_words(text):
            return Guess("en", 0.0)
        probabilities = self.pipeline.predict_proba([normalise(text)])[0]
        best = probabilities.argmax()
        return Guess(str(self.pipeline.classes_[best]), float(probabilities[best]))

    def _unserved_arabic_script(self, text: str) -> str | None:
        """"ar", "fa" or "ps" when an Arabic-script message is plainly not Urdu, else None."""
        letters = set(text)
        if letters & URDU_LETTERS:
            return None
        if letters & PASHTO_LETTERS:
            return "ps"
        if self.arabic_script is None:
            return None
        probabilities = self.arabic_script.predict_proba([normalise(text)])[0]
        best = probabilities.argmax()
        code = str(self.arabic_script.classes_[best])
        return code if code != "ur" and probabilities[best] >= UNSERVED_MIN_PROBABILITY else None


def _train_arabic_script(texts: list[str], languages: list[str], unserved: list[tuple[str, str]]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline

    pairs = [(normalise(t), "ur") for t, lang in zip(texts, languages) if lang == "ur" and script_of(t) == "arabic"]
    pairs += [(normalise(t), code) for t, code in unserved if script_of(t) == "arabic"]
    if not pairs or len({code for _, code in pairs}) < 2:
        return None
    pipeline = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)), MultinomialNB(alpha=0.1))
    pipeline.fit([p[0] for p in pairs], [p[1] for p in pairs])
    return pipeline
