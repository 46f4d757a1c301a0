"""Feedback per answer: "Had je hier iets aan?" (yes/no and an optional short comment).

- ``answer_marker(topic, subtopic)``: what ``action_answer`` attaches to an answer
  (``custom.feedback``): the sub-answer and a random reference. The website channel passes
  it to the widget (``clean_marker``), the widget sends the reference back.
- ``find_answer(events, ref)``: the answer with that reference in the conversation (tracker
  events), with its municipality and the question it answered. Only answers the assistant
  really gave in this conversation can get feedback.
- ``record(factory, answer, helpful, comment)``: one row per answer; the date only; the
  comment is masked. A "no" also puts the (masked) question in the inbox.

Plain Python (no Rasa).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.services import privacy
from bot.services.db import unit_of_work
from bot.services.learning_models import AnswerFeedback
from bot.services.topics import is_subanswer

MAX_COMMENT = 300
_REF_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

MSG_THANKS = "Dank je wel voor je reactie."
MSG_THANKS_COMMENT = "Dank je wel. Je toelichting is doorgegeven."
MSG_DUPLICATE = "Je hebt op dit antwoord al gereageerd. Dank je wel!"
MSG_UNKNOWN = "Dit antwoord kan ik niet (meer) vinden. Je reactie is niet opgeslagen."
MSG_BAD = ('Ik kon je reactie niet lezen. Stuur bijvoorbeeld {"ref": "...", "helpful": true} '
           'of {"ref": "...", "comment": "..."}.')
MSG_NO_COMMENT_YET = "Kies eerst Ja of Nee. Daarna kun je iets toelichten."
MSG_COMMENT_DONE = "Je hebt bij dit antwoord al een toelichting gegeven. Dank je wel!"


def answer_marker(topic: str | None, subtopic: str | None) -> dict[str, str] | None:
    """``{"answer": "procurement/thresholds", "ref": "<random>"}`` for a known sub-answer."""
    if not topic or not subtopic or not is_subanswer(topic, subtopic):
        return None
    return {"answer": f"{topic}/{subtopic}", "ref": secrets.token_urlsafe(18)}


def clean_marker(custom: object) -> dict[str, str] | None:
    """The feedback marker in a bot message's ``custom`` data, only when well formed."""
    if not isinstance(custom, dict) or not isinstance(custom.get("feedback"), dict):
        return None
    raw = custom["feedback"]
    answer, ref = raw.get("answer"), raw.get("ref")
    if not (isinstance(answer, str) and isinstance(ref, str) and _REF_RE.match(ref)):
        return None
    topic, _, sub = answer.partition("/")
    if not is_subanswer(topic, sub):
        return None
    return {"answer": answer, "ref": ref}


@dataclass(frozen=True)
class Request:
    ref: str
    helpful: bool | None
    comment: str | None


def parse_request(body: dict[str, Any]) -> Request | None:
    """``{"ref", "helpful"}`` or ``{"ref", "comment"}`` from the widget; None when malformed."""
    ref = body.get("ref")
    if not isinstance(ref, str) or not _REF_RE.match(ref):
        return None
    helpful = body.get("helpful")
    comment = body.get("comment")
    if helpful is not None and not isinstance(helpful, bool):
        return None
    if comment is not None and not isinstance(comment, str):
        return None
    comment = (comment or "").strip() or None
    if helpful is None and comment is None:
        return None
    return Request(ref, helpful, comment)


@dataclass(frozen=True)
class Answer:
    ref: str
    topic: str
    subtopic: str
    municipality: str | None
    question: str | None  # the user's message the answer was for (not masked yet)
    question_at: float | None  # its timestamp (epoch seconds)
    sender: str


def find_answer(events: list[dict[str, Any]], ref: str, sender: str) -> Answer | None:
    """The answer carrying ``ref`` in these tracker events (as dicts), or None."""
    slots: dict[str, Any] = {}
    question: dict[str, Any] | None = None
    for event in events:
        kind = event.get("event")
        if kind == "slot":
            slots[str(event.get("name"))] = event.get("value")
        elif kind == "user":
            question = event
        elif kind == "bot":
            marker = clean_marker((event.get("data") or {}).get("custom"))
            if marker and marker["ref"] == ref:
                topic, _, sub = marker["answer"].partition("/")
                return Answer(ref, topic, sub, _municipality(slots, question),
                              (question or {}).get("text"), (question or {}).get("timestamp"), sender)
    return None


def _municipality(slots: dict[str, Any], question: dict[str, Any] | None) -> str | None:
    candidates = [slots.get("municipality"),
                  ((question or {}).get("metadata") or {}).get("municipality"),
                  (slots.get("session_started_metadata") or {}).get("municipality")
                  if isinstance(slots.get("session_started_metadata"), dict) else None]
    for value in candidates:
        if isinstance(value, str) and _SLUG_RE.match(value.strip().lower()):
            return value.strip().lower()
    return None


def ref_hash(ref: str) -> str:
    return hashlib.sha256(ref.encode("utf-8")).hexdigest()


def clean_comment(comment: str | None) -> str | None:
    value = privacy.mask(comment or "")
    value = re.sub(r"\s+", " ", value).strip()[:MAX_COMMENT]
    return value or None


@dataclass(frozen=True)
class Result:
    status: int  # 201 stored, 200 comment added, 409 already given, 400 comment before choice
    message: str


def record(factory: sessionmaker, answer: Answer, request: Request, today: date | None = None,
           default_municipality: str | None = None) -> Result:
    """Store the feedback (one per answer) or add the comment to it (once). A "no" also puts
    the masked question in the inbox."""
    municipality = answer.municipality or default_municipality or None
    try:
        result, helpful, comment = _store(factory, answer, request, municipality, today)
    except IntegrityError:  # the same answer at the same moment: the first one counts
        return Result(409, MSG_DUPLICATE)
    if result.status in (200, 201) and helpful is False and answer.question:
        from bot.services import inbox

        inbox.add_from_feedback(factory, answer, municipality, comment)
    return result


def _store(factory: sessionmaker, answer: Answer, request: Request, municipality: str | None,
           today: date | None) -> tuple[Result, bool | None, str | None]:
    key = ref_hash(answer.ref)
    with unit_of_work(factory) as session:
        row = session.scalars(select(AnswerFeedback).where(AnswerFeedback.ref_hash == key)).first()
        if request.helpful is None:  # a comment on feedback already given
            if row is None:
                return Result(400, MSG_NO_COMMENT_YET), None, None
            if row.comment:
                return Result(409, MSG_COMMENT_DONE), None, None
            row.comment = clean_comment(request.comment)
            return Result(200, MSG_THANKS_COMMENT), row.helpful, row.comment
        if row is not None:
            return Result(409, MSG_DUPLICATE), None, None
        row = AnswerFeedback(ref_hash=key, given_on=today or date.today(),
                             municipality=municipality, topic=answer.topic,
                             subtopic=answer.subtopic, helpful=request.helpful,
                             comment=clean_comment(request.comment))
        session.add(row)
        session.flush()
        return Result(201, MSG_THANKS), request.helpful, row.comment


def asked_at(answer: Answer) -> datetime:
    if answer.question_at:
        return datetime.fromtimestamp(float(answer.question_at), tz=timezone.utc).replace(tzinfo=None)
    return datetime.now(timezone.utc).replace(tzinfo=None)
