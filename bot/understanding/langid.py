"""Which of the six languages a message is in.

Script decides Thai and Urdu script at once. Latin script (English, Spanish, Hmong RPA,
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


@dataclass(frozen=True)
class Guess:
    language: str
    confidence: float  # 1.0 when the script decides; 0.0 when nothing in the text tells


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
    def __init__(self, pipeline=None):
        self.pipeline = pipeline

    @classmethod
    def train(cls, texts: list[str], languages: list[str]) -> "LanguageIdentifier":
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
        return cls(pipeline)

    def identify(self, text: str) -> Guess:
        script = script_of(text)
        if script == "thai":
            return Guess("th", 1.0)
        if script == "arabic":
            return Guess("ur", 1.0)
        if script != "latin" or self.pipeline is None or not has_words(text):
            return Guess("en", 0.0)
        probabilities = self.pipeline.predict_proba([normalise(text)])[0]
        best = probabilities.argmax()
        return Guess(str(self.pipeline.classes_[best]), float(probabilities[best]))
