"""The clarifying question when NLU is unsure (intent nlu_fallback).

First miss: ask which of the two most likely topics the user means (two buttons).
Second miss in a row: offer the contact route (button "Praat met een medewerker").
Pure Python; ``actions/fallback.py`` is the Rasa adapter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.services.topics import TOPICS

FALLBACK_INTENT = "nlu_fallback"
CONTACT_PAYLOAD = "/ask_contact"
CONTACT_TITLE = "Praat met een medewerker"

# Used when the ranking holds fewer than two topics (e.g. only small talk was likely).
DEFAULT_CHOICES = ("subsidy", "procurement")

FIRST_MISS = "Ik weet niet zeker wat je bedoelt. Gaat je vraag over een van deze onderwerpen?"
FIRST_MISS_HINT = "Of stel je vraag op een andere manier."
SECOND_MISS = (
    "Het lukt me niet goed om je vraag te begrijpen. Sorry! "
    "Een medewerker van de gemeente helpt je graag verder."
)
SECOND_MISS_HINT = "Je kunt je vraag ook nog anders stellen, bijvoorbeeld met andere woorden."


def top_topics(intent_ranking: Sequence[Mapping[str, Any]] | None, n: int = 2) -> list[str]:
    """The ``n`` most likely topics from Rasa's intent ranking (retrieval keys mapped to base)."""
    found: list[str] = []
    for item in intent_ranking or []:
        name = str((item or {}).get("name") or "").split("/", 1)[0]
        topic = name[len("ask_") :] if name.startswith("ask_") else ""
        if topic in TOPICS and topic not in found:
            found.append(topic)
        if len(found) == n:
            return found
    for topic in DEFAULT_CHOICES:
        if len(found) == n:
            break
        if topic not in found:
            found.append(topic)
    return found


def misses_in_a_row(user_intents: Iterable[str | None]) -> int:
    """How many of the latest user messages in a row were not understood (newest last)."""
    count = 0
    for intent in reversed(list(user_intents)):
        if intent != FALLBACK_INTENT:
            break
        count += 1
    return count


def clarify(intent_ranking: Sequence[Mapping[str, Any]] | None, misses: int) -> list[dict[str, Any]]:
    """Messages (``text`` + ``buttons``) for the clarifying question.

    ``misses`` counts the current message: 1 is the first miss, 2 or more a repeated miss.
    """
    if misses >= 2:
        return [
            {
                "text": SECOND_MISS,
                "buttons": [{"title": CONTACT_TITLE, "payload": CONTACT_PAYLOAD}],
            },
            {"text": SECOND_MISS_HINT},
        ]
    buttons = [
        {"title": TOPICS[topic].title, "payload": TOPICS[topic].intent_payload}
        for topic in top_topics(intent_ranking)
    ]
    return [{"text": FIRST_MISS, "buttons": buttons}, {"text": FIRST_MISS_HINT}]
