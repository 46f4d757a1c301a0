"""Database set-up: an engine per URL and a session per unit of work (SQLAlchemy 2.0 style)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, busy_timeout: float = 30.0) -> Engine:
    """Create an engine; for a SQLite file, create its folder and enable foreign keys.

    ``busy_timeout``: how long SQLite waits for a lock held by another process (seconds).
    """
    parsed = make_url(url)
    kwargs: dict = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": busy_timeout, "check_same_thread": False}
    else:
        # A server restart (PostgreSQL in the scaled profile) leaves dead connections in the
        # pool; check each one as it is taken, so the first request after recovery works.
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            cursor.close()

    return engine


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, future=True, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker) -> Iterator[Session]:
    """One session and one transaction: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session
