"""Checks on user text before it reaches Rasa. Pure Python: no Rasa import.

- Typed text is always text: Rasa parses text starting with ``/`` as an intent with
  entities (that can set slots). Only a payload of a button that the assistant itself
  offered to this conversation passes through unchanged.
- Empty and overlong messages get a clear Dutch reply without bothering Rasa.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.services.municipalities import SLUG_RE

MAX_CHARS = 1000

EMPTY_REPLY = (
    "Ik kreeg een leeg bericht. Typ je vraag in gewone woorden. "
    "Bijvoorbeeld: 'Hoe kan ik meedoen met een aanbesteding?'"
)
TOO_LONG_REPLY = (
    f"Je bericht is te lang. Ik kan maximaal {MAX_CHARS} tekens lezen. "
    "Wil je je vraag korter maken? Stel gerust meerdere korte vragen na elkaar."
)
NO_WORDS_REPLY = (
    "Ik zie geen woorden in je bericht, alleen tekens of emoji. "
    "Typ je vraag in woorden, dan help ik je graag."
)
NO_ANSWER_REPLY = (
    "Sorry, er ging aan mijn kant iets mis. Probeer het zo nog eens. "
    "Heb je haast? Bel dan de gemeente op 14 met daarachter het netnummer van je gemeente."
)

# Control characters except tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Verdict:
    """Either ``text`` to pass to Rasa, or a ``reply`` to send back at once."""

    text: str | None = None
    reply: str | None = None


class ButtonMemory:
    """Remembers, per conversation, the button payloads the assistant last offered."""

    def __init__(self, max_conversations: int = 10_000) -> None:
        self._offered: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._max = max_conversations
        self._lock = threading.Lock()

    def record(self, sender_id: str, payloads: Iterable[str]) -> None:
        payloads = frozenset(p for p in payloads if isinstance(p, str))
        if not payloads:
            return
        with self._lock:
            self._offered[sender_id] = payloads
            self._offered.move_to_end(sender_id)
            while len(self._offered) > self._max:
                self._offered.popitem(last=False)

    def offered(self, sender_id: str, payload: str) -> bool:
        with self._lock:
            return payload in self._offered.get(sender_id, frozenset())


def neutralize_command(text: str) -> str:
    """Turn ``/intent{...}`` typed by a user into plain text Rasa won't parse as a command."""
    return text.lstrip("/ \t\r\n")


def check_text(text: object, sender_id: str, buttons: ButtonMemory) -> Verdict:
    if not isinstance(text, str):
        return Verdict(reply=EMPTY_REPLY)
    cleaned = _CONTROL.sub(" ", text).strip()
    if not cleaned:
        return Verdict(reply=EMPTY_REPLY)
    if len(cleaned) > MAX_CHARS:
        return Verdict(reply=TOO_LONG_REPLY)
    if cleaned.startswith("/"):
        if buttons.offered(sender_id, cleaned):
            return Verdict(text=cleaned)
        cleaned = neutralize_command(cleaned)
        if not cleaned:
            return Verdict(reply=EMPTY_REPLY)
    if not any(ch.isalnum() for ch in cleaned):
        return Verdict(reply=NO_WORDS_REPLY)
    return Verdict(text=cleaned)


def clean_metadata(metadata: object) -> dict:
    """Keep only the metadata the assistant understands, in a safe shape."""
    if not isinstance(metadata, dict):
        return {}
    clean: dict = {}
    municipality = metadata.get("municipality")
    if isinstance(municipality, str) and SLUG_RE.match(municipality.strip().lower()):
        clean["municipality"] = municipality.strip().lower()
    return clean


def button_payloads(message: dict) -> list[str]:
    """The payloads of the buttons in one outgoing message (Rasa's response dict)."""
    buttons = message.get("buttons") or []
    return [b["payload"] for b in buttons if isinstance(b, dict) and isinstance(b.get("payload"), str)]
