"""action_define_term as Rasa calls it: an inline Tracker and a CollectingDispatcher."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.glossary import SORRY, ActionDefineTerm
from glossary import runtime
from glossary.setup import load_curated
from glossary.store import Store


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'gt.db'}"
    store = Store.from_url(url, create=True)
    load_curated(store.engine)
    store.engine.dispose()
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", url)
    yield url
    runtime.clear_cache()


def tracker(text: str, entities: list[dict] | None = None, explained=None) -> Tracker:
    return Tracker(
        sender_id="test",
        slots={"explained_terms": explained, "topic": None},
        latest_message={
            "text": text,
            "intent": {"name": "define_term", "confidence": 0.9},
            "entities": entities or [],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(t: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = ActionDefineTerm().run(dispatcher, t, {})
    return dispatcher.messages, events


def test_explains_an_official_term_and_remembers_it(db_url) -> None:
    messages, events = run(tracker("wat betekent beschikking?", explained=["wmo"]))
    assert len(messages) == 1
    assert messages[0]["text"].startswith("Een beschikking is een officiële beslissing")
    assert SlotSet("explained_terms", ["wmo", "beschikking"]) in events
    assert SlotSet("topic", "subsidy") in events


def test_entrepreneur_word_names_the_official_term(db_url) -> None:
    messages, _ = run(tracker("hoe noemt de gemeente een klus van de gemeente?"))
    assert messages[0]["text"].startswith(
        'Jij zegt "klus van de gemeente". Bij de gemeente heet dit: opdracht.'
    )


def test_entity_from_a_button_payload(db_url) -> None:
    entities = [{"entity": "term", "value": "subsidieplafond", "start": 0, "end": 0}]
    messages, events = run(tracker('/define_term{"term": "subsidieplafond"}', entities))
    assert messages[0]["text"].startswith("Een subsidieplafond is")
    assert SlotSet("explained_terms", ["subsidieplafond"]) in events


def test_unknown_word_offers_buttons_and_records_a_gap(db_url) -> None:
    messages, events = run(tracker("wat betekent aanbestedingsstuk?"))
    assert events == []
    assert "staat nog niet in mijn woordenlijst" in messages[0]["text"]
    assert messages[0]["buttons"] and all(
        b["payload"].startswith("/define_term{") for b in messages[0]["buttons"]
    )
    assert [g.word for g in Store.from_url(db_url).gaps()] == ["aanbestedingsstuk"]


def test_database_trouble_still_gives_an_answer(monkeypatch) -> None:
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", "nonsense://")
    messages, events = run(tracker("wat betekent beschikking?"))
    assert messages[0]["text"] == SORRY and events == []
    runtime.clear_cache()


def test_define_term_after_the_thresholds_expired_gives_the_notice(db_url, monkeypatch) -> None:
    """The curated drempelwaarde entry carries the 2026-2027 fact: after 2027 no amounts."""
    monkeypatch.setenv("GEMEENTETOLK_TODAY", "2026-12-01")
    messages, _ = run(tracker("wat is een drempelwaarde?"))
    assert "216.000" in messages[0]["text"]
    monkeypatch.setenv("GEMEENTETOLK_TODAY", "2028-01-15")
    messages, events = run(tracker("wat is een drempelwaarde?"))
    text = messages[0]["text"]
    assert "216.000" not in text and "golden tot en met 31 december 2027" in text
    assert "pianoo.nl" in text
    assert SlotSet("explained_terms", ["drempelwaarde"]) in events
