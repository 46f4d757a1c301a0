"""The Rasa NLU component around ``bot.services.linear_nlu``: intent and sub-answer in one step.

In ``config.yml`` after the tokenizer and the entity extractors, before the
KnownExampleClassifier and the FallbackClassifier. It replaces DIET (the intent) and the
ResponseSelector (the sub-answer). It writes what those two wrote, in the same places, so the
rest of the assistant (``bot.services.answers.select_subkey``, the FallbackClassifier, the
policies, ``make eval``) reads it unchanged:

- ``intent`` and ``intent_ranking`` (name, confidence);
- ``response_selector["default"]``: ``response`` (the sub-answer's key, responses, utter action
  and confidence) and ``ranking``, plus ``all_retrieval_intents``.

The lemmas come from the tokens of the spaCy tokenizer (the word features); the character
features from the text. Entities are left to the entity extractors before it.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.plugins.sub_answers import (
    SELECTOR,
    labelled_examples,
    retrieval_responses,
    selector_response,
)
from bot.services.linear_nlu import Classifier, Sentence

RESPONSES_FILE = "responses.json"


def sentence(message: Message) -> Sentence:
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    lemmas = tuple(str(getattr(t, "lemma", None) or t.text) for t in tokens)
    return Sentence(str(message.get(TEXT) or ""), lemmas)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"ranking_length": 10}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 classifier: Classifier | None = None,
                 responses: dict[str, Any] | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.classifier = classifier
        self.responses = responses or {}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = labelled_examples(training_data)
        sentences = [sentence(ex) for ex, _ in examples]
        labels = [label for _, label in examples]
        if not sentences:  # nothing to learn (e.g. a dialogue-only training): leave it empty
            return self._resource
        self.classifier = Classifier.train(sentences, labels)
        self.responses = retrieval_responses(training_data, {label for label in labels if "/" in label})
        with self._model_storage.write_to(self._resource) as directory:
            self.classifier.save(directory)
            (directory / RESPONSES_FILE).write_text(json.dumps(self.responses, ensure_ascii=False),
                                                    encoding="utf-8")
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                classifier = Classifier.load(directory)
                responses = json.loads((directory / RESPONSES_FILE).read_text(encoding="utf-8"))
        except (ValueError, OSError, KeyError):  # not trained (yet)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, classifier, responses)

    def process(self, messages: list[Message]) -> list[Message]:
        if self.classifier is None:
            return messages
        predictions = self.classifier.predict([sentence(m) for m in messages],
                                              ranking_length=int(self._config["ranking_length"]))
        for message, pred in zip(messages, predictions, strict=True):
            name, confidence = pred.intent_ranking[0]
            message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
            message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in pred.intent_ranking],
                        add_to_output=True)
            if pred.sub_answer_ranking:
                self._set_sub_answer(message, pred.sub_answer, pred.sub_answer_ranking)
        return messages

    def _set_sub_answer(self, message: Message, key: str | None,
                        ranking: list[tuple[str, float]]) -> None:
        top_key, top_conf = (key, ranking[0][1]) if key else ranking[0]
        selectors = dict(message.get("response_selector") or {})
        assert self.classifier is not None
        selectors["all_retrieval_intents"] = self.classifier.retrieval_intents
        selectors[SELECTOR] = {
            "response": selector_response(self.responses, top_key, top_conf),
            "ranking": [{"id": None, "confidence": c, "intent_response_key": k} for k, c in ranking],
        }
        message.set("response_selector", selectors, add_to_output=True)
