"""'Had je hier iets aan?' in the widget, in Chromium: keyboard only, announced to screen
readers, one reply per answer, then an optional comment; no serious axe violations."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from bot.services.db import make_engine, session_factory, unit_of_work
from bot.services.learning_models import AnswerFeedback
from tests.web.test_a11y import run_axe, serious
from tests.web.test_widget import active, ask, open_with_keyboard, tab_to, wait_bot


def _rows(site) -> list[AnswerFeedback]:
    engine = make_engine(site.db_url)
    with unit_of_work(session_factory(engine)) as session:
        rows = list(session.scalars(select(AnswerFeedback)))
    engine.dispose()
    return rows


def test_feedback_with_the_keyboard_once_per_answer_and_a_comment(page, site):
    before = len(_rows(site))
    open_with_keyboard(page)
    ask(page, "antwoord")
    wait_bot(page, 1)
    group = page.get_by_role("group", name="Had je hier iets aan?")
    group.wait_for()
    assert group.get_by_role("button", name="Ja").is_visible()
    # keyboard only: Tab from the input backwards to "Nee", then Enter
    tab_to(page, lambda a: a["text"] == "Nee" and "gt-feedback-button" in a["cls"], key="Shift+Tab")
    page.keyboard.press("Enter")
    page.locator(".gt-feedback-note").get_by_text("Dank je wel voor je reactie.").wait_for()
    assert group.get_by_role("button", name="Nee").get_attribute("aria-pressed") == "true"
    # A locator, not wait_for_function: the page's CSP (script-src 'self') forbids eval.
    expect(page.locator(".gt-announce")).to_contain_text("Dank je wel")
    # a second click changes nothing: one reply per answer
    group.get_by_role("button", name="Ja").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    rows = _rows(site)
    assert len(rows) == before + 1 and rows[-1].helpful is False
    # the optional comment, by keyboard as well (from "Ja": past "Nee" to the comment field)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert active(page)["cls"] == "gt-comment"
    page.keyboard.type("Ik zocht de regels voor kleine opdrachten. Mail me: a@b.nl")
    page.keyboard.press("Tab")
    assert active(page)["text"] == "Verstuur toelichting"
    page.keyboard.press("Enter")
    page.locator(".gt-feedback-note").get_by_text("Je toelichting is doorgegeven.").wait_for()
    assert page.locator(".gt-comment").count() == 0
    assert _rows(site)[-1].comment == "Ik zocht de regels voor kleine opdrachten. Mail me: [e-mailadres]"
    assert page.js_errors == []


def test_no_serious_violations_with_the_feedback_controls(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(site.url)
        page.wait_for_selector(".gt-root[data-ready]", state="attached")
        page.get_by_role("button", name="Vraag het Gemeentetolk").click()
        page.locator("#gt-input").fill("antwoord")
        page.get_by_role("button", name="Verstuur").click()
        page.get_by_role("group", name="Had je hier iets aan?").get_by_role("button", name="Ja").click()
        page.locator(".gt-comment").wait_for()
        assert serious(run_axe(page)) == []
    finally:
        context.close()
