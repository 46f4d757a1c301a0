"""bot/endpoints.yml must resolve the action server URL from the environment."""

from pathlib import Path

from rasa.core.utils import read_endpoints_from_path

ROOT = Path(__file__).resolve().parents[2]


def test_action_url_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("GEMEENTETOLK_ACTION_URL", "http://127.0.0.1:6123/webhook")
    endpoints = read_endpoints_from_path(ROOT / "bot" / "endpoints.yml")
    assert endpoints.action.url == "http://127.0.0.1:6123/webhook"


def test_conversations_are_kept_in_a_sql_tracker_store(monkeypatch) -> None:
    monkeypatch.setenv("GEMEENTETOLK_ACTION_URL", "http://127.0.0.1:5055/webhook")
    endpoints = read_endpoints_from_path(ROOT / "bot" / "endpoints.yml")
    assert endpoints.tracker_store.type.endswith("GemeentetolkSQLTrackerStore")
    assert endpoints.tracker_store.kwargs["db"] == "var/tracker.db"


def test_tracker_store_keeps_conversations_in_wal_mode(tmp_path, monkeypatch) -> None:
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy import text

    monkeypatch.setenv("GEMEENTETOLK_ACTION_URL", "http://127.0.0.1:5055/webhook")
    endpoints = read_endpoints_from_path(ROOT / "bot" / "endpoints.yml")
    endpoints.tracker_store.kwargs["db"] = str(tmp_path / "tracker.db")
    store = TrackerStore.create(endpoints.tracker_store, Domain.empty())
    assert type(store).__name__ == "GemeentetolkSQLTrackerStore"

    import asyncio

    tracker = DialogueStateTracker.from_events("s1", [UserUttered("hallo")])
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("s1"))
    assert again.latest_message.text == "hallo"
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_tracker_store_reads_back_the_same_tracker_as_rasa(tmp_path, monkeypatch) -> None:
    """Our _retrieve (data column only) must rebuild exactly Rasa's tracker, per session."""
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    monkeypatch.setenv("GEMEENTETOLK_ACTION_URL", "http://127.0.0.1:5055/webhook")
    endpoints = read_endpoints_from_path(ROOT / "bot" / "endpoints.yml")
    endpoints.tracker_store.kwargs["db"] = str(tmp_path / "tracker.db")
    domain = Domain.from_dict({"slots": {"topic": {"type": "any", "mappings": [{"type": "custom"}]}}})
    store = TrackerStore.create(endpoints.tracker_store, domain)
    events = [
        ActionExecuted("action_session_start", timestamp=1.0),
        SessionStarted(timestamp=1.0),
        UserUttered("eerste sessie", {"name": "greet"}, timestamp=2.0),
        ActionExecuted("action_session_start", timestamp=3.0),
        SessionStarted(timestamp=3.0),
        UserUttered("tweede sessie", {"name": "ask_subsidy"}, timestamp=4.0),
        SlotSet("topic", "subsidy", timestamp=5.0),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("s1", events)))

    rasa_store = SQLTrackerStore(domain, db=str(tmp_path / "tracker.db"))
    for read in ("retrieve", "retrieve_full_tracker"):
        ours = asyncio.run(getattr(store, read)("s1"))
        theirs = asyncio.run(getattr(rasa_store, read)("s1"))
        assert ours.current_state() == theirs.current_state(), read
        assert list(ours.events) == list(theirs.events), read
    assert asyncio.run(store.retrieve("s1")).latest_message.text == "tweede sessie"
    assert asyncio.run(store.retrieve("s1")).get_slot("topic") == "subsidy"
    assert len(asyncio.run(store.retrieve_full_tracker("s1")).events) == len(events)
    assert asyncio.run(store.retrieve("nobody")) is None
