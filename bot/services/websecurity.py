"""The pure parts of the website channel: signed session ids, rate limits, origin checks and
the shape of the messages that go to the browser. No Rasa import, so this is easy to test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.services.feedback import clean_marker

TOKEN_VERSION = "v2"
SESSION_ID_BYTES = 16  # 128 bits: unguessable
SIGNATURE_CHARS = 43  # the full HMAC-SHA256 in unpadded base64url
DEFAULT_IDLE_SECONDS = 24 * 3600
CLOCK_SKEW_SECONDS = 300  # a token issued this far "in the future" is still accepted

# Dutch messages for refused requests (the widget shows them as they are).
MSG_NO_SESSION = (
    "Je gesprek is niet (meer) geldig. Laad de pagina opnieuw om een nieuw gesprek te beginnen."
)
MSG_EXPIRED = (
    "Je gesprek is verlopen, omdat het een tijd stil was. "
    "Laad de pagina opnieuw om een nieuw gesprek te beginnen."
)
MSG_ORIGIN = "Deze chat werkt alleen op de website van de gemeente. Dit verzoek is geweigerd."
MSG_RATE = (
    "Rustig aan: je stuurt veel berichten snel na elkaar. "
    "Wacht een minuutje en probeer het dan opnieuw."
)
MSG_TOO_BIG = "Je bericht is veel te groot. Ik kan maximaal 1000 tekens lezen."
MSG_CONTENT_TYPE = "Stuur je bericht als JSON (Content-Type: application/json)."
MSG_BAD_JSON = (
    'Ik kon je bericht niet lezen. Stuur een JSON-object, bijvoorbeeld {"message": "hallo"}.'
)
MSG_NO_MESSAGE = "Er ontbreekt een bericht. Stuur je vraag in het veld 'message'."
MSG_OLD_BUTTON = "Deze knop werkt niet meer. Typ je vraag in gewone woorden."
MSG_FAILED = (
    "Sorry, er ging aan mijn kant iets mis. Probeer het zo nog eens. "
    "Heb je haast? Bel dan de gemeente op 14 met daarachter het netnummer van je gemeente."
)

MSG_PHONE = "Heb je haast? Bel dan de gemeente op 14 met daarachter het netnummer van je gemeente."
MSG_NOT_SAVED = (
    "Sorry, het opslaan is nu niet gelukt. Wat je net stuurde, is niet bewaard. "
    "Probeer het over een paar minuten opnieuw."
)

CONTACT_PAYLOAD = "/ask_contact"
CONTACT_TITLE = "Praat met een medewerker"

# Caps on what goes back to the browser.
MAX_TEXT = 5000
MAX_BUTTONS = 10
MAX_TERMS = 10
MAX_TERM_FIELD = 1000
MAX_HISTORY = 200


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class SessionCheck:
    """What a token says: the session id when it is valid, and whether it only expired."""

    session_id: str | None
    expired: bool = False
    issued_at: int | None = None


class SessionSigner:
    """Issues ``v2.<id>.<issued>.<signature>`` tokens (``issued``: unix seconds, base 36).

    A token is valid for ``idle_seconds`` after it was issued. Every answer of the channel
    carries a fresh token for the same session, so a conversation ends only after that long
    without activity. Changing the secret ends every conversation at once.
    """

    def __init__(self, secret: bytes, idle_seconds: float = DEFAULT_IDLE_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        if len(secret) < 16:
            raise ValueError("The website secret must be at least 16 bytes.")
        self._secret = secret
        self.idle_seconds = idle_seconds
        self._clock = clock

    def _sign(self, session_id: str, issued: str) -> str:
        message = f"{TOKEN_VERSION}:{session_id}:{issued}".encode()
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest())

    def token_for(self, session_id: str) -> str:
        """A fresh token for an existing session (issued now)."""
        issued = _base36(int(self._clock()))
        return f"{TOKEN_VERSION}.{session_id}.{issued}.{self._sign(session_id, issued)}"

    def issue(self) -> tuple[str, str]:
        """A new (session id, token) pair."""
        session_id = _b64(secrets.token_bytes(SESSION_ID_BYTES))
        return session_id, self.token_for(session_id)

    def check(self, token: object) -> SessionCheck:
        invalid = SessionCheck(None)
        if not isinstance(token, str) or len(token) > 200:
            return invalid
        parts = token.strip().split(".")
        if len(parts) != 4 or parts[0] != TOKEN_VERSION:
            return invalid
        _, session_id, issued, signature = parts
        if len(session_id) != 22 or len(signature) != SIGNATURE_CHARS:
            return invalid
        if not 1 <= len(issued) <= 8 or not issued.isalnum() or not issued.isascii():
            return invalid
        if not hmac.compare_digest(self._sign(session_id, issued), signature):
            return invalid
        issued_at = int(issued, 36)
        age = self._clock() - issued_at
        if age < -CLOCK_SKEW_SECONDS:
            return invalid
        if age > self.idle_seconds:
            return SessionCheck(None, expired=True, issued_at=issued_at)
        return SessionCheck(session_id, issued_at=issued_at)

    def verify(self, token: object) -> str | None:
        """The session id of a valid, unexpired token; else None."""
        return self.check(token).session_id


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


class RateLimiter:
    """At most ``limit`` hits per ``window`` seconds per key (sliding window, in memory)."""

    def __init__(
        self,
        limit: int = 20,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 50_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, *keys: str) -> float:
        """Count one hit for every key. Returns 0 when allowed, else seconds to wait.

        A refused request is not counted, so waiting always helps.
        """
        now = self._clock()
        with self._lock:
            wait = 0.0
            queues = []
            for key in keys:
                queue = self._hits.get(key)
                if queue is None:
                    queue = self._hits[key] = deque()
                self._hits.move_to_end(key)
                while queue and queue[0] <= now - self.window:
                    queue.popleft()
                if len(queue) >= self.limit:
                    wait = max(wait, queue[0] + self.window - now)
                queues.append(queue)
            if wait == 0.0:
                for queue in queues:
                    queue.append(now)
            while len(self._hits) > self._max_keys:
                self._hits.popitem(last=False)
            return wait


class OriginPolicy:
    """The allow-list of page origins that may talk to the channel."""

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = frozenset(o.lower().rstrip("/") for o in allowed)

    def allows(self, origin: str | None) -> bool:
        if not origin:
            return False
        parts = urlsplit(origin.strip())
        if parts.scheme not in ("http", "https") or parts.path not in ("", "/"):
            return False
        return origin.strip().lower().rstrip("/") in self.allowed

    def cors_headers(self, origin: str) -> dict[str, str]:
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Authorization, Content-Type",
            "Access-Control-Max-Age": "600",
            "Vary": "Origin",
        }


def _clip(value: object, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:limit] if value else None


def clean_terms(custom: object) -> list[dict[str, str]]:
    """Explained glossary terms from a bot message's ``custom`` data, only as plain strings."""
    if not isinstance(custom, dict) or not isinstance(custom.get("terms"), list):
        return []
    terms = []
    for raw in custom["terms"][:MAX_TERMS]:
        if not isinstance(raw, dict):
            continue
        term = _clip(raw.get("term"), 200)
        plain = _clip(raw.get("plain"), MAX_TERM_FIELD)
        if not term or not plain:
            continue
        item = {"term": term, "plain": plain}
        for key in ("definition", "source"):
            value = _clip(raw.get(key), MAX_TERM_FIELD)
            if value:
                item[key] = value
        terms.append(item)
    return terms


