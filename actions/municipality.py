"""action_set_municipality: the user names (or switches to) a municipality."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from bot.services import routing
from bot.services.municipalities import conversation_municipality

UNKNOWN_MUNICIPALITY = (
    "Die gemeente ken ik (nog) niet. Ik ken nu alleen de voorbeeldgemeenten hieronder. "
    "Bel anders je eigen gemeente op 14 met daarachter het netnummer."
)


class ActionSetMunicipality(Action):
    def name(self) -> str:
        return "action_set_municipality"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        settings = context.settings()
        profiles = context.profiles_or_empty(settings)
        text = (tracker.latest_message or {}).get("text")
        # Only what the user names now counts here (the entity, else the whole answer text).
        slug = conversation_municipality(
            profiles, named=[*tracker.get_latest_entity_values("municipality"), text])
        if slug is None:
            dispatcher.utter_message(text=UNKNOWN_MUNICIPALITY, buttons=routing.municipality_buttons(profiles))
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
