"""The gemeentetolk CLI: every command has help with an example and is documented (README or docs/)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from bot.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[3]
# The README is the entry point; the commands are documented there or in docs/ by audience.
README = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix} {name}".strip()
                nested = _commands(sub, full)
                found.extend(nested or [(full, sub)])
    return found


COMMANDS = _commands(build_parser())


def test_there_are_commands() -> None:
    names = [name for name, _ in COMMANDS]
    assert {"setup", "nlp prepare", "run", "shell"} <= set(names)


@pytest.mark.parametrize(("name", "parser"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_has_help_with_example(name: str, parser: argparse.ArgumentParser) -> None:
    assert "Voorbeeld: gemeentetolk" in (parser.epilog or ""), f"{name}: no example in --help"


@pytest.mark.parametrize(("name", "parser"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_is_documented_in_readme(name: str, parser: argparse.ArgumentParser) -> None:
    assert re.search(rf"gemeentetolk {re.escape(name)}\b", README), f"'gemeentetolk {name}' missing in README and docs/"


def test_bad_port_is_a_clean_error(monkeypatch, capsys) -> None:
    monkeypatch.setenv("GEMEENTETOLK_ACTION_PORT", "nope")
    assert main(["nlp", "prepare"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fout:") and "Traceback" not in err


def test_shell_starts_rasa_shell_with_the_server_settings(monkeypatch) -> None:
    """`gemeentetolk shell`: action server first, then Rasa's shell with the same env as run."""
    import subprocess

    from bot.cli import stack as stack_module

    calls: dict = {}
    monkeypatch.setattr(stack_module.Stack, "start_actions", lambda self: calls.setdefault("actions", True))
    monkeypatch.setattr(stack_module.Stack, "wait_ready", lambda self, timeout: None)
    monkeypatch.setattr(stack_module.Stack, "stop", lambda self: calls.setdefault("stopped", True))

    class FakeShell:
        def __init__(self, cmd, cwd, env):
            calls.update(cmd=cmd, env=env)

        def wait(self, timeout=None):
            return 0

        def poll(self):
            return 0

    monkeypatch.setattr(subprocess, "Popen", FakeShell)
    monkeypatch.delenv("TF_INTRA_OP_PARALLELISM_THREADS", raising=False)
    assert main(["shell"]) == 0
    assert calls["actions"] and calls["stopped"]
    # Through the one entry point that installs the speed-ups (bot.plugins.server).
    assert calls["cmd"][1:4] == ["-m", "bot.plugins.server", "shell"] and "bot/endpoints.yml" in calls["cmd"]
    assert calls["env"]["TF_INTRA_OP_PARALLELISM_THREADS"] == "1"
    assert calls["env"]["GEMEENTETOLK_TRACKER_DB_URL"].startswith("sqlite:///")
    assert calls["env"]["GEMEENTETOLK_ACTION_URL"].endswith("/webhook")
