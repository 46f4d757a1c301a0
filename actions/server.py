"""The action server, closed: rasa-sdk's own app, on loopback, only for callers with the secret.

``python -m actions.server --port 5055 [--host 127.0.0.1]`` (``gemeentetolk run`` starts it).

rasa-sdk's ``rasa run actions`` listens on all interfaces (``SANIC_HOST``, default 0.0.0.0) and
runs any action for anyone who posts a made-up tracker. This entry point builds the same app
(``rasa_sdk.endpoint.create_app``) and adds, in front of it:

- a check of ``Authorization: Bearer <GEMEENTETOLK_ACTION_SECRET>`` on every route except
  ``/health`` (the Rasa server sends the header: ``action_endpoint.headers`` in
  ``bot/endpoints.yml``); without it: 401 and nothing runs;
- a check of the action call's shape (size, JSON object, ``next_action``, ``tracker``): 400
  with a Dutch message, instead of rasa-sdk's 500 that echoes the request body;
- an error handler that logs only the action's name and the error's type (a tracker holds
  personal data), never the request.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import sys
import zlib
from collections.abc import Sequence
from typing import Any

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 4 * 1024 * 1024  # a long conversation with the domain is well under 1 MB
OPEN_PATHS = frozenset({"/health"})

MSG_UNAUTHORIZED = (
    "Geen toegang. De actie-server voert alleen opdrachten uit van de eigen Rasa-server "
    "(met het gedeelde geheim)."
)
MSG_TOO_BIG = "Dit verzoek is te groot voor de actie-server."
MSG_BAD_CALL = "Dit is geen geldige opdracht voor de actie-server (verwacht: next_action en tracker)."
MSG_FAILED = "De actie is mislukt. Zie het logboek van de actie-server."
MSG_NOT_FOUND = "Deze pagina bestaat niet op de actie-server."
MSG_NO_ACTION = "Deze actie bestaat niet op de actie-server."
MSG_METHOD = "Deze manier van versturen wordt hier niet gebruikt (verkeerde HTTP-methode)."


def _json(body: dict[str, Any], status: int):
    from sanic import response

    return response.json(body, status=status, headers={"Cache-Control": "no-store"})


def authorized(header: str | None, secret: str) -> bool:
    """True when ``header`` is ``Bearer <secret>`` (constant-time comparison)."""
    expected = f"Bearer {secret}".encode()
    given = (header or "").strip().encode("utf-8", "replace")
    return bool(secret) and hmac.compare_digest(given, expected)


def parse_call(raw: bytes, encoding: str | None) -> tuple[dict | None, str | None]:
    """(action call, None) or (None, Dutch reason) for a request body."""
    if len(raw) > MAX_BODY_BYTES:
        return None, MSG_TOO_BIG
    if (encoding or "").lower() == "deflate":
        try:
            decomp = zlib.decompressobj()
            raw = decomp.decompress(raw, MAX_BODY_BYTES + 1)
        except zlib.error:
            return None, MSG_BAD_CALL
        if len(raw) > MAX_BODY_BYTES or decomp.unconsumed_tail:
            return None, MSG_TOO_BIG
    try:
        call = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, MSG_BAD_CALL
    if not isinstance(call, dict):
        return None, MSG_BAD_CALL
    tracker = call.get("tracker")
    if not isinstance(call.get("next_action"), str) or not isinstance(tracker, dict):
        return None, MSG_BAD_CALL
    if not isinstance(tracker.get("sender_id"), str) or not isinstance(tracker.get("events", []), list):
        return None, MSG_BAD_CALL
    if not isinstance(call.get("domain") or {}, dict):
        return None, MSG_BAD_CALL
    for key in ("slots", "latest_message", "active_loop"):
        if not isinstance(tracker.get(key) or {}, dict):
            return None, MSG_BAD_CALL
    if not all(isinstance(e, dict) for e in tracker.get("events") or []):
        return None, MSG_BAD_CALL
    return call, None


def close_app(app: Any, secret: str) -> Any:
    """Add the secret check, the body check and the quiet error handler to a rasa-sdk app."""
    from sanic.exceptions import MethodNotSupported, NotFound

    if not secret:
        raise ValueError("The action server needs a secret.")

    @app.middleware("request")
    async def closed(request):
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        if not authorized(request.headers.get("authorization"), secret):
            return _json({"error": "unauthorized", "message": MSG_UNAUTHORIZED}, 401)
        if request.method == "POST" and request.path == "/webhook":
            call, reason = parse_call(request.body or b"", request.headers.get("content-encoding"))
            if call is None:
                status = 413 if reason == MSG_TOO_BIG else 400
                # rasa's server reads a 400 as "action rejected" and needs the action's name.
                return _json({"error": "bad_request", "message": reason, "action_name": ""}, status)
        return None

    @app.middleware("response")
    async def dutch_not_found(request, resp):
        # rasa-sdk answers an unknown action with an English 404 of its own.
        if request.path == "/webhook" and resp.status == 404:
            return _json({"error": "no_action", "message": MSG_NO_ACTION}, 404)
        return None

    async def crashed(request, exception: Exception):
        if isinstance(exception, NotFound):
            return _json({"error": "not_found", "message": MSG_NOT_FOUND}, 404)
        if isinstance(exception, MethodNotSupported):
            return _json({"error": "method", "message": MSG_METHOD}, 405)
        action = ""
        try:
            action = str((json.loads(request.body or b"{}") or {}).get("next_action") or "")[:100]
        except (ValueError, AttributeError, UnicodeDecodeError):
            pass
        # The error's type only: its text and the tracker may hold what the user typed.
        logger.error("Action %r failed: %s", action, type(exception).__name__)
        return _json({"error": "failed", "message": MSG_FAILED, "action_name": action}, 500)

    app.error_handler.add(Exception, crashed)
    return app


def create_app(secret: str, package: str = "actions") -> Any:
    """rasa-sdk's app for ``package``, closed with ``secret`` (see close_app)."""
    from rasa_sdk.endpoint import create_app as sdk_create_app

    return close_app(sdk_create_app(package, cors_origins=None), secret)


def main(argv: Sequence[str] | None = None) -> int:
    from bot.services.noise import quiet_known_warnings

    quiet_known_warnings()  # first: importing rasa-sdk (Sanic-CORS) already warns
    from rasa_sdk import utils

    from bot.services.settings import load_settings

    try:
        settings = load_settings()
    except ValueError as err:
        print(f"Fout: {err}", file=sys.stderr)
        return 1
    parser = argparse.ArgumentParser(
        prog="python -m actions.server",
        description="De actie-server: alleen bereikbaar met het gedeelde geheim.",
        epilog="Voorbeeld: python -m actions.server --port 5055",
    )
    parser.add_argument("--host", default=settings.action_host,
                        help="adres om op te luisteren (standaard GEMEENTETOLK_ACTION_HOST, 127.0.0.1)")
    parser.add_argument("--port", type=int, default=settings.action_port,
                        help="poort (standaard GEMEENTETOLK_ACTION_PORT, 5055)")
    parser.add_argument("--actions", default="actions", help="pakket met de acties")
    args = parser.parse_args(argv)

    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    app = create_app(settings.action_secret, args.actions)
    logger.info("Action server on http://%s:%s (secret required)", args.host, args.port)
    app.run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
