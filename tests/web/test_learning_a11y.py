"""axe-core scan of the learning loop's workspace pages (inbox, ontbrekende woorden, register,
rapport and its printable page, the public withdrawal page), with data on them, in Chromium at
1280 and 360 px. No serious or critical violation is allowed."""

from __future__ import annotations

import pytest

from bot.services import feedback, gaps, register
from tests.support import tracker
from tests.support.testing import free_port
from tests.support.workspace import browser_login as login
from tests.web.test_a11y import run_axe, serious

PAGES = {
    "redacteur": ["/inbox", "/inbox/{group}", "/inbox/voorbeelden", "/woorden", "/woorden?alles=1", "/rapport",
                  "/rapport?van=kapot", "/rapport/afdrukken"],
    "beoordelaar": ["/inbox/{group}"],
    "medewerker": ["/register", "/register?thema=circulair", "/rapport"],
}


@pytest.fixture
def served(app, factory, ws_settings):
    import shutil
    from pathlib import Path

    from bot.services import inbox
    from bot.workspace.server import serve_in_thread

    root = Path(__file__).resolve().parents[2]
    for part in ("data/nlu", "bot/domain", "tests/nlu"):
        shutil.copytree(root / part, ws_settings.root / part)
    c = tracker.Conversation(municipality="dijkstede")
    marker = feedback.answer_marker("procurement", "bidding")
    c.answer("hoe schrijf ik in op een tender", "procurement", "bidding", marker)
    c.user("mag ik een kraampje op de braderie zetten", "nlu_fallback", 0.3,
           ranking=[("nlu_fallback", 0.5), ("ask_permit", 0.3)]).action("action_clarify")
    c.answer("ik wil een zorgboerderij beginnen", "starting_business", "social_enterprise")
    tracker.write(ws_settings.tracker_db_url, "a11y", c.events)
    feedback.record(factory, feedback.find_answer(c.events, marker["ref"], "a11y"),
                    feedback.Request(marker["ref"], False, "te vaag"))
    store = app.extensions["gemeentetolk"].store
    store.record_gap("kavelpaspoort")
    gaps.record_example(factory, "kavelpaspoort", "wat is een kavelpaspoort")
    register.join(factory, register.Draft("Kringloop De Ring", "12345678", "circulair",
                                          "Wij geven spullen een tweede leven.", "info@dering.example",
                                          "dijkstede", "c1", True))
    token = register.join(factory, register.Draft("Zorgboerderij Het Veld", "87654321", "zorg",
                                                  "Wij zorgen voor een zinvolle dag.", "info@veld.example",
                                                  "dijkstede", "c2", True))
    from bot.services import learning

    learning.collect(ws_settings, factory)
    group = inbox.groups(factory)[0].id
    port = free_port()
    server = serve_in_thread(app, "127.0.0.1", port)
    yield f"http://127.0.0.1:{port}", group, token
    server.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}])
def test_learning_pages_have_no_serious_violations(browser, served, viewport) -> None:
    base, group, token = served
    found: dict[str, list] = {}
    context = browser.new_context(viewport=viewport, locale="nl-NL", bypass_csp=True)
    try:
        page = context.new_page()
        for role, paths in PAGES.items():
            login(page, base, role)
            for path in paths:
                page.goto(base + path.format(group=group))
                found[f"{role} {path}"] = serious(run_axe(page))
            if role == "redacteur":  # the decision form in its error state
                page.goto(base + f"/inbox/{group}")
                page.get_by_role("button", name="Koppelen aan dit antwoord").click()
                found["redacteur besluit (fout)"] = serious(run_axe(page))
            page.get_by_role("button", name="Uitloggen").click()
        page.goto(base + f"/afmelden/{token}")
        found["afmelden"] = serious(run_axe(page))
        page.get_by_role("button", name="Ja, haal mijn gegevens weg").click()
        found["afmelden (klaar)"] = serious(run_axe(page))
        page.goto(base + f"/afmelden/{token}")
        found["afmelden (onbekend)"] = serious(run_axe(page))
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}
    assert len(found) >= 15
