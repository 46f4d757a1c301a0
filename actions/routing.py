"""action_route_contact: show the contact card when the user asks for a person (ask_contact).

Topic answers show their card themselves (action_answer); this action routes the question
the user asked earlier ("ik wil iemand spreken") or the one in this message.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from bot.services import contact, routing


class ActionRouteContact(Action):
    def name(self) -> str:
        return "action_route_contact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        settings = context.settings()
        profiles = context.profiles_or_empty(settings)
        slug = context.municipality(tracker, profiles, settings)
        text = (tracker.latest_message or {}).get("text") or ""
        topic = slot_topic = tracker.get_slot("topic")
        if not routing.detect_topics(text):  # "ik wil iemand spreken": route the earlier question
            text = contact.summarize(context.user_messages(tracker), max_messages=1) or text
        topic = next(iter(routing.detect_topics(text)), None) or topic
        subtopic = tracker.get_slot("subtopic") if topic == slot_topic else None
        card = routing.card_step(topic, subtopic, text, slug, profiles, already_asked=True, may_ask=False)
        for msg in card.messages:
            dispatcher.utter_message(**msg)
        return [SlotSet("municipality", slug)] if slug else []
