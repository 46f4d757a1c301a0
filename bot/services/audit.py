"""The audit log: every change made in the workspace or with ``gemeentetolk users``: who,
when, what, before and after. Beheerders read it on the page "Logboek"."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.services.db import unit_of_work
from bot.services.workspace_models import AuditEntry

# Action -> Dutch description on the page.
ACTIONS = {
    "account.aangemaakt": "account aangemaakt",
    "account.gewijzigd": "account gewijzigd",
    "account.uitgezet": "account uitgezet",
    "account.aangezet": "account weer aangezet",
    "account.wachtwoord": "wachtwoord gewijzigd",
    "login.gelukt": "ingelogd",
    "login.mislukt": "inloggen mislukt",
    "login.geblokkeerd": "inloggen geblokkeerd (te veel pogingen)",
    "logout": "uitgelogd",
    "begrip.aangemaakt": "begrip aangemaakt",
    "begrip.bewerkt": "begrip bewerkt",
    "begrip.status": "status van begrip gewijzigd",
    "begrippen.import": "begrippen ingelezen",
    "begrippen.bestanden": "begrippen naar bestanden geschreven",
    "profiel.bewerkt": "gemeenteprofiel bewerkt",
    "profiel.bestand": "gemeenteprofiel naar bestand geschreven",
    "contactverzoek.toegewezen": "contactverzoek toegewezen",
    "contactverzoek.gesloten": "contactverzoek gesloten",
    "contactverzoek.export": "contactverzoeken geëxporteerd",
    "publiceren.gestart": "publiceren gestart",
}


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    before: Any
    after: Any
    address: str

    @property
    def description(self) -> str:
        return ACTIONS.get(self.action, self.action)


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def add(session: Session, actor: str, action: str, target_type: str = "", target_id: str = "",
        before: Any = None, after: Any = None, address: str = "") -> None:
    """Add an entry inside an existing unit of work (same transaction as the change)."""
    session.add(AuditEntry(
        at=datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0), actor=actor[:64],
        action=action, target_type=target_type[:64], target_id=str(target_id)[:200],
        before_json=_dump(before), after_json=_dump(after), address=(address or "")[:64],
    ))


def record(factory: sessionmaker, actor: str, action: str, target_type: str = "",
           target_id: str = "", before: Any = None, after: Any = None, address: str = "") -> None:
    """Add an entry in its own transaction (after a change made by another store)."""
    with unit_of_work(factory) as session:
        add(session, actor, action, target_type, target_id, before, after, address)


def _load(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def entries(factory: sessionmaker, actor: str | None = None, action: str | None = None,
            target: str | None = None, limit: int = 100, offset: int = 0) -> tuple[list[AuditView], int]:
    """Newest first; returns (page, total)."""
    stmt = select(AuditEntry)
    count = select(func.count(AuditEntry.id))
    for column, value in ((AuditEntry.actor, actor), (AuditEntry.action, action)):
        if value:
            stmt, count = stmt.where(column == value), count.where(column == value)
    if target:
        stmt = stmt.where(AuditEntry.target_id == target)
        count = count.where(AuditEntry.target_id == target)
    stmt = stmt.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    with unit_of_work(factory) as session:
        total = session.scalar(count) or 0
        rows = [AuditView(r.id, r.at, r.actor, r.action, r.target_type, r.target_id,
                          _load(r.before_json), _load(r.after_json), r.address)
                for r in session.scalars(stmt)]
    return rows, int(total)
