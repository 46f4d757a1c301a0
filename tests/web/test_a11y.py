"""Automated accessibility scan (axe-core) of the demo page with the widget open in conversation.

axe.min.js comes from the PyPI package axe-playwright-python (dev extra), which bundles it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_source() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("axe-playwright-python ontbreekt: pip install -e '.[dev]'")
    return (Path(spec.submodule_search_locations[0]) / "axe.min.js").read_text(encoding="utf-8")


def run_axe(page) -> list[dict]:
    page.add_script_tag(content=axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]  # fmt: skip


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}]
)
def test_no_serious_violations_with_widget_open_in_conversation(browser, site, viewport):
    # bypass_csp only so that axe itself can be injected; the widget runs under the page's CSP
    # in every other test.
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(site.url)
        page.wait_for_selector(".gt-root[data-ready]", state="attached")
        page.get_by_role("button", name="Vraag het Gemeentetolk").click()
        for text in ("begrip", "knoppen"):
            page.locator("#gt-input").fill(text)
            page.get_by_role("button", name="Verstuur").click()
            page.locator(".gt-msg-bot").last.get_by_text(
                text if text == "begrip" else "Kies maar"
            ).wait_for()
        page.locator(".gt-term summary").first.click()
        violations = run_axe(page)
        assert serious(violations) == [], violations
    finally:
        context.close()


def test_axe_finds_a_planted_violation(browser, site):
    """The scan itself works: an unlabeled button and low-contrast text are reported."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(site.url)
        page.evaluate(
            """() => { const b = document.createElement('button'); document.body.appendChild(b);
                       const p = document.createElement('p'); p.textContent = 'lichtgrijs';
                       p.style.color = '#eeeeee'; document.querySelector('main').appendChild(p); }"""
        )
        ids = {v["id"] for v in serious(run_axe(page))}
        assert {"button-name", "color-contrast"} <= ids
    finally:
        context.close()
