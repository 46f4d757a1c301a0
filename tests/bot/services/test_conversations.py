"""Reading the conversations into the report facts and the inbox (no Rasa needed: a tracker
store table shaped like Rasa's, with the event dicts Rasa writes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services import conversations
from bot.services.db import unit_of_work
from bot.services.learning_models import InboxMessage, ReportContact, ReportTurn
from bot.services.municipalities import load_profiles
from tests.support import tracker

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def ctx():
    return conversations.Context(profiles=load_profiles(ROOT / "data" / "municipalities"),
                                 default_municipality=None, low_confidence=0.7)


def _rows(factory, model):
    with unit_of_work(factory) as session:
        return list(session.scalars(select(model).order_by(model.source_key if hasattr(model, "source_key") else model.reference)))


def conversation_a() -> tracker.Conversation:
    c = tracker.Conversation(municipality="dijkstede")
    c.answer("hoeveel mag een opdracht kosten voordat jullie moeten aanbesteden", "procurement", "thresholds")
    c.user("ik wil iets met mijn bedrijf, mail me op piet@example.nl", "nlu_fallback", 0.3,
           ranking=[("nlu_fallback", 0.5), ("ask_permit", 0.3)])
    c.action("action_clarify").bot("Gaat je vraag over ...?").action("action_listen")
    c.user("kan ik geld krijgen voor mijn plan", "ask_subsidy", 0.55, response="ask_subsidy/apply")
    c.action("action_answer").slot("topic", "subsidy").slot("subtopic", "apply").action("action_listen")
    c.user("ik wil iemand spreken", "ask_contact").action("action_route_contact").action("contact_form")
    c.loop("contact_form").slot("requested_slot", "contact_name").action("action_listen")
    c.user("Jan Jansen", "greet", 0.4).action("contact_form").action("action_listen")
    c.user("/affirm", "affirm", 1.0).action("contact_form").loop(None).action("action_submit_contact")
    return c


def test_collect_stores_facts_and_the_misunderstood_messages_masked(learning_factory, tracker_url, ctx):
    tracker.write(tracker_url, "sender-a", conversation_a().events)
    b = tracker.Conversation(municipality="vlietmonde", start=1_764_680_000.0)
    b.answer("ik wil een zorgboerderij beginnen, wat moet ik regelen", "starting_business", "social_enterprise")
    tracker.write(tracker_url, "sender-b", b.events)

    result = conversations.collect(learning_factory, tracker_url, ctx)
    assert (result.conversations, result.turns, result.inbox) == (2, 7, 2)

    turns = _rows(learning_factory, ReportTurn)
    assert {t.conversation for t in turns} == {conversations.conversation_key("sender-a"),
                                                conversations.conversation_key("sender-b")}
    answered = sorted((t.topic, t.subtopic) for t in turns if t.topic)
    assert answered == [("procurement", "thresholds"), ("starting_business", "social_enterprise"),
                        ("subsidy", "apply")]
    assert sum(t.fallback for t in turns) == 1 and sum(t.clarify for t in turns) == 1
    assert {t.municipality for t in turns} == {"dijkstede", "vlietmonde"}
    cross = [t.departments for t in turns if t.departments]
    assert len(cross) == 1 and " + " in cross[0]

    inbox = {m.reason: m for m in _rows(learning_factory, InboxMessage)}
    assert set(inbox) == {"clarify", "low_confidence"}
    assert inbox["clarify"].text == "ik wil iets met mijn bedrijf, mail me op [e-mailadres]"
    assert inbox["clarify"].intent == "ask_permit"  # what it thought, without the fallback
    assert inbox["low_confidence"].intent == "ask_subsidy/apply"
    # the answer typed inside the contact form (a name) never reaches the inbox
    assert not any("Jansen" in m.text for m in inbox.values())


def test_collect_is_idempotent_and_reads_only_what_is_new(learning_factory, tracker_url, ctx):
    c = conversation_a()
    tracker.write(tracker_url, "sender-a", c.events)
    conversations.collect(learning_factory, tracker_url, ctx)
    again = conversations.collect(learning_factory, tracker_url, ctx)
    assert (again.turns, again.inbox) == (0, 0)
    more = tracker.Conversation(start=c.start)
    more.user("wat kost een terrasvergunning eigenlijk", "ask_permit", 0.6, response="ask_permit/terrace")
    more.action("action_answer").slot("topic", "permit").slot("subtopic", "terrace")
    tracker.write(tracker_url, "sender-a", more.events)
    result = conversations.collect(learning_factory, tracker_url, ctx)
    assert (result.turns, result.inbox) == (1, 1)
    assert len(_rows(learning_factory, ReportTurn)) == 7


def test_contact_requests_are_copied_without_personal_data(learning_factory, tracker_url, ctx):
    from bot.services import contact

    draft = contact.ContactDraft(summary="Ik wil meedoen met een aanbesteding.", name="Test Persoon",
                                 email="test@voorbeeld.example", municipality="dijkstede",
                                 department="inkoop", consent=True)
    reference = contact.save_request(learning_factory, draft)
    result = conversations.collect(learning_factory, tracker_url, ctx)
    assert result.contacts == 1 and not result.tracker_found
    rows = _rows(learning_factory, ReportContact)
    assert [(r.reference, r.municipality, r.department) for r in rows] == [(reference, "dijkstede", "inkoop")]
    assert not hasattr(rows[0], "email") and not hasattr(rows[0], "name")
    assert conversations.collect(learning_factory, tracker_url, ctx).contacts == 0


def test_message_key_is_the_same_for_the_tracker_and_the_feedback_route():
    assert conversations.message_key("s", 1.5) == conversations.message_key("s", "1.5")
    assert conversations.message_key("s", 1.5) != conversations.message_key("t", 1.5)
