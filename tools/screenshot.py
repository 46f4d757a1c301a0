"""Take the screenshot of the widget in conversation for docs/website.md: docs/widget.png.

Starts the real assistant (action server, Rasa server, demo page) on free ports, asks a few
questions in Debian's Chromium and saves a screenshot. Needs a trained model (``make train``).

Run: ``.venv/bin/python -m tools.screenshot`` (``--out PATH`` to save elsewhere).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.support.testing import CHROMIUM_ARGS, settings_on_free_ports

QUESTIONS = ["Hallo", "Hoe kan ik meedoen met een aanbesteding van de gemeente?"]


def take(out: Path, questions: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    from bot.cli.stack import Stack

    settings = settings_on_free_ports(hosts=("localhost",))
    web_port = settings.web_port
    stack = Stack(settings, log_dir=Path(tempfile.mkdtemp(prefix="gt-screenshot-")), with_web=True)
    try:
        stack.start(timeout=300)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 1000}, locale="nl-NL")
            page.goto(f"http://localhost:{web_port}/")
            page.wait_for_selector(".gt-root[data-ready]", state="attached")
            page.get_by_role("button", name="Vraag het Gemeentetolk").click()
            for question in questions:
                before = page.locator(".gt-msg-bot").count()
                page.locator("#gt-input").fill(question)
                page.keyboard.press("Enter")
                page.locator(".gt-msg-bot").nth(before).wait_for(timeout=60_000)
                page.locator(".gt-typing-text").wait_for(state="detached", timeout=60_000)
            terms = page.locator(".gt-term summary")
            if terms.count():
                terms.first.click()
                terms.first.focus()
            # show the explained term (or else the last question) in the conversation
            target = page.locator(".gt-term").first if terms.count() else None
            if target is not None:
                target.evaluate(
                    "e => { const log = e.closest('.gt-log'); log.scrollTop ="
                    " e.offsetTop - log.offsetTop + e.offsetHeight - log.clientHeight + 8; }"
                )
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            browser.close()
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.screenshot",
        description="Maakt docs/widget.png: de chatwidget in gesprek met de echte assistent.",
        epilog="Voorbeeld: .venv/bin/python -m tools.screenshot --out docs/widget.png",
    )
    parser.add_argument("--out", type=Path, default=Path("docs/widget.png"))
    args = parser.parse_args(argv)
    take(args.out, QUESTIONS)
    print(f"Opgeslagen: {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
