"""The linear NLU component with Rasa's own model storage, messages and FallbackClassifier:
trained, persisted and loaded, it writes the intent and the sub-answer where DIET and the
ResponseSelector wrote them, so the rest of the assistant reads them unchanged."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message

from bot.plugins.linear_nlu import LinearIntentClassifier
from bot.services.answers import select_subkey

NLU = """
version: "3.1"
nlu:
- intent: ask_permit/events
  examples: |
    - mijn oliebollenkraam wil op de markt staan
    - welke vergunning heb ik nodig voor een braderie
    - ik organiseer een festival in het park
    - vergunning voor een evenement aanvragen
- intent: ask_permit/terrace
  examples: |
    - mag ik een terras voor mijn cafe zetten
    - terrasvergunning aanvragen
    - hoeveel stoelen mag ik buiten op mijn terras zetten
- intent: greet
  examples: |
    - goedemorgen allemaal
    - hoi
    - hallo daar
    - goedemiddag
- intent: goodbye
  examples: |
    - doei
    - tot ziens
    - fijne dag verder
    - dag hoor
"""
RESPONSES = {"utter_ask_permit/events": [{"text": "Voor een evenement vraag je een evenementenvergunning aan."}],
             "utter_ask_permit/terrace": [{"text": "Voor een terras vraag je een terrasvergunning aan."}]}


def _tokenizer():
    return WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())


def _training_data():
    data = RasaYAMLReader().reads(NLU)
    data.responses = RESPONSES
    _tokenizer().process_training_data(data)
    return data


@pytest.fixture
def loaded(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear")
    context = ExecutionContext(GraphSchema({}), "test")
    component = LinearIntentClassifier.create({}, storage, resource, context)
    component.train(_training_data())
    return LinearIntentClassifier.load({}, storage, resource, context)


def _parse(component, text):
    message = Message(data={"text": text})
    _tokenizer().process([message])
    component.process([message])
    return message


def test_intent_and_sub_answer_where_rasa_puts_them(loaded):
    message = _parse(loaded, "ik wil een braderie organiseren, welke vergunning")
    assert message.get("intent")["name"] == "ask_permit"
    ranking = message.get("intent_ranking")
    assert ranking[0]["name"] == "ask_permit" and 0 < ranking[0]["confidence"] <= 1
    selector = message.get("response_selector")["default"]
    assert selector["response"]["intent_response_key"] == "ask_permit/events"
    assert selector["response"]["utter_action"] == "utter_ask_permit/events"
    assert selector["response"]["responses"] == RESPONSES["utter_ask_permit/events"]
    assert message.get("response_selector")["all_retrieval_intents"] == ["ask_permit"]
    # What action_answer reads of it:
    assert select_subkey(message.as_dict(only_output_properties=True), "ask_permit") == "events"
    assert select_subkey(message.as_dict(), "ask_permit") == "events"


def test_small_talk_gets_no_sub_answer_for_itself(loaded):
    message = _parse(loaded, "hallo daar")
    assert message.get("intent")["name"] == "greet"
    selector = (message.get("response_selector") or {}).get("default") or {}
    assert select_subkey({"response_selector": {"default": selector}}, "greet") is None


def test_the_fallback_classifier_reads_its_confidence(loaded):
    fallback = FallbackClassifier.create({**FallbackClassifier.get_default_config(), "threshold": 0.99},
                                         None, None, None)
    message = _parse(loaded, "xq zzv")
    fallback.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_untrained_component_leaves_messages_alone(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    component = LinearIntentClassifier.load({}, storage, Resource("never-trained"), context)
    message = _parse(component, "hallo")
    assert message.get("intent") is None
