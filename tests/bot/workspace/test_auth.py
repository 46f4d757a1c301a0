"""Logging in and out, sessions, lockout, roles and CSRF."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.support.workspace import PASSWORD, USERS


def test_root_without_session_leads_to_login(browser_for) -> None:
    b = browser_for()
    response = b.get("/")
    assert response.status_code == 303 and "/login" in response.headers["Location"]
    page = b.get("/login").get_data(as_text=True)
    assert '<html lang="nl"' in page and 'name="csrf_token"' in page


def test_login_and_logout(browser_for) -> None:
    b = browser_for()
    response = b.login("a.jansen")
    assert response.status_code == 303
    start = b.get("/start")
    assert start.status_code == 200 and "A.JANSEN" in start.get_data(as_text=True)
    assert b.post("/logout", page="/start").status_code == 303
    assert b.get("/start").status_code == 303


def test_wrong_password_is_one_message_for_both_fields(browser_for) -> None:
    b = browser_for()
    wrong = b.login("a.jansen", "fout-wachtwoord-123")
    unknown = b.login("bestaat.niet", "fout-wachtwoord-123")
    assert wrong.status_code == unknown.status_code == 401
    assert "De gebruikersnaam of het wachtwoord klopt niet." in wrong.get_data(as_text=True)
    assert b.get("/start").status_code == 303


def test_login_without_csrf_token_is_403(app) -> None:
    client = app.test_client()
    client.get("/login")
    response = client.post("/login", data={"gebruikersnaam": "a.jansen", "wachtwoord": PASSWORD})
    assert response.status_code == 403
    assert "beveiligingscode" in response.get_data(as_text=True)


def test_brute_force_locks_the_account_even_with_the_right_password(browser_for) -> None:
    b = browser_for()
    for _ in range(5):
        assert b.login("a.jansen", "fout-wachtwoord-123").status_code == 401
    locked = b.login("a.jansen")
    assert locked.status_code == 429
    assert "Te veel mislukte pogingen" in locked.get_data(as_text=True)
    # another account from the same address still works (the address limit is higher)
    assert browser_for().login("p.devries").status_code == 303


def test_lockout_holds_across_processes_and_ends(factory, users) -> None:
    from bot.services import accounts

    policy = accounts.LoginPolicy(max_failures=3, max_failures_per_address=100, lockout_minutes=10)
    now = datetime(2026, 12, 1, 12, 0)
    for _ in range(3):
        assert not accounts.login(factory, "a.jansen", "nee-nee-nee-nee", "10.0.0.1", policy, now).ok
    # a second "process": a new session factory on the same database
    from bot.services.db import session_factory

    other = session_factory(factory.kw["bind"])
    result = accounts.login(other, "a.jansen", PASSWORD, "10.0.0.2", policy, now + timedelta(minutes=5))
    assert result.locked_minutes == 5 and not result.ok
    later = accounts.login(other, "a.jansen", PASSWORD, "10.0.0.2", policy, now + timedelta(minutes=11))
    assert later.ok


def test_address_is_locked_after_many_failures_on_different_accounts(factory, users) -> None:
    from bot.services import accounts

    policy = accounts.LoginPolicy(max_failures=100, max_failures_per_address=4, lockout_minutes=10)
    for i in range(4):
        accounts.login(factory, f"gok{i}", "nee-nee-nee-nee", "10.9.9.9", policy)
    assert accounts.login(factory, "p.devries", PASSWORD, "10.9.9.9", policy).locked_minutes > 0
    assert accounts.login(factory, "p.devries", PASSWORD, "10.9.9.8", policy).ok


def test_session_expires_after_inactivity(factory, users) -> None:
    from bot.services import accounts

    now = datetime(2026, 12, 1, 12, 0)
    token = accounts.login(factory, "a.jansen", PASSWORD, "1.2.3.4", now=now).token
    assert accounts.session_account(factory, token, 30, now + timedelta(minutes=29)).username == "a.jansen"
    assert accounts.session_account(factory, token, 30, now + timedelta(minutes=58)).username == "a.jansen"
    assert accounts.session_account(factory, token, 30, now + timedelta(minutes=89)) is None


def test_disabled_account_loses_its_session(browser_for, factory) -> None:
    from bot.services import accounts

    b = browser_for("redacteur")
    assert b.get("/start").status_code == 200
    accounts.set_active(factory, "a.jansen", False)
    assert b.get("/start").status_code == 303
    assert browser_for().login("a.jansen").status_code == 401


def test_cookie_flags(browser_for, app) -> None:
    b = browser_for()
    response = b.login("a.jansen")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    app.config["SESSION_COOKIE_SECURE"] = True
    secure = browser_for().login("p.devries").headers["Set-Cookie"]
    assert "Secure" in secure


def test_passwords_are_argon2_hashes(factory, users) -> None:
    from sqlalchemy import select

    from bot.services.db import unit_of_work
    from bot.services.workspace_models import User

    with unit_of_work(factory) as session:
        hashes = list(session.scalars(select(User.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_open_redirect_after_login_is_refused(browser_for) -> None:
    b = browser_for()
    response = b.post("/login", {"gebruikersnaam": "a.jansen", "wachtwoord": PASSWORD,
                                 "volgende": "https://evil.example/"})
    assert response.headers["Location"].endswith("/start")


def test_wrong_role_gets_a_dutch_403(browser_for) -> None:
    b = browser_for("medewerker")
    response = b.get("/begrippen")
    assert response.status_code == 403 and "Geen toegang" in response.get_data(as_text=True)
    assert browser_for("redacteur").get("/contactverzoeken").status_code == 403
    assert browser_for("redacteur").get("/beheer/accounts").status_code == 403
    assert browser_for("beheerder").get("/beheer/accounts").status_code == 200


def test_audit_log_records_logins(browser_for, factory) -> None:
    from bot.services import audit

    browser_for("redacteur")
    browser_for().login(USERS["beoordelaar"][0], "helemaal-fout-123")
    rows, _ = audit.entries(factory)
    actions = {(r.actor, r.action) for r in rows}
    assert ("a.jansen", "login.gelukt") in actions and ("p.devries", "login.mislukt") in actions


def test_beheerder_changes_roles_and_turns_an_account_off(browser_for, factory) -> None:
    from bot.services import accounts, audit

    admin = browser_for("beheerder")
    response = admin.post("/beheer/accounts/a.jansen", {"rollen": ["redacteur", "beoordelaar"], "actie": "opslaan"},
                          page="/beheer/accounts")
    assert response.status_code == 303
    assert accounts.get_user(factory, "a.jansen").roles == ("redacteur", "beoordelaar")
    editor = browser_for("redacteur")
    admin.post("/beheer/accounts/a.jansen", {"actie": "uitzetten"}, page="/beheer/accounts")
    assert editor.get("/start").status_code == 303  # its session ended
    own = admin.post("/beheer/accounts/b.admin", {"actie": "uitzetten"}, page="/beheer/accounts")
    assert own.status_code == 303 and accounts.get_user(factory, "b.admin").active
    medewerker = admin.post("/beheer/accounts/r.smit", {"rollen": ["medewerker"], "actie": "opslaan"},
                            page="/beheer/accounts")
    assert medewerker.status_code == 303 and accounts.get_user(factory, "r.smit").roles == ("redacteur",)
    assert "account.gewijzigd" in {r.action for r in audit.entries(factory)[0]}
