"""action_set_municipality: the user names (or switches to) a municipality.

Also holds ``current_municipality``: which municipality a conversation is about, used by the
routing and contact actions. Order: a municipality named in the latest message, the slot,
the website page's metadata (latest message, then session start), the default setting.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import routing
from bot.municipalities import Profile, load_profiles, resolve_municipality
from bot.settings import Settings, load_settings

logger = logging.getLogger(__name__)


UNKNOWN_MUNICIPALITY = (
    "Die gemeente ken ik (nog) niet. Ik ken nu alleen de voorbeeldgemeenten hieronder. "
    "Bel anders je eigen gemeente op 14 met daarachter het netnummer."
)


def profiles_or_empty(settings: Settings) -> dict[str, Profile]:
    try:
        return load_profiles(settings.municipalities_dir)
    except Exception as err:  # noqa: BLE001 - a broken profile must not break the conversation
        logger.warning("Municipality profiles unavailable: %s", type(err).__name__)
        return {}


def named_municipality(tracker: Tracker, profiles: dict[str, Profile]) -> str | None:
    """A municipality named in the latest message (entity first, then the whole text)."""
    for value in tracker.get_latest_entity_values("municipality"):
        slug = resolve_municipality(value, profiles)
        if slug:
            return slug
    return None


def current_municipality(tracker: Tracker, settings: Settings, profiles: dict[str, Profile]) -> str | None:
    named = named_municipality(tracker, profiles)
    if named:
        return named
    message_meta = (tracker.latest_message or {}).get("metadata") or {}
    session_meta = tracker.get_slot("session_started_metadata") or {}
    for candidate in (
        tracker.get_slot("municipality"),
        message_meta.get("municipality") if isinstance(message_meta, dict) else None,
        session_meta.get("municipality") if isinstance(session_meta, dict) else None,
        settings.municipality,
    ):
        if isinstance(candidate, str) and candidate.strip().lower() in profiles:
            return candidate.strip().lower()
    return None


def municipality_buttons(profiles: dict[str, Profile]) -> list[dict[str, str]]:
    return [
        {"title": p.display_name,
         "payload": "/inform" + json.dumps({"municipality": slug}, separators=(",", ":"))}
        for slug, p in sorted(profiles.items())
    ]


class ActionSetMunicipality(Action):
    def name(self) -> str:
        return "action_set_municipality"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        settings = load_settings()
        profiles = profiles_or_empty(settings)
        slug = named_municipality(tracker, profiles) or resolve_municipality(
            (tracker.latest_message or {}).get("text"), profiles)
        if slug is None:
            dispatcher.utter_message(text=UNKNOWN_MUNICIPALITY, buttons=municipality_buttons(profiles))
            return [SlotSet("municipality_asked", True)]
        profile = profiles[slug]
        dispatcher.utter_message(text=f"Oké, ik kijk nu naar {profile.display_name}.")
        topic = tracker.get_slot("topic")
        if topic:
            r = routing.route(topic, tracker.get_slot("subtopic"), profile)
            dispatcher.utter_message(text=routing.render_card(r))
        elif profile.fictional_notice:
            dispatcher.utter_message(text=profile.fictional_notice)
        return [SlotSet("municipality", slug), SlotSet("municipality_asked", True)]
