"""Tables of the learning loop (issue 15): feedback per answer, the inbox of misunderstood
questions, the training examples made from it, example sentences of glossary gaps, the
anonymous facts behind the municipality's report, and the social enterprise register.
Created by the migration ``l001_learning``.

Personal data: only ``social_enterprises`` holds it (with consent, until withdrawal or the
retention limit). Every text that came from a user elsewhere is masked first
(``bot.services.privacy``); the report tables hold no text at all.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, String, Text

from bot.services.models import Base


class AnswerFeedback(Base):
    """"Had je hier iets aan?": one row per answer (``ref_hash`` is unique)."""

    __tablename__ = "answer_feedback"

    id = Column(Integer, primary_key=True, autoincrement=True)
    ref_hash = Column(String(64), unique=True, nullable=False)  # sha256 of the answer's marker
    given_on = Column(Date, nullable=False, index=True)  # the date only, no time
    municipality = Column(String(64), index=True)
    topic = Column(String(64), nullable=False)
    subtopic = Column(String(64), nullable=False, default="")
    helpful = Column(Boolean, nullable=False)
    comment = Column(Text)  # masked, at most 300 characters


class InboxMessage(Base):
    """A message the assistant did not understand well (masked text)."""

    __tablename__ = "inbox_messages"

    id = Column(Integer, primary_key=True, autoincrement=True)
    source_key = Column(String(64), unique=True, nullable=False)  # one row per user message
    asked_at = Column(DateTime, nullable=False, index=True)  # UTC
    municipality = Column(String(64), index=True)
    text = Column(Text, nullable=False)  # masked
    norm = Column(String(500), nullable=False, index=True)  # normalised masked text
    reason = Column(String(20), nullable=False)  # fallback|clarify|low_confidence|feedback_no
    intent = Column(String(120))  # what the assistant thought (retrieval intent when known)
    confidence = Column(Float)
    comment = Column(Text)  # the masked feedback comment with a "no"
    status = Column(String(16), nullable=False, default="open", index=True)
    decision = Column(String(120))  # the intent chosen (ask_x/key, out_of_scope)
    decided_by = Column(String(64))
    decided_at = Column(DateTime)


class TrainingExample(Base):
    """A training example made in the workspace; ``data/nlu/inbox.yml`` is written from these."""

    __tablename__ = "nlu_examples"

    id = Column(Integer, primary_key=True, autoincrement=True)
    intent = Column(String(120), nullable=False, index=True)  # ask_x/key or out_of_scope
    text = Column(Text, nullable=False)  # masked, as written to the file
    norm = Column(String(500), unique=True, nullable=False)
    added_by = Column(String(64), nullable=False)
    added_at = Column(DateTime, nullable=False)


class GapExample(Base):
    """A sentence in which a user asked about a word the glossary did not know (masked)."""

    __tablename__ = "glossary_gap_examples"

    id = Column(Integer, primary_key=True, autoincrement=True)
    word = Column(String(200), nullable=False, index=True)  # as glossary_gap.word (normalised)
    asked_as = Column(String(200), nullable=False)
    text = Column(Text, nullable=False)  # masked
    asked_at = Column(DateTime, nullable=False, index=True)  # UTC
    municipality = Column(String(64))


class GapDecision(Base):
    """What an editor did with a gap word: a new concept, an altLabel, or ignored."""

    __tablename__ = "glossary_gap_decisions"

    word = Column(String(200), primary_key=True)
    action = Column(String(16), nullable=False)  # concept | altlabel | genegeerd
    entry_id = Column(String(120))
    decided_by = Column(String(64), nullable=False)
    decided_at = Column(DateTime, nullable=False)


class ReportTurn(Base):
    """Anonymous facts of one user message, for the report. No text, no sender id: the
    conversation is a hash, so it survives the purge of the conversations."""

    __tablename__ = "report_turns"

    id = Column(Integer, primary_key=True, autoincrement=True)
    source_key = Column(String(64), unique=True, nullable=False)
    conversation = Column(String(64), nullable=False, index=True)  # sha256 of the sender id
    at = Column(DateTime, nullable=False, index=True)  # UTC
    municipality = Column(String(64), index=True)
    intent = Column(String(120))
    topic = Column(String(64))
    subtopic = Column(String(64))
    fallback = Column(Boolean, nullable=False, default=False)
    clarify = Column(Boolean, nullable=False, default=False)
    departments = Column(String(500), nullable=False, default="")  # "A + B" when several


class ReportContact(Base):
    """A contact request as the report counts it (no personal data), kept after the purge."""

    __tablename__ = "report_contacts"

    reference = Column(String(20), primary_key=True)
    created_at = Column(DateTime, nullable=False, index=True)
    municipality = Column(String(64), index=True)
    department = Column(String(64))


class LearningState(Base):
    """Small bookkeeping values (for example how far the conversations have been read)."""

    __tablename__ = "learning_state"

    key = Column(String(64), primary_key=True)
    value = Column(Text, nullable=False, default="")


class SocialEnterprise(Base):
    """An entry of the social enterprise register (only with consent)."""

    __tablename__ = "social_enterprises"

    id = Column(Integer, primary_key=True, autoincrement=True)
    created_at = Column(DateTime, nullable=False, index=True)  # UTC
    consent_at = Column(DateTime, nullable=False)  # no row without consent
    municipality = Column(String(64), index=True)
    name = Column(String(200), nullable=False)
    kvk = Column(String(8), nullable=False)
    theme = Column(String(20), nullable=False, index=True)
    mission = Column(Text, nullable=False)
    email = Column(String(254), nullable=False)
    conversation = Column(String(64), index=True)  # sha256 of the sender id (withdraw in chat)
    token_hash = Column(String(64), unique=True, nullable=False)  # sha256 of the withdrawal token
