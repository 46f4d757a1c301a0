"""The launcher starts the workspace as one more part, with the Rasa API token."""

from __future__ import annotations

import dataclasses

from bot.cli import stack as stack_module
from tests.support.testing import free_port


def test_start_workspace_passes_port_rasa_url_and_token(monkeypatch, ws_settings) -> None:
    spawned: dict = {}
    monkeypatch.setattr(stack_module.Stack, "start_part",
                        lambda self, part: spawned.update(name=part.name, cmd=part.cmd, env=part.env,
                                                          port=part.port, health=part.health))
    stack = stack_module.Stack(ws_settings, enable_api=True, with_workspace=True)
    stack.start_workspace()
    assert spawned["name"] == "workspace"
    # A supervised part: its port is checked before it starts, its health URL after.
    assert spawned["port"] == ws_settings.workspace.port and spawned["health"].endswith("/health")
    cmd = spawned["cmd"]
    assert cmd[1:3] == ["-m", "bot.workspace.server"]
    assert cmd[cmd.index("--port") + 1] == str(ws_settings.workspace.port)
    assert cmd[cmd.index("--rasa-url") + 1] == ws_settings.rasa_url
    assert spawned["env"]["GEMEENTETOLK_RASA_API_TOKEN"] == stack.api_token
    assert spawned["env"]["GEMEENTETOLK_DB_URL"] == ws_settings.db_url


def test_the_workspace_process_serves_the_login_page(ws_settings, ws_engine, tmp_path) -> None:
    settings = dataclasses.replace(
        ws_settings, workspace=dataclasses.replace(ws_settings.workspace, port=free_port()))
    stack = stack_module.Stack(settings, log_dir=tmp_path / "logs", with_workspace=True)
    try:
        stack.start_workspace()
        stack.wait_ready(timeout=60)
        status, body = stack_module.http_get(f"http://{settings.host}:{settings.workspace.port}/")
        assert status == 200 and "Inloggen" in body  # / leads to the login page
    finally:
        stack.stop()


def test_gemeentetolk_run_starts_and_prints_the_workspace(monkeypatch, capsys) -> None:
    from bot.cli import main

    seen: dict = {}

    def fake_start(self, timeout=180.0):
        from bot.cli.supervisor import StopRequested

        seen.update(workspace=self.with_workspace, api=self.enable_api)
        raise StopRequested  # as when Ctrl-C comes during the start

    monkeypatch.setattr(stack_module.Stack, "start", fake_start)
    monkeypatch.setattr(stack_module.Stack, "stop", lambda self: None)
    assert main(["run"]) == 0
    assert seen == {"workspace": True, "api": True}
