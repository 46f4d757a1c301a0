"""Switch the running Rasa server to a new model without stopping it from answering.

Rasa 3.6's ``PUT /model`` loads the new model inside the server's event loop
(``Agent.load_model`` is synchronous), so the server answers nothing while TensorFlow builds
the new graphs: on this machine 20 s to more than 2 minutes, longer than the widget waits.

This input channel (``/webhooks/model/switch``) loads the new model's ``MessageProcessor`` in a
worker thread while the old one keeps answering, then swaps it in, as ``Agent.load_model``
does: same tracker store, lock store, action endpoint and response generator, so every
conversation simply continues. Messages that are being handled finish with the old model.

``POST /webhooks/model/switch?token=<GEMEENTETOLK_RASA_API_TOKEN>`` with
``{"model_file": "/abs/path/model.tar.gz"}``; ``GET /webhooks/model/`` reports the running model.
Without a token setting the route refuses everything (403).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request

logger = logging.getLogger(__name__)


def _token() -> str:
    from bot.services.settings import load_settings

    return load_settings().workspace.rasa_api_token


def _allowed(request: Request) -> bool:
    expected = _token()
    given = request.args.get("token") or ""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        given = header[7:]
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def build_processor(agent: Any, model_path: str) -> Any:
    """Load a model into a new MessageProcessor that shares the agent's stores (slow: thread)."""
    from rasa.core.processor import MessageProcessor

    return MessageProcessor(
        model_path=model_path,
        tracker_store=agent.tracker_store,
        lock_store=agent.lock_store,
        action_endpoint=agent.action_endpoint,
        generator=agent.nlg,
        http_interpreter=agent.http_interpreter,
    )


def install(agent: Any, processor: Any) -> None:
    """What ``Agent.load_model`` does after loading, on the event loop thread (one step)."""
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator

    agent.processor = processor
    agent.domain = processor.domain
    agent._set_fingerprint(None)
    agent.tracker_store.domain = agent.domain
    if isinstance(agent.nlg, TemplatedNaturalLanguageGenerator):
        agent.nlg.responses = agent.domain.responses if agent.domain else {}


class ModelSwitchInput(InputChannel):
    """Not a chat channel: the route the workspace's "Publiceren" uses to switch models."""

    _lock: asyncio.Lock | None = None

    @classmethod
    def name(cls) -> str:
        return "model"

    def blueprint(self, on_new_message: Any) -> Blueprint:
        bp = Blueprint("model_switch", __name__)
        channel = self

        @bp.route("/", methods=["GET"])
        async def status(request: Request) -> Any:
            if not _allowed(request):
                return response.json({"error": "forbidden"}, status=403)
            agent = getattr(request.app.ctx, "agent", None)
            name = getattr(getattr(agent, "processor", None), "model_path", None)
            return response.json({"model_file": str(name) if name else None})

        @bp.route("/switch", methods=["POST"])
        async def switch(request: Request) -> Any:
            if not _allowed(request):
                return response.json({"error": "forbidden", "message": "Het token klopt niet."}, status=403)
            body = request.json if isinstance(request.json, dict) else {}
            path = Path(str(body.get("model_file") or ""))
            if not path.name.endswith(".tar.gz") or not path.is_file():
                return response.json({"error": "bad_model", "message": f"Model {path} bestaat niet."}, status=400)
            agent = request.app.ctx.agent
            if channel._lock is None:
                channel._lock = asyncio.Lock()
            async with channel._lock:  # one switch at a time
                loop = asyncio.get_running_loop()
                try:
                    processor = await loop.run_in_executor(None, build_processor, agent, str(path))
                except Exception as err:  # noqa: BLE001 - the old model keeps answering
                    logger.warning("Loading model %s failed: %s", path.name, type(err).__name__)
                    return response.json({"error": "load_failed",
                                          "message": f"Het model kon niet geladen worden ({type(err).__name__})."},
                                         status=500)
                install(agent, processor)
            logger.info("Switched to model %s", path.name)
            return response.json({"model_file": str(path)})

        return bp
