"""action_route_contact: show the contact card for the topic, sub-topic and municipality."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.municipality import current_municipality, municipality_buttons, profiles_or_empty
from bot import contact, routing
from bot.settings import load_settings


def user_messages(tracker: Tracker) -> list[tuple[str, str | None]]:
    """(text, intent) of every user message in the conversation, oldest first."""
    return [(e.get("text") or "", ((e.get("parse_data") or {}).get("intent") or {}).get("name"))
            for e in tracker.events if e.get("event") == "user"]


class ActionRouteContact(Action):
    def name(self) -> str:
        return "action_route_contact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        settings = load_settings()
        profiles = profiles_or_empty(settings)
        slug = current_municipality(tracker, settings, profiles)
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        text = message.get("text") or ""
        if slug is None and profiles and not tracker.get_slot("municipality_asked") and intent != "ask_contact":
            dispatcher.utter_message(text="Over welke gemeente gaat je vraag? Dan zoek ik op wie je daar kunt spreken.",
                                     buttons=municipality_buttons(profiles))
            return [SlotSet("municipality_asked", True)]
        topic = slot_topic = tracker.get_slot("topic")
        if intent == "ask_contact":
            if not routing.detect_topics(text):  # "ik wil iemand spreken": route the earlier question
                text = contact.summarize(user_messages(tracker), max_messages=1) or text
            topic = next(iter(routing.detect_topics(text)), None) or topic
        subtopic = tracker.get_slot("subtopic") if topic == slot_topic else None
        r = routing.route_text(text, topic, subtopic, profiles.get(slug) if slug else None)
        dispatcher.utter_message(text=routing.render_card(r))
        return [SlotSet("municipality", slug)] if slug else []
