"""Security of the workspace: no page or action without login, the wrong role gets a Dutch
403, a form without its CSRF token gets 403, hostile text in every field is shown as text."""

from __future__ import annotations

import re

import pytest

from bot.services import contact
from tests.support.workspace import USERS

SAMPLE = {"entry_id": "aanbesteding", "slug": "dijkstede", "key": "inkoop", "section_slug": "inkoopgrenzen",
          "job_id": "1", "reference": "GT-AAAA-BBBB", "fmt": "csv", "username": "a.jansen",
          "group_id": "1", "example_id": "1", "token": "t" * 43}
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def routes(app) -> list[tuple[str, str, object]]:
    """(method, url, view) of every page and action except the public ones."""
    from bot.workspace.auth import PUBLIC_ENDPOINTS

    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint == "auth.root":
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:\w+:)?{arg}>", SAMPLE[arg], url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, url, app.view_functions[rule.endpoint]))
    return out


def test_there_are_protected_routes(app) -> None:
    assert len(routes(app)) >= 25


def test_no_page_or_action_without_login(app) -> None:
    client = app.test_client()
    for method, url, _ in routes(app):
        response = client.open(url, method=method)
        assert response.status_code in (303, 403), (method, url, response.status_code)
        if response.status_code == 303:
            assert "/login" in response.headers["Location"], (method, url)
        assert "Traceback" not in response.get_data(as_text=True)


def test_wrong_role_gets_a_dutch_403_everywhere(app, browser_for) -> None:
    checked = 0
    browsers: dict = {}
    for method, url, view in routes(app):
        roles = getattr(view, "required_roles", None)
        if not roles:
            continue
        outsider = next((k for k, (_, r, _, _) in USERS.items() if not set(r) & set(roles)), None)
        if outsider is None:  # every role may use it (for example the report)
            continue
        b = browsers.get(outsider) or browsers.setdefault(outsider, browser_for(outsider))
        token = b.token("/start")
        response = b.client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, (method, url, outsider, response.status_code)
        assert "Geen toegang" in response.get_data(as_text=True)
        checked += 1
    assert checked >= 25


def test_missing_csrf_token_is_403_on_every_form(app, browser_for) -> None:
    from bot.workspace.nav import NAVIGATION

    assert NAVIGATION
    checked = 0
    browsers: dict = {}
    for method, url, view in routes(app):
        if method != "POST":
            continue
        roles = getattr(view, "required_roles", ("redacteur",))
        insider = next((k for k, (_, r, _, _) in USERS.items() if set(r) & set(roles)), "redacteur")
        b = browsers.get(insider) or browsers.setdefault(insider, browser_for(insider))
        response = b.client.post(url, data={"status": "vastgesteld", "notitie": "x"})
        assert response.status_code == 403, (url, response.status_code)
        assert "beveiligingscode" in response.get_data(as_text=True)
        checked += 1
    assert checked >= 10


def _assert_escaped(page: str, shown: bool = True) -> None:
    assert "<script>alert" not in page and "<img src=x" not in page
    if shown:
        assert "&lt;script&gt;" in page


def test_xss_in_every_glossary_field_is_shown_as_text(app, browser_for) -> None:
    from bot.services import glossary_edit

    b = browser_for("redacteur")
    form = {spec.attr: f"{XSS} {spec.attr}" for spec in glossary_edit.form_fields() if spec.kind != "facts"}
    form.update({"topic": "subsidy", "id": "xss-test",
                 "definition": f"Een {XSS} is een test.", "pref_label": XSS,
                 "facts-0-id": "x", "facts-0-claim": XSS, "facts-0-valid_from": "2026-01-01",
                 "facts-0-source": XSS, "facts-0-checked": "2026-12-01"})
    for action in ("voorbeeld", "opslaan"):
        page = b.post("/begrippen/nieuw", dict(form, actie=action), page="/begrippen/nieuw").get_data(as_text=True)
        _assert_escaped(page)
    store = app.extensions["gemeentetolk"].store
    if store.find("xss-test") is None:  # refused by the checks: store it directly, then show it
        from glossary.model import Entry

        store.add(Entry(id="xss-test", pref_label=XSS, definition=f"Een {XSS} is een test.", plain=XSS,
                        example=XSS, scope_note=XSS, source=XSS, topic="subsidy", alt_labels=[XSS + "2"]),
                  by="a.jansen")
    for path in ("/begrippen/xss-test", "/begrippen/xss-test/bewerken", "/begrippen/xss-test/geschiedenis",
                 "/begrippen?zoek=alert"):
        _assert_escaped(b.get(path).get_data(as_text=True))
    _assert_escaped(b.get("/start").get_data(as_text=True), shown=False)


def test_xss_in_contact_requests_and_profiles_is_shown_as_text(app, browser_for, factory) -> None:
    ref = contact.save_request(factory, contact.ContactDraft(
        summary=f"Vraag {XSS}", name=f"Naam {XSS}"[:60], email="x@voorbeeld.example", contact_moment=XSS,
        municipality="dijkstede", department="inkoop", official_terms=[XSS], consent=True))
    b = browser_for("medewerker")
    for path in ("/contactverzoeken", f"/contactverzoeken/{ref}", "/start"):
        page = b.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page, path
    editor = browser_for("redacteur")
    page = editor.post("/gemeenten/dijkstede/netwerken", {"netwerken-0-name": XSS, "netwerken-0-description": XSS,
                                                        "revisie": "1"},
                       page="/gemeenten/dijkstede/netwerken").get_data(as_text=True)
    assert "<script>alert" not in page
    for path in ("/gemeenten/dijkstede", "/gemeenten/dijkstede/netwerken", "/gemeenten"):
        page = editor.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page, path
    admin = browser_for("beheerder")
    page = admin.get("/beheer/logboek").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_security_headers(browser_for) -> None:
    response = browser_for("redacteur").get("/begrippen")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp  # no script at all
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_page_and_server_error_are_dutch_without_trace(app, browser_for, monkeypatch) -> None:
    b = browser_for("redacteur")
    missing = b.get("/bestaat-niet")
    assert missing.status_code == 404 and "Pagina niet gevonden" in missing.get_data(as_text=True)
    store = app.extensions["gemeentetolk"].store
    monkeypatch.setattr(store, "list", lambda *a, **k: 1 / 0)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    broken = b.get("/begrippen")
    page = broken.get_data(as_text=True)
    assert broken.status_code == 500 and "Er ging iets mis" in page and "ZeroDivisionError" not in page


@pytest.mark.parametrize("path", ["/begrippen/export.csv", "/contactverzoeken/export.csv"])
def test_exports_need_login(app, path) -> None:
    assert app.test_client().get(path).status_code == 303
