"""The intent model: TF-IDF over character n-grams and words, a linear SVM, calibrated
probabilities; and beside it, over the same features, the urgent/not-urgent model.

Chosen over DIET by measurement on the held-out sets (bench/nlu_eval.py): as accurate or
better in all six languages, and it trains in seconds instead of a quarter of an hour on
two cores. Character n-grams carry typos, missing accents, Hmong tone letters and Roman
Urdu spelling variants; words and word pairs carry the rest.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Scores:
    """Per text: the ranking [(intent, probability)] best first; the emergency mass (the
    summed probability of the four emergency intents, in [0, 1]); and P(urgent) from the
    urgent/not-urgent model (0.0 when the model has none)."""
    rankings: list[list[tuple[str, float]]]
    masses: list[float]
    urgent: list[float]


@dataclass
class IntentModel:
    pipeline: object
    # Urgent or not, trained on the four emergency intents pooled against every other intent,
    # hard negatives included, over the intent model's own features (computed once for both).
    # A second opinion only: on its own it raises more false alarms than the emergency mass
    # (5-fold cross-validation, false alarms at 98 % urgent recall: 10 % against 4.4 %),
    # because the 27-way model has learnt what the alarming-but-calm messages are instead.
    urgency: object | None = None

    @classmethod
    def train(cls, texts: list[str], intents: list[str], c: float = 1.0, seed: int = 7) -> "IntentModel":
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union
        from sklearn.svm import LinearSVC

        features = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
            # Word pairs carry what single words cannot: "last call", "breathing fine", "no emergency".
            TfidfVectorizer(analyzer="word", token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True),
        )
        # Balanced weights: emergencies have the most examples, and must not become the
        # default guess for text the model knows nothing about.
        # One SVM calibrated on cross-validated predictions (ensemble=False), not three: a
        # third of the work per message, for the same accuracy (bench/nlu_eval.py).
        classifier = CalibratedClassifierCV(LinearSVC(C=c, random_state=seed, class_weight="balanced"), cv=3,
                                            ensemble=False)
        pipeline = make_pipeline(features, classifier)
        labels = np.asarray(intents)  # sklearn 1.1 calibration counts classes on arrays only
        pipeline.fit(texts, labels)
        # Balanced: a missed emergency costs far more than a false alarm.
        urgency = LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced")
        urgency.fit(pipeline[0].transform(texts), np.char.startswith(labels.astype(str), "emergency_"))
        return cls(pipeline, urgency)

    def rank(self, texts: list[str], top: int = 10) -> list[list[tuple[str, float]]]:
        return self.score(texts, top).rankings

    def score(self, texts: list[str], top: int = 10) -> Scores:
        """Rankings (the top intents), emergency masses and P(urgent) for each text.

        The mass is the urgency score triage uses (bot.understanding.triage)."""
        if not texts:
            return Scores([], [], [])
        features = self.pipeline[0].transform(texts)
        probabilities = self.pipeline[-1].predict_proba(features)
        classes = self.pipeline.classes_
        emergency = [i for i, name in enumerate(classes) if str(name).startswith("emergency_")]
        rankings, masses = [], []
        for row in probabilities:
            order = np.argsort(row)[::-1][:top]
            rankings.append([(str(classes[i]), float(row[i])) for i in order])
            masses.append(float(row[emergency].sum()))
        urgent = [0.0] * len(texts)
        if self.urgency is not None:
            column = list(self.urgency.classes_).index(True)
            urgent = [float(p) for p in self.urgency.predict_proba(features)[:, column]]
        return Scores(rankings, masses, urgent)
