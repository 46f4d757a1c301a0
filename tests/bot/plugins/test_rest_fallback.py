"""The REST channel, like the website channel, answers a silent turn with the municipality's own
route (the action server is down: Rasa produced no message)."""

from __future__ import annotations

import pytest

from bot.plugins.rest import SafeRestInput
from tests.support.testing import ChannelServer


@pytest.fixture(scope="module")
def rest():
    server = ChannelServer(b"r" * 40, channel=SafeRestInput())
    server.start()
    yield server
    server.stop()


def _reply(rest, body: dict) -> str:
    status, reply, _ = rest.request("POST", "/webhook", body, prefix="/webhooks/rest", origin=None)
    assert status == 200
    return " ".join(m.get("text") or "" for m in reply)


def test_silence_gets_the_municipalitys_phone_and_hours(rest) -> None:
    text = _reply(rest, {"sender": "r1", "message": "stil", "metadata": {"municipality": "vlietmonde"}})
    assert text.startswith("Sorry, er ging aan mijn kant iets mis.")
    assert "Vlietmonde" in text and "14 083" in text and "netnummer" not in text


def test_a_crash_without_a_municipality_gets_the_general_route(rest) -> None:
    text = _reply(rest, {"sender": "r2", "message": "crash"})
    assert "14 met daarachter het netnummer" in text
