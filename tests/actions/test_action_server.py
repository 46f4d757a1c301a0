"""The closed action server (actions/server.py) as a process: loopback only, the secret on
every route but /health, and a failing action answers without the error's text or the request."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psutil
import pytest

from actions.server import authorized, parse_call
from tests.conftest import free_port
from tests.security.cases import http
from tests.support.crashing_actions import SECRET_TEXT
from tests.support.testing import start_action_server

ROOT = Path(__file__).resolve().parents[2]
SECRET = "c" * 40


@pytest.fixture(scope="module")
def crashing(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("crash") / "actions.log"
    proc, url = start_action_server({"GEMEENTETOLK_ACTION_SECRET": SECRET}, log,
                                    ("--port", str(port), "--actions", "tests.support.crashing_actions"),
                                    timeout=60)
    yield url, port, log
    proc.terminate()
    proc.wait(10)


def test_it_listens_on_loopback_only(crashing) -> None:
    _, port, _ = crashing
    found = [c.laddr.ip for c in psutil.net_connections(kind="tcp")
             if c.status == psutil.CONN_LISTEN and c.laddr.port == port]
    assert found == ["127.0.0.1"]


def test_a_failing_action_says_so_without_the_error_text_or_the_request(crashing) -> None:
    url, _, log = crashing
    call = {"next_action": "action_crash", "tracker": {"sender_id": "x", "slots": {},
            "latest_message": {"text": SECRET_TEXT}, "events": []}, "domain": {}}
    status, body, _ = http("POST", url + "/webhook", json.dumps(call).encode(),
                           {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"})
    assert status == 500
    data = json.loads(body)
    assert data["message"].startswith("De actie is mislukt") and data["action_name"] == "action_crash"
    assert "Pien" not in body.decode() and "request_body" not in body.decode()
    time.sleep(0.3)
    text = log.read_text(encoding="utf-8")
    assert "Action 'action_crash' failed: RuntimeError" in text
    assert "Pien" not in text and "voorbeeld.example" not in text


def test_the_secret_check_is_exact() -> None:
    assert authorized(f"Bearer {SECRET}", SECRET)
    for header in (None, "", SECRET, f"bearer {SECRET}", f"Bearer {SECRET}x", f"Bearer {SECRET[:-1]}",
                   f"Basic {SECRET}"):
        assert not authorized(header, SECRET), header
    assert not authorized("Bearer ", "")  # no secret: nobody gets in


def test_the_call_shape_is_checked_before_any_action_runs() -> None:
    good = json.dumps({"next_action": "a", "tracker": {"sender_id": "s", "events": []}}).encode()
    assert parse_call(good, None)[0] is not None
    import zlib

    assert parse_call(zlib.compress(good), "deflate")[0] is not None
    bomb = zlib.compress(b'{"x": "' + b"a" * 6_000_000 + b'"}')
    assert parse_call(bomb, "deflate") == (None, "Dit verzoek is te groot voor de actie-server.")
    for bad in (b"[]", b"{}", b'{"next_action": 1, "tracker": {}}', b"\xff",
                b'{"next_action": "a", "tracker": {"sender_id": 5}}'):
        assert parse_call(bad, None)[0] is None, bad
