"""Where the NLU components write a sub-answer: Rasa's ResponseSelector output, so that
``bot.services.answers.select_subkey``, the policies and ``make eval`` read it unchanged.

Shared by ``bot.plugins.linear_nlu`` (the classifier's choice) and ``bot.plugins.known_examples``
(the trained answer of a known sentence).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

SELECTOR = "default"  # as Rasa's ResponseSelector names one selector for every retrieval intent


def labelled_examples(training_data: TrainingData) -> list[tuple[Message, str]]:
    """Every intent example with text, and its label: the full retrieval key
    (``ask_procurement/thresholds``) for a sub-answer, else the intent."""
    out = []
    for example in training_data.intent_examples:
        label = example.get(INTENT_RESPONSE_KEY) or example.get(INTENT)
        if example.get(TEXT) and label:
            out.append((example, str(label)))
    return out


def retrieval_responses(training_data: TrainingData, keys: Iterable[str]) -> dict[str, Any]:
    """The domain responses ``utter_<key>`` of the retrieval keys, as the model keeps them."""
    return {f"utter_{key}": training_data.responses.get(f"utter_{key}") or [] for key in sorted(keys)}


def selector_response(responses: dict[str, Any], key: str, confidence: float) -> dict[str, Any]:
    """The ``response`` entry of a selector for the sub-answer ``key``."""
    return {"responses": responses.get(f"utter_{key}") or [{"text": key}],
            "confidence": confidence, "intent_response_key": key, "utter_action": f"utter_{key}"}
