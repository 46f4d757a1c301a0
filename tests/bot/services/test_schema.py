"""Migrations create and upgrade the schema, keep every row of an older database, and agree
with the tables in the code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.services import schema
from bot.services.db import make_engine
from tests.support.db import migrated_sqlite

OLD_SCHEMA = Path(__file__).resolve().parent / "fixtures" / "schema_before_migrations.sql"


def test_a_new_database_gets_the_newest_schema(tmp_path: Path) -> None:
    engine = make_engine(migrated_sqlite(tmp_path / "new.db"))
    assert schema.current(engine) == schema.head()
    tables = set(inspect(engine).get_table_names())
    assert {"contact_requests", "municipalities", "glossary_entry", "glossary_gap"} <= tables


def test_migrations_and_the_tables_in_the_code_agree(tmp_path: Path) -> None:
    engine = make_engine(migrated_sqlite(tmp_path / "cmp.db"))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.target_metadata())
    assert diff == []


def test_setup_upgrades_a_database_made_before_migrations_without_losing_data(tmp_path, monkeypatch, capsys) -> None:
    from bot.cli import main

    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(OLD_SCHEMA.read_text(encoding="utf-8"))
        conn.execute(
            "INSERT INTO contact_requests (reference, created_at, summary, official_terms, name, email,"
            " consent_at, status) VALUES ('GT-AAAA-BBBB', '2026-11-01 10:00:00', 'vraag', '[]',"
            " 'Test Persoon', 't@voorbeeld.example', '2026-11-01 10:00:00', 'open')"
        )
        conn.execute(
            "INSERT INTO glossary_entry (id, pref_label, alt_labels, hidden_labels, definition, plain,"
            " example, scope_note, source, broader, related, topic, status, changed_by) VALUES"
            " ('eigen-term', 'eigen term', '[]', '[]', 'Een eigen term is een test.', 'test', '', '',"
            " 'bron', '[]', '[]', 'subsidy', 'vastgesteld', 'redacteur')"
        )
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", f"sqlite:///{db}")
    assert main(["setup"]) == 0
    assert "bijgewerkt naar versie" in capsys.readouterr().out
    engine = make_engine(f"sqlite:///{db}")
    assert schema.current(engine) == schema.head()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM contact_requests").fetchall() == [("Test Persoon",)]
        assert conn.execute("SELECT pref_label FROM glossary_entry WHERE id='eigen-term'").fetchone() == ("eigen term",)
        assert conn.execute("SELECT count(*) FROM municipalities").fetchone()[0] == 2
    # A second run changes nothing.
    assert main(["setup"]) == 0
    assert "actueel" in capsys.readouterr().out


def test_nothing_creates_tables_outside_the_migrations() -> None:
    root = Path(__file__).resolve().parents[3]
    users = [p.relative_to(root).as_posix() for room in ("bot", "actions", "glossary")
             for p in (root / room).rglob("*.py") if "create_all(" in p.read_text(encoding="utf-8")]
    # bot/services/migrations: the baseline; glossary/store.py: Store.create_schema, for tests only.
    assert sorted(users) == ["bot/services/migrations/versions/0001_baseline.py", "glossary/store.py"]
