"""The learning loop as the workspace, the CLI and the purge use it, from the settings.

- ``collect(settings, factory)``: read the new conversations into the inbox and the report
  facts (``bot.services.conversations``);
- ``withdraw_url(settings, token)``: the link in the register's confirmation;
- ``purge(settings, factory, older_than_days)``: the retention rules of the learning loop
  (``gemeentetolk purge`` calls it before it deletes the conversations).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.services import conversations, gaps, inbox, register
from bot.services.db import unit_of_work
from bot.services.learning_models import AnswerFeedback

logger = logging.getLogger(__name__)

WITHDRAW_PATH = "afmelden"


def context(settings: Any) -> conversations.Context:
    from bot.services.profiles import effective_profiles

    try:
        profiles = effective_profiles(settings)
    except Exception as err:  # noqa: BLE001 - the numbers still count without the names
        logger.warning("Municipality profiles unavailable for the learning loop: %s", type(err).__name__)
        profiles = {}
    return conversations.Context(profiles=profiles, default_municipality=settings.municipality or None,
                                 low_confidence=settings.learning.low_confidence)


def collect(settings: Any, factory: sessionmaker) -> conversations.CollectResult:
    return conversations.collect(factory, settings.tracker_db_url, context(settings))


def withdraw_url(settings: Any, token: str) -> str:
    return f"{settings.public_workspace_url}{WITHDRAW_PATH}/{token}"


@dataclass(frozen=True)
class PurgeResult:
    inbox: int
    gap_examples: int
    comments: int
    register: int


def purge(settings: Any, factory: sessionmaker, older_than_days: int,
          now: datetime | None = None) -> PurgeResult:
    """Before the conversations go: read them into the report facts. Then delete the inbox
    messages and gap sentences older than ``older_than_days``, clear feedback comments that
    old (the yes/no counts stay), and delete register entries past their own retention."""
    if older_than_days < 1:
        raise ValueError("De bewaartermijn moet minstens 1 dag zijn.")
    try:
        collect(settings, factory)
    except Exception as err:  # noqa: BLE001 - the purge must still run
        logger.warning("Reading the conversations before the purge failed: %s", type(err).__name__)
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    cutoff = now - timedelta(days=older_than_days)
    with unit_of_work(factory) as session:
        rows = list(session.scalars(select(AnswerFeedback).where(
            AnswerFeedback.given_on < cutoff.date(), AnswerFeedback.comment.is_not(None))))
        for row in rows:
            row.comment = None
    return PurgeResult(
        inbox=inbox.purge(factory, cutoff),
        gap_examples=gaps.purge(factory, cutoff),
        comments=len(rows),
        register=register.purge(factory, settings.learning.register_retention_days, now),
    )