def clean_buttons(buttons: object) -> list[dict[str, str]]:
    if not isinstance(buttons, list):
        return []
    clean = []
    for raw in buttons[:MAX_BUTTONS]:
        if not isinstance(raw, dict):
            continue
        title = _clip(raw.get("title"), 200)
        payload = _clip(raw.get("payload"), 500)
        if title and payload:
            clean.append({"title": title, "payload": payload})
    return clean


def clean_bot_message(message: dict[str, Any]) -> dict[str, Any] | None:
    """Rasa's outgoing message -> ``{"from": "bot", "text", "buttons", "terms"}`` (plain data).

    Everything is text; the widget renders it as text, never as HTML.
    """
    out: dict[str, Any] = {"from": "bot"}
    text = _clip(message.get("text"), MAX_TEXT)
    if text:
        out["text"] = text
    buttons = clean_buttons(message.get("buttons"))
    if buttons:
        out["buttons"] = buttons
    terms = clean_terms(message.get("custom"))
    if terms:
        out["terms"] = terms
    marker = clean_marker(message.get("custom"))  # "Had je hier iets aan?" for this answer
    if marker:
        out["feedback"] = marker
    return out if len(out) > 1 else None


def _attach(target: dict[str, Any], extra: dict[str, Any]) -> bool:
    """Rasa sends ``custom`` (terms, feedback marker) apart from the text: attach it to the
    bot message before it. False when ``extra`` is a message of its own."""
    if not set(extra) - {"from"} <= {"terms", "feedback"} or target.get("from") != "bot":
        return False
    if extra.get("terms"):
        target.setdefault("terms", []).extend(extra["terms"])
    if extra.get("feedback"):
        target["feedback"] = extra["feedback"]
    return True


