"""SQLAlchemy tables of the assistant (municipalities, contact requests, ...).

The glossary keeps its own tables in glossary/; both live in the same database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

Base: Any = declarative_base()


class Municipality(Base):
    """A municipality profile loaded from data/municipalities/<slug>.yml."""

    __tablename__ = "municipalities"

    id = Column(Integer, primary_key=True)
    slug = Column(String(64), unique=True, nullable=False, index=True)
    name = Column(String(200), nullable=False)
    fictional = Column(Boolean, nullable=False, default=True)
    has_single_contact_point = Column(Boolean, nullable=False, default=False)
    profile_json = Column(Text, nullable=False)  # the whole validated profile
    source_hash = Column(String(64), nullable=False)
    loaded_at = Column(DateTime, nullable=False)

    departments = relationship(
        "MunicipalDepartment", back_populates="municipality", cascade="all, delete-orphan",
        order_by="MunicipalDepartment.position",
    )


class MunicipalDepartment(Base):
    """A department or team of a municipality (including the single contact point)."""

    __tablename__ = "municipal_departments"

    id = Column(Integer, primary_key=True)
    municipality_id = Column(
        Integer, ForeignKey("municipalities.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position = Column(Integer, nullable=False, default=0)
    key = Column(String(64), nullable=False)
    name = Column(String(200), nullable=False)
    role = Column(String(200), nullable=False)
    is_contact_point = Column(Boolean, nullable=False, default=False)
    topics = Column(Text, nullable=False, default="")  # comma-separated topic keys
    phone = Column(String(40))
    email = Column(String(200))
    website = Column(String(300))

    municipality = relationship("Municipality", back_populates="departments")


class ContactRequest(Base):
    """A request from an entrepreneur to be contacted by a civil servant (with consent)."""

    __tablename__ = "contact_requests"

    id = Column(Integer, primary_key=True)
    reference = Column(String(20), unique=True, nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, index=True)  # UTC
    municipality = Column(String(64), index=True)  # profile slug, may be empty
    department = Column(String(64), index=True)  # department key
    topic = Column(String(64))
    subtopic = Column(String(64))
    summary = Column(Text, nullable=False)
    official_terms = Column(Text, nullable=False, default="[]")  # JSON list of prefLabels
    name = Column(String(200), nullable=False)
    email = Column(String(254), nullable=False)
    phone = Column(String(40))
    contact_moment = Column(String(200))
    consent_at = Column(DateTime, nullable=False)  # UTC; no row without consent
    status = Column(String(16), nullable=False, default="open")  # open | closed
    closed_at = Column(DateTime)
    # Hash of conversation, day and fields: the same request sent twice is stored once
    # (bot.services.contact.request_key; migration f001).
    request_key = Column(String(64), unique=True, index=True)
    # Handling in the workspace (migration w001): the Rasa conversation (sender id) it came
    # from, who picked it up, who closed it and the closing note.
    conversation_id = Column(String(255))
    assigned_to = Column(String(64))
    closed_by = Column(String(64))
    close_note = Column(Text)
