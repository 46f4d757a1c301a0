"""Rasa's SQL tracker store, tuned for a SQLite file.

Lives next to the channels because it is Rasa runtime code (bot/channels is the only
place in bot/ that imports Rasa). On SQLite it switches the journal to WAL and commits
with synchronous=NORMAL: a commit no longer waits for a full disk flush, which halves the
cost of saving each turn, while the file stays consistent after a crash. Other databases
(PostgreSQL) are used exactly as Rasa does.

Reading a conversation back selects only the events' JSON column instead of building an
ORM object per event (same query, same order, same tracker): in a long conversation this
was a tenth of the server's CPU per turn (`make bench`, profiled with py-spy).
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

SCHEMA_LOCK_KEY = 7_245_001  # pg_advisory_lock key: "creating the tracker table"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def _schema_lock(db_url: str | None) -> Iterator[None]:
    """On PostgreSQL, one instance at a time creates Rasa's table: two Rasa instances that
    start together otherwise both run CREATE TABLE, and the loser waits 5 s to retry."""
    if not db_url or make_url(db_url).get_backend_name() != "postgresql":
        yield
        return
    engine = create_engine(db_url)
    try:
        conn = engine.connect()
    except Exception:  # noqa: BLE001 - not reachable yet: Rasa's own start-up loop waits
        engine.dispose()
        yield
        return
    try:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        yield
    finally:
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK_KEY})
        finally:
            conn.close()
            engine.dispose()


class GemeentetolkSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore that also takes one SQLAlchemy URL (``db_url`` in endpoints.yml).

    bot/endpoints.yml passes ``GEMEENTETOLK_TRACKER_DB_URL``, the same setting that
    `gemeentetolk purge` uses, so the server and the purge always work on one database.
    Without ``db_url`` Rasa's own dialect/host/db settings apply.
    """

    def __init__(self, *args: Any, db_url: str | None = None, **kwargs: Any) -> None:
        self._db_url = (db_url or "").strip() or None
        with _schema_lock(self._db_url):
            super().__init__(*args, **kwargs)
        # Rasa's engine, made again with a pool that fits: on SQLite connections are kept
        # (SQLAlchemy 1.4 opens and closes a file database's connection for every session,
        # and closing the last one checkpoints the WAL: a tenth of a turn's CPU); on
        # PostgreSQL a connection that died with its server is noticed when it is taken
        # from the pool (pre-ping), not in the middle of a turn.
        url = self.engine.url
        self.engine.dispose()
        if self.engine.dialect.name == "sqlite":
            self.engine = create_engine(url, poolclass=QueuePool, pool_size=2, max_overflow=8,
                                        connect_args={"check_same_thread": False})
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)

    def get_db_url(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if self._db_url:
            return make_url(self._db_url)
        return SQLTrackerStore.get_db_url(*args, **kwargs)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """Rasa's _retrieve, reading only the `data` column of the same event query."""
        try:
            with self.session_scope() as session:
                rows = (
                    self._event_query(session, sender_id, fetch_events_from_all_sessions)
                    .with_entities(self.SQLEvent.data)
                    .all()
                )
                events = [json.loads(data) for (data,) in rows]
        except Exception:
            _record_failure(sender_id)
            raise
        if self.domain and events:
            tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
            if not fetch_events_from_all_sessions:
                _remember_stored(tracker, len(events))
            return tracker
        return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await super().save(tracker)
        except Exception:
            _record_failure(tracker.sender_id)
            raise
        _remember_stored(tracker, len(tracker.events))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The events not stored yet. Rasa counts the stored ones with a query on every save;
        a tracker this store read or saved knows how many it has (the lock store lets one
        instance at a time work on a conversation), so the query is only for other trackers."""
        stored = getattr(tracker, STORED_ATTRIBUTE, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, None)


STORED_ATTRIBUTE = "_gemeentetolk_stored_events"


def _remember_stored(tracker: DialogueStateTracker, count: int) -> None:
    setattr(tracker, STORED_ATTRIBUTE, count)



# --- when the database is away ------------------------------------------------------------
# Rasa wraps every tracker store in a FailSafeTrackerStore: a failed read returns "no
# conversation" and a failed save goes to memory, so with the database down a message is
# silently answered as the start of a new conversation and then forgotten. The channels ask
# ``failed_since`` after each message and, when this conversation's read or save failed,
# answer instead that it could not be saved, with the phone route.
_failures: dict[str, float] = {}
MAX_FAILURES = 10_000


def _record_failure(sender_id: str) -> None:
    _failures[sender_id] = time.monotonic()
    while len(_failures) > MAX_FAILURES:
        _failures.pop(next(iter(_failures)))


def failed_since(sender_id: str, since: float) -> bool:
    """Did reading or saving this conversation fail since ``since`` (time.monotonic())?"""
    at = _failures.get(sender_id)
    return at is not None and at >= since
