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


# One plain question per topic, twice: the second time action_answer does not offer the register
# again. Every turn ends with the answer (and card), never with
# Rasa's "Sorry, dat begreep ik niet goed" after it, and the user's message stays in the tracker
# (action_default_fallback would revert it).
PER_TOPIC = {
    "procurement": "hoe schrijf ik me in op een tender van de gemeente",
    "social_return": "hoe werkt social return bij een opdracht van de gemeente",
    "subsidy": "ik zoek subsidie voor mijn buurtproject",
    "hiring_support": "wat dekt de no-riskpolis als mijn werknemer ziek wordt",
    "permit": "heb ik een vergunning nodig voor een terras",
    "starting_business": "ik wil een eigen bedrijf beginnen",
    "network": "hoe vind ik een netwerk van ondernemers in de buurt",
    "municipality_process": "hoe kan ik inspreken bij de gemeenteraad",
}


def test_every_topic_has_a_question_here() -> None:
    from bot.services.topics import TOPICS

    assert set(PER_TOPIC) == set(TOPICS)


@pytest.mark.parametrize("metadata", [{"municipality": "dijkstede"}, None], ids=["page", "no-page"])
def test_no_topic_answer_ends_in_the_default_fallback(stack, metadata) -> None:
    from tests.helpers import domain_responses

    sorry = domain_responses()["responses"]["utter_default"][0]["text"]
    sender = f"rest-every-topic-{uuid.uuid4().hex}"
    for _ in range(2):
        for topic, question in PER_TOPIC.items():
            status, reply = stack.send(sender, question, metadata)
            texts = [m.get("text") or "" for m in reply]
            assert status == 200 and any(texts), (topic, reply)
            assert sorry not in texts, (topic, texts)
            latest = stack.tracker(sender)["latest_message"]
            assert latest.get("text") == question, (topic, latest.get("intent"))
