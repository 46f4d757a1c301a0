"""Reading the conversations (Rasa's tracker store) for the learning loop.

``collect(...)`` reads the conversations that changed since the last run and stores, per user
message:

- anonymous facts for the report (``report_turns``): when, which municipality, the intent, the
  topic and sub-answer that was answered, whether NLU fell back or asked a clarifying question,
  which departments a question touched together. No text, no sender id (a hash);
- the messages the assistant did not understand well in the inbox (``inbox_messages``, text
  masked): a fallback, a clarifying question, or a confidence below the threshold. Answers
  typed inside a form (name, e-mail, KVK number, ...) never go to the inbox.

It also copies the contact requests the report counts (``report_contacts``, no personal
data). It is idempotent (one row per user message) and safe to run often: the workspace runs
it when the inbox or the report is opened, ``gemeentetolk report`` and the purge run it too.
Plain Python over SQLAlchemy (no Rasa).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.services import privacy
from bot.services.db import make_engine, unit_of_work
from bot.services.learning_models import InboxMessage, LearningState, ReportContact, ReportTurn
from bot.services.models import ContactRequest

logger = logging.getLogger(__name__)

WATERMARK = "tracker_timestamp"
OVERLAP_SECONDS = 300.0  # re-read this much before the watermark (late commits)
FALLBACK_ACTIONS = {"action_default_fallback"}
CLARIFY_ACTION = "action_clarify"
ANSWER_ACTION = "action_answer"


def message_key(sender: str, timestamp: Any) -> str:
    """One key per user message: the same from the tracker and from the feedback route."""
    return hashlib.sha256(f"{sender}:{float(timestamp or 0):.6f}".encode()).hexdigest()


def conversation_key(sender: str) -> str:
    return hashlib.sha256(f"conversation:{sender}".encode()).hexdigest()


def utc(timestamp: Any) -> datetime:
    return datetime.fromtimestamp(float(timestamp or 0), tz=timezone.utc).replace(tzinfo=None)


@dataclass
class Turn:
    """One user message and what the assistant did with it."""

    sender: str
    timestamp: float
    text: str
    parse: dict[str, Any]
    metadata: dict[str, Any]
    in_loop: bool  # a form was active when the user typed this (an answer to a form question)
    slots_before: dict[str, Any]
    actions: list[str] = field(default_factory=list)
    slots_set: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return message_key(self.sender, self.timestamp)

    @property
    def intent(self) -> str | None:
        return (self.parse.get("intent") or {}).get("name")

    @property
    def confidence(self) -> float | None:
        value = (self.parse.get("intent") or {}).get("confidence")
        return float(value) if isinstance(value, (int, float)) else None

    @property
    def typed(self) -> bool:
        """Typed text (not a button payload, not empty)."""
        return bool(self.text.strip()) and not self.text.startswith("/")

    @property
    def fallback(self) -> bool:
        return self.intent == "nlu_fallback" or bool(FALLBACK_ACTIONS & set(self.actions))

    @property
    def clarify(self) -> bool:
        return CLARIFY_ACTION in self.actions

    def slot(self, name: str) -> Any:
        return self.slots_set.get(name, self.slots_before.get(name))

    @property
    def answered(self) -> tuple[str | None, str | None]:
        if ANSWER_ACTION not in self.actions:
            return None, None
        return self.slots_set.get("topic"), self.slots_set.get("subtopic")

    def guess(self) -> str | None:
        """What the assistant thought the message was about (retrieval intent when known)."""
        intent = self.intent
        if intent == "nlu_fallback":
            ranking = [r for r in self.parse.get("intent_ranking") or []
                       if r.get("name") not in (None, "nlu_fallback")]
            intent = ranking[0]["name"] if ranking else None
        selector = self.parse.get("response_selector") or {}
        for value in selector.values():
            if not isinstance(value, dict):
                continue
            key = ((value.get("response") or {}).get("intent_response_key") or "")
            if intent and key.startswith(f"{intent}/"):
                return key
        return intent


def turns_from_events(sender: str, events: Iterable[Mapping[str, Any]]) -> list[Turn]:
    """Split one conversation's events into turns (a user message and what followed)."""
    turns: list[Turn] = []
    slots: dict[str, Any] = {}
    loop: str | None = None
    current: Turn | None = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            current = Turn(sender, float(event.get("timestamp") or 0), str(event.get("text") or ""),
                           dict(event.get("parse_data") or {}), dict(event.get("metadata") or {}),
                           loop is not None, dict(slots))
            turns.append(current)
        elif kind == "action" and current is not None:
            current.actions.append(str(event.get("name")))
        elif kind == "slot":
            slots[str(event.get("name"))] = event.get("value")
            if current is not None:
                current.slots_set[str(event.get("name"))] = event.get("value")
        elif kind == "active_loop":
            loop = event.get("name") or None
        elif kind == "restart":
            slots, loop = {}, None
    return turns


@dataclass(frozen=True)
class Context:
    """What collecting needs besides the databases."""

    profiles: Mapping[str, Any]  # slug -> Profile
    default_municipality: str | None = None
    low_confidence: float = 0.7


def municipality_of(turn: Turn, ctx: Context) -> str | None:
    from bot.services.municipalities import conversation_municipality

    session = turn.slot("session_started_metadata")
    slug = conversation_municipality(ctx.profiles, (), slot=turn.slot("municipality"),
                                     message_metadata=turn.metadata, session_metadata=session,
                                     default=ctx.default_municipality)
    if slug:
        return slug
    meta = turn.metadata.get("municipality")  # a slug of a profile that is gone: keep it
    return str(meta)[:64] if isinstance(meta, str) and meta else None


