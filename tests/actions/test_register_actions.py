"""The register actions with an inline Tracker and CollectingDispatcher (no Rasa): offered once,
consent first, validation, nothing without consent, withdrawal in the chat leaves nothing; the
gap example sentence is kept when the glossary does not know a word."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.register import (
    ActionAskRegisterConsent,
    ActionAskRegisterTheme,
    ActionSubmitRegister,
    ActionWithdrawRegister,
    ValidateRegisterForm,
)
from bot.services.register import is_social_context, offer_after_answer
from tests.support.db import migrated_sqlite

SLOTS = {"register_consent": True, "register_name": "Kringloop De Ring", "register_kvk": "12345678",
         "register_theme": "circulair", "register_mission": "Wij geven spullen een tweede leven.",
         "register_email": "info@dering.example"}


@pytest.fixture(autouse=True)
def db(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "actions.db"
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", migrated_sqlite(path))
    monkeypatch.setenv("GEMEENTETOLK_PUBLIC_WORKSPACE_URL", "https://beheer.dijkstede.example")
    monkeypatch.delenv("GEMEENTETOLK_MUNICIPALITY", raising=False)
    return path


def tracker(text: str = "", slots: dict | None = None, sender: str = "gesprek-1",
            metadata: dict | None = None) -> Tracker:
    latest = {"text": text, "intent": {}, "entities": [], "metadata": metadata or {"municipality": "dijkstede"}}
    return Tracker(sender, slots or {}, latest, [], False, None, {}, "action_listen")


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT name, kvk, theme, municipality FROM social_enterprises").fetchall()


def test_offered_once_and_only_in_a_social_context():
    assert offer_after_answer("social_return", "what_is", "hoe werkt social return", offered_before=False)
    assert not offer_after_answer("network", "find_network", "en netwerken?", offered_before=True)
    assert not offer_after_answer("starting_business", "register", "hoe start ik", offered_before=False)
    assert offer_after_answer("starting_business", "social_enterprise", "", offered_before=False)
    # only after the three register topics, even when the question names a social enterprise
    assert not offer_after_answer("procurement", "bidding", "ik heb een sociale onderneming", offered_before=False)
    assert is_social_context("starting_business", "social_enterprise", "")
    assert is_social_context("starting_business", "register", "ik begin een zorgboerderij")
    assert not is_social_context("starting_business", "legal_form", "welke rechtsvorm past bij mij")


def test_consent_comes_first_and_says_what_is_kept():
    messages, _ = run(ActionAskRegisterConsent(), tracker())
    text = messages[0]["text"]
    assert text.startswith("Mag de gemeente je gegevens bewaren?") and "KVK-nummer" in text
    assert "haal mijn gegevens weg" in text and "2 jaar" in text
    theme, _ = run(ActionAskRegisterTheme(), tracker())
    assert [b["title"] for b in theme[0]["buttons"]][0] == "Werk voor mensen met een afstand tot de arbeidsmarkt"


def test_validation_of_the_answers():
    form = ValidateRegisterForm()
    dispatcher = CollectingDispatcher()
    t = tracker()
    assert form.validate_register_kvk("1234 5678", dispatcher, t, {}) == {"register_kvk": "12345678"}
    assert form.validate_register_kvk("1234567", dispatcher, t, {}) == {"register_kvk": None}
    assert "8 cijfers" in dispatcher.messages[-1]["text"]
    assert form.validate_register_theme("thema: zorg en welzijn", dispatcher, t, {}) == {"register_theme": "zorg"}
    assert form.validate_register_email("geen mail", dispatcher, t, {}) == {"register_email": None}
    assert form.validate_register_consent("nee hoor", dispatcher, t, {}) == {"register_consent": False}
    slots = ["register_consent", "register_name", "register_kvk"]
    asked = asyncio.run(form.required_slots(slots, dispatcher, tracker(slots={"register_consent": False}), {}))
    assert asked == ["register_consent"]  # no consent: nothing more is asked


def test_nothing_is_stored_without_consent(db):
    messages, _ = run(ActionSubmitRegister(), tracker(slots={**SLOTS, "register_consent": False}))
    assert "niets opgeslagen" in messages[0]["text"] and rows(db) == []


def test_join_confirms_with_an_unguessable_link_and_withdraw_in_the_chat_leaves_nothing(db):
    messages, slots = run(ActionSubmitRegister(), tracker(slots=SLOTS))
    text = messages[0]["text"]
    assert "Kringloop De Ring staat nu in het register" in text and "Gemeente Dijkstede" in text
    link = re.search(r"\((https://beheer\.dijkstede\.example/afmelden/[A-Za-z0-9_-]{40,})\)", text)
    assert link, text
    assert rows(db) == [("Kringloop De Ring", "12345678", "circulair", "dijkstede")]
    assert all(value is None for value in slots.values())
    other, _ = run(ActionWithdrawRegister(), tracker(sender="ander-gesprek"))
    assert "niets weg te halen" in other[0]["text"] and len(rows(db)) == 1
    done, _ = run(ActionWithdrawRegister(), tracker())
    assert "niets meer van bewaard" in done[0]["text"] and rows(db) == []


def test_an_unknown_word_keeps_its_masked_sentence_for_the_gap_inbox(db):
    from actions.glossary import ActionDefineTerm
    from bot.services import gaps
    from bot.services.db import make_engine, session_factory
    from glossary import runtime
    from glossary.setup import load_curated
    from glossary.store import Store

    engine = make_engine(f"sqlite:///{db}")
    load_curated(engine)
    t = Tracker("gap-1", {"explained_terms": None, "topic": None},
                {"text": "wat is een kavelpaspoort? mail me op a@b.nl", "intent": {"name": "define_term"},
                 "entities": [], "metadata": {"municipality": "vlietmonde"}},
                [], False, None, {}, "action_listen")
    try:
        ActionDefineTerm().run(CollectingDispatcher(), t, {})
        [gap] = gaps.gap_list(Store(engine), session_factory(engine))
        assert gap.asked_as.startswith("kavelpaspoort")
        assert gap.examples == ["wat is een kavelpaspoort? mail me op [e-mailadres]"]
    finally:
        runtime.clear_cache()
        engine.dispose()
