"""The glossary store: entries, their full change history and the gap log, via SQLAlchemy
(any URL). One transaction per public method: all or nothing. Every change writes history
rows (who, when, which field, old and new value)."""

from __future__ import annotations

import builtins
import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    func,
    select,
)
from sqlalchemy.engine import Connection, Engine, make_url

from glossary.model import (
    ACTIVE,
    CONTENT_FIELDS,
    DUTCH_FIELD_NAMES,
    FACT_FIELDS,
    LIST_FIELDS,
    STATUSES,
    TRANSITIONS,
    Entry,
    GlossaryError,
    check_id,
    clean_value,
)
from glossary.text import normalise

metadata = MetaData()
EntryList = list[Entry]

entries_table = Table(
    "glossary_entry",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("pref_label", String(200), nullable=False),
    Column("alt_labels", JSON, nullable=False, default=list),
    Column("hidden_labels", JSON, nullable=False, default=list),
    Column("definition", Text, nullable=False, default=""),
    Column("plain", Text, nullable=False, default=""),
    Column("example", Text, nullable=False, default=""),
    Column("scope_note", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("broader", JSON, nullable=False, default=list),
    Column("related", JSON, nullable=False, default=list),
    Column("topic", String(40), nullable=False, default=""),
    Column("status", String(20), nullable=False, default="concept", index=True),
    Column("facts", JSON, nullable=False, default=list),  # dated facts (glossary.facts)
    Column("changed_by", String(120), nullable=False, default=""),
    Column("changed_at", DateTime, nullable=True),
    Column("reviewed_at", DateTime, nullable=True),
    # Hash of the curated file entry last loaded (None for entries made by editors).
    Column("curated_hash", String(64), nullable=True),
)

history_table = Table(
    "glossary_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", String(120), nullable=False, index=True),
    Column("changed_at", DateTime, nullable=False),
    Column("changed_by", String(120), nullable=False),
    Column("action", String(20), nullable=False),  # create, update, status
    Column("field", String(40), nullable=True),
    Column("old_value", Text, nullable=True),  # JSON
    Column("new_value", Text, nullable=True),  # JSON
)

gaps_table = Table(
    "glossary_gap",
    metadata,
    Column("word", String(200), primary_key=True),  # normalised
    Column("asked_as", String(200), nullable=False),  # as the user typed it (last time)
    Column("count", Integer, nullable=False, default=0),
    Column("first_asked", DateTime, nullable=False),
    Column("last_asked", DateTime, nullable=False),
)


@dataclass(frozen=True)
class Change:
    entry_id: str
    changed_at: datetime
    changed_by: str
    action: str
    field: str | None
    old_value: object
    new_value: object


@dataclass(frozen=True)
class Gap:
    word: str
    asked_as: str
    count: int
    first_asked: datetime
    last_asked: datetime


