"""Workspace settings (Dutch errors) and a municipality's own NL Design System theme."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.services.settings import load_settings


def test_defaults(tmp_path: Path) -> None:
    ws = load_settings(env={}, root=tmp_path).workspace
    assert (ws.port, ws.session_minutes, ws.secure_cookies, ws.max_failures, ws.lockout_minutes) == (8081, 30, False, 5, 15)
    assert ws.theme_class == "voorbeeld-theme" and ws.finetune is True
    assert load_settings(env={}, root=tmp_path).workspace_url == "http://localhost:8081/"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("GEMEENTETOLK_WORKSPACE_PORT", "nul", "poortnummer"),
    ("GEMEENTETOLK_WORKSPACE_SESSION_MINUTES", "0", "getal"),
    ("GEMEENTETOLK_WORKSPACE_SECURE_COOKIES", "misschien", "true of false"),
    ("GEMEENTETOLK_WORKSPACE_SECRET", "kort", "te kort"),
    ("GEMEENTETOLK_WORKSPACE_THEME_CSS", "/bestaat/niet.css", "bestaat niet"),
    ("GEMEENTETOLK_WORKSPACE_THEME_CLASS", "Utrecht Theme", "CSS-klasse"),
])
def test_bad_values_give_a_dutch_message(tmp_path: Path, name, value, message) -> None:
    with pytest.raises(ValueError, match=message):
        load_settings(env={name: value}, root=tmp_path)


def test_secure_cookies_and_session_minutes(tmp_path: Path) -> None:
    ws = load_settings(env={"GEMEENTETOLK_WORKSPACE_SECURE_COOKIES": "true",
                            "GEMEENTETOLK_WORKSPACE_SESSION_MINUTES": "10"}, root=tmp_path).workspace
    assert ws.secure_cookies and ws.session_minutes == 10


def test_generated_secret_is_kept_in_var(tmp_path: Path) -> None:
    settings = load_settings(env={}, root=tmp_path)
    first = settings.workspace_secret
    assert len(first) >= 32 and (tmp_path / "var" / "workspace_secret").exists()
    assert load_settings(env={}, root=tmp_path).workspace_secret == first


def test_own_theme_is_loaded_with_its_class(ws_settings, ws_engine, users, tmp_path) -> None:
    from bot.workspace.app import create_app

    css = tmp_path / "dijkstede-theme.css"
    css.write_text(".dijkstede-theme { --basis-color-accent-1-inverse-bg-default: #00543d; }\n", encoding="utf-8")
    settings = dataclasses.replace(ws_settings, workspace=dataclasses.replace(
        ws_settings.workspace, theme_css=str(css), theme_class="dijkstede-theme"))
    client = create_app(settings, engine=ws_engine).test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'class="utrecht-root dijkstede-theme gemeentetolk-theme"' in page and 'href="/thema.css"' in page
    assert "#00543d" in client.get("/thema.css").get_data(as_text=True)
