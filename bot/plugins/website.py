"""The website channel: the chat widget on a municipal website talks to this.

Routes (under ``/webhooks/website``), all JSON, all answers in Dutch:

- ``GET  /``         health check.
- ``POST /session``  a new conversation: ``{"session": "<signed token>"}``.
- ``POST /webhook``  ``Authorization: Bearer <token>`` and one of
  ``{"message": "typed text"}`` (always text, never an ``/intent`` command),
  ``{"payload": "/intent", "title": "..."}`` (only a button this conversation was offered) or
  ``{"action": "contact"}`` (mapped to ``/ask_contact`` here, on the server);
  optional ``"metadata": {"municipality": "<slug>"}``. Answer: ``{"messages": [...]}``.
- ``GET  /history``  the messages of the conversation so far, read from the tracker store.
- ``POST /feedback`` "Had je hier iets aan?" on an answer of this conversation:
  ``{"ref": "<the answer's feedback.ref>", "helpful": true|false}``, then optionally once
  ``{"ref": ..., "comment": "..."}``. Answer: ``{"message": "..."}`` (201, 200; 409 already
  given, 404 no such answer in this conversation). See ``bot.services.feedback``.

Every answer to ``/webhook`` and ``/history`` carries a fresh ``"session"`` token for the same
conversation; a token expires after ``GEMEENTETOLK_SESSION_IDLE_HOURS`` (24) without one.
``/history`` shows the contact form's personal answers (name, e-mail, phone, moment) as a
placeholder, never as typed.

Refusals: 401 missing or forged session (``session``) or expired (``session_expired``), 403 origin not on the allow-list, 400 bad JSON,
413 too big, 415 not JSON, 429 too many messages. CORS (also the preflight) is handled here
for the allowed origins only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.plugins import errors, tracker_store
from bot.plugins.fallback import failure_text, not_saved_text
from bot.services import shared_state as shared
from bot.services import websecurity as sec
from bot.services.guard import ButtonMemory, check_text, clean_metadata

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]

MAX_BODY_BYTES = 16 * 1024
MESSAGES_PER_MINUTE = 20
SESSIONS_PER_MINUTE = 20
READS_PER_MINUTE = 60
FEEDBACK_PER_MINUTE = 20


def _error(status: int, code: str, message: str, headers: dict | None = None):
    return response.json({"error": code, "message": message}, status=status, headers=headers)


class WebsiteInput(InputChannel):
    """Signed sessions, origin allow-list, rate limits and text-only input for the widget."""

    @classmethod
    def name(cls) -> str:
        return "website"

    def __init__(
        self,
        secret: bytes,
        allowed_origins: tuple[str, ...] | list[str],
        messages_per_minute: int = MESSAGES_PER_MINUTE,
        address_messages_per_minute: int = MESSAGES_PER_MINUTE,
        sessions_per_minute: int = SESSIONS_PER_MINUTE,
        clock: Callable[[], float] | None = None,
        redis_url: str = "",
        idle_seconds: float = sec.DEFAULT_IDLE_SECONDS,
        wall_clock: Callable[[], float] | None = None,
        feedback_db_url: str | None = None,
    ) -> None:
        """``redis_url``: keep rate limits and button memory in Redis, shared by every Rasa
        instance (the scaled profile); empty: in this process."""
        extra = {"clock": clock} if clock else {}
        self.signer = sec.SessionSigner(secret, idle_seconds, **({"clock": wall_clock} if wall_clock else {}))
        self.origins = sec.OriginPolicy(allowed_origins)
        limiter = shared.rate_limiter
        self.message_limit = limiter(redis_url, "message", messages_per_minute, 60.0, **extra)
        self.address_limit = limiter(redis_url, "address", address_messages_per_minute, 60.0, **extra)
        self.session_limit = limiter(redis_url, "session", sessions_per_minute, 60.0, **extra)
        self.read_limit = limiter(redis_url, "read", READS_PER_MINUTE, 60.0, **extra)
        self.feedback_limit = limiter(redis_url, "feedback", FEEDBACK_PER_MINUTE, 60.0, **extra)
        # Where feedback is stored (GEMEENTETOLK_DB_URL); None: from the settings when needed.
        self.feedback_db_url = feedback_db_url
        self.buttons = shared.button_memory(redis_url, "website")
        self.typed = ButtonMemory()  # stays empty: typed text never passes as a command

    @classmethod
    def from_credentials(cls, credentials: dict | None) -> WebsiteInput:
        from bot.services.settings import load_settings

        settings = load_settings()
        origins = (credentials or {}).get("allowed_origins") or settings.allowed_origins
        return cls(
            settings.web_secret,
            tuple(origins),
            messages_per_minute=settings.web_messages_per_minute,
            address_messages_per_minute=settings.web_address_messages_per_minute,
            sessions_per_minute=settings.web_sessions_per_minute,
            idle_seconds=settings.session_idle_hours * 3600,
            redis_url=settings.redis_url,
            feedback_db_url=settings.db_url,
        )

    # --- checks ---------------------------------------------------------
    def _origin_error(self, request: Request):
        if self.origins.allows(request.headers.get("origin")):
            return None
        return _error(403, "origin", sec.MSG_ORIGIN)

    def _session(self, request: Request) -> sec.SessionCheck:
        return self.signer.check(sec.bearer_token(request.headers.get("authorization")))

    @staticmethod
    def _address(request: Request) -> str:
        return str(request.remote_addr or request.ip or "unknown")

    @staticmethod
    def _rate_error(wait: float):
        seconds = max(1, int(wait + 0.999))
        return _error(429, "rate_limit", sec.MSG_RATE, headers={"Retry-After": str(seconds)})

    @staticmethod
    def _json_body(request: Request, required: bool):
        """(body, error response). An empty body is ``{}`` when not required."""
        raw = request.body or b""
        if len(raw) > MAX_BODY_BYTES:
            return None, _error(413, "too_large", sec.MSG_TOO_BIG)
        if not raw.strip() and not required:
            return {}, None
        if (request.content_type or "").split(";")[0].strip().lower() != "application/json":
            return None, _error(415, "content_type", sec.MSG_CONTENT_TYPE)
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return None, _error(400, "bad_json", sec.MSG_BAD_JSON)
        if not isinstance(body, dict):
            return None, _error(400, "bad_json", sec.MSG_BAD_JSON)
        return body, None

    def _text(self, body: dict, session_id: str) -> tuple[str | None, Any]:
        """The text for Rasa, or an (error) response."""
        if body.get("action") == "contact":
            return sec.CONTACT_PAYLOAD, None
        payload = body.get("payload")
        if isinstance(payload, str) and payload:
            if self.buttons.offered(session_id, payload.strip()):
                return payload.strip(), None
            title = body.get("title")
            if not isinstance(title, str) or not title.strip():
                return None, response.json(
                    {"messages": [{"from": "bot", "text": sec.MSG_OLD_BUTTON}]}
                )
            body = {"message": title}
        message = body.get("message")
        if message is None:
            return None, _error(400, "no_message", sec.MSG_NO_MESSAGE)
        verdict = check_text(message, session_id, self.typed)
        if verdict.reply is not None:
            return None, response.json({"messages": [{"from": "bot", "text": verdict.reply}]})
        return verdict.text, None

    def _gate(self, request: Request, need_session: bool = True) -> tuple[str | None, Any]:
        """Checks every endpoint starts with: preflight, origin and (optionally) the session.

        Returns ``(session_id, None)`` to go on, or ``(None, response)`` to answer at once.
        """
        if request.method == "OPTIONS":
            return None, response.empty()
        refused = self._origin_error(request)
        if refused:
            return None, refused
        if not need_session:
            return None, None
        checked = self._session(request)
        if checked.expired:
            return None, _error(401, "session_expired", sec.MSG_EXPIRED)
        if checked.session_id is None:
            return None, _error(401, "session", sec.MSG_NO_SESSION)
        return checked.session_id, None

    # --- the blueprint ----------------------------------------------------
    def blueprint(self, on_new_message: Handler) -> Blueprint:
        bp = Blueprint("website_webhook", __name__)

        @bp.exception(shared.SharedStateUnavailable)
        async def shared_state_down(request: Request, exception: Exception):
            # Redis (scaled profile) is away: a clear Dutch answer, never a 500. The client
            # reconnects by itself, so the next request after Redis is back works again.
            return _error(503, "unavailable", shared.MSG_UNAVAILABLE + " " + sec.MSG_PHONE)

        @bp.listener("before_server_start")
        async def dutch_errors(app, _loop) -> None:
            errors.install(app)

        @bp.route("/", methods=["GET"])
        async def health(request: Request):
            return response.json({"status": "ok"})

        @bp.route("/session", methods=["POST", "OPTIONS"])
        async def new_session(request: Request):
            _, refused = self._gate(request, need_session=False)
            if refused is not None:
                return refused
            _, refused = self._json_body(request, required=False)
            if refused:
                return refused
            wait = self.session_limit.hit("address:" + self._address(request))
            if wait:
                return self._rate_error(wait)
            _, token = self.signer.issue()
            return response.json({"session": token}, status=201)

        @bp.route("/webhook", methods=["POST", "OPTIONS"])
        async def receive(request: Request):
            session_id, refused = self._gate(request)
            if refused is not None:
                return refused
            body, refused = self._json_body(request, required=True)
            if refused:
                return refused
            wait = self.message_limit.hit(session_id) or self.address_limit.hit(
                self._address(request)
            )
            if wait:
                return self._rate_error(wait)
            text, refused = self._text(body, session_id)
            if refused:
                return refused
            collector = CollectingOutputChannel()
            metadata = clean_metadata(body.get("metadata"))
            message = UserMessage(
                text,
                collector,
                session_id,
                input_channel=self.name(),
                metadata=metadata,
            )
            started = time.monotonic()
            try:
                await on_new_message(message)
            except Exception:  # the user gets an answer, never a stack trace
                logger.exception("Handling a website message failed")
            messages = sec.merge_messages(collector.messages)
            if tracker_store.failed_since(session_id, started):
                # The database is away: Rasa answered as if the conversation were new, and
                # nothing was stored. Say so, with the municipality's phone route.
                messages = [{"from": "bot", "text": not_saved_text(metadata)}]
            if not messages:  # e.g. the action server is down: the municipality's own route
                agent = getattr(request.app.ctx, "agent", None)
                text = await failure_text(agent, session_id, message.metadata)
                messages = [{"from": "bot", "text": text}]
            for msg in messages:
                if msg.get("buttons"):
                    self.buttons.record(session_id, [b["payload"] for b in msg["buttons"]])
            # A fresh token: the session ends only after the idle time without messages.
            return response.json({"messages": messages, "session": self.signer.token_for(session_id)})

        @bp.route("/history", methods=["GET", "OPTIONS"])
        async def history(request: Request):
            session_id, refused = self._gate(request)
            if refused is not None:
                return refused
            wait = self.read_limit.hit("address:" + self._address(request))
            if wait:
                return self._rate_error(wait)
            try:
                events = await self._events(request, session_id)
            except Exception:
                logger.exception("Reading the website history failed")
                return _error(503, "history", sec.MSG_FAILED)
            messages = sec.history_from_events(events)
            payloads = sec.last_offered_payloads(messages)
            if payloads:
                self.buttons.record(session_id, payloads)
            return response.json({"messages": messages, "session": self.signer.token_for(session_id)})

        @bp.route("/feedback", methods=["POST", "OPTIONS"])
        async def give_feedback(request: Request):
            session_id, refused = self._gate(request)
            if refused is not None:
                return refused
            body, refused = self._json_body(request, required=True)
            if refused:
                return refused
            wait = self.feedback_limit.hit(session_id) or self.address_limit.hit(self._address(request))
            if wait:
                return self._rate_error(wait)
            return await self._feedback(request, session_id, body)

        @bp.middleware("response")
        async def cors(request: Request, resp):
            origin = request.headers.get("origin")
            allowed = self.origins.allows(origin)
            if request.method == "OPTIONS":
                # Sanic-Cors in Rasa's server answers preflights before we see them;
                # this replaces its answer with ours.
                if not allowed:
                    return _error(403, "origin", sec.MSG_ORIGIN)
                return response.empty(status=204, headers=self.origins.cors_headers(origin))
            if allowed:
                for key, value in self.origins.cors_headers(origin).items():
                    resp.headers[key] = value
            resp.headers["Cache-Control"] = "no-store"
            resp.headers["X-Content-Type-Options"] = "nosniff"
            return None

        return bp

    async def _feedback(self, request: Request, session_id: str, body: dict):
        from bot.services import feedback as fb

        wanted = fb.parse_request(body)
        if wanted is None:
            return _error(400, "bad_feedback", fb.MSG_BAD)
        try:
            events = await self._events(request, session_id)
            answer = fb.find_answer(events, wanted.ref, session_id)
            if answer is None:
                return _error(404, "unknown_answer", fb.MSG_UNKNOWN)
            result = await asyncio.to_thread(self._store_feedback, answer, wanted)
        except Exception:
            logger.exception("Storing website feedback failed")
            return _error(503, "feedback", sec.MSG_FAILED)
        return response.json({"message": result.message}, status=result.status)

    def _store_feedback(self, answer: Any, wanted: Any) -> Any:
        from bot.services import feedback as fb
        from bot.services.contact import get_factory
        from bot.services.settings import load_settings

        settings = load_settings()
        factory = get_factory(self.feedback_db_url or settings.db_url)
        return fb.record(factory, answer, wanted, default_municipality=settings.municipality or None)

    @staticmethod
    async def _events(request: Request, session_id: str) -> list[dict]:
        agent = getattr(request.app.ctx, "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return []
        # The whole conversation: `retrieve` holds only a window of recent events (the tracker
        # store's event_window); the history shows the latest session, as Rasa's retrieve did.
        tracker = await store.retrieve_full_tracker(session_id)
        if tracker is None:
            return []
        events = [event.as_dict() for event in tracker.events]
        starts = [i for i, e in enumerate(events) if e.get("event") == "session_started"]
        return events[starts[-1]:] if starts else events
