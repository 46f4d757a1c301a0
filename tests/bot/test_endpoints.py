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
    assert endpoints.tracker_store.type == "SQL"
    assert endpoints.tracker_store.kwargs["db"] == "var/tracker.db"
