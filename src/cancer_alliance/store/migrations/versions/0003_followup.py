"""Breast cancer stratified follow-up: patients, surveillance tests, re-access requests, nurses'
actions and the trust clinical role (issue 11; docs/decisions/0013, 0014).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.String(length=64), nullable=False),
        sa.Column("patient_pseudonym", sa.String(length=64), nullable=False),
        sa.Column("trust_code", sa.String(length=16), nullable=False),
        sa.Column("alliance_code", sa.String(length=16), nullable=True),
        sa.Column("age_at_diagnosis", sa.Integer(), nullable=True),
        sa.Column("diagnosis_date", sa.Date(), nullable=False),
        sa.Column("treatment_end_date", sa.Date(), nullable=True),
        sa.Column("pathway", sa.String(length=32), nullable=False),
        sa.Column("protocol_id", sa.String(length=64), nullable=False),
        sa.Column("protocol_version", sa.String(length=32), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("stratified_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=False),
        sa.Column("key_worker_id", sa.String(length=64), nullable=True),
        sa.Column("open_access_end_date", sa.Date(), nullable=True),
        sa.Column("surveillance_end_date", sa.Date(), nullable=False),
        sa.Column("handover", sa.String(length=16), nullable=False),
        sa.Column("last_contact_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "pathway IN ('supported_self_management', 'clinician_led')",
            name=op.f("ck_followup_patient_pathway"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'suspended', 'discharged', 'transferred_nhsbsp', 'deceased')",
            name=op.f("ck_followup_patient_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_patient")),
        sa.UniqueConstraint("episode_id", name=op.f("uq_followup_patient_episode_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_followup_patient_trust_code_status"), "followup_patient", ["trust_code", "status"]
    )

    op.create_table(
        "followup_clinician",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_followup_clinician_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_followup_clinician")),
    )
    op.create_table(
        "followup_test",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("test_type", sa.String(length=32), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("booked_date", sa.Date(), nullable=True),
        sa.Column("performed_date", sa.Date(), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=True),
        sa.Column("reported_date", sa.Date(), nullable=True),
        sa.Column("source_result_id", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "result IN ('normal', 'abnormal', 'awaiting')", name=op.f("ck_followup_test_result")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["followup_patient.id"], name=op.f("fk_followup_test_patient_id_followup_patient")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user_account.id"], name=op.f("fk_followup_test_reviewed_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_test")),
        sa.UniqueConstraint("source_result_id", name=op.f("uq_followup_test_source_result_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_followup_test_due_date"), "followup_test", ["due_date"])
    op.create_index(op.f("ix_followup_test_patient_id"), "followup_test", ["patient_id"])

    op.create_table(
        "followup_reaccess_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("test_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("clinic_date", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "source IN ('patient', 'abnormal_result')", name=op.f("ck_followup_reaccess_request_source")
        ),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_followup_reaccess_request_status")),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["followup_patient.id"],
            name=op.f("fk_followup_reaccess_request_patient_id_followup_patient"),
        ),
        sa.ForeignKeyConstraint(
            ["test_id"], ["followup_test.id"], name=op.f("fk_followup_reaccess_request_test_id_followup_test")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_reaccess_request")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_followup_reaccess_request_patient_id"), "followup_reaccess_request", ["patient_id"]
    )

    op.create_table(
        "followup_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_key", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("test_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("action_date", sa.Date(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.String(length=64), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.CheckConstraint(
            "action IN ('stratify', 'record_result', 'review', 'contact', 'book', 'suspend', 'reactivate', "
            "'request_reaccess', 'reaccess', 'discharge_to_screening')",
            name=op.f("ck_followup_action_action"),
        ),
        sa.CheckConstraint(
            "actor_id IS NOT NULL OR job_id IS NOT NULL", name=op.f("ck_followup_action_attributed")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_followup_action_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["followup_patient.id"],
            name=op.f("fk_followup_action_patient_id_followup_patient"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["followup_reaccess_request.id"],
            name=op.f("fk_followup_action_request_id_followup_reaccess_request"),
        ),
        sa.ForeignKeyConstraint(
            ["test_id"], ["followup_test.id"], name=op.f("fk_followup_action_test_id_followup_test")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_action")),
        sa.UniqueConstraint("action_key", name=op.f("uq_followup_action_action_key")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_followup_action_patient_id"), "followup_action", ["patient_id"])


def downgrade() -> None:
    for table in (
        "followup_action",
        "followup_reaccess_request",
        "followup_test",
        "followup_clinician",
        "followup_patient",
    ):
        op.drop_table(table)
