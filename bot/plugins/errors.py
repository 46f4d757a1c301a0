"""Dutch answers for paths and methods the channels do not have.

Sanic answers an unknown path under a channel's URL (``/webhooks/website/../x``, a wrong
method) with an English page. The channels install these handlers when the server starts;
paths outside the channels (Rasa's own API) keep Sanic's and Rasa's answers.
"""

from __future__ import annotations

from typing import Any

from sanic import response
from sanic.exceptions import MethodNotSupported, NotFound

CHANNEL_PREFIXES = ("/webhooks/website", "/webhooks/rest")
MSG_NOT_FOUND = "Dit adres bestaat niet. De chat gebruikt /webhooks/website/webhook."
MSG_METHOD = "Deze manier van versturen wordt hier niet gebruikt (verkeerde HTTP-methode)."


def install(app: Any) -> None:
    """Add the Dutch 404/405 for the channels' paths to ``app`` (once)."""
    if getattr(app.ctx, "gemeentetolk_errors", False):
        return
    app.ctx.gemeentetolk_errors = True
    handler = app.error_handler

    def dutch(request: Any, exception: Exception):
        path = str(getattr(request, "path", "") or "")
        if not path.startswith(CHANNEL_PREFIXES):
            return handler.default(request, exception)
        if isinstance(exception, MethodNotSupported):
            return response.json({"error": "method", "message": MSG_METHOD}, status=405)
        return response.json({"error": "not_found", "message": MSG_NOT_FOUND}, status=404)

    handler.add(NotFound, dutch)
    handler.add(MethodNotSupported, dutch)
