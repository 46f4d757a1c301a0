"""Workspace (Beheer): accounts, sessions, failed logins, audit log, publish jobs, profile
documents; handling columns on contact requests (conversation, assignee, closing note).

Revision ID: w001
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "w001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspace_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("municipality", sa.String(64)),
        sa.Column("department", sa.String(64)),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("password_changed_at", sa.DateTime, nullable=False),
        sa.Column("last_login_at", sa.DateTime),
    )
    op.create_index("ix_workspace_users_username", "workspace_users", ["username"], unique=True)
    op.create_table(
        "workspace_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer,
                  sa.ForeignKey("workspace_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
    )
    op.create_index("ix_workspace_sessions_user_id", "workspace_sessions", ["user_id"])
    op.create_table(
        "workspace_login_failures",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("first_at", sa.DateTime, nullable=False),
        sa.Column("locked_until", sa.DateTime),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target_type", sa.String(64), nullable=False),
        sa.Column("target_id", sa.String(200), nullable=False),
        sa.Column("before_json", sa.Text),
        sa.Column("after_json", sa.Text),
        sa.Column("address", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "publish_jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("started_by", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("step_started_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("model_file", sa.String(500)),
        sa.Column("log_tail", sa.Text, nullable=False),
    )
    op.create_table(
        "profile_documents",
        sa.Column("slug", sa.String(64), primary_key=True),
        sa.Column("document_yaml", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("file_hash", sa.String(64)),
        sa.Column("edited_by", sa.String(64)),
        sa.Column("edited_at", sa.DateTime),
    )
    with op.batch_alter_table("contact_requests") as batch:
        batch.add_column(sa.Column("conversation_id", sa.String(255)))
        batch.add_column(sa.Column("assigned_to", sa.String(64)))
        batch.add_column(sa.Column("closed_by", sa.String(64)))
        batch.add_column(sa.Column("close_note", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("contact_requests") as batch:
        for name in ("close_note", "closed_by", "assigned_to", "conversation_id"):
            batch.drop_column(name)
    for table in ("profile_documents", "publish_jobs", "audit_log", "workspace_login_failures",
                  "workspace_sessions", "workspace_users"):
        op.drop_table(table)
