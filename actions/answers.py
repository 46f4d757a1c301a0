"""action_answer: answer a topic question (thin adapter over bot.answers)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import answers
from bot.settings import load_settings


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        settings = load_settings()
        message = tracker.latest_message or {}
        named = next(tracker.get_latest_entity_values("municipality"), None)
        slug = (
            answers.resolve_slug(named, settings.municipalities_dir)
            or tracker.get_slot("municipality")
            or (message.get("metadata") or {}).get("municipality")
            or settings.municipality
        )
        result = answers.build_answer(
            intent=(message.get("intent") or {}).get("name"),
            parse_data=message,
            domain=domain,
            profile=answers.load_profile(slug, settings.municipalities_dir),
            matcher=answers.load_matcher(settings.db_url),
            explained=tracker.get_slot("explained_terms") or [],
        )
        for msg in result.messages:
            dispatcher.utter_message(**msg)
        return [
            SlotSet("topic", result.topic),
            SlotSet("subtopic", result.subtopic),
            SlotSet("explained_terms", result.explained),
        ]
