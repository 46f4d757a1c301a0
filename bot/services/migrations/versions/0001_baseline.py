"""Baseline: the tables as they were before migrations (municipalities, contact requests,
glossary entries, history and gaps).

A database made before migrations existed already has some or all of these tables: each
table is created only when it is missing, so the upgrade keeps every row.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _tables(meta: sa.MetaData) -> None:
    sa.Table(
        "municipalities", meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("fictional", sa.Boolean, nullable=False),
        sa.Column("has_single_contact_point", sa.Boolean, nullable=False),
        sa.Column("profile_json", sa.Text, nullable=False),
        sa.Column("source_hash", sa.String(64), nullable=False),
        sa.Column("loaded_at", sa.DateTime, nullable=False),
        sa.Index("ix_municipalities_slug", "slug", unique=True),
    )
    sa.Table(
        "municipal_departments", meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("municipality_id", sa.Integer,
                  sa.ForeignKey("municipalities.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("is_contact_point", sa.Boolean, nullable=False),
        sa.Column("topics", sa.Text, nullable=False),
        sa.Column("phone", sa.String(40)),
        sa.Column("email", sa.String(200)),
        sa.Column("website", sa.String(300)),
        sa.Index("ix_municipal_departments_municipality_id", "municipality_id"),
    )
    sa.Table(
        "contact_requests", meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("municipality", sa.String(64)),
        sa.Column("department", sa.String(64)),
        sa.Column("topic", sa.String(64)),
        sa.Column("subtopic", sa.String(64)),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("official_terms", sa.Text, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(40)),
        sa.Column("contact_moment", sa.String(200)),
        sa.Column("consent_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("closed_at", sa.DateTime),
        sa.Index("ix_contact_requests_reference", "reference", unique=True),
        sa.Index("ix_contact_requests_created_at", "created_at"),
        sa.Index("ix_contact_requests_municipality", "municipality"),
        sa.Index("ix_contact_requests_department", "department"),
    )
    sa.Table(
        "glossary_entry", meta,
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("pref_label", sa.String(200), nullable=False),
        sa.Column("alt_labels", sa.JSON, nullable=False),
        sa.Column("hidden_labels", sa.JSON, nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("plain", sa.Text, nullable=False),
        sa.Column("example", sa.Text, nullable=False),
        sa.Column("scope_note", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("broader", sa.JSON, nullable=False),
        sa.Column("related", sa.JSON, nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("changed_by", sa.String(120), nullable=False),
        sa.Column("changed_at", sa.DateTime),
        sa.Column("reviewed_at", sa.DateTime),
        sa.Column("curated_hash", sa.String(64)),
        sa.Index("ix_glossary_entry_status", "status"),
    )
    sa.Table(
        "glossary_history", meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(120), nullable=False),
        sa.Column("changed_at", sa.DateTime, nullable=False),
        sa.Column("changed_by", sa.String(120), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("field", sa.String(40)),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
        sa.Index("ix_glossary_history_entry_id", "entry_id"),
    )
    sa.Table(
        "glossary_gap", meta,
        sa.Column("word", sa.String(200), primary_key=True),
        sa.Column("asked_as", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("first_asked", sa.DateTime, nullable=False),
        sa.Column("last_asked", sa.DateTime, nullable=False),
    )


def upgrade() -> None:
    meta = sa.MetaData()
    _tables(meta)
    # checkfirst: a database made by `create_all` before migrations keeps its tables and rows.
    meta.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    meta = sa.MetaData()
    _tables(meta)
    meta.drop_all(op.get_bind())
