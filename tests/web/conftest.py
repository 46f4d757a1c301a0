"""Browser fixtures: Debian's Chromium driven by Playwright (never `playwright install`).

``site`` serves the demo page (bot/web/server.py) and runs the website channel with a small fake
agent (bot/web/testing.py), so the widget tests need no trained model. The tests that need the
real assistant are in test_stack_browser.py (marked ``integration``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.testing import CHROMIUM_ARGS

CHROMIUM = Path(os.environ.get("GEMEENTETOLK_CHROMIUM", "/usr/bin/chromium"))
SECRET = b"browser-test-secret-" + b"x" * 20


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} ontbreekt. Installeer Chromium met: make var/stamps/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Site:
    def __init__(self) -> None:
        import tempfile

        from bot.web.server import serve_in_thread
        from tests.support.db import migrated_sqlite
        from tests.support.testing import ChannelServer, free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        origin = f"http://127.0.0.1:{self.port}"
        # Feedback on answers ("Had je hier iets aan?") goes to a database of its own.
        self.tmp = tempfile.TemporaryDirectory()
        self.db_url = migrated_sqlite(Path(self.tmp.name) / "feedback.db")
        self.channel = ChannelServer(
            SECRET,
            origins=(origin,),
            address_messages_per_minute=10_000,
            sessions_per_minute=10_000,
            feedback_db_url=self.db_url,
        )
        self.channel.start()
        self.web = serve_in_thread("127.0.0.1", self.port, self.channel.url, "dijkstede")

    def stop(self) -> None:
        self.web.shutdown()
        self.web.server_close()
        self.channel.stop()
        self.tmp.cleanup()


@pytest.fixture(scope="session")
def site():
    site = Site()
    yield site
    site.stop()


@pytest.fixture()
def page(browser, site):
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(site.url)
    page.wait_for_selector(".gt-root[data-ready]", state="attached")
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()