def make_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; a SQLite file gets its folder created."""
    try:
        parsed = make_url(url)
    except Exception as err:  # noqa: BLE001 - any parse error is a bad URL
        raise GlossaryError(f"De database-URL {url!r} klopt niet.") from err
    kwargs: dict = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    return create_engine(url, **kwargs)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _row_to_entry(row) -> Entry:
    data = dict(row._mapping)
    data.pop("curated_hash", None)
    for key in (*LIST_FIELDS, *FACT_FIELDS):
        data[key] = list(data.get(key) or [])
    return Entry(**data)


def _entry_values(entry: Entry) -> dict:
    values = {k: getattr(entry, k) for k in ("id", *CONTENT_FIELDS)}
    for key in (*LIST_FIELDS, *FACT_FIELDS):
        values[key] = list(values[key])
    values.update(
        changed_by=entry.changed_by, changed_at=entry.changed_at, reviewed_at=entry.reviewed_at
    )
    return values


def content_hash(entry: Entry) -> str:
    return hashlib.sha256(
        json.dumps(entry.content(), sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def _dump(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str, create: bool = False) -> Store:
        """A store on ``url``. The tables come from the migrations (``gemeentetolk setup``);
        ``create=True`` makes them directly, for tests and throwaway databases only."""
        store = cls(make_engine(url))
        if create:
            store.create_schema()
        return store

    def create_schema(self) -> None:
        """Tables without migrations: for tests and throwaway databases only."""
        metadata.create_all(self.engine)

    def is_ready(self) -> bool:
        """True when the glossary tables exist (``gemeentetolk setup`` has run)."""
        from sqlalchemy import inspect

        return entries_table.name in inspect(self.engine).get_table_names()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # --- reading -------------------------------------------------------------------
    def find(self, entry_id: str, conn: Connection | None = None) -> Entry | None:
        stmt = select(entries_table).where(entries_table.c.id == entry_id)
        if conn is not None:
            row = conn.execute(stmt).first()
        else:
            with self.engine.connect() as c:
                row = c.execute(stmt).first()
        return _row_to_entry(row) if row else None

    def get(self, entry_id: str, conn: Connection | None = None) -> Entry:
        entry = self.find(entry_id, conn)
        if entry is None:
            raise GlossaryError(
                f"Er is geen term met id {entry_id!r}. Zoek het id op met: glossary search WOORD"
            )
        return entry

    def list(self, status: str | None = None, topic: str | None = None) -> EntryList:
        stmt = select(entries_table).order_by(entries_table.c.topic, entries_table.c.id)
        if status:
            stmt = stmt.where(entries_table.c.status == status)
        if topic:
            stmt = stmt.where(entries_table.c.topic == topic)
        with self.engine.connect() as conn:
            return [_row_to_entry(r) for r in conn.execute(stmt)]

    def active(self) -> EntryList:
        return self.list(status=ACTIVE)

    def search(self, text: str) -> EntryList:
        """Entries whose id, labels or definition contain ``text`` (case and accents ignored)."""
        needle = normalise(text)
        found = []
        for entry in self.list():
            hay = " ".join(
                normalise(x)
                for x in [entry.id, *entry.labels, *entry.hidden_labels, entry.definition]
            )
            compact = "".join(normalise(x) for x in [entry.id, *entry.labels])
            if needle and (needle in hay or needle in compact):
                found.append(entry)
        return found

    def revision(self) -> tuple:
        """Changes whenever an entry changes: (count, last change, last history id)."""
        with self.engine.connect() as conn:
            count, last = conn.execute(
                select(func.count(), func.max(entries_table.c.changed_at))
            ).one()
            hist = conn.execute(select(func.max(history_table.c.id))).scalar()
        return (count, str(last), hist)

    def history(
        self, entry_id: str | None = None, limit: int | None = None
    ) -> builtins.list[Change]:
        stmt = select(history_table).order_by(history_table.c.id.desc())
        if entry_id:
            stmt = stmt.where(history_table.c.entry_id == entry_id)
        if limit:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            rows = builtins.list(conn.execute(stmt))
        return [
            Change(
                r.entry_id,
                r.changed_at,
                r.changed_by,
                r.action,
                r.field,
                None if r.old_value is None else json.loads(r.old_value),
                None if r.new_value is None else json.loads(r.new_value),
            )
            for r in reversed(rows)
        ]

    # --- changing ------------------------------------------------------------------
    @staticmethod
    def _log(conn, entry_id, when, by, action, field=None, old=None, new=None) -> None:
        conn.execute(
            history_table.insert().values(
                entry_id=entry_id,
                changed_at=when,
                changed_by=by,
                action=action,
                field=field,
                old_value=_dump(old),
                new_value=_dump(new),
            )
        )

    def _label_owner(self, conn: Connection, label: str, exclude: str) -> str | None:
        want = normalise(label)
        for row in conn.execute(
            select(entries_table.c.id, entries_table.c.pref_label, entries_table.c.alt_labels)
        ):
            if row.id == exclude:
                continue
            if want in {normalise(x) for x in [row.pref_label, *(row.alt_labels or [])]}:
                return row.id
        return None

    def _check_labels(self, conn: Connection, entry: Entry) -> None:
        for label in entry.labels:
            owner = self._label_owner(conn, label, entry.id)
            if owner:
                raise GlossaryError(
                    f"De term {label!r} hoort al bij {owner!r}. Een term mag maar bij één "
                    "begrip horen; pas de andere term aan of kies een andere schrijfwijze."
                )

    def add(self, entry: Entry, by: str) -> Entry:
        check_id(entry.id, "nieuwe term")
        if entry.status not in ("concept", "voorgesteld"):
            raise GlossaryError(
                "Een nieuwe term begint als concept of voorgesteld. "
                "Vaststellen doet een collega daarna met: glossary set-status ID vastgesteld"
            )
        with self._tx() as conn:
            if self.find(entry.id, conn):
                raise GlossaryError(f"Er is al een term met id {entry.id!r}.")
            self._check_labels(conn, entry)
            entry = entry.copy()
            entry.changed_by, entry.changed_at, entry.reviewed_at = by, _now(), None
            conn.execute(entries_table.insert().values(**_entry_values(entry)))
            self._log(conn, entry.id, entry.changed_at, by, "create", None, None, entry.to_dict())
        return entry

    def update(self, entry_id: str, changes: dict, by: str) -> Entry:
        """Change content fields (not status: use set_status). Records each changed field."""
        bad = sorted(set(changes) - set(CONTENT_FIELDS) - {"status"})
        if bad:
            raise GlossaryError(f"Onbekend veld: {', '.join(bad)}.")
        if "status" in changes:
            raise GlossaryError("De status verander je met: glossary set-status ID STATUS")
        with self._tx() as conn:
            entry = self.get(entry_id, conn)
            new = entry.copy()
            for key, value in changes.items():
                setattr(new, key, clean_value(key, value, entry_id))
            if not new.pref_label.strip():
                raise GlossaryError("De voorkeursterm (prefLabel) mag niet leeg zijn.")
            self._check_labels(conn, new)
            changed = [k for k in CONTENT_FIELDS if getattr(new, k) != getattr(entry, k)]
            if not changed:
                return entry
            when = _now()
            for key in changed:
                self._log(
                    conn, entry_id, when, by, "update", key, getattr(entry, key), getattr(new, key)
                )
            new.changed_by, new.changed_at = by, when
            conn.execute(
                entries_table.update()
                .where(entries_table.c.id == entry_id)
                .values(**{k: getattr(new, k) for k in changed}, changed_by=by, changed_at=when)
            )
        return new

    def set_status(self, entry_id: str, status: str, by: str) -> Entry:
        if status not in STATUSES:
            raise GlossaryError(f"Status {status!r} bestaat niet. Kies uit: {', '.join(STATUSES)}.")
        with self._tx() as conn:
            entry = self.get(entry_id, conn)
            if status == entry.status:
                raise GlossaryError(f"Term {entry_id!r} heeft al de status {status}.")
            if status not in TRANSITIONS[entry.status]:
                allowed = ", ".join(sorted(TRANSITIONS[entry.status]))
                raise GlossaryError(
                    f"Van {entry.status} naar {status} mag niet. Vanaf {entry.status} kan: {allowed}."
                )
            if status == ACTIVE:
                missing = [
                    DUTCH_FIELD_NAMES[k]
                    for k in ("definition", "plain", "source", "topic")
                    if not getattr(entry, k)
                ]
                if missing:
                    raise GlossaryError(
                        f"Term {entry_id!r} kan niet vastgesteld worden: {', '.join(missing)} ontbreekt."
                    )
                if by == entry.changed_by:
                    raise GlossaryError(
                        f"Jij ({by}) hebt term {entry_id!r} het laatst bewerkt. "
                        "Een collega moet de term controleren en vaststellen (vier ogen)."
                    )
            when = _now()
            values: dict = {"status": status, "changed_by": by, "changed_at": when}
            if status == ACTIVE:
                values["reviewed_at"] = when
            conn.execute(
                entries_table.update().where(entries_table.c.id == entry_id).values(**values)
            )
            self._log(conn, entry_id, when, by, "status", "status", entry.status, status)
            new = entry.copy()
            for k, v in values.items():
                setattr(new, k, v)
        return new

    def import_entries(self, entries: Iterable[Entry], by: str, replace: bool = True) -> dict:
        """Insert new entries and update changed ones, in one transaction (all or nothing).

        Status and meta data come from the file (an import is a reviewed batch); every
        change is recorded in the history.
        """
        counts = {"nieuw": 0, "bijgewerkt": 0, "ongewijzigd": 0}
        with self._tx() as conn:
            for entry in entries:
                self._upsert(conn, entry, by, counts, replace=replace)
        return counts

    def load_curated(self, entries: Iterable[Entry], by: str) -> dict:
        """Load the curated files; only changed file entries are written, never over an entry
        changed (or made) in the database since the last load: the database is the truth."""
        counts = {"nieuw": 0, "bijgewerkt": 0, "ongewijzigd": 0, "bewaard": 0}
        with self._tx() as conn:
            for entry in entries:
                digest = content_hash(entry)
                row = conn.execute(select(entries_table).where(entries_table.c.id == entry.id)).first()
                current = content_hash(_row_to_entry(row)) if row is not None else None
                if row is not None and digest in (row.curated_hash, current):  # (files caught up)
                    self._set_curated(conn, entry.id, digest)
                    counts["ongewijzigd"] += 1
                elif row is not None and row.curated_hash != current:  # changed in the database
                    counts["bewaard"] += 1
                else:
                    self._upsert(conn, entry, by, counts, replace=True, curated_hash=digest)
        return counts

    @staticmethod
    def _set_curated(conn, entry_id: str, digest: str) -> None:
        conn.execute(entries_table.update().where(entries_table.c.id == entry_id).values(curated_hash=digest))

    def _upsert(self, conn, entry: Entry, by: str, counts: dict, replace: bool, curated_hash=None):
        old = self.find(entry.id, conn)
        when = entry.changed_at or _now()
        who = entry.changed_by or by
        if old is None:
            values = _entry_values(entry)
            values.update(changed_by=who, changed_at=when)
            if entry.status == ACTIVE and entry.reviewed_at is None:
                values["reviewed_at"] = when
            conn.execute(entries_table.insert().values(**values, curated_hash=curated_hash))
            self._log(conn, entry.id, when, who, "create", None, None, entry.to_dict(meta=False))
            counts["nieuw"] += 1
            return
        changed = [k for k in CONTENT_FIELDS if getattr(old, k) != getattr(entry, k)]
        if not changed or not replace:
            if curated_hash:
                self._set_curated(conn, entry.id, curated_hash)
            counts["ongewijzigd"] += 1
            return
        for key in changed:
            action = "status" if key == "status" else "update"
            self._log(
                conn, entry.id, when, who, action, key, getattr(old, key), getattr(entry, key)
            )
        values = {k: getattr(entry, k) for k in changed}
        values.update(changed_by=who, changed_at=when)
        if "status" in changed and entry.status == ACTIVE:
            values["reviewed_at"] = entry.reviewed_at or when
        if curated_hash:
            values["curated_hash"] = curated_hash
        conn.execute(entries_table.update().where(entries_table.c.id == entry.id).values(**values))
        counts["bijgewerkt"] += 1

    # --- gaps ----------------------------------------------------------------------
    def record_gap(self, word: str, when: datetime | None = None) -> Gap | None:
        """Count a word a user asked about that the glossary lacks."""
        asked = " ".join((word or "").split())[:200]
        key = normalise(asked)[:200]
        if not key:
            return None
        when = when or _now()
        with self._tx() as conn:
            row = conn.execute(select(gaps_table).where(gaps_table.c.word == key)).first()
            if row is None:
                conn.execute(
                    gaps_table.insert().values(
                        word=key, asked_as=asked, count=1, first_asked=when, last_asked=when
                    )
                )
                return Gap(key, asked, 1, when, when)
            conn.execute(
                gaps_table.update()
                .where(gaps_table.c.word == key)
                .values(count=row.count + 1, last_asked=max(when, row.last_asked), asked_as=asked)
            )
            return Gap(key, asked, row.count + 1, row.first_asked, max(when, row.last_asked))

    def gaps(self, include_known: bool = False) -> builtins.list[Gap]:
        """Gaps, most asked first. Words that meanwhile became a term are left out."""
        with self.engine.connect() as conn:
            rows = builtins.list(
                conn.execute(
                    select(gaps_table).order_by(
                        gaps_table.c.count.desc(), gaps_table.c.last_asked.desc()
                    )
                )
            )
        known: set[str] = set()
        if not include_known:
            for entry in self.active():
                known.update(normalise(x) for x in [*entry.labels, *entry.hidden_labels])
        return [
            Gap(r.word, r.asked_as, r.count, r.first_asked, r.last_asked)
            for r in rows
            if r.word not in known
        ]
