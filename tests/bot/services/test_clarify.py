"""Tests for bot.services.clarify: the clarifying question and the second-miss contact route."""

from __future__ import annotations

import pytest

from bot.services import clarify


def ranking(*names: str) -> list[dict]:
    return [{"name": n, "confidence": 1.0 / (i + 2)} for i, n in enumerate(names)]


def test_top_topics_skips_fallback_and_small_talk():
    r = ranking("nlu_fallback", "greet", "ask_permit", "out_of_scope", "ask_subsidy", "ask_network")
    assert clarify.top_topics(r) == ["permit", "subsidy"]


def test_top_topics_maps_retrieval_names_and_dedupes():
    r = ranking("ask_permit/events", "ask_permit", "ask_network/mentor")
    assert clarify.top_topics(r) == ["permit", "network"]


@pytest.mark.parametrize("r", [None, [], ranking("greet", "thank")])
def test_top_topics_fills_with_defaults(r):
    assert clarify.top_topics(r) == list(clarify.DEFAULT_CHOICES)


def test_top_topics_fills_only_what_is_missing():
    assert clarify.top_topics(ranking("ask_subsidy")) == ["subsidy", "procurement"]


@pytest.mark.parametrize(
    ("intents", "expected"),
    [
        ([], 0),
        (["greet"], 0),
        (["nlu_fallback"], 1),
        (["nlu_fallback", "nlu_fallback"], 2),
        (["nlu_fallback", "ask_permit", "nlu_fallback"], 1),
        (["ask_permit", "nlu_fallback", "nlu_fallback", "nlu_fallback"], 3),
    ],
)
def test_misses_in_a_row(intents, expected):
    assert clarify.misses_in_a_row(intents) == expected


def test_first_miss_offers_two_topic_buttons():
    messages = clarify.clarify(ranking("nlu_fallback", "ask_procurement", "ask_social_return"), 1)
    first = messages[0]
    assert first["text"] == clarify.FIRST_MISS
    assert [b["payload"] for b in first["buttons"]] == ["/ask_procurement", "/ask_social_return"]
    assert [b["title"] for b in first["buttons"]] == ["Opdrachten van de gemeente", "Social return"]
    assert all("/ask_contact" != b["payload"] for m in messages for b in m.get("buttons", []))


@pytest.mark.parametrize("misses", [2, 3])
def test_second_miss_offers_contact(misses):
    messages = clarify.clarify(ranking("nlu_fallback", "ask_permit"), misses)
    buttons = [b for m in messages for b in m.get("buttons", [])]
    assert buttons == [{"title": "Praat met een medewerker", "payload": "/ask_contact"}]
    assert messages[0]["text"] == clarify.SECOND_MISS


def test_every_topic_has_a_button_title():
    assert all(t.title and t.title != t.key for t in clarify.TOPICS.values())
