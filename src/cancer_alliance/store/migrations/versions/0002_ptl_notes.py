"""PTL notes and next actions (issue 6, "Patient tracking list").

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ptl_note",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("provider", sa.String(16), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.String(2000), nullable=False),
        sa.Column("next_action", sa.String(500), nullable=True),
        sa.Column("next_action_due", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_ptl_note_author_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ptl_note")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_ptl_note_record_id"), "ptl_note", ["record_id"])


def downgrade() -> None:
    op.drop_table("ptl_note")
