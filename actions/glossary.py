"""action_define_term: explain a term in either direction (thin adapter over glossary.service)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.services import facts
from bot.services.settings import load_settings
from bot.services.topics import topic_for_glossary

logger = logging.getLogger(__name__)

SORRY = (
    "Sorry, de woordenlijst is nu niet bereikbaar. Probeer het later nog eens, "
    "of bel de gemeente: 14 met het netnummer."
)


def _keep_gap_sentence(word: str, message: dict, tracker: Tracker, db_url: str) -> None:
    from actions import context
    from bot.services import gaps
    from bot.services.contact import get_factory

    try:
        settings = context.settings()
        slug = context.municipality(tracker, context.profiles_or_empty(settings), settings)
        gaps.record_example(get_factory(db_url), word, message.get("text") or "", slug)
    except Exception:  # noqa: BLE001 - the answer is given; only the example sentence is lost
        logger.warning("Keeping the gap sentence failed")


class ActionDefineTerm(Action):
    def name(self) -> str:
        return "action_define_term"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        from glossary.runtime import get_matcher, get_store
        from glossary.service import explain

        message = tracker.latest_message or {}
        values = [str(v) for v in tracker.get_latest_entity_values("term")]
        try:
            settings = load_settings()
            db_url = settings.db_url
            result = explain(message.get("text") or "", get_matcher(db_url), values,
                             get_store(db_url), today=facts.today(settings))
        except Exception:  # noqa: BLE001 - the user gets an answer, the log gets the details
            logger.exception("action_define_term failed")
            dispatcher.utter_message(text=SORRY)
            return []
        dispatcher.utter_message(text=result.text, buttons=result.buttons or [])
        if result.gap_recorded:  # the gap inbox shows the (masked) sentence with the word
            _keep_gap_sentence(result.asked, message, tracker, db_url)
        if not result.entry_id:
            return []
        explained = list(tracker.get_slot("explained_terms") or [])
        explained += [] if result.entry_id in explained else [result.entry_id]
        topic = topic_for_glossary(result.topic)
        events = [SlotSet("explained_terms", explained)]
        return events + ([SlotSet("topic", topic)] if topic else [])
