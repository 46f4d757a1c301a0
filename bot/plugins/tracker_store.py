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
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event
from sqlalchemy.engine import make_url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class GemeentetolkSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore that also takes one SQLAlchemy URL (``db_url`` in endpoints.yml).

    bot/endpoints.yml passes ``GEMEENTETOLK_TRACKER_DB_URL``, the same setting that
    `gemeentetolk purge` uses, so the server and the purge always work on one database.
    Without ``db_url`` Rasa's own dialect/host/db settings apply.
    """

    def __init__(self, *args: Any, db_url: str | None = None, **kwargs: Any) -> None:
        self._db_url = (db_url or "").strip() or None
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

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
