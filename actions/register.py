"""The social enterprise register in the chat: decline the offer, ask (only with consent), save,
stop, withdraw. Thin adapters over bot.services.register; personal data never goes to the log."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import context
from bot.services import contact, learning, register

FORM_SLOTS = ["register_consent", "register_name", "register_kvk", "register_theme",
              "register_mission", "register_email", "requested_slot", "register_offer_open"]
_YES = re.compile(r"^(ja|jawel|ja hoor|ja graag|graag|dat mag|akkoord|ok(e|é)?|prima|goed|ik ga akkoord)\b", re.I)
_NO = re.compile(r"^(nee|neen|liever niet|niet akkoord|geen toestemming)\b", re.I)


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(name, None) for name in FORM_SLOTS]


# The offer itself is made by action_answer (actions/answers.py, bot.services.register.offer_after_answer).
class ActionDeclineRegister(Action):
    def name(self) -> str:
        return "action_decline_register"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="Oké, prima. Ik vraag het niet meer. Heb je nog een andere vraag?")
        return [SlotSet("register_offer_open", None)]


class ValidateRegisterForm(FormValidationAction):
    def name(self) -> str:
        return "validate_register_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("register_consent") is False:  # no consent: ask nothing more
            return domain_slots[: domain_slots.index("register_consent") + 1]
        return domain_slots

    def validate_register_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        if isinstance(value, bool):
            return {"register_consent": value}
        text = str(value or "").strip()
        if _NO.match(text):
            return {"register_consent": False}
        if _YES.match(text):
            return {"register_consent": True}
        dispatcher.utter_message(text="Antwoord met 'ja' of 'nee', alsjeblieft.")
        return {"register_consent": None}

    def validate_register_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        name = register.clean_company(value)
        if not name:
            dispatcher.utter_message(text="Dat lijkt geen naam van een onderneming. Hoe heet je onderneming?")
        return {"register_name": name}

    def validate_register_kvk(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        kvk = register.clean_kvk(value)
        if not kvk:
            dispatcher.utter_message(text="Een KVK-nummer heeft precies 8 cijfers, bijvoorbeeld 12345678. "
                                          "Je vindt het op je inschrijving bij de KVK. Wat is het nummer?")
        return {"register_kvk": kvk}

    def validate_register_theme(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        theme = register.clean_theme(value)
        if not theme:
            dispatcher.utter_message(text="Kies een van de knoppen. Of typ: werk, circulair, zorg of anders.")
        return {"register_theme": theme}

    def validate_register_mission(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        mission = register.clean_mission(value)
        if not mission:
            dispatcher.utter_message(text="Schrijf je missie in één zin van minstens 3 woorden, "
                                          "bijvoorbeeld: 'Wij geven mensen zonder werk een baan in onze fietsenwerkplaats.'")
        return {"register_mission": mission}

    def validate_register_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        email = contact.clean_email(value)
        if not email:
            dispatcher.utter_message(text="Dat is geen geldig e-mailadres. Schrijf het zo: naam@voorbeeld.nl")
        return {"register_email": email}


class ActionSubmitRegister(Action):
    def name(self) -> str:
        return "action_submit_register"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        settings = context.settings()
        if tracker.get_slot("register_consent") is not True:
            dispatcher.utter_message(text="Je gaf geen toestemming. Daarom heb ik niets opgeslagen. "
                                          "Heb je nog een andere vraag?")
            return _reset()
        profiles = context.profiles_or_empty(settings)
        slug = context.municipality(tracker, profiles, settings)
        draft = register.Draft(
            name=tracker.get_slot("register_name") or "", kvk=tracker.get_slot("register_kvk") or "",
            theme=tracker.get_slot("register_theme") or "", mission=tracker.get_slot("register_mission") or "",
            email=tracker.get_slot("register_email") or "", municipality=slug,
            conversation_id=tracker.sender_id, consent=True)
        try:
            token = register.join(contact.get_factory(settings.db_url), draft)
        except Exception:  # noqa: BLE001 - the user gets a clear message, never a stack trace
            dispatcher.utter_message(text="Sorry, het opslaan is niet gelukt. Er is niets bewaard. "
                                          "Probeer het later nog eens.")
            return _reset()
        profile = profiles.get(slug) if slug else None
        where = f" van {profile.display_name}" if profile else ""
        text = (f"Dank je wel! {draft.name} staat nu in het register van sociale ondernemingen{where}. "
                "Wil je je gegevens later weghalen? Zeg dan 'haal mijn gegevens weg'. Of gebruik deze "
                f"link: [gegevens weghalen]({learning.withdraw_url(settings, token)})")
        dispatcher.utter_message(text=text)
        return _reset()


class ActionCancelRegister(Action):
    def name(self) -> str:
        return "action_cancel_register"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="Oké, ik stop met de aanmelding. Ik heb niets opgeslagen. "
                                      "Heb je nog een andere vraag?")
        return _reset()


class ActionWithdrawRegister(Action):
    def name(self) -> str:
        return "action_withdraw_register"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        settings = context.settings()
        try:
            removed = register.withdraw_conversation(contact.get_factory(settings.db_url), tracker.sender_id)
        except Exception:  # noqa: BLE001
            dispatcher.utter_message(text="Sorry, het weghalen is nu niet gelukt. Probeer het later nog eens, "
                                          "of gebruik de link in de bevestiging.")
            return []
        if removed:
            dispatcher.utter_message(text="Ik heb je gegevens uit het register van sociale ondernemingen "
                                          "gehaald. Er is niets meer van bewaard.")
        else:
            dispatcher.utter_message(text="In dit gesprek heb je je niet aangemeld voor het register van "
                                          "sociale ondernemingen, dus er is niets weg te halen. Heb je je "
                                          "eerder aangemeld? Gebruik dan de link in de bevestiging van toen.")
        return []


# --- the form's questions ----------------------------------------------------------------------


class _Ask:
    """Mixin for the question actions (not an Action itself: rasa-sdk registers every Action)."""

    text = ""
    buttons: list[dict[str, str]] = []

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=self.text, buttons=list(self.buttons))
        return []


class ActionAskRegisterConsent(Action):
    def name(self) -> str:
        return "action_ask_register_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        days = context.settings().learning.register_retention_days
        dispatcher.utter_message(
            text=f"Mag de gemeente je gegevens bewaren? {register.privacy_text(days)} Zonder toestemming "
                 "sla ik niets op. Wil je stoppen? Zeg dan 'laat maar'.",
            buttons=[{"title": "Ja, dat mag", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}])
        return []


class ActionAskRegisterName(_Ask, Action):
    text = "Hoe heet je onderneming?"

    def name(self) -> str:
        return "action_ask_register_name"


class ActionAskRegisterKvk(_Ask, Action):
    text = "Wat is het KVK-nummer van je onderneming? Dat zijn 8 cijfers."

    def name(self) -> str:
        return "action_ask_register_kvk"


class ActionAskRegisterTheme(_Ask, Action):
    text = "Waar gaat je sociale missie vooral over? Kies wat het beste past."
    # The payload is sent as text ("thema: circulair"): words NLU never takes for 'stop'.
    buttons = [{"title": title, "payload": f"thema: {title.lower()}"} for title in register.THEMES.values()]

    def name(self) -> str:
        return "action_ask_register_theme"


class ActionAskRegisterMission(_Ask, Action):
    text = ("Wat is je sociale missie, in één zin? Bijvoorbeeld: 'Wij geven mensen zonder werk een "
            "baan in onze fietsenwerkplaats.'")

    def name(self) -> str:
        return "action_ask_register_mission"


class ActionAskRegisterEmail(_Ask, Action):
    text = "Op welk e-mailadres kan de gemeente je bereiken over het register?"

    def name(self) -> str:
        return "action_ask_register_email"
