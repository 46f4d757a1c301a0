"""action_clarify: ask a clarifying question when NLU is unsure (adapter over bot.services.clarify)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.services.clarify import clarify, misses_in_a_row


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        user_intents = [
            ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            for event in tracker.events
            if event.get("event") == "user"
        ]
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        for message in clarify(ranking, misses_in_a_row(user_intents)):
            dispatcher.utter_message(**message)
        return []
