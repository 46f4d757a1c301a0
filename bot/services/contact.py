"""Contact requests: validation, reference numbers, the store and the retention purge.

Library functions (no Rasa). Personal data (name, e-mail, phone, summary) is never logged.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import re
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import IO

from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.services.db import make_engine, session_factory, unit_of_work
from bot.services.models import ContactRequest
from bot.services.municipalities import is_dutch_phone
from bot.services.routing import detect_topics

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 90
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_NO_PHONE = {"nee", "geen", "-", "n.v.t.", "nvt", "liever niet", "overslaan", "sla over", "niet", "nee dank je", "geen telefoon", "geen nummer"}

PRIVACY_TEXT = (
    "Privacy: de gemeente bewaart je naam, e-mailadres, telefoonnummer en je vraag alleen om "
    "contact met je op te nemen. Na 90 dagen worden ze verwijderd. Je kunt altijd vragen om "
    "je gegevens in te zien of te laten verwijderen."
)


class ContactStoreError(Exception):
    """Saving or reading contact requests failed (database problem)."""


# --- validation ---------------------------------------------------------------------------------


def clean_email(value: object) -> str | None:
    """A normalised e-mail address, or None when it is not valid."""
    if not isinstance(value, str):
        return None
    value = value.strip().strip("<>.,; ")
    if len(value) > 254 or not _EMAIL.match(value):
        return None
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def wants_no_phone(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower().rstrip(".!") in _NO_PHONE


def clean_phone(value: object) -> str | None:
    """A Dutch phone number as typed (whitespace tidied), or None when it is not valid."""
    if not isinstance(value, str):
        return None
    value = re.sub(r"\s+", " ", value.strip())
    return value if is_dutch_phone(value) else None


def clean_text(value: object, max_len: int) -> str | None:
    if not isinstance(value, str):
        return None
    value = re.sub(r"\s+", " ", value).strip()
    if not value:
        return None
    return value[:max_len]


def clean_name(value: object) -> str | None:
    name = clean_text(value, 200)
    if not name or not re.search(r"[^\W\d_]", name) or "@" in name or len(name) < 2:
        return None
    if "?" in name or len(name.split()) > 6:  # a question, not a name
        return None
    return name


# --- reference numbers --------------------------------------------------------------------------


def new_reference() -> str:
    """E.g. 'GT-7K3M-9QX2': unguessable, easy to read aloud (no 0/O, 1/I)."""
    chars = "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))
    return f"GT-{chars[:4]}-{chars[4:]}"


# --- the store ------------------------------------------------------------------------------------


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass
class ContactDraft:
    summary: str
    name: str
    email: str
    phone: str | None = None
    contact_moment: str | None = None
    municipality: str | None = None
    department: str | None = None
    topic: str | None = None
    subtopic: str | None = None
    official_terms: list[str] = field(default_factory=list)
    consent: bool = False
    request_key: str | None = None  # request_key(): the same request is stored once
    conversation_id: str | None = None  # the Rasa sender id (the workspace shows the conversation)


def request_key(draft: ContactDraft, conversation_id: str, now: datetime | None = None) -> str:
    """A key for "this request from this conversation today": sending it again stores nothing new.

    A hash (no personal data in clear) of the conversation id, the UTC day and the cleaned
    fields of the request.
    """
    now = now or utcnow()
    parts = [
        conversation_id, now.date().isoformat(), clean_text(draft.summary, 2000) or "",
        (clean_name(draft.name) or "").lower(), (clean_email(draft.email) or "").lower(),
        re.sub(r"\D", "", draft.phone or ""), (clean_text(draft.contact_moment, 200) or "").lower(),
        draft.municipality or "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# SQLite waits this long for a lock held by another process before saving fails (the user
# then hears that saving did not work, with the phone route, instead of waiting for 30 s).
CONTACT_BUSY_TIMEOUT = 5.0

_factories: dict[str, sessionmaker] = {}
_factories_lock = threading.Lock()


def get_factory(db_url: str) -> sessionmaker:
    """A session factory per database URL, cached per process (``gemeentetolk setup`` made
    the tables; a database without them raises on first use, and the user gets the phone route)."""
    with _factories_lock:
        factory = _factories.get(db_url)
        if factory is None:
            engine = make_engine(db_url, busy_timeout=CONTACT_BUSY_TIMEOUT)
            factory = session_factory(engine)
            _factories[db_url] = factory
        return factory


def save_request(factory: sessionmaker, draft: ContactDraft, now: datetime | None = None) -> str:
    """Store a contact request in one transaction; returns its reference number.

    With a ``draft.request_key`` the same request is stored once: sending it again returns
    the reference of the stored one. Raises ValueError when the draft is incomplete or has no
    consent (nothing is stored), ContactStoreError when the database fails (the transaction is
    rolled back: nothing half-written stays behind).
    """
    if not draft.consent:
        raise ValueError("Zonder toestemming wordt niets opgeslagen.")
    email = clean_email(draft.email)
    if not (clean_text(draft.summary, 2000) and clean_name(draft.name) and email):
        raise ValueError("Het contactverzoek is niet compleet: vraag, naam en e-mailadres zijn nodig.")
    if draft.phone and not clean_phone(draft.phone):
        raise ValueError("Het telefoonnummer is ongeldig.")
    now = now or utcnow()
    try:
        for _attempt in range(5):
            existing = _reference_for_key(factory, draft.request_key)
            if existing:
                logger.info("Contact request %s was already stored (sent again)", existing)
                return existing
            reference = new_reference()
            try:
                with unit_of_work(factory) as session:
                    session.add(ContactRequest(
                        reference=reference, created_at=now, municipality=draft.municipality or None,
                        department=draft.department or None, topic=draft.topic or None,
                        subtopic=draft.subtopic or None, summary=clean_text(draft.summary, 2000),
                        official_terms=json.dumps(draft.official_terms, ensure_ascii=False),
                        name=clean_name(draft.name), email=email,
                        phone=clean_phone(draft.phone) if draft.phone else None,
                        contact_moment=clean_text(draft.contact_moment, 200), consent_at=now,
                        status="open", request_key=draft.request_key or None,
                        conversation_id=(draft.conversation_id or None) and str(draft.conversation_id)[:255],
                    ))
            except IntegrityError:
                continue  # a reference collision, or the same request stored just now
            logger.info("Contact request %s stored (municipality=%s)", reference, draft.municipality)
            return reference
    except Exception as err:  # noqa: BLE001 - any database failure becomes one clear error
        logger.warning("Storing a contact request failed: %s", type(err).__name__)
        raise ContactStoreError(str(type(err).__name__)) from err
    raise ContactStoreError("Geen uniek referentienummer gevonden.")


def _reference_for_key(factory: sessionmaker, key: str | None) -> str | None:
    if not key:
        return None
    with unit_of_work(factory) as session:
        return session.scalars(
            select(ContactRequest.reference).where(ContactRequest.request_key == key)).first()


@dataclass(frozen=True)
class RequestView:
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


def _view(row: ContactRequest) -> RequestView:
    try:
        terms = json.loads(row.official_terms or "[]")
    except ValueError:
        terms = []
    return RequestView(row.reference, row.created_at, row.municipality, row.department, row.topic,
                       row.subtopic, row.summary, terms, row.name, row.email, row.phone,
                       row.contact_moment, row.status, row.closed_at)


def list_requests(factory: sessionmaker, municipality: str | None = None, department: str | None = None,
                  status: str | None = None) -> list[RequestView]:
    stmt = select(ContactRequest).order_by(ContactRequest.created_at, ContactRequest.id)
    if municipality:
        stmt = stmt.where(ContactRequest.municipality == municipality)
    if department:
        stmt = stmt.where(ContactRequest.department == department)
    if status:
        stmt = stmt.where(ContactRequest.status == status)
    with unit_of_work(factory) as session:
        return [_view(r) for r in session.scalars(stmt)]


def get_request(factory: sessionmaker, reference: str) -> RequestView | None:
    with unit_of_work(factory) as session:
        row = session.scalars(select(ContactRequest).where(
            ContactRequest.reference == reference.strip().upper())).first()
        return _view(row) if row else None


def close_request(factory: sessionmaker, reference: str, now: datetime | None = None) -> RequestView | None:
    with unit_of_work(factory) as session:
        row = session.scalars(select(ContactRequest).where(
            ContactRequest.reference == reference.strip().upper())).first()
        if row is None:
            return None
        if row.status != "closed":
            row.status = "closed"
            row.closed_at = now or utcnow()
        return _view(row)


CSV_FIELDS = ["reference", "created_at", "municipality", "department", "topic", "subtopic", "summary",
              "official_terms", "name", "email", "phone", "contact_moment", "status", "closed_at"]


def _csv_safe(value: object) -> str:
    """Prevent spreadsheet formula injection from user text."""
    text_value = "" if value is None else str(value)
    if text_value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text_value
    return text_value


def export_csv(requests: Iterable[RequestView], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    n = 0
    for r in requests:
        row = {**r.__dict__, "official_terms": "; ".join(r.official_terms),
               "created_at": r.created_at.isoformat(timespec="seconds") + "Z",
               "closed_at": r.closed_at.isoformat(timespec="seconds") + "Z" if r.closed_at else ""}
        writer.writerow([_csv_safe(row[f]) for f in CSV_FIELDS])
        n += 1
    return n


# --- retention purge ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    requests: int
    events: int
    conversations: int
    tracker_found: bool
    gaps: int = 0  # glossary gaps: words users typed that the glossary lacked


def purge(factory: sessionmaker, tracker_db_url: str | None, older_than_days: int = DEFAULT_RETENTION_DAYS,
          now: datetime | None = None) -> PurgeResult:
    """Delete all stored user text older than the retention period: contact requests, Rasa
    conversation events and glossary gaps (a word last asked before the cutoff)."""
    if older_than_days < 1:
        raise ValueError("De bewaartermijn moet minstens 1 dag zijn.")
    now = now or utcnow()
    cutoff = now - timedelta(days=older_than_days)
    with unit_of_work(factory) as session:
        old = session.scalars(select(ContactRequest).where(ContactRequest.created_at < cutoff)).all()
        for row in old:
            session.delete(row)
        n_requests = len(old)
        n_gaps = _purge_gaps(session, cutoff)
    n_events = n_convs = 0
    found = False
    if tracker_db_url:
        engine = make_engine(tracker_db_url)
        try:
            if inspect(engine).has_table("events"):
                found = True
                cutoff_ts = cutoff.replace(tzinfo=timezone.utc).timestamp()
                with engine.begin() as conn:
                    n_convs = conn.execute(
                        text("SELECT COUNT(DISTINCT sender_id) FROM events WHERE timestamp < :c"),
                        {"c": cutoff_ts}).scalar_one()
                    n_events = conn.execute(
                        text("DELETE FROM events WHERE timestamp < :c"), {"c": cutoff_ts}).rowcount
        finally:
            engine.dispose()
    return PurgeResult(cutoff, n_requests, n_events, int(n_convs or 0), found, n_gaps)


def _purge_gaps(session, cutoff: datetime) -> int:
    """Glossary gaps (words as users typed them) last asked before ``cutoff``."""
    from sqlalchemy import delete

    from glossary.store import gaps_table

    if not inspect(session.connection()).has_table(gaps_table.name):
        return 0
    result = session.execute(delete(gaps_table).where(gaps_table.c.last_asked < cutoff))
    return int(result.rowcount or 0)


def count_requests(factory: sessionmaker) -> int:
    with unit_of_work(factory) as session:
        return session.scalar(select(func.count(ContactRequest.id))) or 0


# --- the question, in the user's and the government's words ---------------------------------------


def official_terms(text_value: str, db_url: str) -> list[str]:
    """The official glossary terms (prefLabels) found in a text. Empty when the glossary is absent."""
    if not text_value:
        return []
    try:
        from glossary.runtime import get_matcher

        matcher = get_matcher(db_url)
        terms: list[str] = []
        for match in matcher.lookup(text_value):
            if match.term not in terms:
                terms.append(match.term)
        return terms
    except Exception as err:  # noqa: BLE001 - the glossary is optional here
        logger.info("Glossary lookup unavailable: %s", type(err).__name__)
        return []


NON_SUBSTANTIVE_INTENTS = {
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "ask_capabilities", "ask_contact",
    "inform", "cancel", "nlu_fallback", "out_of_scope",
}


def summarize(user_messages: list[tuple[str, str | None]], max_messages: int = 2, max_len: int = 500) -> str:
    """The last substantive user messages (text, intent), oldest first, as one summary."""
    picked: list[str] = []
    for text_value, intent in reversed(user_messages):
        if not text_value or text_value.startswith("/"):
            continue
        if intent in NON_SUBSTANTIVE_INTENTS and not (intent == "ask_contact" and detect_topics(text_value)):
            continue
        if len(text_value.split()) < 3:
            continue
        picked.append(text_value.strip())
        if len(picked) >= max_messages:
            break
    summary = " ".join(reversed(picked))
    return summary[:max_len]
