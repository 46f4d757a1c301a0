"""Alembic environment: the assistant's tables and the glossary's, in one database.

Run through ``bot.services.schema.upgrade`` (``gemeentetolk setup``), which passes the
connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from bot.services.schema import target_metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - always run through bot.services.schema
    raise RuntimeError("Run migrations with `gemeentetolk setup`.")

context.configure(
    connection=connection,
    target_metadata=target_metadata(),
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
