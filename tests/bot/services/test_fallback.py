"""The reply when something failed: the conversation's municipality's own phone route."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.services.fallback import SORRY, failure_reply_for, phone_route_for
from bot.services.municipalities import load_profiles

ROOT = Path(__file__).resolve().parents[3]
PROFILES = ROOT / "data" / "municipalities"
GENERAL = "14 met daarachter het netnummer"


def test_the_failure_reply_names_the_municipality_of_the_conversation() -> None:
    profiles = load_profiles(PROFILES)
    reply = failure_reply_for(profiles, slot="dijkstede", now=datetime(2026, 12, 3, 10, 0))
    assert reply.startswith(SORRY)
    assert "Dijkstede" in reply and "14 089" in reply
    assert GENERAL not in reply


def test_the_failure_reply_follows_the_one_rule_a_named_municipality_first() -> None:
    profiles = load_profiles(PROFILES)
    reply = failure_reply_for(profiles, named=["Vlietmonde"], slot="dijkstede",
                              message_metadata={"municipality": "dijkstede"})
    assert "Vlietmonde" in reply and "Dijkstede" not in reply


def test_the_failure_reply_without_a_known_municipality_gives_the_general_route() -> None:
    profiles = load_profiles(PROFILES)
    reply = failure_reply_for(profiles, slot="atlantis", message_metadata={"municipality": "nergens"})
    assert GENERAL in reply


def test_phone_route_uses_the_page_metadata_then_the_default() -> None:
    assert "14 089" in phone_route_for(PROFILES, {"municipality": "dijkstede"}, "vlietmonde")
    assert "Vlietmonde" in phone_route_for(PROFILES, {}, "vlietmonde")
    assert "Vlietmonde" in phone_route_for(PROFILES, {"municipality": "onbekend"}, "vlietmonde")
    assert GENERAL in phone_route_for(PROFILES, "geen dict", None)


def test_phone_route_never_fails_on_broken_profiles(tmp_path) -> None:
    (tmp_path / "kapot.yml").write_text("slug: [niet af", encoding="utf-8")
    assert GENERAL in phone_route_for(tmp_path, {"municipality": "kapot"}, None)