def departments_together(turn: Turn, topic: str | None, profile: Any) -> str:
    """"Inkoop + Subsidies" when the question touched several departments, else ""."""
    from bot.services import routing
    from bot.services.topics import TOPICS

    if not turn.typed or turn.in_loop or not routing.is_cross_department(turn.text, topic):
        return ""
    topics = routing.detect_topics(turn.text)
    if topic and topic not in topics:
        topics.insert(0, topic)
    names: list[str] = []
    for key in topics:
        if profile is not None:
            dept = routing.department_for(key, None, profile)
            name = dept.name if dept else None
        else:
            name = TOPICS[key].title if key in TOPICS else None
        if name and name not in names:
            names.append(name)
    return " + ".join(sorted(names)) if len(names) >= 2 else ""


def inbox_reason(turn: Turn, low_confidence: float) -> str | None:
    if not turn.typed or turn.in_loop:
        return None
    if turn.clarify:
        return "clarify"
    if turn.fallback:
        return "fallback"
    confidence = turn.confidence
    if confidence is not None and confidence < low_confidence and turn.intent not in (None, "out_of_scope"):
        return "low_confidence"
    return None


@dataclass
class CollectResult:
    conversations: int = 0
    turns: int = 0
    inbox: int = 0
    contacts: int = 0
    tracker_found: bool = True


def _read_tracker(tracker_db_url: str, since: float) -> tuple[dict[str, list[dict]], float, bool]:
    """Events of every conversation that has an event after ``since``; the newest timestamp."""
    engine = make_engine(tracker_db_url)
    try:
        if not inspect(engine).has_table("events"):
            return {}, since, False
        with engine.connect() as conn:
            newest = conn.execute(text("SELECT MAX(timestamp) FROM events")).scalar()
            senders = conn.execute(
                text("SELECT DISTINCT sender_id FROM events WHERE timestamp >= :t"),
                {"t": since}).scalars().all()
            out: dict[str, list[dict]] = {}
            for sender in senders:
                rows = conn.execute(
                    text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
                ).scalars().all()
                events = []
                for data in rows:
                    try:
                        events.append(json.loads(data))
                    except (TypeError, ValueError):
                        continue
                out[sender] = events
    finally:
        engine.dispose()
    return out, float(newest or since), True


def collect(factory: sessionmaker, tracker_db_url: str | None, ctx: Context) -> CollectResult:
    """Read new conversation turns into the report facts and the inbox (idempotent)."""
    result = CollectResult()
    with unit_of_work(factory) as session:
        state = session.get(LearningState, WATERMARK)
        since = float(state.value) - OVERLAP_SECONDS if state and state.value else 0.0
    conversations: dict[str, list[dict]] = {}
    newest = since
    if tracker_db_url:
        conversations, newest, result.tracker_found = _read_tracker(tracker_db_url, since)
    else:
        result.tracker_found = False
    try:
        _store(factory, conversations, newest, ctx, result)
    except IntegrityError:  # another run stored the same messages at the same moment
        logger.info("Collecting conversations: another run was busy; nothing lost")
    return result


def _store(factory: sessionmaker, conversations: dict[str, list[dict]], newest: float,
           ctx: Context, result: CollectResult) -> None:
    with unit_of_work(factory) as session:
        for sender, events in conversations.items():
            turns = turns_from_events(sender, events)
            keys = [t.key for t in turns]
            known = set(session.scalars(select(ReportTurn.source_key).where(ReportTurn.source_key.in_(keys))))
            known_inbox = set(session.scalars(select(InboxMessage.source_key).where(InboxMessage.source_key.in_(keys))))
            added = 0
            for turn in turns:
                if turn.key not in known:
                    session.add(_fact(turn, ctx))
                    known.add(turn.key)
                    added += 1
                reason = inbox_reason(turn, ctx.low_confidence)
                if reason and turn.key not in known_inbox:
                    session.add(_inbox_row(turn, reason, ctx))
                    known_inbox.add(turn.key)
                    result.inbox += 1
            result.turns += added
            result.conversations += 1 if added else 0
        result.contacts = _copy_contacts(session)
        state = session.get(LearningState, WATERMARK)
        if state is None:
            session.add(LearningState(key=WATERMARK, value=str(max(newest, 0.0))))
        elif float(state.value or 0) < newest:
            state.value = str(newest)


def _fact(turn: Turn, ctx: Context) -> ReportTurn:
    topic, subtopic = turn.answered
    slug = municipality_of(turn, ctx)
    profile = ctx.profiles.get(slug) if slug else None
    return ReportTurn(source_key=turn.key, conversation=conversation_key(turn.sender),
                      at=utc(turn.timestamp), municipality=slug,
                      intent=(turn.intent or "")[:120] or None, topic=topic, subtopic=subtopic,
                      # an answer typed in a form is not a question the assistant missed
                      fallback=turn.fallback and not turn.in_loop, clarify=turn.clarify,
                      departments=departments_together(turn, topic, profile)[:500])


def _inbox_row(turn: Turn, reason: str, ctx: Context) -> InboxMessage:
    masked = privacy.mask(turn.text)[:2000]
    return InboxMessage(source_key=turn.key, asked_at=utc(turn.timestamp),
                        municipality=municipality_of(turn, ctx), text=masked,
                        norm=privacy.normalise(masked), reason=reason,
                        intent=(turn.guess() or "")[:120] or None, confidence=turn.confidence,
                        status="open")


def _copy_contacts(session: Any) -> int:
    known = set(session.scalars(select(ReportContact.reference)))
    added = 0
    for row in session.execute(select(ContactRequest.reference, ContactRequest.created_at,
                                      ContactRequest.municipality, ContactRequest.department)):
        if row.reference in known:
            continue
        session.add(ReportContact(reference=row.reference, created_at=row.created_at,
                                  municipality=row.municipality, department=row.department))
        added += 1
    return added
