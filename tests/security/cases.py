"""The table of bad inputs per endpoint: what is sent, the status expected, and whether the
answer must carry a Dutch message. Never a 500, never a stack trace (checked for every row).

An endpoint is a fixture in tests/security/conftest.py; its rows are the ``Case`` entries
below with that endpoint's name. Adding an endpoint = a fixture + a name in ``ENDPOINTS`` +
its rows.
"""

from __future__ import annotations

import http.client as httpclient
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.services import websecurity as sec
from tests.support.testing import ORIGIN

# fixture name -> the title in the table
ENDPOINTS = {
    "website": "website channel /webhooks/website",
    "website_fuzz": "website channel (hypothesis fuzz)",
    "rest": "REST channel /webhooks/rest",
    "actions": "action server /webhook",
    "demo": "demo page server",
    "workspace": "workspace (Beheer)",
}


@dataclass
class Endpoint:
    name: str
    url: str
    secret: bytes | None = None
    server: Any = None  # the ChannelServer (its fake agent shows what reached Rasa)
    db_url: str | None = None
    log: Any = None


def http(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = 15) -> tuple[int, bytes, dict[str, str]]:
    """One request exactly as given (no path normalisation, any method)."""
    parts = urlsplit(url)
    conn = httpclient.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    path = url[len(f"{parts.scheme}://{parts.netloc}"):] or "/"
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, resp.read(), {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()


# --- what a good answer looks like -------------------------------------------------------------

_DUTCH = {"je", "de", "het", "een", "niet", "is", "dit", "deze", "geen", "bericht", "gesprek", "ik",
          "kan", "van", "op", "met", "te", "bestaat", "verzoek", "alleen", "wordt", "hier", "er",
          "opnieuw", "pagina", "toegang", "actie", "server", "maximaal", "tekens", "stuur", "woorden"}
_ENGLISH = {"the", "requested", "please", "invalid", "error", "not", "found", "unauthorized"}


def is_dutch(text: str) -> bool:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    return len(set(words) & _DUTCH) >= 2 and not set(words) & _ENGLISH


def message_of(body: bytes) -> str:
    """The human text in an answer: ``message``, the bot messages' texts, the heading and
    paragraphs of an HTML page, or the plain body."""
    try:
        data = json.loads(body)
    except ValueError:
        text = body.decode("utf-8", "replace")
        if "<html" in text.lower():
            parts = re.findall(r"<(h1|p)\b[^>]*>(.*?)</\1>", text, flags=re.S | re.I)
            return " ".join(re.sub(r"<[^>]+>", " ", inner) for _, inner in parts)
        return text
    if isinstance(data, dict):
        if isinstance(data.get("message"), str):
            return data["message"]
        texts = [m.get("text", "") for m in data.get("messages") or [] if isinstance(m, dict)]
        return " ".join(texts)
    if isinstance(data, list):
        return " ".join(m.get("text") or "" for m in data if isinstance(m, dict))
    return ""


def no_stack_trace(body: bytes) -> bool:
    text = body.decode("utf-8", "replace")
    return not any(mark in text for mark in ("Traceback", 'File "', "Exception:", "request_body"))


# --- tokens and headers per endpoint -------------------------------------------------------------


def website_token(kind: str, secret: bytes) -> str | None:
    signer = sec.SessionSigner(secret)
    session_id, token = signer.issue()
    if kind == "valid":
        return token
    if kind == "forged":
        return token[:-1] + ("A" if token[-1] != "A" else "B")
    if kind == "expired":
        old = sec.SessionSigner(secret, clock=lambda: time.time() - 25 * 3600)
        return old.token_for(session_id)
    if kind == "foreign":  # signed by another installation
        return sec.SessionSigner(b"o" * 40).issue()[1]
    if kind == "v1":  # the old format, without an issue time
        return f"v1.{session_id}." + "A" * 43
    if kind == "swapped":
        other, _ = signer.issue()
        return token.replace(session_id, other)
    if kind == "future":
        return sec.SessionSigner(secret, clock=lambda: time.time() + 3600).token_for(session_id)
    if kind == "huge":
        return "v2." + "A" * 4000  # (over Sanic's 8 KB header limit Sanic itself answers 413)
    return None


@dataclass
class Case:
    endpoint: str
    name: str
    method: str = "POST"
    path: str = "/webhook"
    body: Any = None  # JSON-able; ignored when ``raw`` is set
    raw: bytes | None = None
    content_type: str | None = "application/json"
    token: str | None = "valid"  # website: a token kind; actions: "valid", "wrong", "none", ...
    origin: str | None = ORIGIN  # website only
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    dutch: bool = True
    check: Callable[..., None] | None = None  # check(endpoint, status, body, headers)

    @property
    def id(self) -> str:
        return f"{self.endpoint}:{self.name}"


def _received_text(ep: Endpoint) -> str:
    return ep.server.agent.received[-1].text


def _no_slash_command(ep: Endpoint, status, body, headers) -> None:
    assert not _received_text(ep).startswith("/")


def _no_control_chars(ep: Endpoint, status, body, headers) -> None:
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", _received_text(ep))


def _json_not_html(ep: Endpoint, status, body, headers) -> None:
    assert headers["content-type"].startswith("application/json")
    assert headers.get("x-content-type-options") == "nosniff"


def _rest_json(ep: Endpoint, status, body, headers) -> None:
    assert headers["content-type"].startswith("application/json")


def _expired_says_reload(ep: Endpoint, status, body, headers) -> None:
    data = json.loads(body)
    assert data["error"] == "session_expired" and "Laad de pagina opnieuw" in data["message"]


def _fresh_token(ep: Endpoint, status, body, headers) -> None:
    token = json.loads(body)["session"]
    assert sec.SessionSigner(ep.secret).verify(token)


def _nothing_stored(ep: Endpoint, status, body, headers) -> None:
    import sqlite3

    with sqlite3.connect(ep.db_url.removeprefix("sqlite:///")) as conn:
        assert conn.execute("SELECT COUNT(*) FROM contact_requests").fetchone() == (0,)


def _no_metadata(ep: Endpoint, status, body, headers) -> None:
    assert ep.server.agent.received[-1].metadata == {}


def _no_reflection(ep: Endpoint, status, body, headers) -> None:
    assert b"<script>" not in body and b"alert(" not in body


def _to_login(ep: Endpoint, status, body, headers) -> None:
    assert "/login" in headers["location"]


def _escaped(ep: Endpoint, status, body, headers) -> None:
    assert b"<script>alert" not in body and headers["content-type"].startswith("text/html")


HTML = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
MADE_UP_CALL = {  # the attack from the issue: a made-up tracker that files a contact request
    "next_action": "action_submit_contact",
    "tracker": {"sender_id": "aanvaller", "slots": {
        "contact_consent": True, "contact_summary": "spam spam spam", "contact_name": "Spam Bot",
        "contact_email": "spam@voorbeeld.example", "contact_phone": "geen"},
        "latest_message": {}, "events": []},
    "domain": {},
}
GOOD_CALL = {"next_action": "action_clarify",
             "tracker": {"sender_id": "suite", "slots": {}, "latest_message": {"intent_ranking": []},
                         "events": []}, "domain": {}}

W, R, A, D, Ws = "website", "rest", "actions", "demo", "workspace"
CASES: list[Case] = [
    # --- website channel: sessions -------------------------------------------------------------
    Case(W, "valid session (baseline)", body={"message": "hallo"}, dutch=False, check=_fresh_token),
    Case(W, "no session", body={"message": "hallo"}, token=None, status=401),
    Case(W, "forged session", body={"message": "hallo"}, token="forged", status=401),
    Case(W, "expired session", body={"message": "hallo"}, token="expired", status=401,
         check=_expired_says_reload),
    Case(W, "foreign session (other secret)", body={"message": "hallo"}, token="foreign", status=401),
    Case(W, "old v1 session", body={"message": "hallo"}, token="v1", status=401),
    Case(W, "swapped session id", body={"message": "hallo"}, token="swapped", status=401),
    Case(W, "session from the future", body={"message": "hallo"}, token="future", status=401),
    Case(W, "4 KB token", body={"message": "hallo"}, token="huge", status=401),
    Case(W, "Basic instead of Bearer", body={"message": "hallo"}, token=None, status=401,
         headers={"Authorization": "Basic YWRtaW46YWRtaW4="}),
    Case(W, "expired session, history", method="GET", path="/history", token="expired", status=401,
         check=_expired_says_reload),
    Case(W, "forged session, history", method="GET", path="/history", token="forged", status=401),
    # --- website channel: origins ---------------------------------------------------------------
    Case(W, "foreign origin", body={"message": "hallo"}, origin="https://evil.example", status=403),
    Case(W, "no origin", body={"message": "hallo"}, origin=None, status=403),
    Case(W, "origin null", body={"message": "hallo"}, origin="null", status=403),
    Case(W, "origin with a path", body={"message": "hallo"}, origin=ORIGIN + "/x", status=403),
    Case(W, "look-alike origin", body={"message": "hallo"}, origin=ORIGIN + ".evil.example", status=403),
    Case(W, "foreign origin, new session", path="/session", token=None,
         origin="https://evil.example", status=403),
    Case(W, "foreign origin, preflight", method="OPTIONS", token=None, origin="https://evil.example",
         status=403, headers={"Access-Control-Request-Method": "POST"}),
    # --- website channel: bodies ----------------------------------------------------------------
    Case(W, "oversized body (20 KB)", raw=json.dumps({"message": "a" * 20_000}).encode(), status=413),
    Case(W, "malformed JSON", raw=b'{"message": "hallo"', status=400),
    Case(W, "JSON array", body=["hallo"], status=400),
    Case(W, "JSON string", body="hallo", status=400),
    Case(W, "not UTF-8", raw=b'{"message": "\xff\xfe"}', status=400),
    Case(W, "text/plain", raw=b'{"message": "hallo"}', content_type="text/plain", status=415),
    Case(W, "no message field", body={"tekst": "hallo"}, status=400),
    Case(W, "message is a number", body={"message": 42}),
    Case(W, "message is a list", body={"message": ["hallo"]}),
    Case(W, "message is an object", body={"message": {"text": "hallo"}}),
    Case(W, "empty message", body={"message": "   "}),
    Case(W, "overlong message", body={"message": "a " * 600}),
    Case(W, "metadata of the wrong type", body={"message": "hallo", "metadata": ["x"]},
         dutch=False, check=_no_metadata),
    Case(W, "metadata municipality path trick", body={"message": "hallo", "metadata":
         {"municipality": "../../etc/passwd"}}, dutch=False, check=_no_metadata),
    # --- website channel: what is typed -------------------------------------------------------------
    Case(W, "/intent{...} trick", body={"message": '/ask_contact{"municipality": "x"}'},
         dutch=False, check=_no_slash_command),
    Case(W, "/restart trick", body={"message": "/restart"}, check=_no_slash_command, dutch=False),
    Case(W, "button payload never offered", body={"payload": "/affirm"}),
    Case(W, "control characters", body={"message": "hal\x00lo\x07 \x1b[31mrood\x7f"}, dutch=False,
         check=_no_control_chars),
    Case(W, "HTML and JavaScript payload", body={"message": HTML}, dutch=False, check=_json_not_html),
    Case(W, "javascript: URL", body={"message": "javascript:alert(document.cookie)"}, dutch=False,
         check=_json_not_html),
    # --- website channel: paths and methods ----------------------------------------------------------
    Case(W, "path trick ../rest", path="/../rest/webhook", body={"message": "hallo"}, status=404),
    Case(W, "path trick %2e%2e", path="/%2e%2e/history", method="GET", status=404),
    Case(W, "path below webhook", path="/webhook/extra", body={"message": "hallo"}, status=404),
    Case(W, "wrong method", method="GET", path="/webhook", status=405),
    Case(W, "DELETE history", method="DELETE", path="/history", status=405),
    # --- REST channel ---------------------------------------------------------------------------------
    Case(R, "valid message (baseline)", body={"sender": "suite", "message": "hallo"}, dutch=False,
         check=_rest_json),
    Case(R, "malformed JSON", raw=b'{"sender": "x", "message": ', status=400),
    Case(R, "JSON array", body=[{"sender": "x"}], status=400),
    Case(R, "no sender", body={"message": "hallo"}, status=400),
    Case(R, "sender is a number", body={"sender": 7, "message": "hallo"}, status=400),
    Case(R, "sender of 500 characters", body={"sender": "s" * 500, "message": "hallo"}, status=400),
    Case(R, "oversized body (100 KB)", raw=json.dumps({"sender": "x", "message": "a" * 100_000}).encode(),
         status=413),
    Case(R, "message is a number", body={"sender": "suite", "message": 42}, status=400),
    Case(R, "message is a list", body={"sender": "suite", "message": ["hallo"]}, status=400),
    Case(R, "overlong message", body={"sender": "suite", "message": "a " * 600}),
    Case(R, "/intent{...} trick", body={"sender": "suite", "message": '/inform{"municipality": "x"}'},
         dutch=False, check=_no_slash_command),
    Case(R, "control characters", body={"sender": "suite", "message": "hal\x00lo\x1b[0m"},
         dutch=False, check=_no_control_chars),
    Case(R, "HTML and JavaScript payload", body={"sender": "suite", "message": HTML}, dutch=False,
         check=_rest_json),
    Case(R, "metadata of the wrong type", body={"sender": "suite", "message": "hallo", "metadata": 5},
         dutch=False, check=_no_metadata),
    Case(R, "wrong method", method="GET", path="/webhook", status=405),
    Case(R, "path trick ../website", path="/../website/session", status=404),
    # --- action server ---------------------------------------------------------------------------------
    Case(A, "health without secret (open, says nothing)", method="GET", path="/health", token="none",
         dutch=False),
    Case(A, "made-up tracker without secret", body=MADE_UP_CALL, token="none", status=401,
         check=_nothing_stored),
    Case(A, "wrong secret", body=MADE_UP_CALL, token="wrong", status=401, check=_nothing_stored),
    Case(A, "secret without Bearer", body=MADE_UP_CALL, token="bare", status=401),
    Case(A, "secret as Basic auth", body=MADE_UP_CALL, token="basic", status=401),
    Case(A, "secret in the query string", path="/webhook?token=" + "a" * 48, body=MADE_UP_CALL,
         token="none", status=401),
    Case(A, "list of actions without secret", method="GET", path="/actions", token="none", status=401),
    Case(A, "valid call (baseline)", body=GOOD_CALL, dutch=False),
    Case(A, "malformed JSON", raw=b'{"next_action": ', status=400),
    Case(A, "JSON array", body=[GOOD_CALL], status=400),
    Case(A, "no tracker", body={"next_action": "action_clarify"}, status=400),
    Case(A, "tracker of the wrong type", body={"next_action": "action_clarify", "tracker": "x"},
         status=400),
    Case(A, "latest message of the wrong type", body={**GOOD_CALL, "tracker": {
        **GOOD_CALL["tracker"], "latest_message": "x"}}, status=400),
    Case(A, "events of the wrong type", body={**GOOD_CALL, "tracker": {
        **GOOD_CALL["tracker"], "events": ["x"]}}, status=400),
    Case(A, "unknown action", body={**GOOD_CALL, "next_action": "action_rm_rf"}, status=404),
    Case(A, "oversized body (5 MB)", raw=b'{"x": "' + b"a" * 5_000_000 + b'"}', status=413),
    Case(A, "broken deflate body", raw=b"not deflate", headers={"Content-Encoding": "deflate"},
         status=400),
    Case(A, "wrong method", method="PUT", path="/webhook", body=GOOD_CALL, status=405),
    Case(A, "path trick", path="/webhook/../actions", method="GET", status=404),
    # --- demo page server -------------------------------------------------------------------------------
    Case(D, "the page (baseline)", method="GET", path="/", content_type=None, dutch=False),
    Case(D, "../../etc/passwd", method="GET", path="/../../etc/passwd", content_type=None, status=404),
    Case(D, "%2e%2e/%2e%2e/etc/passwd", method="GET", path="/%2e%2e/%2e%2e/etc/passwd",
         content_type=None, status=404),
    Case(D, "server source next to the files", method="GET", path="/static/../server.py",
         content_type=None, status=404),
    Case(D, "null byte", method="GET", path="/widget.js%00.html", content_type=None, status=404),
    Case(D, "double slash", method="GET", path="//etc/passwd", content_type=None, status=404),
    Case(D, "long path (10 KB)", method="GET", path="/" + "a" * 10_000, content_type=None, status=404),
    Case(D, "script in the query string", method="GET", path="/?x=<script>alert(1)</script>",
         content_type=None, dutch=False, check=_no_reflection),
    Case(D, "POST", method="POST", path="/", body={"x": 1}, status=405),
    Case(D, "unknown method", method="FOO", path="/", content_type=None, status=501),
    # --- workspace (Beheer): what anyone can try without an account -----------------------------
    # (logged-in roles, CSRF on every form and hostile text in every field:
    # tests/bot/workspace/test_security.py)
    Case(Ws, "the login page (baseline)", method="GET", path="/login", content_type=None, dutch=False),
    Case(Ws, "a page without login", method="GET", path="/begrippen", content_type=None, status=303,
         dutch=False, check=_to_login),
    Case(Ws, "an action without login (and without CSRF token)", method="POST",
         path="/contactverzoeken/GT-AAAA-BBBB/afhandelen", body={}, status=403),
    Case(Ws, "login without CSRF token", path="/login", raw=b"gebruikersnaam=admin&wachtwoord=admin",
         content_type="application/x-www-form-urlencoded", status=403),
    Case(Ws, "login with a forged session cookie", path="/login", raw=b"gebruikersnaam=a&wachtwoord=b",
         content_type="application/x-www-form-urlencoded", status=403,
         headers={"Cookie": "gemeentetolk_beheer=eyJzaWQiOiJ4In0.forged.signature"}),
    Case(Ws, "oversized body (6 MB)", path="/login", raw=b"a=" + b"x" * 6_000_000,
         content_type="application/x-www-form-urlencoded", status=413),
    Case(Ws, "malformed form body", path="/login", raw=b"\xff\xfe%%%=&&=",
         content_type="application/x-www-form-urlencoded", status=403),
    Case(Ws, "JSON instead of a form", path="/login", body={"gebruikersnaam": "a"}, status=403),
    Case(Ws, "script in the next-page parameter", method="GET",
         path="/login?volgende=javascript:alert(1)%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E",
         content_type=None, dutch=False, check=_escaped),
    Case(Ws, "path trick in static files", method="GET", path="/static/../app.py", content_type=None,
         status=404),
    Case(Ws, "encoded path trick", method="GET", path="/static/%2e%2e/%2e%2e/settings.py",
         content_type=None, status=404),
    Case(Ws, "wrong method (goes to the login)", method="DELETE", path="/login", content_type=None,
         status=303, dutch=False, check=_to_login),
]


def request_for(case: Case, ep: Endpoint) -> tuple[str, str, bytes | None, dict[str, str]]:
    """(method, url, body, headers) for a case against its endpoint."""
    headers = dict(case.headers)
    prefix = {"website": "/webhooks/website", "rest": "/webhooks/rest"}.get(ep.name, "")
    body = case.raw if case.raw is not None else (
        json.dumps(case.body).encode() if case.body is not None else None)
    if body is not None and case.content_type:
        headers.setdefault("Content-Type", case.content_type)
    if ep.name == "website":
        if case.origin:
            headers["Origin"] = case.origin
        token = website_token(case.token, ep.secret) if case.token else None
        if token:
            headers["Authorization"] = f"Bearer {token}"
    elif ep.name == "actions":
        secret = ep.secret.decode()
        auth = {"valid": f"Bearer {secret}", "wrong": "Bearer " + "b" * 48, "bare": secret,
                "basic": "Basic " + secret}.get(case.token or "none")
        if auth:
            headers["Authorization"] = auth
    return case.method, ep.url + prefix + case.path, body, headers
