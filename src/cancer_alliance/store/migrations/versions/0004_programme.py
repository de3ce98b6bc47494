"""Alliance programme: funding agreements, deliverables with trajectories and change history, and the
best-practice library with full-text search (issue 15, decision records 0018 and 0019).

Creates only its own tables (they refer to `user_account` from 0001), so it does not depend on what
0003 (follow-up) creates. Search: an FTS5 table kept by triggers on SQLite, a GIN
index over `to_tsvector('simple', search_text)` on PostgreSQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")

SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE case_study_search USING fts5(search_text, content='case_study', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    """
    CREATE TRIGGER case_study_search_insert AFTER INSERT ON case_study BEGIN
        INSERT INTO case_study_search(rowid, search_text) VALUES (new.id, new.search_text);
    END
    """,
    """
    CREATE TRIGGER case_study_search_delete AFTER DELETE ON case_study BEGIN
        INSERT INTO case_study_search(case_study_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END
    """,
    """
    CREATE TRIGGER case_study_search_update AFTER UPDATE OF search_text ON case_study BEGIN
        INSERT INTO case_study_search(case_study_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO case_study_search(rowid, search_text) VALUES (new.id, new.search_text);
    END
    """,
]
POSTGRESQL_SEARCH = [
    "CREATE INDEX ix_case_study_search ON case_study USING gin (to_tsvector('simple', search_text))",
]


def upgrade() -> None:
    op.create_table(
        "funding_agreement",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("alliance_code", sa.String(16), nullable=False),
        sa.Column("financial_year", sa.String(7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_agreement")),
        sa.UniqueConstraint(
            "alliance_code", "financial_year", name=op.f("uq_funding_agreement_alliance_code")
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "deliverable",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("funding", sa.Numeric(14, 2), nullable=True),
        sa.Column("metric_key", sa.String(64), nullable=True),
        sa.Column("manual_rag", sa.String(8), nullable=True),
        sa.Column("manual_rag_reason", sa.String(500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.CheckConstraint(
            "manual_rag IS NULL OR manual_rag IN ('red', 'amber', 'green')",
            name=op.f("ck_deliverable_manual_rag"),
        ),
        sa.CheckConstraint(
            "(manual_rag IS NULL) = (manual_rag_reason IS NULL)",
            name=op.f("ck_deliverable_manual_rag_reason"),
        ),
        sa.CheckConstraint("funding IS NULL OR funding >= 0", name=op.f("ck_deliverable_funding")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["funding_agreement.id"],
            name=op.f("fk_deliverable_agreement_id_funding_agreement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliverable")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_deliverable_agreement_id"), "deliverable", ["agreement_id"])
    op.create_table(
        "deliverable_trajectory",
        sa.Column("deliverable_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.CheckConstraint("month LIKE '____-__'", name=op.f("ck_deliverable_trajectory_month")),
        sa.ForeignKeyConstraint(
            ["deliverable_id"],
            ["deliverable.id"],
            name=op.f("fk_deliverable_trajectory_deliverable_id_deliverable"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("deliverable_id", "month", name=op.f("pk_deliverable_trajectory")),
    )
    op.create_table(
        "deliverable_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("deliverable_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.String(64), nullable=True),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("before", JSON, nullable=False),
        sa.Column("after", JSON, nullable=False),
        sa.CheckConstraint(
            "actor_id IS NOT NULL OR job_id IS NOT NULL", name=op.f("ck_deliverable_change_attributed")
        ),
        sa.ForeignKeyConstraint(
            ["deliverable_id"],
            ["deliverable.id"],
            name=op.f("fk_deliverable_change_deliverable_id_deliverable"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_deliverable_change_actor_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliverable_change")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_deliverable_change_deliverable_id"), "deliverable_change", ["deliverable_id"])
    op.create_table(
        "case_study",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("alliance_code", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.String(2000), nullable=False),
        sa.Column("intervention", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("contacts", sa.String(500), nullable=False),
        sa.Column("metric_key", sa.String(64), nullable=True),
        sa.Column("change_month", sa.String(7), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'published')", name=op.f("ck_case_study_status")
        ),
        sa.CheckConstraint(
            "change_month IS NULL OR change_month LIKE '____-__'", name=op.f("ck_case_study_change_month")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_case_study_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["user_account.id"], name=op.f("fk_case_study_published_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_study")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_case_study_alliance_code"), "case_study", ["alliance_code"])
    op.create_index(op.f("ix_case_study_status"), "case_study", ["status"])
    op.create_table(
        "case_study_priority",
        sa.Column("case_study_id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_study_id"],
            ["case_study.id"],
            name=op.f("fk_case_study_priority_case_study_id_case_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_study_id", "priority", name=op.f("pk_case_study_priority")),
    )
    statements = SQLITE_SEARCH if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_SEARCH
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS case_study_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS case_study_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_case_study_search")
    for table in (
        "case_study_priority",
        "case_study",
        "deliverable_change",
        "deliverable_trajectory",
        "deliverable",
        "funding_agreement",
    ):
        op.drop_table(table)
