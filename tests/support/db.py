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


def copy_sqlite(src: Path, dst: Path) -> Path:
    """A consistent copy of the SQLite database ``src`` at ``dst``, made with SQLite's backup API.

    A plain file copy can catch the file halfway through a WAL checkpoint (a connection that
    closes writes the WAL back into the file) and then gives "file is not a database"; the
    backup API reads a consistent snapshot, WAL included.
    """
    import sqlite3

    dst.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return dst
