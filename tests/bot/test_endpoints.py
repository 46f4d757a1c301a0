"""bot/endpoints.yml must resolve the action server URL from the environment."""

from pathlib import Path

from rasa.core.utils import read_endpoints_from_path

ROOT = Path(__file__).resolve().parents[2]


def test_action_url_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("GEMEENTETOLK_ACTION_URL", "http://127.0.0.1:6123/webhook")
    monkeypatch.setenv("GEMEENTETOLK_TRACKER_DB_URL", "sqlite:///tracker.db")
    monkeypatch.setenv("GEMEENTETOLK_ACTION_SECRET", "s" * 40)
    endpoints = read_endpoints_from_path(ROOT / "bot" / "endpoints.yml")
    assert endpoints.action.url == "http://127.0.0.1:6123/webhook"


def test_rasa_sends_the_action_secret_with_every_action_call(monkeypatch, tmp_path) -> None:
    """The header the action server checks (actions/server.py) comes from the same setting the
    launcher passes to both servers."""
    from bot.cli.stack import child_env
    from bot.services.settings import load_settings

    env = child_env(load_settings(env={}, root=tmp_path))
    for name in ("GEMEENTETOLK_ACTION_URL", "GEMEENTETOLK_TRACKER_DB_URL", "GEMEENTETOLK_ACTION_SECRET"):
        monkeypatch.setenv(name, env[name])
    endpoints = read_endpoints_from_path(ROOT / "bot" / "endpoints.yml")
    assert endpoints.action.headers == {"Authorization": f"Bearer {env['GEMEENTETOLK_ACTION_SECRET']}"}
    assert len(env["GEMEENTETOLK_ACTION_SECRET"]) >= 32
    assert (tmp_path / "var" / "action_secret").stat().st_mode & 0o077 == 0  # only the owner reads it


def _endpoints(monkeypatch, tracker_db_url: str):
    monkeypatch.setenv("GEMEENTETOLK_ACTION_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("GEMEENTETOLK_ACTION_SECRET", "s" * 40)
    monkeypatch.setenv("GEMEENTETOLK_TRACKER_DB_URL", tracker_db_url)
    return read_endpoints_from_path(ROOT / "bot" / "endpoints.yml")


def test_conversations_are_kept_where_the_setting_says(monkeypatch) -> None:
    endpoints = _endpoints(monkeypatch, "postgresql://gt:geheim@db.example/trackers")
    assert endpoints.tracker_store.type.endswith("GemeentetolkSQLTrackerStore")
    assert endpoints.tracker_store.kwargs["db_url"] == "postgresql://gt:geheim@db.example/trackers"


def test_tracker_store_uses_the_same_database_as_purge(tmp_path, monkeypatch) -> None:
    """The Rasa server writes where `gemeentetolk purge` (settings.tracker_db_url) reads."""
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain

    from bot.services.settings import load_settings

    settings = load_settings(env={"GEMEENTETOLK_TRACKER_DB_URL": f"sqlite:///{tmp_path / 'c.db'}"})
    endpoints = _endpoints(monkeypatch, settings.tracker_db_url)
    store = TrackerStore.create(endpoints.tracker_store, Domain.empty())
    assert str(store.engine.url) == settings.tracker_db_url
    assert (tmp_path / "c.db").exists()


def test_the_makefile_and_the_stack_pass_the_tracker_setting(tmp_path) -> None:
    from bot.cli.stack import child_env
    from bot.services.settings import load_settings

    settings = load_settings(env={}, root=tmp_path)
    assert child_env(settings)["GEMEENTETOLK_TRACKER_DB_URL"] == f"sqlite:///{tmp_path / 'var' / 'tracker.db'}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "export GEMEENTETOLK_TRACKER_DB_URL ?= sqlite:///$(CURDIR)/var/tracker.db" in makefile


def test_tracker_store_keeps_conversations_in_wal_mode(tmp_path, monkeypatch) -> None:
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy import text

    endpoints = _endpoints(monkeypatch, f"sqlite:///{tmp_path / 'tracker.db'}")
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

    endpoints = _endpoints(monkeypatch, f"sqlite:///{tmp_path / 'tracker.db'}")
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
