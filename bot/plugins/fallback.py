"""The reply when Rasa produced no message (the action server is down, an action failed).

Both channels call ``failure_text`` after a turn without a bot message. It reads what the
conversation already knows (the municipality slot, the session's and this message's metadata,
a municipality named in this message) from the tracker store and answers with that
municipality's own phone route (``bot.services.fallback``). Anything that fails here falls
back to the general text: the user always gets an answer.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.services.fallback import failure_reply, failure_reply_for

logger = logging.getLogger(__name__)


async def failure_text(agent: Any, sender_id: str, metadata: dict | None) -> str:
    from bot.services.municipalities import load_profiles
    from bot.services.settings import load_settings

    try:
        settings = load_settings()
        profiles = load_profiles(settings.municipalities_dir)
    except Exception as err:  # noqa: BLE001 - a broken profile must not cost the answer
        logger.warning("No profiles for the failure reply: %s", type(err).__name__)
        return failure_reply(None)
    slot = session = None
    named: list[str] = []
    store = getattr(agent, "tracker_store", None)
    try:
        tracker = await store.retrieve(sender_id) if store is not None else None
    except Exception as err:  # noqa: BLE001 - the tracker store may be the part that failed
        logger.warning("No tracker for the failure reply: %s", type(err).__name__)
        tracker = None
    if tracker is not None:
        slots = getattr(tracker, "slots", {}) or {}
        slot = slots["municipality"].value if "municipality" in slots else None
        session = slots["session_started_metadata"].value if "session_started_metadata" in slots else None
        latest = getattr(tracker, "latest_message", None)
        for entity in getattr(latest, "entities", None) or []:
            if isinstance(entity, dict) and entity.get("entity") == "municipality":
                named.append(str(entity.get("value") or ""))
    return failure_reply_for(profiles, named, slot, metadata, session, settings.municipality)


def not_saved_text(metadata: object) -> str:
    """The reply when the database is away and nothing was stored: say so, with the phone
    route of the page's municipality (the tracker cannot be read then)."""
    from bot.services.fallback import phone_route_for
    from bot.services.settings import load_settings
    from bot.services.websecurity import MSG_NOT_SAVED

    settings = load_settings()
    route = phone_route_for(settings.municipalities_dir, metadata, settings.municipality)
    return f"{MSG_NOT_SAVED} {route}"
