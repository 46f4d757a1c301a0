"""Rasa's SQL tracker store, made so that a turn costs the same at turn 1 and at turn 200.

Lives in bot/plugins because it is Rasa runtime code (the only place in bot/ that imports
Rasa). What it changes, each measured with py-spy and ``make load`` (docs/development.md,
"Performance"):

- **A window of recent events.** Rasa re-reads the whole conversation for every message; its
  policies then compute the dialogue state of every earlier turn, and the whole conversation
  goes to the action server with every custom action. Here a tracker holds the last
  ``event_window`` events or so (bot/endpoints.yml), from the start of a turn, after an
  *anchor*: SlotSet/ActiveLoop events that give the state before the window (computed once
  by replaying everything before it). The state is the same as Rasa's, also after a rewind
  (``UserUtteranceReverted`` replays the tracker's events); only what policies and actions
  can look back on is limited (the policies look back a few turns, the actions at the latest
  messages). The anchor lives only in memory and is never stored.
- **Reading only what is new.** After saving, the tracker stays in a small per-process cache
  with the id of its newest stored event. The next read of that conversation asks the
  database only for newer events (another instance may have added some: the lock store lets
  one instance at a time work on a conversation) and applies them. A tracker that was
  changed but not saved (a failed turn), a new session, or a conversation this process has
  not seen is read in full, as Rasa does.
- **Saving without counting.** Rasa counts the stored events with a query before every save
  to find the new ones; a tracker read or saved here knows its newest stored event.
- Reading in full selects only the events' JSON column instead of an ORM object per event.
- On SQLite: WAL and synchronous=NORMAL, and connections are kept (SQLAlchemy 1.4 opens and
  closes a file database's connection for every session, and closing the last one
  checkpoints the WAL). On PostgreSQL: pre-ping, so a connection that died with a restarted
  server is replaced when it is taken from the pool, and two instances that start at once
  do not both create Rasa's table.

``retrieve_full_tracker`` (Rasa's HTTP API, the website's history) is Rasa's read, without
window or cache. When the database is away, ``failed_since`` tells the channels (see below).
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import (
    ActiveLoop,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
    deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

log = logging.getLogger(__name__)

SCHEMA_LOCK_KEY = 7_245_001  # pg_advisory_lock key: "creating the tracker table"
DEFAULT_EVENT_WINDOW = 100  # about ten turns; a turn adds some ten events
MIN_EVENT_WINDOW = 50  # a turn must never push its own first events out before the save
CACHE_SIZE = 1000  # conversations per process
CACHE_MAX_AGE_S = 3600.0
_LAST_STORED = "_gemeentetolk_last_stored"  # tracker attribute: the newest stored event


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


@dataclass
class _Cached:
    tracker: DialogueStateTracker
    last_id: int
    last_event: Event | None
    used: float


class GemeentetolkSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore with one SQLAlchemy URL (``db_url`` in endpoints.yml), a window of
    recent events (``event_window``; 0 = no window) and incremental reads.

    bot/endpoints.yml passes ``GEMEENTETOLK_TRACKER_DB_URL``, the same setting that
    `gemeentetolk purge` uses, so the server and the purge always work on one database.
    Without ``db_url`` Rasa's own dialect/host/db settings apply.
    """

    def __init__(self, *args: Any, db_url: str | None = None,
                 event_window: int | None = DEFAULT_EVENT_WINDOW, **kwargs: Any) -> None:
        self._db_url = (db_url or "").strip() or None
        window = int(event_window or 0)
        self.event_window = max(window, MIN_EVENT_WINDOW) if window > 0 else None
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        with _schema_lock(self._db_url):
            super().__init__(*args, **kwargs)
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


    # --- reading ----------------------------------------------------------------------
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session: from the cache plus what is new, or read in full."""
        try:
            tracker = self._from_cache(sender_id)
            if tracker is None:
                tracker = self._read_session(sender_id)
        except Exception:
            _record_failure(sender_id)
            raise
        return tracker

    def _from_cache(self, sender_id: str) -> DialogueStateTracker | None:
        entry = self._cache.get(sender_id)
        if entry is None:
            return None
        tracker = entry.tracker
        stale = time.monotonic() - entry.used > CACHE_MAX_AGE_S
        changed = not tracker.events or tracker.events[-1] is not entry.last_event
        if stale or changed:  # changed but not saved: a turn failed halfway
            del self._cache[sender_id]
            return None
        with self.session_scope() as session:
            rows = (session.query(self.SQLEvent.id, self.SQLEvent.type_name, self.SQLEvent.data)
                    .filter(self.SQLEvent.sender_id == sender_id,
                            self.SQLEvent.id > entry.last_id)
                    .order_by(self.SQLEvent.id).all())
        if any(type_name == SessionStarted.type_name for _, type_name, _ in rows):
            del self._cache[sender_id]  # a new session: read it as Rasa does
            return None
        for new in deserialise_events([json.loads(data) for _, _, data in rows]):
            tracker.update(new)
        if rows:
            entry.last_id = rows[-1][0]
        if self.event_window and len(tracker.events) > 2 * self.event_window:
            # Move the window on (once every ten turns or so): a new anchor, the latest turns.
            tracker = windowed(sender_id, list(tracker.events), self.domain.slots,
                               self.event_window)
        self._keep(tracker, entry.last_id)
        return tracker

    def _read_session(self, sender_id: str) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            rows = (self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
                    .with_entities(self.SQLEvent.id, self.SQLEvent.data).all())
        if not (self.domain and rows):
            return None
        events = deserialise_events([json.loads(data) for _, data in rows])
        tracker = windowed(sender_id, events, self.domain.slots, self.event_window)
        self._keep(tracker, rows[-1][0])
        return tracker

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool
                        ) -> DialogueStateTracker | None:
        """Rasa's read (``retrieve_full_tracker``), selecting only the `data` column."""
        try:
            with self.session_scope() as session:
                rows = (self._event_query(session, sender_id, fetch_events_from_all_sessions)
                        .with_entities(self.SQLEvent.data).all())
        except Exception:
            _record_failure(sender_id)
            raise
        if self.domain and rows:
            return DialogueStateTracker.from_dict(
                sender_id, [json.loads(data) for (data,) in rows], self.domain.slots)
        return None

    def _keep(self, tracker: DialogueStateTracker, last_id: int) -> None:
        last = tracker.events[-1] if tracker.events else None
        setattr(tracker, _LAST_STORED, last)
        self._cache[tracker.sender_id] = _Cached(tracker, last_id, last, time.monotonic())
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    # --- saving -----------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save (same rows), without the count query; then keep the tracker."""
        await self.stream_events(tracker)
        try:
            with self.session_scope() as session:
                rows = [self._row(tracker.sender_id, e)
                        for e in self._additional_events(session, tracker)]
                new_session = any(r.type_name == SessionStarted.type_name for r in rows)
                session.add_all(rows)
                session.flush()
                last_id = rows[-1].id if rows else None
                session.commit()
        except Exception:
            _record_failure(tracker.sender_id)
            raise
        entry = self._cache.get(tracker.sender_id)
        if last_id is None:
            last_id = entry.last_id if entry and entry.tracker is tracker else None
        if last_id is None or new_session:
            # The cache holds one session's tail; after a new session, read it as Rasa does.
            self._cache.pop(tracker.sender_id, None)
            setattr(tracker, _LAST_STORED, tracker.events[-1] if tracker.events else None)
            return
        self._keep(tracker, last_id)

    def _row(self, sender_id: str, e: Event) -> Any:
        data = e.as_dict()
        intent = (data.get("parse_data") or {}).get("intent", {}).get("name")
        return self.SQLEvent(sender_id=sender_id, type_name=e.type_name,
                             timestamp=data.get("timestamp"), intent_name=intent,
                             action_name=data.get("name"), data=json.dumps(data))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The events after the newest stored one; Rasa's count query only for a tracker
        this store has not read or saved."""
        if not hasattr(tracker, _LAST_STORED):
            return super()._additional_events(session, tracker)
        last = getattr(tracker, _LAST_STORED)
        events = list(tracker.events)
        if last is None:
            return iter(events)
        for i in range(len(events) - 1, -1, -1):
            if events[i] is last:
                return itertools.islice(events, i + 1, None)
        log.warning("More new events in one turn than the event window holds: the window is "
                    "too small (event_window in bot/endpoints.yml).")
        return iter(events)


# --- the window -------------------------------------------------------------------------------
def windowed(sender_id: str, events: list[Event], slots: Any, window: int | None
             ) -> DialogueStateTracker:
    """A tracker with the state of all ``events`` that holds only the last ``window`` or so of
    them, from the start of a turn, after an anchor that sets the state before them."""
    cut = _window_start(events, window)
    if cut == 0:
        return DialogueStateTracker.from_events(sender_id, events, slots)
    before = DialogueStateTracker.from_events(sender_id, events[:cut], slots)
    return DialogueStateTracker.from_events(sender_id, anchor(before, events[cut]) + events[cut:],
                                            slots)


def _window_start(events: list[Event], window: int | None) -> int:
    """Index of the first user message among the last ``window`` events (0: keep all)."""
    if not window or len(events) <= window:
        return 0
    for i in range(len(events) - window, len(events)):
        if isinstance(events[i], UserUttered):
            return i
    return 0  # no user message in the window: keep everything


def anchor(before: DialogueStateTracker, first: Event) -> list[Event]:
    """Events that set a fresh tracker to the slots, form and pause of ``before``."""
    stamp = first.timestamp
    events: list[Event] = [
        SlotSet(name, slot.value, timestamp=stamp)
        for name, slot in before.slots.items()
        if slot.value != slot.initial_value
    ]
    if before.active_loop_name:
        events.append(ActiveLoop(before.active_loop_name, timestamp=stamp))
    if before.is_paused():
        events.append(ConversationPaused(timestamp=stamp))
    return events


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
