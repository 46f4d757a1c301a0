"""Action tests for action_answer and action_clarify: inline Tracker, CollectingDispatcher."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswer
from actions.fallback import ActionClarify
from bot import answers
from bot.municipalities import ProcurementBand
from tests.helpers import domain_responses, sample_profile


@pytest.fixture(scope="module")
def domain() -> dict:
    return domain_responses()


def user_event(intent: str, text: str = "") -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def make_tracker(latest: dict, slots: dict | None = None, events: list | None = None) -> Tracker:
    return Tracker(
        sender_id="test",
        slots=slots or {},
        latest_message=latest,
        events=events or [user_event(latest.get("intent", {}).get("name", ""))],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def no_glossary(monkeypatch):
    monkeypatch.setattr(answers, "load_matcher", lambda db_url: None)


def test_action_answer_sends_sub_answer_and_sets_slots(domain, monkeypatch, no_glossary):
    seen = {}

    def fake_profile(slug, directory):
        seen["slug"] = slug
        return sample_profile(procurement_bands=[ProcurementBand("enkelvoudig onderhands", 0, 30000, "Eén offerte.")])

    monkeypatch.setattr(answers, "load_profile", fake_profile)
    latest = {
        "text": "vanaf welk bedrag moet er een aanbesteding komen",
        "intent": {"name": "ask_procurement", "confidence": 0.95},
        "entities": [],
        "response_selector": {
            "default": {"response": {"intent_response_key": "ask_procurement/thresholds"}, "ranking": []}
        },
    }
    tracker = make_tracker(latest, slots={"municipality": "testdorp", "explained_terms": ["sroi"]})
    dispatcher = CollectingDispatcher()
    events = ActionAnswer().run(dispatcher, tracker, domain)

    texts = [m["text"] for m in dispatcher.messages]
    assert "drempelwaarde" in texts[0] and "Bron:" in texts[0]
    assert "Gemeente Testdorp (voorbeeldgemeente, fictief)" in texts[1]
    assert seen["slug"] == "testdorp"
    assert SlotSet("topic", "procurement") in events
    assert SlotSet("subtopic", "thresholds") in events
    assert SlotSet("explained_terms", ["sroi"]) in events


def test_action_answer_uses_metadata_municipality_when_slot_empty(domain, monkeypatch, no_glossary):
    seen = {}
    monkeypatch.setattr(answers, "load_profile", lambda slug, d: seen.setdefault("slug", slug) and None)
    monkeypatch.setattr(answers, "resolve_slug", lambda name, d: None)
    latest = {"intent": {"name": "ask_network"}, "entities": [], "metadata": {"municipality": "vlietmonde"}}
    dispatcher = CollectingDispatcher()
    events = ActionAnswer().run(dispatcher, make_tracker(latest), domain)
    assert seen["slug"] == "vlietmonde"
    assert len(dispatcher.messages) == 1
    assert SlotSet("subtopic", answers.DEFAULT_SUBKEYS["network"]) in events


def test_action_clarify_first_miss_topic_buttons():
    latest = {
        "intent": {"name": "nlu_fallback"},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "ask_subsidy", "confidence": 0.31},
            {"name": "ask_hiring_support", "confidence": 0.29},
        ],
    }
    tracker = make_tracker(latest, events=[user_event("greet"), user_event("nlu_fallback")])
    dispatcher = CollectingDispatcher()
    assert ActionClarify().run(dispatcher, tracker, {}) == []
    payloads = [b["payload"] for m in dispatcher.messages for b in m.get("buttons", [])]
    assert payloads == ["/ask_subsidy", "/ask_hiring_support"]


def test_action_clarify_second_miss_offers_contact():
    latest = {"intent": {"name": "nlu_fallback"}, "intent_ranking": [{"name": "nlu_fallback"}]}
    events = [user_event("nlu_fallback"), {"event": "bot", "text": "?"}, user_event("nlu_fallback")]
    dispatcher = CollectingDispatcher()
    ActionClarify().run(dispatcher, make_tracker(latest, events=events), {})
    payloads = [b["payload"] for m in dispatcher.messages for b in m.get("buttons", [])]
    assert payloads == ["/ask_contact"]
