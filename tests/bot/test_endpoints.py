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
