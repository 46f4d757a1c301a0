"""The tracker store (bot/plugins/tracker_store.py) stores exactly what Rasa's own would,
with fewer queries and connections per turn."""

from __future__ import annotations

import asyncio

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from sqlalchemy import event

from bot.plugins.tracker_store import GemeentetolkSQLTrackerStore

DOMAIN = Domain.from_dict({"slots": {"topic": {"type": "any", "mappings": [{"type": "custom"}]}}})


def _turn(i: int) -> list:
    return [UserUttered(f"vraag {i}", {"name": "ask_subsidy"}, timestamp=10.0 * i),
            SlotSet("topic", f"t{i}", timestamp=10.0 * i + 1),
            BotUttered(f"antwoord {i}", timestamp=10.0 * i + 2),
            ActionExecuted("action_listen", timestamp=10.0 * i + 3)]


def _conversation(store, turns: int = 4) -> None:
    async def run() -> None:
        tracker = await store.get_or_create_tracker("s1")
        tracker.update(ActionExecuted("action_session_start", timestamp=1.0))
        tracker.update(SessionStarted(timestamp=1.0))
        await store.save(tracker)
        for i in range(1, turns + 1):
            tracker = await store.retrieve("s1")
            for e in _turn(i):
                tracker.update(e)
            await store.save(tracker)
            await store.save(tracker)  # a second save of the same tracker adds nothing

    asyncio.run(run())


def test_stores_the_same_events_as_rasas_store(tmp_path) -> None:
    ours = GemeentetolkSQLTrackerStore(DOMAIN, db_url=f"sqlite:///{tmp_path / 'ours.db'}")
    theirs = SQLTrackerStore(DOMAIN, db=str(tmp_path / "theirs.db"))
    _conversation(ours)
    _conversation(theirs)
    a = asyncio.run(ours.retrieve_full_tracker("s1"))
    b = asyncio.run(theirs.retrieve_full_tracker("s1"))
    assert list(a.events) == list(b.events)
    assert len(a.events) == 3 + 4 * 4  # action_listen of a new tracker, session start, turns


def test_a_save_after_a_read_needs_no_count_query(tmp_path) -> None:
    store = GemeentetolkSQLTrackerStore(DOMAIN, db_url=f"sqlite:///{tmp_path / 't.db'}")
    _conversation(store, turns=1)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, *args: statements.append(sql.lower()))

    async def one_turn() -> None:
        tracker = await store.retrieve("s1")
        for e in _turn(9):
            tracker.update(e)
        await store.save(tracker)

    asyncio.run(one_turn())
    assert not [s for s in statements if "count(" in s]
    assert sum(s.startswith("insert") for s in statements) == 4


def test_a_tracker_it_did_not_read_is_still_saved_right(tmp_path) -> None:
    """A copy (Rasa makes some) has no count of stored events: then Rasa's query is used."""
    store = GemeentetolkSQLTrackerStore(DOMAIN, db_url=f"sqlite:///{tmp_path / 't.db'}")
    _conversation(store, turns=2)

    async def run():
        tracker = (await store.retrieve("s1")).copy()
        for e in _turn(3):
            tracker.update(e)
        await store.save(tracker)
        return await store.retrieve_full_tracker("s1")

    assert [e.text for e in asyncio.run(run()).events if isinstance(e, UserUttered)] == [
        "vraag 1", "vraag 2", "vraag 3"]


def test_sqlite_keeps_its_connection(tmp_path) -> None:
    store = GemeentetolkSQLTrackerStore(DOMAIN, db_url=f"sqlite:///{tmp_path / 't.db'}")
    connects: list[int] = []
    event.listen(store.engine, "connect", lambda *args: connects.append(1))
    _conversation(store, turns=5)
    assert len(connects) == 1
