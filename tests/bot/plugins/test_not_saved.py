"""The reply of both channels when the database is away: nothing stored, and the phone route."""

from __future__ import annotations

from bot.plugins.fallback import not_saved_text
from bot.services.websecurity import MSG_NOT_SAVED


def test_not_saved_names_the_pages_municipality(monkeypatch) -> None:
    monkeypatch.delenv("GEMEENTETOLK_MUNICIPALITY", raising=False)
    text = not_saved_text({"municipality": "dijkstede"})
    assert text.startswith(MSG_NOT_SAVED) and "Dijkstede" in text and "14 089" in text


def test_not_saved_falls_back_to_the_default_then_the_general_route(monkeypatch) -> None:
    monkeypatch.setenv("GEMEENTETOLK_MUNICIPALITY", "vlietmonde")
    assert "Vlietmonde" in not_saved_text({"municipality": "onbekend"})
    monkeypatch.delenv("GEMEENTETOLK_MUNICIPALITY")
    assert "14 met daarachter het netnummer" in not_saved_text(None)
