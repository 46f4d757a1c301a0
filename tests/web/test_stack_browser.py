"""The widget and the website channel with the real assistant (bot.cli.stack.Stack: action server,
Rasa server with the trained model, demo web server), on free ports. Marked ``integration``.

The browser flow needs the topic answers with the glossary bridge (KNOWLEDGE, GLOSSARY; the
channel turns the ``explained_terms`` slot or ``custom: {"terms": [...]}`` into the disclosure)
and the contact form (ROUTING).
"""

from __future__ import annotations

import http.client
import json
import re

import pytest

from tests.support.testing import settings_on_free_ports

pytestmark = pytest.mark.integration

PREFIX = "/webhooks/website"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from bot.cli.stack import Stack

    settings = settings_on_free_ports()
    stack = Stack(settings, log_dir=tmp_path_factory.mktemp("logs"), with_web=True)
    try:
        stack.start(timeout=300)
    except Exception:
        stack.stop()
        raise
    yield settings
    stack.stop()


class Client:
    """Raw HTTP to the channel, from a chosen loopback source address (separate rate limits)."""

    def __init__(self, settings, source: str = "127.0.0.1") -> None:
        self.settings = settings
        self.source = source
        self.origin = f"http://localhost:{settings.web_port}"

    def call(
        self,
        method,
        path,
        body=None,
        *,
        raw=None,
        token=None,
        origin="default",
        ctype="application/json",
    ):
        conn = http.client.HTTPConnection(
            self.settings.host, self.settings.rasa_port, timeout=60, source_address=(self.source, 0)
        )
        headers = {}
        origin = self.origin if origin == "default" else origin
        if origin:
            headers["Origin"] = origin
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None and ctype:
            headers["Content-Type"] = ctype
        conn.request(method, PREFIX + path, body=data, headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        conn.close()
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = payload.decode("utf-8", "replace")
        return resp.status, parsed, dict(resp.getheaders())

    def session(self) -> str:
        status, body, _ = self.call("POST", "/session")
        assert status == 201, body
        return body["session"]


def test_channel_security_against_the_real_server(live):
    client = Client(live, "127.0.0.2")
    token = client.session()
    status, body, headers = client.call("POST", "/webhook", {"message": "hallo"}, token=token)
    assert status == 200 and body["messages"][0]["text"]
    assert headers["Access-Control-Allow-Origin"] == client.origin

    # forged, missing and foreign sessions
    assert client.call("POST", "/webhook", {"message": "hallo"})[0] == 401
    assert client.call("POST", "/webhook", {"message": "hallo"}, token=token[:-3] + "abc")[0] == 401
    other = client.session()
    _, hist, _ = client.call("GET", "/history", token=other)
    assert hist["messages"] == []

    # the /intent trick stays text: the tracker keeps it without the slash
    client.call("POST", "/webhook", {"message": '/ask_contact{"contact_name": "x"}'}, token=token)
    _, hist, _ = client.call("GET", "/history", token=token)
    users = [m["text"] for m in hist["messages"] if m["from"] == "user"]
    assert users[-1] == 'ask_contact{"contact_name": "x"}'

    # bodies, content types and origins
    cases = [
        (dict(raw=b"{kapot", token=token), 400),
        (dict(raw=b'{"message": "hoi"}', token=token, ctype="text/plain"), 415),
        (dict(raw=b'{"message": "' + b"a" * 30_000 + b'"}', token=token), 413),
        (dict(body={"message": "hoi"}, token=token, origin="https://evil.example"), 403),
        (dict(body={"message": "hoi"}, token=token, origin=None), 403),
    ]
    for kwargs, expected in cases:
        status, body, _ = client.call("POST", "/webhook", **kwargs)
        assert status == expected, (kwargs.get("origin"), body)
        assert isinstance(body["message"], str) and "Traceback" not in body["message"]
    status, _, headers = client.call(
        "OPTIONS", "/webhook", origin="https://evil.example", ctype=None
    )
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    status, _, headers = client.call("OPTIONS", "/webhook", ctype=None)
    assert status == 204 and headers["Access-Control-Allow-Origin"] == client.origin

    status, body, _ = client.call("POST", "/webhook", {"message": "a" * 1001}, token=token)
    assert status == 200 and "te lang" in body["messages"][0]["text"]


def test_rate_limit_against_the_real_server(live):
    client = Client(live, "127.0.0.3")
    token = client.session()
    statuses = []
    for i in range(21):
        statuses.append(client.call("POST", "/webhook", {"message": f"hallo {i}"}, token=token)[0])
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    status, body, headers = client.call("POST", "/webhook", {"message": "hallo"}, token=token)
    assert status == 429 and body["message"].startswith("Rustig aan") and "Retry-After" in headers


# --- the browser flow ------------------------------------------------------------------
def ask(page, text: str) -> None:
    before = page.locator(".gt-msg-bot").count()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.locator(".gt-msg-bot").nth(before).wait_for(timeout=60_000)
    page.locator(".gt-typing-text").wait_for(state="detached", timeout=60_000)


def last_bot_text(page) -> str:
    return page.locator(".gt-msg-bot").last.inner_text()


def test_keyboard_conversation_terms_reload_and_contact_with_quick_replies(browser, live):
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        page.goto(f"http://localhost:{live.web_port}/")
        page.wait_for_selector(".gt-root[data-ready]", state="attached")
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('gt-launcher')"):
                break
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "gt-input"

        ask(page, "Hoe kan ik meedoen met een aanbesteding van de gemeente?")
        answer = last_bot_text(page)
        assert re.search(r"aanbested|inkoop|opdracht", answer, re.I), answer
        # the explained term is a keyboard-reachable disclosure
        term = page.locator(".gt-term summary").first
        term.wait_for(timeout=5_000)
        term.focus()
        page.keyboard.press("Enter")
        assert page.locator(".gt-term-body").first.is_visible()

        # reload: the conversation is still there
        users_before = page.locator(".gt-msg-user .gt-text").all_inner_texts()
        page.reload()
        page.wait_for_selector(".gt-root[data-ready]", state="attached")
        assert page.locator(".gt-msg-user .gt-text").all_inner_texts() == users_before
        assert page.get_by_role("dialog").is_visible()

        # contact: one step away, then complete the form, answering what the assistant asks
        # (with the keyboard; a "Ja ..." quick reply is used when the assistant offers one)
        page.get_by_role("button", name="Praat met een medewerker").click()
        page.locator(".gt-typing-text").wait_for(state="detached", timeout=60_000)
        used_quick_reply = False
        for _ in range(10):
            question = last_bot_text(page).lower()
            if "referentienummer" in question:
                break
            quick = page.locator(".gt-quick-button:not([disabled])").filter(
                has_text=re.compile("^Ja")
            )
            if quick.count():
                title = quick.first.inner_text()
                before = page.locator(".gt-msg-bot").count()
                quick.first.focus()
                page.keyboard.press("Enter")
                page.locator(".gt-msg-bot").nth(before).wait_for(timeout=60_000)
                page.locator(".gt-typing-text").wait_for(state="detached", timeout=60_000)
                assert page.locator(".gt-msg-user .gt-text").last.inner_text() == title
                used_quick_reply = True
                continue
            page.locator("#gt-input").focus()
            if "telefoon" in question:
                ask(page, "geen")
            elif "naam" in question:
                ask(page, "Test Persoon")
            elif "e-mail" in question:
                ask(page, "test@voorbeeld.example")
            elif "wanneer" in question:
                ask(page, "dinsdagochtend")
            else:
                ask(page, "Ik wil meedoen met opdrachten voor groenonderhoud")
        assert used_quick_reply
        assert "referentienummer" in last_bot_text(page)
        # the page's municipality (data-municipality) reached the actions as metadata
        assert "Dijkstede" in last_bot_text(page)
        assert errors == []
    finally:
        context.close()
