"""Fixtures for the glossary tests: a fresh SQLite store per test, the curated entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from glossary.io import read_yaml
from glossary.matcher import Matcher
from glossary.model import Entry
from glossary.store import Store

HERE = Path(__file__).resolve().parent
TERMS = HERE.parents[1] / "glossary" / "terms"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'glossary.db'}"


@pytest.fixture
def fresh_store(db_url: str) -> Store:
    store = Store.from_url(db_url, create=True)
    yield store
    store.engine.dispose()


@pytest.fixture(scope="session")
def curated() -> list[Entry]:
    return read_yaml(TERMS)


@pytest.fixture(scope="session")
def curated_matcher(curated: list[Entry]) -> Matcher:
    return Matcher.build([e for e in curated if e.status == "vastgesteld"])


def make_entry(entry_id: str, label: str, **kw) -> Entry:
    defaults = {
        "definition": f"Een {label} is een voorbeeld dat we gebruiken in een test.",
        "plain": f"uitleg van {label}",
        "source": "testbron",
        "topic": "procurement",
        "example": f"Dit is een {label}.",
    }
    defaults.update(kw)
    return Entry(id=entry_id, pref_label=label, **defaults)
