"""Contact requests in the workspace: list and filter, detail with the conversation, assign,
close with a note, CSV export for Excel. A medewerker only ever sees the requests of their
own municipality and department (enforced here, not only in the page).

The conversation comes from Rasa's tracker store (``GEMEENTETOLK_TRACKER_DB_URL``, table
``events``); the retention purge (``gemeentetolk purge``) removes both the request (with its
note) and the conversation.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import sessionmaker

from bot.services import audit
from bot.services.accounts import Account
from bot.services.contact import CSV_FIELDS, _csv_safe
from bot.services.db import make_engine, unit_of_work
from bot.services.errors import UserError
from bot.services.models import ContactRequest
from bot.services.workspace_models import User

STATUSES = {"open": "open", "closed": "afgehandeld"}


@dataclass(frozen=True)
class DeskRequest:
    reference: str
    created_at: datetime
    municipality: str | None
    department: str | None
    topic: str | None
    subtopic: str | None
    summary: str
    official_terms: list[str]
    name: str
    email: str
    phone: str | None
    contact_moment: str | None
    status: str
    closed_at: datetime | None
    conversation_id: str | None
    assigned_to: str | None
    closed_by: str | None
    close_note: str | None

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


def _view(row: ContactRequest) -> DeskRequest:
    try:
        terms = json.loads(row.official_terms or "[]")
    except ValueError:
        terms = []
    return DeskRequest(row.reference, row.created_at, row.municipality, row.department, row.topic,
                       row.subtopic, row.summary, terms, row.name, row.email, row.phone,
                       row.contact_moment, row.status, row.closed_at, row.conversation_id,
                       row.assigned_to, row.closed_by, row.close_note)


@dataclass(frozen=True)
class Filters:
    municipality: str | None = None
    department: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def scope(account: Account, filters: Filters) -> Filters:
    """A medewerker's filters always include their own municipality and department."""
    if not account.has("medewerker"):
        raise PermissionError("Alleen medewerkers zien contactverzoeken.")
    return Filters(account.municipality, account.department, filters.status, filters.date_from,
                   filters.date_to)


def _visible(account: Account, row: ContactRequest) -> bool:
    return (account.has("medewerker") and row.municipality == account.municipality
            and row.department == account.department)


def list_requests(factory: sessionmaker, account: Account, filters: Filters) -> list[DeskRequest]:
    f = scope(account, filters)
    stmt = select(ContactRequest).order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc())
    stmt = stmt.where(ContactRequest.municipality == f.municipality,
                      ContactRequest.department == f.department)
    if f.status in STATUSES:
        stmt = stmt.where(ContactRequest.status == f.status)
    if f.date_from:
        stmt = stmt.where(ContactRequest.created_at >= datetime.combine(f.date_from, time.min))
    if f.date_to:
        stmt = stmt.where(ContactRequest.created_at < datetime.combine(f.date_to + timedelta(days=1), time.min))
    with unit_of_work(factory) as session:
        return [_view(r) for r in session.scalars(stmt)]


def _row(session, account: Account, reference: str) -> ContactRequest | None:
    row = session.scalars(select(ContactRequest).where(
        ContactRequest.reference == (reference or "").strip().upper())).first()
    if row is None or not _visible(account, row):
        return None  # another department's request does not exist for this account
    return row


def get_request(factory: sessionmaker, account: Account, reference: str) -> DeskRequest | None:
    with unit_of_work(factory) as session:
        row = _row(session, account, reference)
        return _view(row) if row else None


def colleagues(factory: sessionmaker, account: Account) -> list[tuple[str, str]]:
    """(username, name) of the active medewerkers of the same municipality and department."""
    with unit_of_work(factory) as session:
        rows = session.scalars(select(User).where(
            User.active.is_(True), User.municipality == account.municipality,
            User.department == account.department).order_by(User.username))
        return [(u.username, u.display_name or u.username) for u in rows
                if "medewerker" in (u.roles or "").split(",")]


def assign(factory: sessionmaker, account: Account, reference: str, to: str, address: str = "") -> DeskRequest:
    allowed = {name for name, _ in colleagues(factory, account)}
    if to and to not in allowed:
        raise UserError("Je kunt een verzoek alleen toewijzen aan een medewerker van je eigen afdeling.")
    with unit_of_work(factory) as session:
        row = _row(session, account, reference)
        if row is None:
            raise LookupError(reference)
        before = row.assigned_to
        row.assigned_to = to or None
        audit.add(session, account.username, "contactverzoek.toegewezen", "contactverzoek",
                  row.reference, {"assigned_to": before}, {"assigned_to": row.assigned_to}, address)
        return _view(row)


def close(factory: sessionmaker, account: Account, reference: str, note: str, address: str = "",
          now: datetime | None = None) -> DeskRequest:
    note = " ".join((note or "").split()) if "\n" not in (note or "") else (note or "").strip()
    if not note:
        raise UserError("Schrijf kort wat je hebt gedaan (de notitie is verplicht).")
    with unit_of_work(factory) as session:
        row = _row(session, account, reference)
        if row is None:
            raise LookupError(reference)
        if row.status == "closed":
            raise UserError("Dit verzoek is al afgehandeld.")
        row.status = "closed"
        row.closed_at = now or datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        row.closed_by = account.username
        row.close_note = note[:4000]
        audit.add(session, account.username, "contactverzoek.gesloten", "contactverzoek",
                  row.reference, {"status": "open"}, {"status": "closed"}, address)
        return _view(row)


EXPORT_FIELDS = [*CSV_FIELDS, "assigned_to", "closed_by", "close_note"]


def export_csv(requests: list[DeskRequest]) -> bytes:
    """CSV for Excel: UTF-8 with BOM, ';' between cells, cells that start like a formula
    are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_FIELDS)
    for r in requests:
        row = {**r.__dict__, "official_terms": "; ".join(r.official_terms),
               "created_at": r.created_at.isoformat(timespec="seconds") + "Z",
               "closed_at": r.closed_at.isoformat(timespec="seconds") + "Z" if r.closed_at else ""}
        writer.writerow([_csv_safe(row[f]) for f in EXPORT_FIELDS])
    return out.getvalue().encode("utf-8-sig")


# --- the conversation -------------------------------------------------------------------------

def conversation(tracker_db_url: str, conversation_id: str | None, until: datetime | None = None,
                 limit: int = 30) -> list[dict[str, Any]]:
    """The messages of the conversation the request came from (oldest first), up to a few
    minutes after the request was made; empty when it is gone (purged) or unknown."""
    if not (tracker_db_url and conversation_id):
        return []
    from bot.services.websecurity import history_from_events

    engine = make_engine(tracker_db_url)
    try:
        if not inspect(engine).has_table("events"):
            return []
        params: dict[str, Any] = {"s": conversation_id}
        query = "SELECT data FROM events WHERE sender_id = :s AND type_name IN ('user', 'bot')"
        if until is not None:
            query += " AND timestamp <= :t"
            params["t"] = (until + timedelta(minutes=5)).replace(tzinfo=timezone.utc).timestamp()
        with engine.connect() as conn:
            rows = conn.execute(text(query + " ORDER BY id"), params).scalars().all()
    finally:
        engine.dispose()
    events = []
    for data in rows:
        try:
            events.append(json.loads(data))
        except (TypeError, ValueError):
            continue
    return history_from_events(events)[-limit:]
