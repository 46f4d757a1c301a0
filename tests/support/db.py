"""Databases for tests, made the way production makes them: by the migrations."""

from __future__ import annotations

from pathlib import Path

from bot.services import schema
from bot.services.db import make_engine


def migrated_sqlite(path: Path) -> str:
    """A SQLite file at ``path`` with the newest schema; returns its URL."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()
    return url
