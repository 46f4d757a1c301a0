"""Rasa's SQL tracker store, tuned for a SQLite file.

Lives next to the channels because it is Rasa runtime code (bot/channels is the only
place in bot/ that imports Rasa). On SQLite it switches the journal to WAL and commits
with synchronous=NORMAL: a commit no longer waits for a full disk flush, which halves the
cost of saving each turn, while the file stays consistent after a crash. Other databases
(PostgreSQL) are used exactly as Rasa does.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import event


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class GemeentetolkSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
