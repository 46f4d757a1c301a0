"""The REST channel that treats typed text as text and never answers with silence.

Configured in bot/credentials.yml. The REST channel keeps Rasa's URL
(``/webhooks/rest/webhook``) and request shape:
``{"sender": ..., "message": ..., "metadata": {"municipality": "<slug>"}}``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.plugins import errors, tracker_store
from bot.plugins.fallback import failure_text, not_saved_text
from bot.services.guard import (
    NO_ANSWER_REPLY,
    ButtonMemory,
    button_payloads,
    check_text,
    clean_metadata,
)
from bot.services.shared_state import (
    MSG_UNAVAILABLE,
    RedisButtonMemory,
    SharedStateUnavailable,
    button_memory,
)

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]
MAX_BODY_BYTES = 64 * 1024  # a message is at most 1000 characters; metadata is small


# The Sanic app of the request being handled (set by a middleware; read by the fallback).
_current_app: ContextVar[Any] = ContextVar("gemeentetolk_rest_app", default=None)

Fallback = Callable[[UserMessage], Awaitable[str]]


async def _no_answer(message: UserMessage) -> str:
    return NO_ANSWER_REPLY


def guarded(on_new_message: Handler, buttons: ButtonMemory | RedisButtonMemory,
            fallback: Fallback = _no_answer) -> Handler:
    """Wrap Rasa's message handler with the text checks and a reply-on-silence fallback."""

    def remember(sender: str, msg: dict) -> None:
        try:
            buttons.record(sender, button_payloads(msg))
        except SharedStateUnavailable:
            pass  # the answer still goes out; its buttons then work as typed text

    async def handle(message: UserMessage) -> None:
        output = message.output_channel
        sender = str(message.sender_id)
        try:
            verdict = check_text(message.text, sender, buttons)
        except SharedStateUnavailable:  # Redis (scaled profile) away: say so, in Dutch
            await output.send_text_message(sender, f"{MSG_UNAVAILABLE} {NO_ANSWER_REPLY}")
            return
        if verdict.reply is not None:
            await output.send_text_message(sender, verdict.reply)
            return
        message.text = verdict.text
        message.metadata = clean_metadata(message.metadata)

        sent = 0
        original = output.send_response

        async def send_response(recipient_id: str, msg: dict) -> None:
            nonlocal sent
            sent += 1
            remember(sender, msg)
            await original(recipient_id, msg)

        output.send_response = send_response  # type: ignore[method-assign]
        started = time.monotonic()
        try:
            await on_new_message(message)
        except Exception:  # the user must get an answer, never a stack trace
            logger.exception("Handling a message failed")
        finally:
            output.send_response = original  # type: ignore[method-assign]
        if tracker_store.failed_since(sender, started):
            # The database is away: what Rasa said came from an empty conversation, and
            # nothing was stored. Say so instead, with the phone route.
            collected = getattr(output, "messages", None)
            if isinstance(collected, list):
                collected.clear()
            await output.send_text_message(sender, not_saved_text(message.metadata))
        elif sent == 0:
            try:
                reply = await fallback(message)
            except Exception:  # noqa: BLE001 - never silence
                logger.exception("The failure reply failed")
                reply = NO_ANSWER_REPLY
            await output.send_text_message(sender, reply)

    return handle


def _bad_request(text: str, status: int = 400) -> response.HTTPResponse:
    return response.json([{"recipient_id": None, "text": text}], status=status)


class SafeRestInput(RestInput):
    """Rasa's REST channel with input checks. Same name, so the same URL."""

    def __init__(self, buttons: ButtonMemory | RedisButtonMemory | None = None) -> None:
        self.buttons = buttons if buttons is not None else ButtonMemory()

    @classmethod
    def from_credentials(cls, credentials: dict | None) -> SafeRestInput:
        from bot.services.settings import load_settings

        # In Redis in the scaled profile: the conversation may go on at another instance.
        return cls(button_memory(load_settings().redis_url, "rest"))

    def get_metadata(self, request: Request) -> dict:
        return clean_metadata(request.json.get("metadata"))

    @staticmethod
    async def failure_reply(message: UserMessage) -> str:
        """The municipality's own route, from what the conversation knows (bot.plugins.fallback)."""
        app = _current_app.get()
        agent = getattr(getattr(app, "ctx", None), "agent", None)
        return await failure_text(agent, str(message.sender_id), message.metadata)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        bp = super().blueprint(guarded(on_new_message, self.buttons, self.failure_reply))

        @bp.listener("before_server_start")
        async def dutch_errors(app, _loop) -> None:
            errors.install(app)

        @bp.middleware("request")
        async def check_body(request: Request):
            _current_app.set(request.app)
            if request.method != "POST":
                return None
            if len(request.body or b"") > MAX_BODY_BYTES:
                return _bad_request("Je bericht is veel te groot. Ik kan maximaal 1000 tekens lezen.", 413)
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return _bad_request("Ik kon je bericht niet lezen. Stuur JSON met 'sender' en 'message'.")
            if not isinstance(body, dict):
                return _bad_request("Stuur een JSON-object met 'sender' en 'message'.")
            sender = body.get("sender")
            if not isinstance(sender, str) or not sender.strip() or len(sender) > 128:
                return _bad_request("Er ontbreekt een geldige 'sender' (maximaal 128 tekens).")
            message = body.get("message")
            if message is not None and not isinstance(message, str):
                # Rasa's UserMessage cannot take it and would answer with silence.
                return _bad_request("Stuur je vraag als tekst in 'message', bijvoorbeeld \"hallo\".")
            return None

        return bp
