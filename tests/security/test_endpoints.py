"""Every row of tests/security/cases.py against its endpoint: the expected status, a Dutch
message where one is due, never a 500 or a stack trace."""

from __future__ import annotations

import json

import pytest

from tests.security.cases import (
    CASES,
    Case,
    http,
    is_dutch,
    message_of,
    no_stack_trace,
    request_for,
)
from tests.security.conftest import SECRET, record
from tests.support.testing import ORIGIN, ChannelServer


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_the_expected_status_and_a_dutch_message(case: Case, request) -> None:
    ep = request.getfixturevalue(case.endpoint)
    passed = False
    try:
        status, body, headers = http(*request_for(case, ep))
        assert status != 500 and no_stack_trace(body), body[:500]
        assert status == case.status, (status, body[:300])
        if case.dutch:
            assert is_dutch(message_of(body)), message_of(body)
        if case.check:
            case.check(ep, status, body, headers)
        passed = True
    finally:
        record(case.endpoint, 1, int(passed))


def test_too_many_messages_get_429_with_a_dutch_message_and_retry_after() -> None:
    server = ChannelServer(SECRET, messages_per_minute=3, address_messages_per_minute=100)
    server.start()
    passed = False
    try:
        _, created, _ = server.request("POST", "/session")
        token = created["session"]
        statuses = [server.send(token, {"message": f"bericht {i}"})[0] for i in range(3)]
        status, body, headers = server.send(token, {"message": "nog een"})
        assert statuses == [200, 200, 200] and status == 429
        assert is_dutch(body["message"]) and int(headers["Retry-After"]) >= 1
        passed = True
    finally:
        server.stop()
        record("website", 1, int(passed))


def test_the_table_covers_every_kind_of_bad_input_for_every_endpoint() -> None:
    """The issue's list: sessions, origins, sizes, malformed and wrong-type bodies, the /intent
    trick, control characters, HTML/JavaScript and path tricks, for each endpoint that takes them."""
    names = {ep: " ".join(c.name.lower() for c in CASES if c.endpoint == ep)
             for ep in ("website", "rest", "actions", "demo")}
    for word in ("forged", "expired", "foreign session", "foreign origin", "oversized", "malformed",
                 "number", "/intent", "control", "html", "path trick"):
        assert word in names["website"], word
    for word in ("oversized", "malformed", "number", "/intent", "control", "html", "path trick"):
        assert word in names["rest"], word
    for word in ("without secret", "wrong secret", "oversized", "malformed", "wrong type", "path trick"):
        assert word in names["actions"], word
    for word in ("passwd", "null byte", "script"):
        assert word in names["demo"], word
    names["workspace"] = " ".join(c.name.lower() for c in CASES if c.endpoint == "workspace")
    for word in ("without login", "csrf", "forged", "oversized", "malformed", "script", "path trick"):
        assert word in names["workspace"], word
    assert json.dumps(ORIGIN)  # the website rows use the harness's allowed origin
