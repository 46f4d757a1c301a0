"""Routing and contact-request actions, with an inline Tracker and CollectingDispatcher (no Rasa)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.contact import (
    ActionAskContactConsent,
    ActionAskContactSummary,
    ActionCancelContact,
    ActionSubmitContact,
    ValidateContactForm,
)
from actions.municipality import ActionSetMunicipality
from actions.routing import ActionRouteContact
from bot.services.settings import load_settings
from tests.support.db import migrated_sqlite


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch) -> Path:
    db = tmp_path / "actions.db"
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", migrated_sqlite(db))
    monkeypatch.delenv("GEMEENTETOLK_MUNICIPALITY", raising=False)
    return db


def tracker(text: str = "", intent: str | None = None, slots: dict | None = None, entities: list | None = None,
            metadata: dict | None = None, events: list | None = None, active_loop: dict | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9} if intent else {},
              "entities": entities or [], "metadata": metadata or {}}
    return Tracker("test-user", slots or {}, latest, events or [], False, None, active_loop or {}, "action_listen")


def run(action, t: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return dispatcher.messages, events


def slots_of(events: list[dict]) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def stored(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        if not conn.execute("SELECT name FROM sqlite_master WHERE name='contact_requests'").fetchall():
            return []
        return conn.execute("SELECT reference, municipality, department, name, email, phone FROM contact_requests").fetchall()


def test_the_action_server_can_register_every_action() -> None:
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    names = set(executor.actions)
    assert {"action_route_contact", "action_set_municipality", "validate_contact_form", "action_submit_contact",
            "action_cancel_contact", "action_ask_contact_summary", "action_ask_contact_consent",
            "action_ask_contact_name", "action_ask_contact_email", "action_ask_contact_phone",
            "action_ask_contact_moment"} <= names


# --- which municipality --------------------------------------------------------------------------


def test_municipality_order_entity_slot_metadata_session_default(monkeypatch) -> None:
    settings = load_settings()
    profiles = context.profiles_or_empty(settings)
    ent = [{"entity": "municipality", "value": "Vlietmond"}]
    assert context.municipality(tracker(entities=ent, slots={"municipality": "dijkstede"}), profiles, settings) == "vlietmonde"
    assert context.municipality(tracker(slots={"municipality": "dijkstede"}, metadata={"municipality": "vlietmonde"}), profiles, settings) == "dijkstede"
    assert context.municipality(tracker(metadata={"municipality": "vlietmonde"}), profiles, settings) == "vlietmonde"
    assert context.municipality(tracker(slots={"session_started_metadata": {"municipality": "dijkstede"}}), profiles, settings) == "dijkstede"
    assert context.municipality(tracker(metadata={"municipality": "onbekend"}), profiles, settings) is None
    monkeypatch.setenv("GEMEENTETOLK_MUNICIPALITY", "vlietmonde")
    assert context.municipality(tracker(), profiles, load_settings()) == "vlietmonde"


# --- action_route_contact -------------------------------------------------------------------------


def test_route_contact_shows_the_card_for_topic_and_municipality() -> None:
    t = tracker("hoe vraag ik subsidie aan", "ask_subsidy", slots={"topic": "subsidy"},
                metadata={"municipality": "vlietmonde"})
    messages, events = run(ActionRouteContact(), t)
    card = texts(messages)
    assert "Afdeling Maatschappelijke Ontwikkeling, team Subsidies" in card
    assert "subsidie@vlietmonde.example" in card and "fictief voorbeeld" in card
    assert slots_of(events) == {"municipality": "vlietmonde"}


def test_route_contact_never_asks_the_municipality_but_gives_the_general_route() -> None:
    t = tracker("ik wil iemand spreken over subsidie", "ask_contact", slots={"topic": "subsidy"})
    messages, events = run(ActionRouteContact(), t)
    assert "14 + het netnummer" in texts(messages) and not messages[0].get("buttons")
    assert slots_of(events) == {}


def test_route_contact_kringloopwinkel_goes_to_the_single_contact_point() -> None:
    t = tracker("met wie moet ik contact opnemen over mijn kringloopwinkel", "ask_contact",
                metadata={"municipality": "dijkstede"})
    card = texts(run(ActionRouteContact(), t)[0])
    assert "Loket Sociaal Ondernemen" in card and "meer afdelingen" in card


def test_route_contact_ask_contact_routes_the_earlier_question() -> None:
    events = [
        {"event": "user", "text": "Ik wil een kringloopwinkel beginnen met mensen uit de bijstand",
         "parse_data": {"intent": {"name": "ask_starting_business"}}},
        {"event": "user", "text": "ik wil iemand spreken", "parse_data": {"intent": {"name": "ask_contact"}}},
    ]
    t = tracker("ik wil iemand spreken", "ask_contact", slots={"municipality": "vlietmonde", "topic": "starting_business"},
                events=events)
    card = texts(run(ActionRouteContact(), t)[0])
    assert "meer afdelingen" in card and "Afdeling Ruimte en Omgeving" in card and "team Participatie" in card


def test_route_contact_ask_contact_uses_the_topic_in_the_text() -> None:
    t = tracker("met wie kan ik praten over een vergunning", "ask_contact",
                slots={"municipality": "dijkstede", "topic": "subsidy", "subtopic": "objection"})
    card = texts(run(ActionRouteContact(), t)[0])
    assert "Team Vergunningen" in card and "Team Subsidies" not in card


# --- action_set_municipality ------------------------------------------------------------------------


def test_switch_municipality_with_a_misspelling_reroutes_the_topic() -> None:
    t = tracker("ik zit eigenlijk in Dijkstee", "inform", entities=[{"entity": "municipality", "value": "Dijkstee"}],
                slots={"municipality": "vlietmonde", "topic": "procurement"})
    messages, events = run(ActionSetMunicipality(), t)
    assert "Gemeente Dijkstede (fictief voorbeeld)" in texts(messages)
    assert "Team Inkoop en Aanbesteden" in texts(messages)
    assert slots_of(events)["municipality"] == "dijkstede"


def test_unknown_municipality_offers_the_known_ones() -> None:
    t = tracker("ik zit in Utrecht", "inform", entities=[{"entity": "municipality", "value": "Utrecht"}])
    messages, events = run(ActionSetMunicipality(), t)
    assert "ken ik (nog) niet" in texts(messages) and len(messages[0]["buttons"]) == 2
    assert "municipality" not in slots_of(events)


# --- the form ----------------------------------------------------------------------------------------


def test_summary_is_prefilled_from_the_conversation() -> None:
    events = [
        {"event": "user", "text": "hallo", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "user", "text": "Hoe kom ik aan opdrachten van de gemeente?", "parse_data": {"intent": {"name": "ask_procurement"}}},
        {"event": "user", "text": "ik wil iemand spreken", "parse_data": {"intent": {"name": "ask_contact"}}},
    ]
    messages, ev = run(ActionAskContactSummary(), tracker("ik wil iemand spreken", "ask_contact", events=events))
    assert "Hoe kom ik aan opdrachten van de gemeente?" in texts(messages)
    assert slots_of(ev) == {"contact_summary_suggestion": "Hoe kom ik aan opdrachten van de gemeente?"}
    messages, ev = run(ActionAskContactSummary(), tracker("ik wil iemand spreken", "ask_contact", events=events[2:]))
    assert "Wat wil je aan de gemeente vragen?" in texts(messages) and slots_of(ev) == {"contact_summary_suggestion": None}


def test_consent_question_has_the_privacy_text() -> None:
    messages, _ = run(ActionAskContactConsent(), tracker())
    assert "Privacy" in texts(messages) and "90 dagen" in texts(messages)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


def validate(method: str, value, t: Tracker | None = None) -> tuple[dict, list[dict]]:
    dispatcher = CollectingDispatcher()
    result = getattr(ValidateContactForm(), method)(value, dispatcher, t or tracker(), {})
    return result, dispatcher.messages


def test_validate_summary_accepts_the_suggestion_or_own_words() -> None:
    t = tracker("ja", "affirm", slots={"contact_summary_suggestion": "Mijn vraag over inkoop"})
    assert validate("validate_contact_summary", "ja", t)[0] == {"contact_summary": "Mijn vraag over inkoop"}
    assert validate("validate_contact_summary", "Ik wil een terras", tracker("Ik wil een terras", "ask_permit"))[0] == {
        "contact_summary": "Ik wil een terras"}
    result, messages = validate("validate_contact_summary", "ja")
    assert result == {"contact_summary": None} and messages
    # Own words win, even when NLU calls them "affirm".
    t = tracker("Goed dat ik kan vragen: hoe werkt loonkostensubsidie?", "affirm",
                slots={"contact_summary_suggestion": "Mijn vraag over inkoop"})
    assert validate("validate_contact_summary", "Goed dat ik kan vragen: hoe werkt loonkostensubsidie?", t)[0] == {
        "contact_summary": "Goed dat ik kan vragen: hoe werkt loonkostensubsidie?"}


@pytest.mark.parametrize("bad", ["jan.example.nl", "jan@", "mijn mail is geheim"])
def test_bad_email_is_rejected_with_a_dutch_message(bad: str) -> None:
    result, messages = validate("validate_contact_email", bad)
    assert result == {"contact_email": None}
    assert "geen geldig e-mailadres" in texts(messages)


def test_good_email_is_accepted() -> None:
    assert validate("validate_contact_email", "Jan@Voorbeeld.NL")[0] == {"contact_email": "Jan@voorbeeld.nl"}


@pytest.mark.parametrize(("value", "expected"), [("06-12345678", "06-12345678"), ("+31 6 12345678", "+31 6 12345678"),
                                                 ("010-1234567", "010-1234567"), ("14 010", "14 010"), ("geen", "geen"), ("Nee", "geen"), ("/deny", "geen")])
def test_phone_formats(value: str, expected: str) -> None:
    assert validate("validate_contact_phone", value)[0] == {"contact_phone": expected}


def test_bad_phone_is_rejected() -> None:
    result, messages = validate("validate_contact_phone", "12345")
    assert result == {"contact_phone": None} and "06-12345678" in texts(messages)


@pytest.mark.parametrize(("value", "expected"), [(True, True), (False, False), ("ja dat mag", True), ("nee", False), ("misschien", None)])
def test_consent_values(value, expected) -> None:
    assert validate("validate_contact_consent", value)[0] == {"contact_consent": expected}


def test_no_consent_ends_the_questions() -> None:
    slots = ["contact_summary", "contact_consent", "contact_name", "contact_email", "contact_phone", "contact_moment"]
    form = ValidateContactForm()
    t = tracker(slots={"contact_consent": False})
    assert asyncio.run(form.required_slots(slots, CollectingDispatcher(), t, {})) == slots[:2]
    t = tracker(slots={"contact_consent": True})
    assert asyncio.run(form.required_slots(slots, CollectingDispatcher(), t, {})) == slots


# --- submit and cancel ---------------------------------------------------------------------------------

FILLED = {"contact_summary": "Ik wil meedoen met een aanbesteding.", "contact_consent": True,
          "contact_name": "Test Persoon", "contact_email": "test@voorbeeld.example", "contact_phone": "geen",
          "contact_moment": "dinsdagochtend", "municipality": "dijkstede", "topic": "procurement"}


def test_submit_stores_with_consent_and_gives_a_reference(env: Path) -> None:
    messages, events = run(ActionSubmitContact(), tracker(slots=dict(FILLED)))
    rows = stored(env)
    assert len(rows) == 1
    ref, municipality, department, name, email, phone = rows[0]
    assert (municipality, department, name, email, phone) == ("dijkstede", "inkoop", "Test Persoon", "test@voorbeeld.example", None)
    assert ref in texts(messages) and "Team Inkoop en Aanbesteden" in texts(messages)
    assert "verzonnen" in texts(messages)
    assert all(v is None for v in slots_of(events).values()) and "contact_email" in slots_of(events)


def test_submit_stores_the_conversation_for_the_workspace(env: Path) -> None:
    run(ActionSubmitContact(), tracker(slots=dict(FILLED)))
    with sqlite3.connect(env) as conn:
        assert conn.execute("SELECT conversation_id FROM contact_requests").fetchall() == [("test-user",)]


def test_submit_without_consent_stores_nothing(env: Path) -> None:
    messages, events = run(ActionSubmitContact(), tracker(slots={**FILLED, "contact_consent": False}))
    assert stored(env) == []
    assert "niets opgeslagen" in texts(messages) and "14 089" in texts(messages)


def test_failing_database_gives_the_phone_route_and_no_crash(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "not-a-file.db"
    folder.mkdir()  # SQLite cannot open a directory as a database
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", f"sqlite:///{folder}")
    messages, events = run(ActionSubmitContact(), tracker(slots=dict(FILLED)))
    assert "niet gelukt" in texts(messages) and "14 089" in texts(messages)
    assert "contact_name" in slots_of(events)


def test_cancel_stores_nothing_and_clears_the_form(env: Path) -> None:
    messages, events = run(ActionCancelContact(), tracker("laat maar", "cancel", slots=dict(FILLED)))
    assert stored(env) == []
    assert "niets opgeslagen" in texts(messages) and "14 089" in texts(messages)
    assert slots_of(events)["contact_name"] is None and slots_of(events)["requested_slot"] is None
