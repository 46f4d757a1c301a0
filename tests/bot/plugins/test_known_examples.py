"""The known-example component with Rasa's own model storage and messages: trained, persisted,
loaded again, it sets the trained intent and sub-answer for a training sentence (also when
DIET was unsure) and leaves every other message as DIET and the ResponseSelector left it."""

from __future__ import annotations

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message

from bot.plugins.known_examples import KnownExampleClassifier

NLU = """
version: "3.1"
nlu:
- intent: ask_permit/events
  examples: |
    - mijn oliebollenkraam wil op de hoek van de markt staan
    - welke vergunning heb ik nodig voor een braderie
- intent: ask_permit/which_permit
  examples: |
    - welke vergunning heb ik nodig voor mijn winkel
- intent: greet
  examples: |
    - goedemorgen allemaal
    - hoi
"""
RESPONSES = {"utter_ask_permit/events": [{"text": "Voor een evenement vraag je een evenementenvergunning aan."}],
             "utter_ask_permit/which_permit": [{"text": "Welke vergunning je nodig hebt, hangt af van..."}]}


def _training_data():
    data = RasaYAMLReader().reads(NLU)
    data.responses = RESPONSES
    return data


@pytest.fixture
def trained(tmp_path):
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    resource = Resource("known_examples")
    context = ExecutionContext(GraphSchema({}), "test")
    component = KnownExampleClassifier.create({}, storage, resource, context)
    component.train(_training_data())
    return KnownExampleClassifier.load({}, storage, resource, context)


def _diet_unsure(text: str) -> Message:
    """A message as DIET and the ResponseSelector left it: unsure, and the wrong sub-answer."""
    message = Message(data={"text": text})
    message.set("intent", {"name": "ask_procurement", "confidence": 0.31}, add_to_output=True)
    message.set("intent_ranking", [{"name": "ask_procurement", "confidence": 0.31},
                                   {"name": "ask_permit", "confidence": 0.29}], add_to_output=True)
    message.set("response_selector", {
        "all_retrieval_intents": ["ask_permit", "ask_procurement"],
        "default": {"response": {"responses": [{"text": "x"}], "confidence": 0.4,
                                 "intent_response_key": "ask_procurement/how_to_tender",
                                 "utter_action": "utter_ask_procurement/how_to_tender"},
                    "ranking": [{"id": 1, "confidence": 0.4, "intent_response_key": "ask_procurement/how_to_tender"},
                                {"id": 2, "confidence": 0.2, "intent_response_key": "ask_permit/events"}]},
    }, add_to_output=True)
    return message


def test_a_training_sentence_gets_its_trained_intent_and_sub_answer_after_loading(trained):
    message = _diet_unsure("Mijn oliebollenkraam wil op de hoek van de markt staan!")
    trained.process([message])
    assert message.get("intent") == {"name": "ask_permit", "confidence": 1.0}
    selector = message.get("response_selector")["default"]
    assert selector["response"]["intent_response_key"] == "ask_permit/events"
    assert selector["response"]["utter_action"] == "utter_ask_permit/events"
    assert selector["response"]["responses"] == RESPONSES["utter_ask_permit/events"]
    assert [r["intent_response_key"] for r in selector["ranking"]] == [
        "ask_permit/events", "ask_procurement/how_to_tender"]
    assert selector["ranking"][0]["id"] == 2  # Rasa's id of that response is kept
    assert message.get("response_selector")["all_retrieval_intents"] == ["ask_permit", "ask_procurement"]
    # and Rasa's FallbackClassifier after it no longer falls back
    fallback = FallbackClassifier.create({**FallbackClassifier.get_default_config(), "threshold": 0.5},
                                         None, None, None)
    fallback.process([message])
    assert message.get("intent")["name"] == "ask_permit"


def test_other_messages_and_one_word_examples_are_left_to_diet(trained):
    for text in ("mijn ijscokar wil op het strand staan", "hoi"):
        message = _diet_unsure(text)
        before = yaml.safe_dump(message.as_dict())
        trained.process([message])
        assert yaml.safe_dump(message.as_dict()) == before


def test_a_small_talk_example_sets_only_the_intent(trained):
    message = _diet_unsure("goedemorgen allemaal")
    trained.process([message])
    assert message.get("intent") == {"name": "greet", "confidence": 1.0}
    assert message.get("response_selector")["default"]["response"]["intent_response_key"] == \
        "ask_procurement/how_to_tender"


def test_loading_without_a_trained_file_knows_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    storage = LocalModelStorage(tmp_path / "empty")
    context = ExecutionContext(GraphSchema({}), "test")
    component = KnownExampleClassifier.load({}, storage, Resource("never_trained"), context)
    message = _diet_unsure("mijn oliebollenkraam wil op de hoek van de markt staan")
    component.process([message])
    assert message.get("intent")["name"] == "ask_procurement"
