"""Learning loop: answer feedback, the inbox of misunderstood questions, training examples,
gap example sentences and decisions, anonymous report facts, the social enterprise register.

Revision ID: l001
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "l001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ref_hash", sa.String(64), nullable=False),
        sa.Column("given_on", sa.Date, nullable=False),
        sa.Column("municipality", sa.String(64)),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("subtopic", sa.String(64), nullable=False),
        sa.Column("helpful", sa.Boolean, nullable=False),
        sa.Column("comment", sa.Text),
        sa.UniqueConstraint("ref_hash"),
    )
    op.create_index("ix_answer_feedback_given_on", "answer_feedback", ["given_on"])
    op.create_index("ix_answer_feedback_municipality", "answer_feedback", ["municipality"])

    op.create_table(
        "inbox_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_key", sa.String(64), nullable=False),
        sa.Column("asked_at", sa.DateTime, nullable=False),
        sa.Column("municipality", sa.String(64)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("norm", sa.String(500), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("intent", sa.String(120)),
        sa.Column("confidence", sa.Float),
        sa.Column("comment", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(120)),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("decided_at", sa.DateTime),
        sa.UniqueConstraint("source_key"),
    )
    for column in ("asked_at", "municipality", "norm", "status"):
        op.create_index(f"ix_inbox_messages_{column}", "inbox_messages", [column])

    op.create_table(
        "nlu_examples",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("intent", sa.String(120), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("norm", sa.String(500), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("norm"),
    )
    op.create_index("ix_nlu_examples_intent", "nlu_examples", ["intent"])

    op.create_table(
        "glossary_gap_examples",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("word", sa.String(200), nullable=False),
        sa.Column("asked_as", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("asked_at", sa.DateTime, nullable=False),
        sa.Column("municipality", sa.String(64)),
    )
    op.create_index("ix_glossary_gap_examples_word", "glossary_gap_examples", ["word"])
    op.create_index("ix_glossary_gap_examples_asked_at", "glossary_gap_examples", ["asked_at"])

    op.create_table(
        "glossary_gap_decisions",
        sa.Column("word", sa.String(200), primary_key=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("entry_id", sa.String(120)),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=False),
    )

    op.create_table(
        "report_turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_key", sa.String(64), nullable=False),
        sa.Column("conversation", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("municipality", sa.String(64)),
        sa.Column("intent", sa.String(120)),
        sa.Column("topic", sa.String(64)),
        sa.Column("subtopic", sa.String(64)),
        sa.Column("fallback", sa.Boolean, nullable=False),
        sa.Column("clarify", sa.Boolean, nullable=False),
        sa.Column("departments", sa.String(500), nullable=False),
        sa.UniqueConstraint("source_key"),
    )
    for column in ("conversation", "at", "municipality"):
        op.create_index(f"ix_report_turns_{column}", "report_turns", [column])

    op.create_table(
        "report_contacts",
        sa.Column("reference", sa.String(20), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("municipality", sa.String(64)),
        sa.Column("department", sa.String(64)),
    )
    op.create_index("ix_report_contacts_created_at", "report_contacts", ["created_at"])
    op.create_index("ix_report_contacts_municipality", "report_contacts", ["municipality"])

    op.create_table(
        "learning_state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )

    op.create_table(
        "social_enterprises",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("consent_at", sa.DateTime, nullable=False),
        sa.Column("municipality", sa.String(64)),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kvk", sa.String(8), nullable=False),
        sa.Column("theme", sa.String(20), nullable=False),
        sa.Column("mission", sa.Text, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("conversation", sa.String(64)),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("token_hash"),
    )
    for column in ("created_at", "municipality", "theme", "conversation"):
        op.create_index(f"ix_social_enterprises_{column}", "social_enterprises", [column])


def downgrade() -> None:
    for table in ("social_enterprises", "learning_state", "report_contacts", "report_turns",
                  "glossary_gap_decisions", "glossary_gap_examples", "nlu_examples",
                  "inbox_messages", "answer_feedback"):
        op.drop_table(table)
