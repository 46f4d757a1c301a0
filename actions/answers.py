"""action_answer: answer a topic question, show who can help and (once, where it fits) offer
the social enterprise register, in one action call.

Thin adapter: the answer comes from ``bot.services.answers.build_answer`` (general text, local
details, glossary bridge), the contact card from ``bot.services.routing.card_step``, the offer
from ``bot.services.register.offer_after_answer``. The explained glossary terms travel with the
answer message (``custom.terms``).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from bot.services import answers, facts, feedback, register, routing


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        settings = context.settings()
        profiles = context.profiles_or_empty(settings)
        slug = context.municipality(tracker, profiles, settings)
        message = tracker.latest_message or {}
        result = answers.build_answer(
            intent=(message.get("intent") or {}).get("name"),
            parse_data=message,
            # The texts come from the domain files, not from Rasa: it sends no domain here.
            domain=answers.domain_responses(settings.domain_dir),
            profile=profiles.get(slug) if slug else None,
            matcher=answers.load_matcher(settings.db_url),
            explained=tracker.get_slot("explained_terms") or [],
            today=facts.today(settings),
        )
        card = routing.card_step(
            result.topic, result.subtopic, message.get("text"), slug, profiles,
            already_asked=bool(tracker.get_slot("municipality_asked")),
        )
        # The answer itself (the first message) carries the feedback marker for the widget's
        # "Had je hier iets aan?" (bot.services.feedback).
        marker = feedback.answer_marker(result.topic, result.subtopic)
        for i, msg in enumerate([*result.messages, *card.messages]):
            custom = {"terms": msg["terms"]} if msg.get("terms") else {}
            if i == 0 and marker:
                custom["feedback"] = marker
            extra = {"json_message": custom} if custom else {}
            dispatcher.utter_message(text=msg["text"], buttons=msg.get("buttons") or [], **extra)
        events = [
            SlotSet("topic", result.topic),
            SlotSet("subtopic", result.subtopic),
            SlotSet("explained_terms", result.explained),
        ]
        if card.asked_municipality:
            events.append(SlotSet("municipality_asked", True))
        if slug:
            events.append(SlotSet("municipality", slug))
        # The register offer comes last. register_offer_open is set after every answer, so a
        # "ja" only joins right after the offer (data/rules/register.yml).
        offered_before = bool(tracker.get_slot("register_offered"))
        if register.offer_after_answer(result.topic, result.subtopic, message.get("text"), offered_before):
            dispatcher.utter_message(text=register.OFFER_TEXT, buttons=[dict(b) for b in register.OFFER_BUTTONS])
            events += [SlotSet("register_offered", True), SlotSet("register_offer_open", True)]
        else:
            events.append(SlotSet("register_offer_open", None))
        return events
