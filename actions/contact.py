"""The contact request form: ask, validate, save (only with consent), cancel.

Thin adapters over bot.services.contact. Personal data never goes to the log.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import context
from bot.services import contact, hours, routing

FORM_SLOTS = ["contact_summary", "contact_summary_suggestion", "contact_consent", "contact_name",
              "contact_email", "contact_phone", "contact_moment", "requested_slot"]
_YES = re.compile(r"^(ja|jawel|ja hoor|ja dat mag|dat mag|akkoord|ok(e|é)?|prima|goed|klopt|ja klopt|ik ga akkoord)\b", re.I)
_NO = re.compile(r"^(nee|neen|liever niet|niet akkoord|geen toestemming)\b", re.I)


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(name, None) for name in FORM_SLOTS]


class ActionAskContactSummary(Action):
    def name(self) -> str:
        return "action_ask_contact_summary"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        suggestion = contact.summarize(context.user_messages(tracker))
        if suggestion:
            dispatcher.utter_message(
                text=f"Ik maak een contactverzoek voor je. Ik heb je vraag zo samengevat: \"{suggestion}\". "
                     "Klopt dat? Kies 'Ja' of typ je vraag in je eigen woorden. Wil je stoppen? Zeg dan 'laat maar'.",
                buttons=[{"title": "Ja, klopt", "payload": "/affirm"}, {"title": "Laat maar", "payload": "/cancel"}])
        else:
            dispatcher.utter_message(
                text="Ik maak een contactverzoek voor je. Wat wil je aan de gemeente vragen? "
                     "Schrijf het in een paar zinnen. Wil je stoppen? Zeg dan 'laat maar'.",
                buttons=[{"title": "Laat maar", "payload": "/cancel"}])
        return [SlotSet("contact_summary_suggestion", suggestion or None)]


class ValidateContactForm(FormValidationAction):
    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("contact_consent") is False:  # no consent: ask nothing more
            return domain_slots[: domain_slots.index("contact_consent") + 1]
        return domain_slots

    def validate_contact_summary(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        suggestion = tracker.get_slot("contact_summary_suggestion")
        # Decide on the text, not the intent: NLU may call any short answer "affirm".
        typed = str(value or "").strip()
        if suggestion and (typed == "/affirm" or (_YES.match(typed) and len(typed.split()) <= 3)):
            return {"contact_summary": suggestion}
        summary = contact.clean_text(value, 2000)
        if not summary or summary.startswith("/") or len(summary) < 5:
            dispatcher.utter_message(text="Schrijf je vraag in een paar woorden, dan weet de gemeente waar het over gaat.")
            return {"contact_summary": None}
        return {"contact_summary": summary}

    def validate_contact_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        if isinstance(value, bool):
            return {"contact_consent": value}
        text = str(value or "").strip()
        if _NO.match(text):
            return {"contact_consent": False}
        if _YES.match(text):
            return {"contact_consent": True}
        dispatcher.utter_message(text="Antwoord met 'ja' of 'nee', alsjeblieft.")
        return {"contact_consent": None}

    def validate_contact_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        name = contact.clean_name(value)
        if not name:
            dispatcher.utter_message(text="Dat lijkt geen naam. Hoe mag de gemeente je noemen?")
        return {"contact_name": name}

    def validate_contact_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        email = contact.clean_email(value)
        if not email:
            dispatcher.utter_message(text="Dat is geen geldig e-mailadres. Schrijf het zo: naam@voorbeeld.nl")
        return {"contact_email": email}

    def validate_contact_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        if str(value or "").strip() == "/deny" or contact.wants_no_phone(value):
            return {"contact_phone": "geen"}
        phone = contact.clean_phone(value)
        if not phone:
            dispatcher.utter_message(text="Dat telefoonnummer klopt niet. Schrijf het bijvoorbeeld zo: "
                                          "06-12345678, 010-1234567 of +31 6 12345678. Of typ 'geen'.")
        return {"contact_phone": phone}

    def validate_contact_moment(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        moment = contact.clean_text(value, 200)
        if not moment:
            dispatcher.utter_message(text="Wanneer komt het jou het beste uit? Bijvoorbeeld 'maandagochtend'.")
        return {"contact_moment": moment}


class ActionSubmitContact(Action):
    def name(self) -> str:
        return "action_submit_contact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        settings = context.settings()
        profiles = context.profiles_or_empty(settings)
        slug = context.municipality(tracker, profiles, settings)
        profile = profiles.get(slug) if slug else None
        phone_route = routing.general_route_text(profile)
        if tracker.get_slot("contact_consent") is not True:
            dispatcher.utter_message(text=f"Je gaf geen toestemming. Daarom heb ik niets opgeslagen. {phone_route}")
            return _reset()
        summary = tracker.get_slot("contact_summary") or ""
        topic = tracker.get_slot("topic") or next(iter(routing.detect_topics(summary)), None)
        r = routing.route_text(summary, topic, tracker.get_slot("subtopic"), profile)
        phone = tracker.get_slot("contact_phone")
        draft = contact.ContactDraft(
            summary=summary, name=tracker.get_slot("contact_name") or "",
            email=tracker.get_slot("contact_email") or "", phone=None if phone in (None, "geen") else phone,
            contact_moment=tracker.get_slot("contact_moment"), municipality=slug,
            department=r.department_key, topic=topic, subtopic=tracker.get_slot("subtopic"),
            official_terms=contact.official_terms(summary, settings.db_url), consent=True,
            conversation_id=tracker.sender_id)
        # The same request sent again (a retry, or typed again after a failure) is stored once.
        draft.request_key = contact.request_key(draft, str(tracker.sender_id))
        try:
            reference = contact.save_request(contact.get_factory(settings.db_url), draft)
        except Exception:  # noqa: BLE001 - the user gets the phone route, never a stack trace
            dispatcher.utter_message(text=f"Sorry, het opslaan van je verzoek is niet gelukt. Er is niets "
                                          f"bewaard. {phone_route} Of probeer het later nog eens: zeg dan "
                                          "'ik wil iemand spreken'. Je kunt hier gewoon verder met je vragen.")
            return _reset()
        who = r.destinations[0]
        when = hours.describe(who.contact.opening_hours) if who.contact.opening_hours else ""
        text = (f"Dank je wel. Je verzoek is opgeslagen. Je referentienummer is {reference}. "
                f"{who.name} neemt contact met je op. {when}").strip()
        if profile and profile.fictional:
            text += f" ({profile.fictional_notice})"
        dispatcher.utter_message(text=text)
        return _reset()


class ActionCancelContact(Action):
    def name(self) -> str:
        return "action_cancel_contact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        settings = context.settings()
        profiles = context.profiles_or_empty(settings)
        slug = context.municipality(tracker, profiles, settings)
        route = routing.general_route_text(profiles.get(slug) if slug else None)
        dispatcher.utter_message(text=f"Oké, ik stop met het contactverzoek. Ik heb niets opgeslagen. {route} "
                                      "Heb je nog een andere vraag?")
        return _reset()


# --- the form's questions (custom ask actions: the texts live here, in Dutch) ---------------------


class _Ask:
    """Mixin for the question actions (not an Action itself: rasa-sdk registers every Action)."""

    text = ""
    buttons: list[dict[str, str]] = []

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=self.text, buttons=list(self.buttons))
        return []


class ActionAskContactConsent(_Ask, Action):
    text = ("Mag de gemeente je gegevens bewaren om contact met je op te nemen? "
            + contact.PRIVACY_TEXT + " Zonder toestemming sla ik niets op.")
    buttons = [{"title": "Ja, dat mag", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]

    def name(self) -> str:
        return "action_ask_contact_consent"


class ActionAskContactName(_Ask, Action):
    text = "Wat is je naam?"

    def name(self) -> str:
        return "action_ask_contact_name"


class ActionAskContactEmail(_Ask, Action):
    text = "Op welk e-mailadres kan de gemeente je bereiken?"

    def name(self) -> str:
        return "action_ask_contact_email"


class ActionAskContactPhone(_Ask, Action):
    text = "Wat is je telefoonnummer? Dit hoeft niet: typ 'geen' als je liever een e-mail krijgt."

    def name(self) -> str:
        return "action_ask_contact_phone"


class ActionAskContactMoment(_Ask, Action):
    text = "Wanneer kan de gemeente je het beste bellen of mailen? Bijvoorbeeld 'dinsdagochtend' of 'na 16 uur'."

    def name(self) -> str:
        return "action_ask_contact_moment"
