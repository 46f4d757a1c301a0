"""What every action reads from the conversation, in one place (rasa-sdk side only).

- ``municipality(tracker, profiles, settings)``: the one rule for which municipality the
  conversation is about (``bot.services.municipalities.conversation_municipality``);
- ``user_messages(tracker)``: (text, intent) of the user's messages, oldest first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from rasa_sdk import Tracker

from bot.services.municipalities import Profile, conversation_municipality
from bot.services.profiles import effective_profiles
from bot.services.settings import Settings, load_settings

logger = logging.getLogger(__name__)


def settings() -> Settings:
    return load_settings()


def profiles_or_empty(settings: Settings) -> dict[str, Profile]:
    try:
        # The database copy editors change in the workspace (the files until setup ran).
        return effective_profiles(settings)
    except Exception as err:  # noqa: BLE001 - a broken profile must not break the conversation
        logger.warning("Municipality profiles unavailable: %s", type(err).__name__)
        return {}


def municipality(tracker: Tracker, profiles: dict[str, Profile], settings: Settings,
                 also_named: Iterable[str | None] = ()) -> str | None:
    """The conversation's municipality (slug) by the one rule; ``also_named``: more texts in
    which the user may name one (the whole message, when the user answers "which one?")."""
    message = tracker.latest_message or {}
    return conversation_municipality(
        profiles,
        named=[*tracker.get_latest_entity_values("municipality"), *also_named],
        slot=tracker.get_slot("municipality"),
        message_metadata=message.get("metadata"),
        session_metadata=tracker.get_slot("session_started_metadata"),
        default=settings.municipality,
    )


def intent_name(event_or_message: dict) -> str | None:
    return ((event_or_message.get("parse_data") or event_or_message).get("intent") or {}).get("name")


def user_messages(tracker: Tracker) -> list[tuple[str, str | None]]:
    """(text, intent) of every user message in the conversation, oldest first."""
    return [(e.get("text") or "", intent_name(e)) for e in tracker.events if e.get("event") == "user"]
