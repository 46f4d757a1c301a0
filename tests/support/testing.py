"""Test support: the website channel mounted in a Sanic app set up like Rasa's server (same CORS
configuration, same channel registration), with a small fake agent instead of a trained model.

Used by tests/bot/test_website_channel.py and the browser tests in tests/web/. Starts nothing
at import.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import urllib.error
import urllib.request
from typing import Any

ORIGIN = "http://localhost:8080"
PREFIX = "/webhooks/website"
_app_names = itertools.count()


# Debian Chromium flags for headless runs here: no background traffic, no first-run UI.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_action_server(env: dict[str, str], log_path, args: tuple[str, ...] = (),
                        timeout: float = 90.0, drop: tuple[str, ...] = ()):
    """``python -m actions.server`` as a process, once its /health answers: (process, url).

    ``env`` must name the port (``GEMEENTETOLK_ACTION_PORT``) or ``args`` must (``--port``).
    Variables named in ``drop`` are left out. The process writes to ``log_path``; when it stops or is not up in time the test fails
    with the end of that log."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    import pytest

    root = Path(__file__).resolve().parents[2]
    port = args[args.index("--port") + 1] if "--port" in args else env["GEMEENTETOLK_ACTION_PORT"]
    env = {k: v for k, v in {**os.environ, "PYTHONPATH": str(root), **env}.items() if k not in drop}
    with open(log_path, "w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "actions.server", *args], cwd=root, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as resp:  # noqa: S310
                if resp.status == 200:
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("De actie-server startte niet:\n" + Path(log_path).read_text()[-3000:])
        time.sleep(0.2)


def settings_on_free_ports(hosts: tuple[str, ...] = ("localhost", "127.0.0.1")):
    """Project settings with free ports for every server, and the demo page's origins allowed."""
    import dataclasses

    from bot.services.settings import load_settings

    web_port = free_port()
    return dataclasses.replace(
        load_settings(),
        action_port=free_port(),
        rasa_port=free_port(),
        web_port=web_port,
        allowed_origins=tuple(f"http://{host}:{web_port}" for host in hosts),
    )


class FakeAgent:
    """Answers like a tiny bot and keeps trackers in Rasa's in-memory tracker store.

    ``knoppen`` -> a message with a button; ``begrip`` -> text, then the explained terms as
    a separate custom message (as Rasa sends them); ``xss`` -> hostile text, button and term;
    ``slotterm`` -> text in two parts and only the ``explained_terms`` slot set (no terms in
    the message: the channel must not add any); ``crash`` -> raises; ``stil`` -> says nothing;
    anything else -> ``echo: <text>``.
    """

    def __init__(self) -> None:
        from rasa.core.tracker_store import InMemoryTrackerStore
        from rasa.shared.core.domain import Domain

        self.domain = Domain.from_dict(
            {"slots": {"explained_terms": {"type": "list", "mappings": [{"type": "custom"}]}}}
        )
        self.tracker_store = InMemoryTrackerStore(self.domain)
        self.received: list[Any] = []

    async def handle_message(self, message: Any) -> None:
        from rasa.shared.core.events import BotUttered, UserUttered
        from rasa.shared.core.trackers import DialogueStateTracker

        self.received.append(message)
        out = message.output_channel
        sender = message.sender_id
        text = message.text
        replies: list[dict] = []
        if text == "crash":
            raise RuntimeError("boom")
        if text == "knoppen":
            replies.append(
                {"text": "Kies maar.", "buttons": [{"title": "Ja", "payload": "/affirm"}]}
            )
        elif text == "begrip":
            replies.append({"text": "echo: begrip"})
            replies.append(
                {"custom": {"terms": [{"term": "aanbesteding", "plain": "een opdracht"}]}}
            )
        elif text == "xss":
            evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
            replies.append(
                {
                    "text": f"Antwoord {evil} [klik](javascript:window.__xss=3) https://example.org/a?b=1",
                    "buttons": [{"title": evil, "payload": "/affirm"}],
                }
            )
            replies.append(
                {
                    "custom": {
                        "terms": [
                            {"term": "inschrijving" + evil, "plain": evil, "definition": evil}
                        ]
                    }
                }
            )
        elif text == "antwoord":
            import secrets

            replies.append({"text": "Zo schrijf je in op een opdracht van de gemeente."})
            marker = {"answer": "procurement/bidding", "ref": secrets.token_urlsafe(18)}
            replies.append({"custom": {"feedback": marker}})
        elif text == "slotterm":
            # only the slot is set: terms travel with the message or not at all
            replies.append({"text": "Bij een aanbesteding mag iedereen bieden.\n\nTweede deel."})
        elif text != "stil":
            replies.append({"text": f"echo: {text}"})

        tracker = await self.tracker_store.retrieve(sender)
        if tracker is None:
            tracker = DialogueStateTracker(sender, self.domain.slots)
        tracker.update(UserUttered(text, metadata=message.metadata))
        for reply in replies:
            if reply.get("buttons"):
                await out.send_text_with_buttons(sender, reply["text"], reply["buttons"])
            elif reply.get("text"):
                await out.send_text_message(sender, reply["text"])
            if reply.get("custom"):
                await out.send_custom_json(sender, reply["custom"])
            data = {"buttons": reply.get("buttons"), "custom": reply.get("custom")}
            tracker.update(BotUttered(reply.get("text"), data=data))
        if text == "slotterm":
            from rasa.shared.core.events import SlotSet

            old = (
                tracker.get_slot("explained_terms") if "explained_terms" in tracker.slots else None
            )
            tracker.update(SlotSet("explained_terms", [*(old or []), "aanbesteding", "onbekend"]))
        await self.tracker_store.save(tracker)


class ChannelServer:
    """Runs the website channel on a free port in a background thread."""

    def __init__(self, secret: bytes, origins: tuple[str, ...] = (ORIGIN,), channel: Any = None,
                 **channel_kwargs: Any):
        self.secret = secret
        self.origins = origins
        self.channel = channel  # another input channel instead of the website channel (REST)
        self.channel_kwargs = channel_kwargs
        self.port = free_port()
        self.agent = FakeAgent()
        self._loop = asyncio.new_event_loop()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        from rasa.core.channels.channel import register
        from rasa.server import configure_cors
        from sanic import Sanic

        from bot.plugins.website import WebsiteInput

        app = Sanic(f"website_test_{next(_app_names)}")
        Sanic.test_mode = True  # lets several test apps run in one process (as sanic-testing does)
        configure_cors(app, None)  # as `rasa run` does without --cors
        channel = self.channel or WebsiteInput(self.secret, self.origins, **self.channel_kwargs)
        register([channel], app, route="/webhooks/")
        app.ctx.agent = self.agent
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(self._loop)

            async def serve() -> None:
                self._server = await app.create_server(
                    host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
                )
                await self._server.startup()
                await self._server.before_start()  # listeners, as `rasa run` triggers them
                await self._server.start_serving()

            try:
                self._loop.run_until_complete(serve())
            except BaseException as err:  # pragma: no cover - shown by the test
                errors.append(err)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(15)
        if errors:
            raise errors[0]

    def stop(self) -> None:
        if self._server is not None:

            async def close() -> None:
                self._server.close()
                await self._server.wait_closed()

            asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(10)

    def request(
        self,
        method: str,
        path: str,
        *args: Any,
        prefix: str = PREFIX,
        **kwargs: Any,
    ) -> tuple[int, Any, dict[str, str]]:
        return self._request(method, prefix + path, *args, **kwargs)

    def _request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        content_type: str | None = "application/json",
        token: str | None = None,
        origin: str | None = ORIGIN,
        extra: dict[str, str] | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        headers = dict(extra or {})
        if origin:
            headers["Origin"] = origin
        if token:
            headers["Authorization"] = token if token.startswith("Bearer") else f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None and content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(
            self.url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - localhost
                status, payload, resp_headers = resp.status, resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as err:
            status, payload, resp_headers = err.code, err.read(), dict(err.headers)
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = payload.decode("utf-8", "replace")
        return status, parsed, resp_headers

    def send(self, token: str, body: dict, origin: str | None = ORIGIN):
        return self.request("POST", "/webhook", body, token=token, origin=origin)
