"""The inbox of misunderstood questions: messages that fell back, needed a clarifying
question, had a low confidence or got a "no" (``bot.services.conversations`` and
``bot.services.feedback`` fill it; texts are masked there).

``groups(...)`` groups the open messages by similarity and counts them; an editor then
``assign``s a group to the right sub-answer (its messages become training examples through
``bot.services.training``), marks it out of scope (an ``out_of_scope`` example), or
``dismiss``es it. Plain Python (no Rasa).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.services import privacy, training
from bot.services.db import unit_of_work
from bot.services.learning_models import InboxMessage

REASONS = {
    "fallback": "niet begrepen",
    "clarify": "moest doorvragen",
    "low_confidence": "twijfelde",
    "feedback_no": "'nee' op 'Had je hier iets aan?'",
}
STATUSES = {"open": "open", "assigned": "gekoppeld", "out_of_scope": "hoort hier niet",
            "dismissed": "weggelegd"}
SIMILAR = 0.6  # word overlap (Jaccard) from which two messages are one group
SIMILAR_LETTERS = 0.85  # or letters (typos)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def add_from_feedback(factory: sessionmaker, answer: Any, municipality: str | None,
                      comment: str | None) -> None:
    """A "no" on an answer: its question goes to the inbox (or an existing row gets the reason)."""
    from bot.services.conversations import message_key
    from bot.services.feedback import asked_at

    key = message_key(answer.sender, answer.question_at)
    masked = privacy.mask(answer.question)[:2000]
    if not privacy.normalise(masked):
        return
    with unit_of_work(factory) as session:
        row = session.scalars(select(InboxMessage).where(InboxMessage.source_key == key)).first()
        if row is None:
            session.add(InboxMessage(
                source_key=key, asked_at=asked_at(answer), municipality=municipality, text=masked,
                norm=privacy.normalise(masked), reason="feedback_no",
                intent=f"ask_{answer.topic}/{answer.subtopic}", confidence=None, comment=comment,
                status="open"))
            return
        row.reason = "feedback_no"
        row.intent = f"ask_{answer.topic}/{answer.subtopic}"
        if comment:
            row.comment = comment


def similarity(a: str, b: str) -> float:
    """How alike two normalised messages are (0..1): word overlap, or letters for typos."""
    wa, wb = set(a.split()), set(b.split())
    words = len(wa & wb) / len(wa | wb) if wa and wb else 0.0
    if words >= SIMILAR:
        return words
    letters = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return max(words, letters if letters >= SIMILAR_LETTERS else 0.0)


@dataclass
class Group:
    """Open messages that are alike: the most asked wording first."""

    id: int  # the id of the first message (stable while the group is open)
    text: str  # the most asked wording (masked)
    count: int  # messages
    texts: list[tuple[str, int]]  # distinct wordings with their counts
    reasons: dict[str, int]
    guesses: dict[str, int]  # what the assistant thought
    municipalities: dict[str, int]
    first_at: datetime
    last_at: datetime
    ids: list[int] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def guess(self) -> str | None:
        return max(self.guesses, key=lambda k: self.guesses[k]) if self.guesses else None

    @property
    def reason_labels(self) -> list[str]:
        return [f"{REASONS.get(k, k)} ({n})" for k, n in sorted(self.reasons.items(), key=lambda x: -x[1])]


def _open_rows(factory: sessionmaker, municipality: str | None = None) -> list[InboxMessage]:
    stmt = select(InboxMessage).where(InboxMessage.status == "open").order_by(InboxMessage.id)
    if municipality:
        stmt = stmt.where(InboxMessage.municipality == municipality)
    with unit_of_work(factory) as session:
        return list(session.scalars(stmt))


def group_rows(rows: Iterable[InboxMessage]) -> list[Group]:
    """Group messages: greedily, the most asked wordings first, each joins the first group
    whose main wording is similar enough."""
    by_norm: dict[str, list[InboxMessage]] = {}
    for row in rows:
        by_norm.setdefault(row.norm, []).append(row)
    order = sorted(by_norm, key=lambda n: (-len(by_norm[n]), by_norm[n][0].id))
    clusters: list[list[str]] = []
    for norm in order:
        for cluster in clusters:
            if similarity(norm, cluster[0]) >= SIMILAR:
                cluster.append(norm)
                break
        else:
            clusters.append([norm])
    groups = []
    for cluster in clusters:
        members = [r for n in cluster for r in by_norm[n]]
        wordings: Counter[str] = Counter()
        shown: dict[str, str] = {}
        for row in members:
            wordings[row.norm] += 1
            shown.setdefault(row.norm, row.text)
        groups.append(Group(
            id=min(r.id for r in members), text=shown[cluster[0]], count=len(members),
            texts=[(shown[n], c) for n, c in wordings.most_common()],
            reasons=dict(Counter(r.reason for r in members)),
            guesses=dict(Counter(r.intent for r in members if r.intent)),
            municipalities=dict(Counter(r.municipality or "onbekend" for r in members)),
            first_at=min(r.asked_at for r in members), last_at=max(r.asked_at for r in members),
            ids=sorted(r.id for r in members),
            comments=[r.comment for r in members if r.comment],
        ))
    groups.sort(key=lambda g: (-g.count, -g.last_at.timestamp()))
    return groups


def groups(factory: sessionmaker, municipality: str | None = None) -> list[Group]:
    return group_rows(_open_rows(factory, municipality))


def group(factory: sessionmaker, group_id: int, municipality: str | None = None) -> Group | None:
    for item in groups(factory, municipality):
        if group_id in item.ids:
            return item
    return None


@dataclass(frozen=True)
class Decision:
    status: str
    handled: int  # messages
    added: list[str]  # examples added to the training data
    skipped: list[tuple[str, str]]  # (example, Dutch reason)


def decide(factory: sessionmaker, root: Path, ids: list[int], action: str, by: str,
           intent: str | None = None) -> Decision:
    """Handle the open messages ``ids``: ``assign`` (to ``intent``), ``out_of_scope`` or
    ``dismiss``. Assigning and out of scope add the distinct wordings as training examples."""
    if action not in ("assign", "out_of_scope", "dismiss"):
        raise ValueError("Onbekende keuze.")
    if action == "assign" and not (intent and training.valid_intent(intent) and intent != training.OUT_OF_SCOPE):
        raise ValueError("Kies het antwoord dat bij deze vraag hoort.")
    target = training.OUT_OF_SCOPE if action == "out_of_scope" else intent
    with unit_of_work(factory) as session:
        rows = list(session.scalars(select(InboxMessage).where(
            InboxMessage.id.in_(ids), InboxMessage.status == "open")))
    if not rows:
        raise LookupError("Deze vragen zijn al afgehandeld.")
    added: list[str] = []
    skipped: list[tuple[str, str]] = []
    if action != "dismiss":
        distinct: dict[str, str] = {}
        for row in rows:
            distinct.setdefault(row.norm, row.text)
        for _intent, result in training.add(factory, root, [(t, target or "") for t in distinct.values()], by):
            if result.ok:
                added.append(result.text)
            else:
                skipped.append((result.text, result.reason))
    status = {"assign": "assigned", "out_of_scope": "out_of_scope", "dismiss": "dismissed"}[action]
    now = _utcnow()
    with unit_of_work(factory) as session:
        for row in session.scalars(select(InboxMessage).where(InboxMessage.id.in_([r.id for r in rows]))):
            row.status, row.decision, row.decided_by, row.decided_at = status, target, by, now
    return Decision(status, len(rows), added, skipped)


def handled(factory: sessionmaker, limit: int = 50) -> list[InboxMessage]:
    """The most recently handled messages (for the page's "Afgehandeld" list)."""
    with unit_of_work(factory) as session:
        return list(session.scalars(select(InboxMessage).where(InboxMessage.status != "open")
                                    .order_by(InboxMessage.decided_at.desc(), InboxMessage.id.desc())
                                    .limit(limit)))


def purge(factory: sessionmaker, cutoff: datetime) -> int:
    """Delete inbox messages asked before ``cutoff`` (the retention period)."""
    with unit_of_work(factory) as session:
        old = list(session.scalars(select(InboxMessage).where(InboxMessage.asked_at < cutoff)))
        for row in old:
            session.delete(row)
        return len(old)
