"""The trained model's own understanding without Rasa, for the webhook's fallback: when Rasa,
the action server or Redis fails, a message is still read by the same language identifier,
cues, intent and urgency models and urgent phrases as the assistant's, not by phrase lists alone.

The objects are read from the model file (models/puente-<fingerprint>.tar.gz) that Rasa
serves: the pickles our components persisted (bot.understanding.components._persist), and
the triage thresholds from config.yml. The model file is our own training output, so
unpickling it is as trusted as Rasa loading it.
"""
from __future__ import annotations

import logging
import pickle
import tarfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.understanding.cues import Cues
from bot.understanding.features import clause_texts, model_text
from bot.understanding.intents import IntentModel
from bot.understanding.langid import LanguageIdentifier
from bot.understanding.triage import Decision, Thresholds, decide
from bot.understanding.urgent import UrgentPhrases

log = logging.getLogger(__name__)
_OBJECTS = {"LanguageDetector": ("langid", "arabic_script"), "CueDetector": ("cues",),
            "PuenteIntentClassifier": ("intents", "urgency"), "UrgentSafetyNet": ("urgent_phrases",)}


@dataclass(frozen=True)
class OfflineUnderstanding:
    identifier: LanguageIdentifier
    cues: Cues
    model: IntentModel
    phrases: UrgentPhrases
    thresholds: Thresholds

    @classmethod
    def load(cls, model_file: Path, config_file: Path) -> "OfflineUnderstanding":
        """Reads the components' pickles from a trained model file. Raises OSError, KeyError
        (a component missing) or pickle.UnpicklingError."""
        found: dict[str, object] = {}
        with tarfile.open(model_file, "r:gz") as tar:
            for member in tar.getmembers():
                parts = Path(member.name).parts
                if len(parts) < 2 or not member.isfile() or not parts[-1].endswith(".pkl"):
                    continue
                component = next((c for c in _OBJECTS if f"components.{c}" in parts[-2]), None)
                name = parts[-1].removesuffix(".pkl")
                if component and name in _OBJECTS[component]:
                    found[name] = pickle.loads(tar.extractfile(member).read())  # noqa: S301 - our own model
        return cls(LanguageIdentifier(found["langid"], found["arabic_script"]), Cues(found["cues"]),
                   IntentModel(found["intents"], found["urgency"]), UrgentPhrases.from_dict(found["urgent_phrases"]),
                   _thresholds(config_file))

    def language(self, text: str) -> str | None:
        """One of en es th hmn so ur when the text tells (None for a language we do not
        serve, or nothing to go by)."""
        guess = self.identifier.identify(text)
        return guess.language if guess.unserved is None and guess.confidence > 0 else None

    def intent(self, text: str) -> tuple[str, float]:
        """The likeliest intent and its probability, as the assistant's classifier ranks it
        (before the triage, which bot.understanding.offline.triage gives)."""
        ranking = self.model.score([model_text(text, self.cues.tokens(text))], top=1).rankings[0]
        return ranking[0]

    def triage(self, text: str) -> Decision:
        """The urgency decision the assistant's NLU would make for this message."""
        cues = self.cues.tokens(text)
        whole = self.model.score([model_text(text, cues)])
        parts = self.model.score(clause_texts(text, cues), top=4)
        return decide(whole.rankings[0], whole.masses[0], list(zip(parts.masses, parts.rankings)), whole.urgent[0],
                      self.phrases.match(text), self.thresholds, set(self.cues.found(text)))


def _thresholds(config_file: Path) -> Thresholds:
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    entry = next((c for c in config.get("pipeline") or [] if str(c.get("name", "")).endswith("UrgentSafetyNet")), {})
    return Thresholds(**{k: float(entry[k]) for k in Thresholds.__dataclass_fields__ if k in entry})


@lru_cache(maxsize=1)
def load_current() -> OfflineUnderstanding | None:
    """The understanding of the model trained from this checkout, or None (logged) when it is
    missing or unreadable: the fallback then has the phrase lists and the script alone."""
    from bot.settings import ROOT
    from bot.understanding.training import model_path

    try:
        return OfflineUnderstanding.load(model_path(ROOT), ROOT / "config.yml")
    except Exception as error:  # noqa: BLE001 - the fallback must start whatever the model file holds
        log.error("offline understanding unavailable (%s): the fallback uses the phrase lists", type(error).__name__)
        return None
