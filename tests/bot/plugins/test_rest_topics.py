"""A topic question over REST gets the general answer from the domain and a contact card.

This runs through the real Rasa server and action server: action_answer reads the answer
texts from the domain files itself (Rasa sends it no domain: selective domain,
bot/endpoints.yml). If it could not find them, the answer would fall back to "Sorry".
"""

from __future__ import annotations

import re
import uuid

import pytest

from tests.helpers import domain_responses

pytestmark = pytest.mark.integration


def _answer_texts(topic: str) -> list[str]:
    return [
        variant["text"]
        for name, variants in domain_responses()["responses"].items()
        if name.startswith(f"utter_ask_{topic}/")
        for variant in variants
    ]


def _without_brackets(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", text)


@pytest.mark.parametrize(
    ("topic", "question"),
    [
        ("subsidy", "ik zoek subsidie voor mijn buurtproject in dijkstede"),
        ("permit", "heb ik een vergunning nodig voor een terras bij mijn cafe in dijkstede?"),
    ],
)
def test_topic_question_gets_the_domain_answer_and_a_contact_card(stack, topic, question):
    sender = f"rest-topic-{topic}-{uuid.uuid4().hex}"  # a fresh conversation every run
    status, reply = stack.send(sender, question, {"municipality": "dijkstede"})
    assert status == 200
    texts = [m.get("text", "") for m in reply]
    # The first sentence of one of the topic's sub-answers appears in the reply. The glossary
    # explains a term in brackets on its first mention, so brackets are left out on both sides.
    firsts = {_without_brackets(t).split(".")[0] for t in _answer_texts(topic)}
    plain = [_without_brackets(t) for t in texts]
    assert any(first in text for first in firsts for text in plain), texts
    assert not any(text.startswith("Sorry") for text in texts), texts
    assert any("Zo bereik je ze:" in text or "Wie:" in text for text in texts), texts


@pytest.mark.parametrize(
    ("municipality", "question", "desk"),
    [
        ("dijkstede", "hoe schrijf ik me in op een tender van de gemeente", "TenderNed"),
        ("dijkstede", "wat dekt de no-riskpolis als mijn werknemer ziek wordt", "UWV"),
        ("vlietmonde", "wat dekt de no-riskpolis als mijn werknemer ziek wordt", "UWV"),
        ("dijkstede", "hoe kan ik inspreken bij de gemeenteraad", "Griffie"),
    ],
)
def test_the_contact_card_names_the_right_desk(stack, municipality, question, desk):
    """The sub-answer the NLU gives selects the desk on the card (the registry in
    bot/services/topics.py; Dijkstede's profile sends speaking up to the Griffie)."""
    sender = f"rest-desk-{uuid.uuid4().hex}"
    status, reply = stack.send(sender, question, {"municipality": municipality})
    assert status == 200
    cards = [m.get("text", "") for m in reply if "Wie:" in m.get("text", "")]
    assert cards and desk in cards[-1], [m.get("text") for m in reply]
