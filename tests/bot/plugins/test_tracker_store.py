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


# --- the window and the incremental read ----------------------------------------------------
SLOTS_DOMAIN = Domain.from_dict({"slots": {
    name: {"type": "any", "mappings": [{"type": "custom"}]}
    for name in ("topic", "municipality", "early")}})


def _long_events(turns: int) -> list:
    events = [ActionExecuted("action_session_start", timestamp=0.5), SessionStarted(timestamp=0.5),
              ActionExecuted("action_listen", timestamp=0.6),
              UserUttered("ik kom uit dijkstede", {"name": "inform"}, timestamp=0.7),
              SlotSet("early", "gezet in beurt 0", timestamp=0.8),
              SlotSet("municipality", "dijkstede", timestamp=0.8),
              ActionExecuted("action_listen", timestamp=0.9)]
    for i in range(1, turns + 1):
        events += _turn(i)
    return events


def test_the_window_keeps_the_state_also_after_a_rewind() -> None:
    from rasa.shared.core.events import UserUtteranceReverted
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.plugins.tracker_store import windowed

    events = _long_events(60)
    full = DialogueStateTracker.from_events("s", events, SLOTS_DOMAIN.slots)
    window = windowed("s", events, SLOTS_DOMAIN.slots, 50)
    assert len(window.events) < 60  # 50 events or so, plus the anchor
    assert window.current_slot_values() == full.current_slot_values()
    assert window.latest_message.text == full.latest_message.text == "vraag 60"
    for tracker in (full, window):  # what action_default_fallback does
        tracker.update(UserUtteranceReverted())
    assert window.current_slot_values() == full.current_slot_values()
    assert window.get_slot("early") == "gezet in beurt 0"
    assert window.get_slot("topic") == "t59"


def _store(tmp_path, name: str = "t.db", window: int = 50) -> GemeentetolkSQLTrackerStore:
    return GemeentetolkSQLTrackerStore(SLOTS_DOMAIN, db_url=f"sqlite:///{tmp_path / name}",
                                       event_window=window)


def _save_events(store, events) -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    asyncio.run(store.save(DialogueStateTracker.from_events("s1", events, SLOTS_DOMAIN.slots)))


def test_a_long_conversation_is_read_windowed_with_the_same_state(tmp_path) -> None:
    store = _store(tmp_path)
    events = _long_events(80)
    _save_events(store, events)
    fresh = _store(tmp_path)  # another process: nothing cached
    tracker = asyncio.run(fresh.retrieve("s1"))
    full = asyncio.run(fresh.retrieve_full_tracker("s1"))
    assert len(tracker.events) <= 2 * 50 and len(full.events) == len(events)
    assert tracker.current_slot_values() == full.current_slot_values()
    assert tracker.get_slot("early") == "gezet in beurt 0"


def test_turns_of_another_instance_are_read_incrementally(tmp_path) -> None:
    one, two = _store(tmp_path), _store(tmp_path)
    _save_events(one, _long_events(3))

    async def turn(store, i: int) -> None:
        tracker = await store.retrieve("s1")
        for e in _turn(i):
            tracker.update(e)
        await store.save(tracker)

    statements: list[str] = []
    event.listen(one.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, *args: statements.append(sql.lower()))
    for i in range(4, 40):  # the instances take turns, as behind nginx
        asyncio.run(turn(one if i % 2 else two, i))
    reads = [s for s in statements if s.startswith("select")]
    assert reads and all("events.id >" in s for s in reads[1:])  # only what is new
    ours = asyncio.run(one.retrieve("s1"))
    full = asyncio.run(one.retrieve_full_tracker("s1"))
    assert [e.text for e in full.events if isinstance(e, UserUttered)][-3:] == [
        "vraag 37", "vraag 38", "vraag 39"]
    assert ours.current_slot_values() == full.current_slot_values()
    assert ours.latest_message.text == "vraag 39"
    stored = [e.text for e in full.events if isinstance(e, UserUttered)]
    assert len(stored) == len(set(stored)) == 1 + 39  # nothing duplicated, nothing lost


def test_a_turn_that_failed_halfway_is_not_read_from_the_cache(tmp_path) -> None:
    store = _store(tmp_path)
    _save_events(store, _long_events(2))
    tracker = asyncio.run(store.retrieve("s1"))
    tracker.update(UserUttered("niet opgeslagen", timestamp=99.0))  # and then the turn failed
    again = asyncio.run(store.retrieve("s1"))
    assert again is not tracker
    assert "niet opgeslagen" not in [e.text for e in again.events if isinstance(e, UserUttered)]


def test_the_anchor_is_never_stored(tmp_path) -> None:
    store = _store(tmp_path)
    _save_events(store, _long_events(40))
    fresh = _store(tmp_path)
    tracker = asyncio.run(fresh.retrieve("s1"))
    assert isinstance(tracker.events[0], SlotSet)  # the anchor
    before = len(asyncio.run(fresh.retrieve_full_tracker("s1")).events)
    for e in _turn(41):
        tracker.update(e)
    asyncio.run(fresh.save(tracker))
    assert len(asyncio.run(fresh.retrieve_full_tracker("s1")).events) == before + 4


def test_the_website_history_shows_the_whole_session_not_only_the_window(tmp_path) -> None:
    from tests.support.testing import ChannelServer

    srv = ChannelServer(secret=b"h" * 40, messages_per_minute=1000,
                        address_messages_per_minute=1000)
    srv.agent.tracker_store = GemeentetolkSQLTrackerStore(
        srv.agent.domain, db_url=f"sqlite:///{tmp_path / 'h.db'}", event_window=50)
    srv.start()
    try:
        token = srv.request("POST", "/session")[1]["session"]
        for i in range(70):  # 140 events: past twice the window, so it moved on
            assert srv.send(token, {"message": f"bericht {i}"})[0] == 200
        status, body, _ = srv.request("GET", "/history", token=token)
    finally:
        srv.stop()
    assert status == 200
    users = [m["text"] for m in body["messages"] if m["from"] == "user"]
    assert users == [f"bericht {i}" for i in range(70)]
