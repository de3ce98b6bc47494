"""Breast follow-up: patient-reported concerns, the personalised-care dates (treatment summary, care
plan, holistic needs assessment) and the actions on them (issue 11; docs/decisions/0021).

Creates only its own table (`followup_concern`) and adds nullable columns to 0003's tables; the action
log's list of actions is widened (on SQLite by copying `followup_action`, which has no triggers).
Downgrading removes the concerns, the dates and the action-log rows of the new actions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_ACTIONS = (
    "stratify",
    "record_result",
    "review",
    "contact",
    "book",
    "suspend",
    "reactivate",
    "request_reaccess",
    "reaccess",
    "discharge_to_screening",
)
NEW_ACTIONS = ("report_concern", "triage_concern", "record_care")
CARE_DATES = ("treatment_summary_date", "care_plan_date", "hna_date")
KEEP = {"sqlite_autoincrement": True}  # the copy SQLite's batch mode makes keeps 0003's AUTOINCREMENT


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "followup_concern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("route", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            _one_of("route", ("phone", "portal", "letter", "in_person")),
            name=op.f("ck_followup_concern_route"),
        ),
        sa.CheckConstraint(
            _one_of(
                "category",
                ("breast_change", "pain", "lymphoedema", "side_effects", "psychological", "other"),
            ),
            name=op.f("ck_followup_concern_category"),
        ),
        sa.CheckConstraint(_one_of("status", ("open", "closed")), name=op.f("ck_followup_concern_status")),
        sa.CheckConstraint(
            "outcome IS NULL OR "
            + _one_of("outcome", ("advice_given", "test_booked", "reaccess", "referred_elsewhere")),
            name=op.f("ck_followup_concern_outcome"),
        ),
        sa.CheckConstraint(
            "(status = 'closed') = (outcome IS NOT NULL)",
            name=op.f("ck_followup_concern_closed_with_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["followup_patient.id"],
            name=op.f("fk_followup_concern_patient_id_followup_patient"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["followup_reaccess_request.id"],
            name=op.f("fk_followup_concern_request_id_followup_reaccess_request"),
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["user_account.id"], name=op.f("fk_followup_concern_closed_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_concern")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_followup_concern_patient_id"), "followup_concern", ["patient_id"])
    op.create_index(op.f("ix_followup_concern_status"), "followup_concern", ["status"])
    for column in CARE_DATES:
        op.add_column("followup_patient", sa.Column(column, sa.Date(), nullable=True))
    with op.batch_alter_table("followup_action", table_kwargs=KEEP) as batch:
        batch.add_column(sa.Column("concern_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_followup_action_concern_id_followup_concern"), "followup_concern", ["concern_id"], ["id"]
        )
        batch.drop_constraint(op.f("ck_followup_action_action"), type_="check")
        batch.create_check_constraint(
            op.f("ck_followup_action_action"), _one_of("action", OLD_ACTIONS + NEW_ACTIONS)
        )


def downgrade() -> None:
    op.execute(sa.text(f"DELETE FROM followup_action WHERE {_one_of('action', NEW_ACTIONS)}"))
    with op.batch_alter_table("followup_action", table_kwargs=KEEP) as batch:
        batch.drop_constraint(op.f("ck_followup_action_action"), type_="check")
        batch.create_check_constraint(op.f("ck_followup_action_action"), _one_of("action", OLD_ACTIONS))
        batch.drop_constraint(op.f("fk_followup_action_concern_id_followup_concern"), type_="foreignkey")
        batch.drop_column("concern_id")
    for column in CARE_DATES:  # SQLite 3.35+ drops a column in place: no copy of a referenced table
        op.drop_column("followup_patient", column)
    op.drop_table("followup_concern")
