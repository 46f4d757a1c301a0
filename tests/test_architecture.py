"""The rooms of the code and what each may import (docs/architecture.md).

Every import statement is checked, also those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("bot", "actions", "glossary")
MAX_LINES = 500

# room -> top-level modules (or "bot.<room>") it must never import.
FORBIDDEN = {
    "glossary": {"rasa", "rasa_sdk", "bot", "actions", "tools", "tests"},
    "bot/services": {"rasa", "rasa_sdk", "actions", "tools", "tests", "bot.plugins", "bot.cli",
                     "bot.web", "bot.workspace"},
    "actions": {"rasa", "tools", "tests", "bot.plugins", "bot.cli", "bot.web", "bot.workspace"},
    "bot/plugins": {"rasa_sdk", "actions", "glossary", "tools", "tests", "bot.cli", "bot.web",
                    "bot.workspace"},
    "bot/cli": {"rasa", "rasa_sdk", "actions", "tools", "tests", "bot.plugins"},
    "bot/web": {"rasa", "rasa_sdk", "actions", "tools", "tests", "bot.plugins", "bot.cli"},
    "bot/workspace": {"rasa", "rasa_sdk", "actions", "tools", "tests", "bot.plugins"},
}


def _modules(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _py_files(*rooms: str) -> list[Path]:
    return [p for room in rooms for p in sorted((ROOT / room).rglob("*.py"))
            if "migrations" not in p.parts or p.name != "env.py"]


def _hits(module: str, forbidden: set[str]) -> bool:
    return any(module == f or module.startswith(f + ".") for f in forbidden)


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_room_imports_nothing_it_may_not(room: str) -> None:
    bad = {}
    for path in _py_files(room):
        found = [m for m in _modules(path) if _hits(m, FORBIDDEN[room])]
        if found:
            bad[str(path.relative_to(ROOT))] = found
    assert bad == {}


def test_only_the_plugins_import_rasa_and_only_actions_import_rasa_sdk() -> None:
    rasa_users, sdk_users = set(), set()
    for path in _py_files(*SHIPPED):
        rel = path.relative_to(ROOT).as_posix()
        for module in _modules(path):
            if _hits(module, {"rasa"}):
                rasa_users.add(rel.split("/")[0] + "/" + rel.split("/")[1])
            if _hits(module, {"rasa_sdk"}):
                sdk_users.add(rel.split("/")[0])
    assert rasa_users == {"bot/plugins"}
    assert sdk_users == {"actions"}


def test_every_folder_of_bot_is_a_known_room() -> None:
    rooms = {p.name for p in (ROOT / "bot").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert rooms <= {"services", "plugins", "cli", "web", "workspace", "domain"}


def test_no_shipped_module_is_longer_than_500_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in _py_files(*SHIPPED)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_tooling_and_test_harnesses_are_not_shipped() -> None:
    shipped = [p.relative_to(ROOT).as_posix() for p in _py_files(*SHIPPED)]
    assert not [p for p in shipped if p.rsplit("/", 1)[-1] in ("eval.py", "bench.py", "screenshot.py", "testing.py")]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'include = ["bot*", "actions*", "glossary*"]' in pyproject


def test_rasa_loads_plugins_from_the_plugins_room() -> None:
    credentials = yaml.safe_load((ROOT / "bot" / "credentials.yml").read_text(encoding="utf-8"))
    endpoints = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text(encoding="utf-8"))
    classes = [*credentials, endpoints["tracker_store"]["type"]]
    if "lock_store" in endpoints and "." in str(endpoints["lock_store"].get("type", "")):
        classes.append(endpoints["lock_store"]["type"])
    assert all(c.startswith("bot.plugins.") for c in classes), classes


def test_every_services_module_is_placed_in_a_group_in_docs() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Inside `bot/services/`"):doc.index("## One registry of topics")]
    modules = [p.name for p in (ROOT / "bot" / "services").glob("*.py") if p.name != "__init__.py"]
    missing = [m for m in modules if f"`{m}`" not in section]
    assert not missing, f"not in docs/architecture.md, 'Inside bot/services/': {missing}"
