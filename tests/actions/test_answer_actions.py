"""Action tests for action_answer and action_clarify: inline Tracker, CollectingDispatcher."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.answers import ActionAnswer
from actions.fallback import ActionClarify
from bot.services import answers, topics
from bot.services.municipalities import ProcurementBand
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


@pytest.fixture
def testdorp(monkeypatch):
    """The action sees one municipality, the fictional Testdorp."""
    profile = sample_profile(procurement_bands=[ProcurementBand("enkelvoudig onderhands", 0, 30000, "Eén offerte.")])
    monkeypatch.setattr(context, "profiles_or_empty", lambda settings: {"testdorp": profile})
    return profile


def test_action_answer_sends_sub_answer_card_and_sets_slots(domain, testdorp, no_glossary):
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
    # The contact card comes in the same action call, for the same municipality.
    assert texts[2].startswith("Contact bij Gemeente Testdorp (fictief voorbeeld)")
    assert SlotSet("topic", "procurement") in events
    assert SlotSet("subtopic", "thresholds") in events
    assert SlotSet("explained_terms", ["sroi"]) in events
    assert SlotSet("municipality", "testdorp") in events


def test_action_answer_uses_metadata_municipality_when_slot_empty(domain, testdorp, no_glossary):
    latest = {"intent": {"name": "ask_network"}, "entities": [], "metadata": {"municipality": "testdorp"}}
    dispatcher = CollectingDispatcher()
    # offered before, so the card is the last message
    events = ActionAnswer().run(dispatcher, make_tracker(latest, slots={"register_offered": True}), domain)
    assert SlotSet("municipality", "testdorp") in events
    assert SlotSet("subtopic", topics.TOPICS["network"].default_subanswer) in events
    assert "Gemeente Testdorp" in dispatcher.messages[-1]["text"]


def test_action_answer_asks_the_municipality_once_with_buttons(domain, no_glossary):
    latest = {"text": "hoe vraag ik subsidie aan", "intent": {"name": "ask_subsidy"}, "entities": []}
    dispatcher = CollectingDispatcher()
    events = ActionAnswer().run(dispatcher, make_tracker(latest), domain)
    assert "welke gemeente" in dispatcher.messages[-1]["text"]
    payloads = [b["payload"] for b in dispatcher.messages[-1]["buttons"]]
    assert '/inform{"municipality":"dijkstede"}' in payloads and '/inform{"municipality":"vlietmonde"}' in payloads
    assert SlotSet("municipality_asked", True) in events
    # Asked before: no second question, the general route instead.
    dispatcher = CollectingDispatcher()
    ActionAnswer().run(dispatcher, make_tracker(latest, slots={"municipality_asked": True}), domain)
    assert "14 + het netnummer" in dispatcher.messages[-1]["text"] and not dispatcher.messages[-1]["buttons"]


def test_explained_terms_travel_with_the_answer_message(domain, testdorp, monkeypatch):
    term = {"id": "drempelwaarde", "term": "drempelwaarde", "plain": "de grens", "definition": "Een ...", "source": "PIANOo"}
    monkeypatch.setattr(answers, "load_matcher", lambda db_url: object())
    monkeypatch.setattr(answers, "bridge", lambda text, matcher, done, today=None: (text, ["drempelwaarde"], [term]))
    latest = {"text": "drempel?", "intent": {"name": "ask_procurement"}, "entities": [],
              "metadata": {"municipality": "testdorp"}}
    dispatcher = CollectingDispatcher()
    events = ActionAnswer().run(dispatcher, make_tracker(latest), domain)
    assert dispatcher.messages[0]["custom"]["terms"] == [term]
    # the answer also carries the feedback marker for "Had je hier iets aan?" (one per answer)
    assert dispatcher.messages[0]["custom"]["feedback"]["answer"].startswith("procurement/")
    assert all(not m["custom"] for m in dispatcher.messages[1:])
    assert SlotSet("explained_terms", ["drempelwaarde"]) in events


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


def test_action_answer_with_an_expired_fact_gives_the_notice_and_the_card(domain, testdorp, no_glossary, monkeypatch):
    """A domain whose thresholds fact expired (today from GEMEENTETOLK_TODAY): no amounts, a
    notice with the source, and the contact card as usual."""
    import copy

    expired = copy.deepcopy(domain)
    expired["responses"]["utter_ask_procurement/thresholds"][0]["metadata"]["facts"][0]["valid_until"] = "2026-11-30"
    monkeypatch.setenv("GEMEENTETOLK_TODAY", "2026-12-01")
    latest = {
        "text": "vanaf welk bedrag moet de gemeente europees aanbesteden",
        "intent": {"name": "ask_procurement", "confidence": 0.95},
        "entities": [],
        "response_selector": {"default": {"response": {"intent_response_key": "ask_procurement/thresholds"}}},
    }
    # The action reads the answer texts from the domain files (Rasa sends it no domain).
    real_files = answers.domain_responses
    monkeypatch.setattr(answers, "domain_responses", lambda directory: expired)
    dispatcher = CollectingDispatcher()
    ActionAnswer().run(dispatcher, make_tracker(latest, slots={"municipality": "testdorp"}), {})
    texts = [m["text"] for m in dispatcher.messages]
    assert "216.000" not in texts[0] and "golden tot en met 30 november 2026" in texts[0]
    assert "https://www.pianoo.nl/" in texts[0]
    assert texts[-1].startswith("Contact bij Gemeente Testdorp (fictief voorbeeld)")
    # The same action on the real domain files, same date: the amounts.
    monkeypatch.setattr(answers, "domain_responses", real_files)
    dispatcher = CollectingDispatcher()
    ActionAnswer().run(dispatcher, make_tracker(latest, slots={"municipality": "testdorp"}), {})
    assert "€ 216.000" in dispatcher.messages[0]["text"]


def _ask(intent: str, key: str, text: str) -> dict:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.95},
        "entities": [],
        "response_selector": {"default": {"response": {"intent_response_key": key}, "ranking": []}},
    }


def test_action_answer_offers_the_register_once_in_the_same_call(domain, testdorp, no_glossary):
    """The offer comes after the answer and its card, in the same action call (no second
    action), and only once per conversation."""
    latest = _ask("ask_social_return", "ask_social_return/what_is", "hoe werkt social return bij een opdracht")
    dispatcher = CollectingDispatcher()
    events = ActionAnswer().run(dispatcher, make_tracker(latest, slots={"municipality": "testdorp"}), domain)
    last = dispatcher.messages[-1]
    assert "sociale onderneming" in last["text"] and "één keer" in last["text"]
    assert [b["payload"] for b in last["buttons"]] == ["/register_join", "/deny"]
    assert any(m["text"].startswith("Contact bij Gemeente Testdorp") for m in dispatcher.messages[:-1])
    assert SlotSet("register_offered", True) in events and SlotSet("register_offer_open", True) in events

    again = CollectingDispatcher()
    slots = {"municipality": "testdorp", "register_offered": True, "register_offer_open": True}
    events = ActionAnswer().run(again, make_tracker(latest, slots=slots), domain)
    assert not any("één keer" in m["text"] for m in again.messages)
    assert SlotSet("register_offer_open", None) in events and SlotSet("register_offered", True) not in events


def test_action_answer_closes_an_open_offer_after_any_other_answer(domain, testdorp, no_glossary):
    latest = _ask("ask_subsidy", "ask_subsidy/apply", "hoe vraag ik subsidie aan")
    dispatcher = CollectingDispatcher()
    slots = {"municipality": "testdorp", "register_offer_open": True}
    events = ActionAnswer().run(dispatcher, make_tracker(latest, slots=slots), domain)
    assert SlotSet("register_offer_open", None) in events
    assert not any("één keer" in m["text"] for m in dispatcher.messages)
    # a starter who is no social enterprise gets no offer either
    starter = _ask("ask_starting_business", "ask_starting_business/legal_form", "welke rechtsvorm past bij mij")
    quiet = CollectingDispatcher()
    events = ActionAnswer().run(quiet, make_tracker(starter, slots={"municipality": "testdorp"}), domain)
    assert not any("één keer" in m["text"] for m in quiet.messages)
    assert SlotSet("register_offer_open", None) in events
