"""Property-based fuzzing of the website channel (hypothesis), with a fixed budget: derandomized
(the same inputs every run), a bounded number of examples, no example database.

Properties for every input: never a 500 or a stack trace, always JSON, a refusal always has an
error code and a Dutch message, an answer is a list of plain-text messages, and no typed text
reaches Rasa as a /command.
"""

from __future__ import annotations

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.cases import http, is_dutch, no_stack_trace, website_token
from tests.security.conftest import record
from tests.support.testing import ORIGIN

BUDGET = settings(max_examples=120, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck), print_blob=False)
ALLOWED = {200, 400, 401, 403, 413, 415}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
typed_text = st.one_of(
    st.text(max_size=300),  # any unicode, control characters and lone surrogates included
    st.text(alphabet=string.printable + "/{}<>\"'\\", max_size=200).map(lambda t: "/" + t),
    st.sampled_from(["/restart", '/ask_contact{"municipality": "x"}', "<script>alert(1)</script>",
                     "javascript:alert(1)", "\x00\x1b[31m", "a" * 1001, "   ", "😀" * 5]),
)


def _check(ep, status: int, body: bytes, headers: dict[str, str]) -> None:
    assert status in ALLOWED, (status, body[:300])
    assert no_stack_trace(body)
    assert headers["content-type"].startswith("application/json")
    data = json.loads(body)
    if status == 200:
        assert isinstance(data["messages"], list) and data["messages"]
        for msg in data["messages"]:
            assert msg["from"] == "bot" and isinstance(msg.get("text", ""), str)
    else:
        assert isinstance(data["error"], str) and is_dutch(data["message"]), data
    for message in ep.server.agent.received[-1:]:
        text = message.text or ""
        assert not text.startswith("/") or text in ("/ask_contact",), text


def _post(ep, body: bytes, headers: dict[str, str]):
    return http("POST", ep.url + "/webhooks/website/webhook", body, headers)


def test_fuzz_typed_messages(website) -> None:
    token = website_token("valid", website.secret)

    @BUDGET
    @given(text=typed_text, metadata=json_values)
    def typed(text, metadata) -> None:
        body = json.dumps({"message": text, "metadata": metadata}).encode()
        headers = {"Origin": ORIGIN, "Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        _check(website, *_post(website, body, headers))

    _run_given("website_fuzz", typed)


def test_fuzz_whole_json_bodies(website) -> None:
    token = website_token("valid", website.secret)

    @BUDGET
    @given(body=json_values)
    def bodies(body) -> None:
        headers = {"Origin": ORIGIN, "Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        _check(website, *_post(website, json.dumps(body).encode(), headers))

    _run_given("website_fuzz", bodies)


def test_fuzz_raw_bytes_headers_and_sessions(website) -> None:
    @BUDGET
    @given(
        raw=st.binary(max_size=400) | st.just(b"a" * 17_000),
        content_type=st.sampled_from(["application/json", "text/plain", "application/json; charset=latin-1", ""]),
        origin=st.sampled_from([ORIGIN, "https://evil.example", "null", "", ORIGIN + "/", "HTTP://LOCALHOST:8080"]),
        token=st.sampled_from(["valid", "forged", "expired", "foreign", "v1", "swapped", "future", None])
        | st.text(alphabet=string.ascii_letters + string.digits + ".-_", max_size=120),
    )
    def raw_requests(raw, content_type, origin, token) -> None:
        headers = {}
        if origin:
            headers["Origin"] = origin
        if content_type:
            headers["Content-Type"] = content_type
        kinds = {"valid", "forged", "expired", "foreign", "v1", "swapped", "future"}
        value = website_token(token, website.secret) if token in kinds else token
        if value:
            headers["Authorization"] = f"Bearer {value}"
        _check(website, *_post(website, raw, headers))

    _run_given("website_fuzz", raw_requests)


def _run_given(name: str, given_test) -> None:
    """Run a @given test and record how many inputs hypothesis tried (all passed, or none)."""
    inner = given_test.hypothesis.inner_test
    calls = {"n": 0}

    def counted(*args, **kwargs):
        calls["n"] += 1
        return inner(*args, **kwargs)

    given_test.hypothesis.inner_test = counted
    passed = False
    try:
        given_test()
        passed = True
    finally:
        record(name, calls["n"], calls["n"] if passed else 0)
