"""Contact requests get a request key: the same request sent twice is stored once.

The key is a hash of the conversation, the day and the request's fields
(``bot.services.contact.request_key``); a unique index makes a second insert impossible.
Existing rows keep an empty key.

Revision ID: f001
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("contact_requests")}
    if "request_key" not in columns:
        op.add_column("contact_requests", sa.Column("request_key", sa.String(64), nullable=True))
    op.create_index("ix_contact_requests_request_key", "contact_requests", ["request_key"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ix_contact_requests_request_key", table_name="contact_requests")
    with op.batch_alter_table("contact_requests") as batch:
        batch.drop_column("request_key")
