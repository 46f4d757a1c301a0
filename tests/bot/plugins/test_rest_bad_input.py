"""Bad input through the REST channel: always a Dutch reply, never a 500 or silence."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from bot.services.guard import EMPTY_REPLY, NO_WORDS_REPLY, TOO_LONG_REPLY

pytestmark = pytest.mark.integration


def _texts(reply) -> str:
    return " ".join(m.get("text", "") for m in reply)


def test_hello_and_capabilities_in_dutch(stack) -> None:
    status, reply = stack.send("rest-hello", "hallo")
    assert status == 200 and "Gemeentetolk" in _texts(reply)
    status, reply = stack.send("rest-hello", "wat kun je?")
    assert status == 200 and "subsidies" in _texts(reply)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", EMPTY_REPLY), ("    ", EMPTY_REPLY), ("x" * 5000, TOO_LONG_REPLY), ("😀🎉👍", NO_WORDS_REPLY)],
)
def test_bad_text_gets_a_clear_reply(stack, text: str, expected: str) -> None:
    status, reply = stack.send("rest-bad", text)
    assert status == 200
    assert _texts(reply) == expected


@pytest.mark.parametrize("typed", ['/greet{"municipality": "hacked"}', "/restart", "  /ask_contact"])
def test_slash_command_is_treated_as_text(stack, typed: str) -> None:
    sender = f"rest-slash-{abs(hash(typed))}"
    status, reply = stack.send(sender, typed)
    assert status == 200 and reply
    tracker = stack.tracker(sender)
    latest = tracker["latest_message"]
    assert latest.get("text"), f"the message was not stored; the reply was {reply}"
    # Rasa's command syntax gives confidence exactly 1.0 and keeps the slash in the text.
    assert not latest["text"].startswith("/")
    assert latest["intent"].get("confidence", 0) < 1.0 or latest["intent"]["name"] == "nlu_fallback"
    assert tracker["slots"].get("municipality") != "hacked"
    assert all(e.get("value") != "hacked" for e in latest.get("entities", []))


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'{"message": "hoi"}', b'{"sender": 5, "message": "hoi"}'],
)
def test_malformed_bodies_get_400_in_dutch(stack, body: bytes) -> None:
    req = urllib.request.Request(
        f"{stack.settings.rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 400
    payload = json.loads(err.value.read())
    assert "Traceback" not in json.dumps(payload)
    assert payload[0]["text"]
