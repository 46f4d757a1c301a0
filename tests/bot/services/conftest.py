"""Fixtures for the learning loop's services: a migrated database and a tracker store file."""

from __future__ import annotations

import pytest

from bot.services.db import make_engine, session_factory
from tests.support.db import migrated_sqlite


@pytest.fixture
def learning_factory(tmp_path):
    engine = make_engine(migrated_sqlite(tmp_path / "learning.db"))
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def tracker_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"
