"""Workspace test support (registered as a pytest plugin in tests/conftest.py): a database made by
profiles) in a temporary folder, the Flask app on it, and logged-in test clients."""

from __future__ import annotations

import dataclasses
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "lang-genoeg-wachtwoord-42"
USERS = {
    "redacteur": ("a.jansen", ("redacteur",), None, None),
    "redacteur2": ("r.smit", ("redacteur",), None, None),
    "beoordelaar": ("p.devries", ("beoordelaar",), None, None),
    "medewerker": ("m.bakker", ("medewerker",), "dijkstede", "inkoop"),
    "medewerker_subsidies": ("s.visser", ("medewerker",), "dijkstede", "subsidies"),
    "beheerder": ("b.admin", ("beheerder",), None, None),
}


@pytest.fixture
def ws_root(tmp_path: Path) -> Path:
    """A project root with a copy of the profiles and the NLU data (tests may change them)."""
    root = tmp_path / "project"
    (root / "var").mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "municipalities", root / "data" / "municipalities")
    return root


@pytest.fixture
def ws_settings(ws_root: Path):
    from bot.services.settings import load_settings

    settings = load_settings(env={"GEMEENTETOLK_WORKSPACE_SECRET": "t" * 40}, root=ws_root)
    return dataclasses.replace(settings, tracker_db_url=f"sqlite:///{ws_root / 'var' / 'tracker.db'}")


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    """Argon2 with small parameters in tests (the real ones cost ~0.1 s per hash)."""
    from argon2 import PasswordHasher

    from bot.services import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """`gemeentetolk setup` once per test session; each test gets a copy of the file."""
    from bot.services import profiles
    from bot.services.bootstrap import run_setup
    from bot.services.db import make_engine
    from bot.services.settings import load_settings

    root = tmp_path_factory.mktemp("template")
    shutil.copytree(ROOT / "data" / "municipalities", root / "data" / "municipalities")
    settings = load_settings(env={}, root=root)
    engine = make_engine(settings.db_url)
    run_setup(engine, settings)
    engine.dispose()
    profiles.clear_cache()
    return root / "var" / "gemeentetolk.db"


@pytest.fixture
def ws_engine(ws_settings, template_db):
    from bot.services import profiles
    from bot.services.db import make_engine
    from tests.support.db import copy_sqlite

    copy_sqlite(template_db, ws_settings.root / "var" / "gemeentetolk.db")
    engine = make_engine(ws_settings.db_url)
    yield engine
    engine.dispose()
    profiles.clear_cache()


@pytest.fixture
def factory(ws_engine):
    from bot.services.db import session_factory

    return session_factory(ws_engine)


@pytest.fixture
def users(factory) -> dict:
    from bot.services import accounts

    made = {}
    for key, (name, roles, municipality, department) in USERS.items():
        made[key] = accounts.create_user(factory, name, PASSWORD, roles, name.upper(),
                                         municipality, department)
    return made


@pytest.fixture
def app(ws_settings, ws_engine, users):
    from bot.workspace.app import create_app

    app = create_app(ws_settings, engine=ws_engine, today=lambda: date(2026, 12, 1))
    app.config.update(TESTING=True)
    return app


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class Browser:
    """A Flask test client that logs in like a person and fills forms with their token."""

    def __init__(self, app) -> None:
        self.client = app.test_client()

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def token(self, path: str = "/login") -> str:
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def post(self, path: str, data: dict | None = None, page: str | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(page or path))
        return self.client.post(path, data=data, **kwargs)

    def login(self, username: str, password: str = PASSWORD):
        return self.post("/login", {"gebruikersnaam": username, "wachtwoord": password})


@pytest.fixture
def browser_for(app):
    def make(role: str | None = None) -> Browser:
        b = Browser(app)
        if role:
            response = b.login(USERS[role][0])
            assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return b

    return make


def browser_login(page, base: str, role: str) -> None:
    """Log in to the workspace at ``base`` in a Playwright page as the sample user of ``role``."""
    page.goto(base + "/login")
    page.fill("#veld-gebruikersnaam", USERS[role][0])
    page.fill("#veld-wachtwoord", PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/start")
