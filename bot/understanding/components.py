"""Rasa NLU graph components: a tokenizer for all six languages, the language of the
message, the cues of time, negation and jest, the intent, and the triage of urgency.

Kept thin: the work is done by bot.understanding.langid, cues, intents, triage, urgent and
pythainlp.
"""
from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text import thai_dictionary
from bot.understanding.cues import Cues, load_cues
from bot.understanding.features import clause_texts, model_text, word_spans
from bot.understanding.intents import IntentModel
from bot.understanding.langid import LanguageIdentifier
from bot.understanding.triage import Thresholds, decide
from bot.understanding.urgent import EMERGENCY_INTENTS, UrgentPhrases, load_phrases

CUE_TOKENS = "cue_tokens"  # message attribute, not output: "cue_now cue_joke" for the whole message


def _training_examples(training_data: TrainingData) -> List[Message]:
    """Examples with text (stories and rules add intent-only ones), in a fixed order: the
    same data in another file order must give the same model."""
    return sorted((m for m in training_data.intent_examples if m.get(TEXT)),
                  key=lambda m: (m.get(INTENT) or "", m.get(TEXT)))


def _persist(model_storage: ModelStorage, resource: Resource, **objects: Any) -> None:
    with model_storage.write_to(resource) as directory:
        for name, obj in objects.items():
            (Path(directory) / f"{name}.pkl").write_bytes(pickle.dumps(obj))


def _restore(model_storage: ModelStorage, resource: Resource, *names: str) -> Optional[List[Any]]:
    """The pickled objects of a trained component, or None before training."""
    try:
        with model_storage.read_from(resource) as directory:
            return [pickle.loads((Path(directory) / f"{name}.pkl").read_bytes()) for name in names]
    except (ValueError, FileNotFoundError):
        return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class PuenteTokenizer(Tokenizer):
    """Words in any of the six scripts; Thai runs are segmented with pythainlp.

    Rasa's WhitespaceTokenizer refuses Thai (no spaces between words) and its regex drops
    Urdu and Thai combining marks, so this walks the text by Unicode category instead.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent_tokenization_flag": False, "intent_split_symbol": "_", "token_pattern": None,
                "prefix_separator_symbol": None}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "PuenteTokenizer":
        thai_dictionary()  # at start-up, not on the first Thai message (about 2 s)
        return cls(config)

    @staticmethod
    def required_packages() -> List[Text]:
        return ["pythainlp"]

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        return self._apply_token_pattern(_tokens(message.get(attribute) or ""))


def _tokens(text: str) -> List[Token]:
    """Words by Unicode category; Thai runs segmented by pythainlp (bot.understanding.features)."""
    return [Token(word, start) for word, start in word_spans(text)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LanguageDetector(GraphComponent):
    """Adds `language` (en es th hmn so ur) and `language_confidence` to the parse result.

    Trained on the NLU examples, whose language is the `metadata: {language: ..}` of
    each intent block in data/nlu/<lang>.yml.
    """

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 identifier: Optional[LanguageIdentifier] = None):
        self._storage = model_storage
        self._resource = resource
        self._identifier = identifier or LanguageIdentifier()

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Samples of Arabic, Persian and Pashto, read at training time and kept in the model.
        return {"unserved_file": "data/langid/unserved.jsonl"}

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> "LanguageDetector":
        detector = cls(model_storage, resource)
        detector._unserved_file = config.get("unserved_file")
        return detector

    def train(self, training_data: TrainingData) -> Resource:
        texts, languages = [], []
        for example in _training_examples(training_data):
            language = ((example.get(METADATA) or {}).get("intent") or {}).get("language")
            if language:
                texts.append(example.get(TEXT))
                languages.append(language)
        if not texts:
            raise ValueError("no NLU example carries metadata.language; see data/nlu/<lang>.yml")
        unserved = []
        configured = getattr(self, "_unserved_file", None)
        path = Path(configured or "")
        if configured and not path.is_file():
            # Without it Persian and Arabic would be answered as Urdu: refuse to train.
            raise FileNotFoundError(f"LanguageDetector unserved_file not found: {configured}")
        if path.is_file():
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            unserved = [(row["text"], row["lang"]) for row in rows]
        self._identifier = LanguageIdentifier.train(texts, languages, unserved)
        _persist(self._storage, self._resource, langid=self._identifier.pipeline,
                 arabic_script=self._identifier.arabic_script)
        return self._resource

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs) -> "LanguageDetector":
        restored = _restore(model_storage, resource, "langid", "arabic_script")
        return cls(model_storage, resource, LanguageIdentifier(*restored) if restored else None)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            guess = self._identifier.identify(message.get(TEXT) or "")
            message.set("language", guess.language, add_to_output=True)
            message.set("language_confidence", round(guess.confidence, 4), add_to_output=True)
            # The contract keeps `language` to the six; a language we do not serve is said apart.
            message.set("language_served", guess.unserved is None, add_to_output=True)
            if guess.unserved:
                message.set("language_unserved", guess.unserved, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def _classifier_text(message: Message) -> str:
    """The words the intent and urgency models see, with the message's cue tokens."""
    tokens = message.get("text_tokens")
    return model_text(message.get(TEXT) or "", message.get(CUE_TOKENS) or "",
                      [token.text for token in tokens] if tokens else None)


def _clause_texts(message: Message) -> List[str]:
    return clause_texts(message.get(TEXT) or "", message.get(CUE_TOKENS) or "")


