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

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

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
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            # A connection that died with its server (PostgreSQL restarted) is noticed when
            # it is taken from the pool, not in the middle of a turn: the same engine as
            # Rasa's, with pool_pre_ping.
            url = self.engine.url
            self.engine.dispose()
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
        with self.session_scope() as session:
            rows = (
                self._event_query(session, sender_id, fetch_events_from_all_sessions)
                .with_entities(self.SQLEvent.data)
                .all()
            )
            events = [json.loads(data) for (data,) in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None
