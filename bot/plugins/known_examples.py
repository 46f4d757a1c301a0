"""A Rasa NLU component: a sentence the assistant was trained on gets the answer it was trained
with, whatever the intent classifier's confidence.

It sits in ``config.yml`` after the intent classifier and before the FallbackClassifier. When
the normalised text of a message equals a training example (``bot.services.training.
example_index``), it sets the intent (confidence 1.0) and, for a topic, the sub-answer the
example was written for. Otherwise it changes nothing.

Why: the learning loop. An editor links a misunderstood question to the right answer in the
inbox and publishes; Publiceren fine-tunes the model for a few epochs, which gives no
guarantee that one new example among two thousand ends above the fallback threshold. With
this component that exact question is answered as linked after every publish; the classifier
still generalises to other wordings.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.plugins.sub_answers import (
    SELECTOR,
    labelled_examples,
    retrieval_responses,
    selector_response,
)
from bot.services import privacy
from bot.services.training import example_index

FILE = "known_examples.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class KnownExampleClassifier(GraphComponent, IntentClassifier):
    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 index: dict[str, str] | None = None,
                 responses: dict[str, Any] | None = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.index = index or {}
        self.responses = responses or {}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> KnownExampleClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self.index = example_index([(ex.get(TEXT), label) for ex, label in labelled_examples(training_data)])
        keys = {label for label in self.index.values() if "/" in label}
        self.responses = retrieval_responses(training_data, keys)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / FILE).write_text(json.dumps({"index": self.index, "responses": self.responses},
                                                     ensure_ascii=False), encoding="utf-8")
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> KnownExampleClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                data = json.loads((directory / FILE).read_text(encoding="utf-8"))
        except (ValueError, OSError):  # not trained yet (e.g. fine-tuning from an older model)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, data.get("index"), data.get("responses"))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            label = self.index.get(privacy.normalise(message.get(TEXT)))
            if label:
                self._set(message, label)
        return messages

    def _set(self, message: Message, label: str) -> None:
        intent = label.split("/", 1)[0]
        message.set("intent", {"name": intent, "confidence": 1.0}, add_to_output=True)
        message.set("intent_ranking", [{"name": intent, "confidence": 1.0}], add_to_output=True)
        if "/" not in label:
            return
        selectors = dict(message.get("response_selector") or {})
        selector = dict(selectors.get(SELECTOR) or {})
        ranking = list(selector.get("ranking") or [])
        known = next((r for r in ranking if r.get("intent_response_key") == label), None)
        ranking = [r for r in ranking if r is not known]
        selector["response"] = selector_response(self.responses, label, 1.0)
        top = {**(known or {"id": None}), "confidence": 1.0, "intent_response_key": label}
        selector["ranking"] = [top, *ranking]
        selectors[SELECTOR] = selector
        message.set("response_selector", selectors, add_to_output=True)
