"""The runtime matcher: vastgesteld entries only, cached, rebuilt when the database changes;
and the package stays free of Rasa."""

from __future__ import annotations

import ast
from pathlib import Path

from glossary import runtime

from .conftest import make_entry

PACKAGE = Path(__file__).resolve().parents[2] / "glossary"


def test_matcher_uses_vastgesteld_entries_and_follows_changes(fresh_store, db_url) -> None:
    try:
        fresh_store.add(make_entry("offerte", "offerte"), by="anna")
        first = runtime.get_matcher(db_url)
        assert first.lookup("een offerte") == []
        assert runtime.get_matcher(db_url) is first  # cached while nothing changes
        fresh_store.set_status("offerte", "voorgesteld", by="anna")
        fresh_store.set_status("offerte", "vastgesteld", by="bram")
        second = runtime.get_matcher(db_url)
        assert second is not first
        assert [m.entry_id for m in second.lookup("twee offertes")] == ["offerte"]
        assert second.entry("offerte").plain == "uitleg van offerte"
    finally:
        runtime.clear_cache()


def test_glossary_package_never_imports_rasa() -> None:
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            bad = [n for n in names if n.split(".")[0] in ("rasa", "rasa_sdk", "bot", "actions")]
            assert not bad, f"{path.name} imports {bad}"
