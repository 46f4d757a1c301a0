"""axe-core scan of every page of the workspace (Beheer), in Chromium, logged in with each role,
also with a form in its error state. No serious or critical violation is allowed.

The workspace runs in-process (waitress in a thread) on a database made by `gemeentetolk setup`
in a temporary folder; no Rasa server is needed.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.support.testing import free_port
from tests.support.workspace import PASSWORD, USERS
from tests.support.workspace import browser_login as login
from tests.web.test_a11y import run_axe, serious

PAGES = {
    "redacteur": ["/start", "/begrippen", "/begrippen?zoek=subsidie&status=vastgesteld", "/begrippen/aanbesteding",
                  "/begrippen/aanbesteding/bewerken", "/begrippen/nieuw", "/begrippen/aanbesteding/geschiedenis",
                  "/begrippen/import", "/gemeenten", "/gemeenten/dijkstede", "/gemeenten/dijkstede/algemeen",
                  "/gemeenten/dijkstede/afdelingen/inkoop", "/gemeenten/dijkstede/inkoopgrenzen",
                  "/gemeenten/dijkstede/regelingen", "/gemeenten/dijkstede/netwerken",
                  "/gemeenten/dijkstede/antwoorden", "/publiceren", "/publiceren/1", "/contactverzoeken"],
    "beoordelaar": ["/start", "/begrippen/aanbesteding"],
    "medewerker": ["/start", "/contactverzoeken", "/contactverzoeken/{ref}"],
    "beheerder": ["/start", "/beheer/accounts", "/beheer/logboek", "/bestaat-niet"],
}


@pytest.fixture
def served(app, factory):
    from bot.services import contact, publish
    from bot.services.db import unit_of_work
    from bot.services.workspace_models import PublishJob
    from bot.workspace.server import serve_in_thread

    ref = contact.save_request(factory, contact.ContactDraft(
        summary="Ik wil meedoen met een aanbesteding voor groenonderhoud", name="Test Persoon",
        email="test@voorbeeld.example", municipality="dijkstede", department="inkoop",
        official_terms=["aanbesteding"], consent=True))
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    with unit_of_work(factory) as session:
        session.add(PublishJob(created_at=now, started_by="p.devries", status="mislukt", step="train",
                               step_started_at=now, finished_at=now, message="De training is mislukt: 'test'.",
                               log_tail="Epochs: 10%\nError: test"))
    assert publish.get_job(factory, 1)
    port = free_port()
    server = serve_in_thread(app, "127.0.0.1", port)
    yield f"http://127.0.0.1:{port}", ref
    server.close()


def every_page(app) -> dict[str, list[str]]:
    """PAGES plus every page without URL parameters (also the pages other areas add later),
    each under a role that may open it."""
    from bot.workspace.auth import PUBLIC_ENDPOINTS

    pages = {role: list(paths) for role, paths in PAGES.items()}
    known = {p.split("?")[0] for paths in PAGES.values() for p in paths}
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        if rule.rule in known or rule.rule.endswith((".csv", ".json", ".yml", ".ttl")) or rule.rule == "/":
            continue
        roles = getattr(app.view_functions[rule.endpoint], "required_roles", ("redacteur",))
        role = next((k for k in PAGES if set(USERS[k][1]) & set(roles)), None)
        if role:
            pages[role].append(rule.rule)
    return pages


def scan(page) -> list[dict]:
    return serious(run_axe(page))


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}])
def test_every_page_has_no_serious_violations(browser, served, app, viewport) -> None:
    base, ref = served
    found: dict[str, list] = {}
    context = browser.new_context(viewport=viewport, locale="nl-NL", bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(base + "/login")
        found["/login"] = scan(page)
        page.get_by_role("button", name="Inloggen").click()  # empty form: the error state
        found["/login (fouten)"] = scan(page)
        for role, paths in every_page(app).items():
            login(page, base, role)
            for path in paths:
                page.goto(base + path.format(ref=ref))
                found[f"{role} {path}"] = scan(page)
            if role == "redacteur":  # a form with inline errors and the preview
                page.goto(base + "/begrippen/nieuw")
                page.fill("#veld-pref_label", "proefterm")
                page.fill("#veld-definition", "Iets zonder de goede vorm.")
                page.get_by_role("button", name="Opslaan").click()
                found["redacteur nieuw (fouten)"] = scan(page)
                page.get_by_role("button", name="Voorbeeld bekijken").click()
                found["redacteur nieuw (voorbeeld)"] = scan(page)
            page.get_by_role("button", name="Uitloggen").click()
    finally:
        context.close()
    bad = {k: v for k, v in found.items() if v}
    assert bad == {}
    assert len(found) >= 30


def test_keyboard_only_login_with_skip_link_and_visible_focus(browser, served) -> None:
    base, _ = served
    context = browser.new_context(locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(base + "/login")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Naar de inhoud"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "veld-gebruikersnaam"
        page.keyboard.type(USERS["redacteur"][0])
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url("**/start")
        assert page.locator("nav[aria-label=Hoofdmenu] a[aria-current=page]").inner_text() == "Start"
        assert page.evaluate("document.documentElement.lang") == "nl"
    finally:
        context.close()