EMERGENCY_MASS = "emergency_mass"  # message attribute, not output: summed emergency probability
SECOND_OPINION = "urgent_probability"  # message attribute, not output: P(urgent), the urgent/not-urgent model
CLAUSES = "clause_scores"          # message attribute, not output: (emergency mass, ranking) per clause


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class CueDetector(GraphComponent):
    """Adds `cue_kinds` (["now", "joke", ...], bot.understanding.cues) to the parse result, and
    their tokens to what the intent and urgency models read, in training as in use."""

    def __init__(self, config, model_storage: ModelStorage, resource: Resource, cues: Optional[Cues] = None):
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._cues = cues or Cues({})

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Read from data at training time and kept inside the model, like the urgent phrases.
        return {"cues_dir": "data/cues"}

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> "CueDetector":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self._cues = Cues(load_cues(Path(self._config["cues_dir"])))
        _persist(self._storage, self._resource, cues=self._cues.cues)
        return self._resource

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs) -> "CueDetector":
        restored = _restore(model_storage, resource, "cues")
        return cls(config, model_storage, resource, Cues(restored[0]) if restored else None)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = self._cues.found(message.get(TEXT) or "")
            message.set(CUE_TOKENS, " ".join(f"cue_{kind}" for kind in found))
            message.set("cue_kinds", found, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            if message.get(TEXT):
                message.set(CUE_TOKENS, self._cues.tokens(message.get(TEXT)))
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class PuenteIntentClassifier(GraphComponent):
    """Sets `intent` and `intent_ranking` from bot.understanding.intents.IntentModel."""

    def __init__(self, config, model_storage: ModelStorage, resource: Resource, model: Optional[IntentModel] = None):
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 1.0, "random_seed": 7, "ranking_length": 10}

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> "PuenteIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        # Stories and rules add intent-only messages without text; only real examples train.
        examples = _training_examples(training_data)
        self._model = IntentModel.train([_classifier_text(m) for m in examples], [m.get(INTENT) for m in examples],
                                        c=self._config["C"], seed=self._config["random_seed"])
        _persist(self._storage, self._resource, intents=self._model.pipeline, urgency=self._model.urgency)
        return self._resource

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs) -> "PuenteIntentClassifier":
        restored = _restore(model_storage, resource, "intents", "urgency")
        return cls(config, model_storage, resource, IntentModel(*restored) if restored else None)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None or not messages:
            return messages
        scores = self._model.score([_classifier_text(m) for m in messages], top=self._config["ranking_length"])
        for message, ranking, mass, urgent in zip(messages, scores.rankings, scores.masses, scores.urgent):
            name, confidence = ranking[0]
            message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking], add_to_output=True)
            message.set(EMERGENCY_MASS, mass)
            message.set(SECOND_OPINION, urgent)
            pieces = self._model.score(_clause_texts(message), top=4)
            message.set(CLAUSES, list(zip(pieces.masses, pieces.rankings)))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UrgentSafetyNet(GraphComponent):
    """Runs after the intent classifier: triage of the whole message (bot.understanding.triage).

    Adds `urgency` ({level: urgent|unsure|calm, intent, score, source}) to the parse result.
    An urgent message's intent becomes its emergency; an unsure one keeps its likeliest
    non-emergency intent, and the dialogue asks whether someone is in danger now.
    """

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 phrases: Optional[Dict[str, List[str]]] = None):
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._phrases = phrases or {}
        self._matcher = UrgentPhrases.from_dict(self._phrases)
        self._thresholds = Thresholds(**{k: float(config[k]) for k in Thresholds.__dataclass_fields__ if k in config})

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Phrases are read from data at training time and kept inside the model, so a
        # model file is complete on its own. Thresholds: see bot.understanding.triage.Thresholds.
        return {"phrases_dir": "data/urgent", **Thresholds().__dict__}

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> "UrgentSafetyNet":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self._phrases = load_phrases(Path(self._config["phrases_dir"]))
        _persist(self._storage, self._resource, urgent_phrases=self._phrases)
        return self._resource

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs) -> "UrgentSafetyNet":
        restored = _restore(model_storage, resource, "urgent_phrases")
        return cls(config, model_storage, resource, restored[0] if restored else {})

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.strip():
                continue
            intent = message.get(INTENT) or {}
            ranking = [(r["name"], r["confidence"]) for r in message.get(INTENT_RANKING_KEY) or []]
            decision = decide(ranking, message.get(EMERGENCY_MASS) or 0.0, message.get(CLAUSES) or [],
                              message.get(SECOND_OPINION) or 0.0,
                              self._matcher.match(text), self._thresholds, set(message.get("cue_kinds") or []))
            message.set("urgency", decision.as_dict(), add_to_output=True)
            if decision.level == "urgent":
                confidence = next((c for n, c in ranking if n == decision.intent), 0.0)
                message.set(INTENT, {"name": decision.intent, "confidence": max(confidence, intent.get("confidence", 0.0))},
                            add_to_output=True)
            elif intent.get("name") in EMERGENCY_INTENTS:
                # Not urgent enough to say so: the likeliest other intent answers, and the
                # dialogue asks about danger (an unsure decision) before anything else.
                name, confidence = next(((n, c) for n, c in ranking if n not in EMERGENCY_INTENTS), ("out_of_scope", 0.0))
                message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
