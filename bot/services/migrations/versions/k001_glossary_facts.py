"""Glossary entries get dated facts: a JSON list ``facts`` (id, claim, valid_from,
valid_until, source, source_url, checked; see ``glossary.facts``). Existing rows get ``[]``.

Revision ID: k001_glossary_facts
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "k001_glossary_facts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("glossary_entry")}
    if "facts" not in columns:
        with op.batch_alter_table("glossary_entry") as batch:
            batch.add_column(sa.Column("facts", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("glossary_entry") as batch:
        batch.drop_column("facts")
