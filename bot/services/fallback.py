"""What the user reads when the assistant could not answer (the action server is down, a part
failed): an apology and the municipality's own phone route, never silence.

Pure Python. The channels (``bot/plugins``) find the conversation's municipality with the one
rule (``bot.services.municipalities.conversation_municipality``) and call ``failure_reply``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.services import hours
from bot.services.municipalities import Profile, conversation_municipality
from bot.services.routing import general_route_text

SORRY = "Sorry, er ging aan mijn kant iets mis. Probeer het zo nog eens."


def failure_reply(profile: Profile | None, now: datetime | None = None) -> str:
    """The apology plus the phone route: the municipality's name, phone, e-mail and hours."""
    text = f"{SORRY} Heb je haast? {general_route_text(profile)}"
    if profile is not None and profile.general_contact.opening_hours:
        text += " " + hours.describe(profile.general_contact.opening_hours, now)
    return text


def failure_reply_for(
    profiles: Mapping[str, Profile],
    named: Iterable[str | None] = (),
    slot: Any = None,
    message_metadata: Any = None,
    session_metadata: Any = None,
    default: str | None = None,
    now: datetime | None = None,
) -> str:
    """``failure_reply`` for the conversation's municipality (same inputs as the one rule)."""
    slug = conversation_municipality(profiles, named, slot, message_metadata, session_metadata,
                                     default)
    return failure_reply(profiles.get(slug) if slug else None, now)


def phone_route_for(municipalities_dir: Path, message_metadata: Any = None,
                    default: str | None = None) -> str:
    """The phone route (``general_route_text``) of the conversation's municipality, found with
    the one rule from what a channel knows without the tracker (this message's metadata, the
    default setting): for "not saved" messages when the database is away. The general
    14 + netnummer route when the municipality or the profiles are unknown."""
    from bot.services.municipalities import load_profiles

    try:
        profiles = load_profiles(municipalities_dir)
    except Exception:  # noqa: BLE001 - a failure message must never fail itself
        return general_route_text(None)
    slug = conversation_municipality(profiles, (), None, message_metadata, None, default)
    return general_route_text(profiles.get(slug) if slug else None)
