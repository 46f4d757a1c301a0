"""The gemeentetolk CLI: every command has help with an example and is documented in README."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from bot.cli import build_parser, main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


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
    assert re.search(rf"gemeentetolk {re.escape(name)}\b", README), f"'gemeentetolk {name}' missing in README"


def test_bad_port_is_a_clean_error(monkeypatch, capsys) -> None:
    monkeypatch.setenv("GEMEENTETOLK_ACTION_PORT", "nope")
    assert main(["nlp", "prepare"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fout:") and "Traceback" not in err