def merge_messages(messages: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clean bot messages; a terms-only message (Rasa sends ``custom`` apart from the text)
    is attached to the bot message before it."""
    merged: list[dict[str, Any]] = []
    for raw in messages:
        msg = clean_bot_message(raw)
        if msg is None:
            continue
        if merged and _attach(merged[-1], msg):
            continue
        merged.append(msg)
    return merged


def user_display_text(text: str, last_buttons: list[dict[str, str]]) -> str:
    """What the user 'said' for the history: a button payload shows as the button's title."""
    if not text.startswith("/"):
        return text
    for button in last_buttons:
        if button["payload"] == text:
            return button["title"]
    if text == CONTACT_PAYLOAD:
        return CONTACT_TITLE
    return "(knop gekozen)"


# The contact form's questions whose answers are personal data: /history never shows them.
PERSONAL_SLOTS = frozenset({"contact_name", "contact_email", "contact_phone", "contact_moment"})
HIDDEN_ANSWER = "(je gegevens voor het contactverzoek; die laat ik hier niet zien)"


def history_from_events(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tracker events (as dicts) -> the messages the widget shows after a page reload.

    The explained glossary terms come with the answer they belong to (``custom.terms``).
    A user message sent while the contact form asked for a personal detail (the form's
    ``requested_slot`` is one of PERSONAL_SLOTS) is shown as HIDDEN_ANSWER, not as typed.
    """
    messages: list[dict[str, Any]] = []
    last_buttons: list[dict[str, str]] = []
    requested: object = None
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "active_loop" and not event.get("name"):
            requested = None
        elif kind in ("restart", "session_started"):
            requested = None
        if kind == "user":
            text = event.get("text")
            if isinstance(text, str) and text:
                if requested in PERSONAL_SLOTS:
                    messages.append({"from": "user", "text": HIDDEN_ANSWER})
                    continue
                shown = user_display_text(text, last_buttons)
                messages.append({"from": "user", "text": shown[:MAX_TEXT]})
        elif kind == "bot":
            data = event.get("data") or {}
            msg = clean_bot_message(
                {
                    "text": event.get("text"),
                    "buttons": data.get("buttons"),
                    "custom": data.get("custom"),
                }
            )
            if msg is None:
                continue
            last_buttons = msg.get("buttons", last_buttons)
            if messages and _attach(messages[-1], msg):
                continue
            messages.append(msg)
    return messages[-MAX_HISTORY:]


def last_offered_payloads(messages: list[dict[str, Any]]) -> list[str]:
    """Payloads of the buttons in the last bot message (to allow them again after a reload)."""
    for msg in reversed(messages):
        if msg["from"] == "bot" and msg.get("buttons"):
            return [b["payload"] for b in msg.get("buttons", [])]
    return []
