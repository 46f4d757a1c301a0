"""A topic question over REST gets the general answer from the domain and a contact card.

This runs through the real Rasa server and action server: action_answer reads the answer
texts from the domain, which Rasa sends only to actions marked ``send_domain`` (selective
domain, bot/endpoints.yml). If that marking is lost, the answer falls back to "Sorry".
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _answer_texts(topic: str) -> list[str]:
    responses = yaml.safe_load((ROOT / "bot" / "domain" / f"{topic}.yml").read_text("utf-8"))
    return [
        variant["text"]
        for name, variants in responses["responses"].items()
        if name.startswith(f"utter_ask_{topic}/")
        for variant in variants
    ]


@pytest.mark.parametrize(
    ("topic", "question"),
    [
        ("subsidy", "ik zoek subsidie voor mijn buurtproject in dijkstede"),
        ("permit", "heb ik een vergunning nodig voor een terras bij mijn cafe in dijkstede?"),
    ],
)
def test_topic_question_gets_the_domain_answer_and_a_contact_card(stack, topic, question):
    status, reply = stack.send(f"rest-topic-{topic}", question, {"municipality": "dijkstede"})
    assert status == 200
    texts = [m.get("text", "") for m in reply]
    # The first sentence of one of the topic's sub-answers appears in the reply.
    firsts = {t.split(".")[0] for t in _answer_texts(topic)}
    assert any(first in text for first in firsts for text in texts), texts
    assert not any(text.startswith("Sorry") for text in texts), texts
    assert any("Zo bereik je ze:" in text or "Wie:" in text for text in texts), texts
