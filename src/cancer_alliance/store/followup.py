"""Remote-monitoring records of breast cancer stratified follow-up (issue 11; docs/decisions/0013).

Patients on follow-up with their stratification decision and personalised-care dates, scheduled
surveillance tests and their results, re-access requests (patient-triggered or raised by an abnormal
result), concerns patients report between appointments, the nurses' actions and the accounts with
the trust clinical role (docs/decisions/0014). The rows nurses change carry a
`version` column that SQLAlchemy checks on every UPDATE (`version_id_col`): of two nurses acting on
the same item at once, one wins and the other is told (`followup.actions.ChangedByAnotherUser`).
Created only by migrations 0003 and 0005 (concerns, care-record dates; docs/decisions/0021);
`tests/store/test_migrations.py` checks the two agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cancer_alliance.store.models import NOT_AUDITED, Base, UtcDateTime, utcnow

PATHWAYS = ("supported_self_management", "clinician_led")
STATUSES = ("active", "suspended", "discharged", "transferred_nhsbsp", "deceased")
RESULTS = ("normal", "abnormal", "awaiting")
REQUEST_SOURCES = ("patient", "abnormal_result")
REQUEST_STATUSES = ("open", "closed")
#: Code lists `followup_concern_route`, `followup_concern_category`, `followup_concern_outcome`
#: (reference/codes; DERIVED from stratified follow-up: NHS Long Term Plan, NICE NG101 "open access" and
#: "alerts", local settings where no source).
CONCERN_ROUTES = ("phone", "portal", "letter", "in_person")
CONCERN_CATEGORIES = ("breast_change", "pain", "lymphoedema", "side_effects", "psychological", "other")
CONCERN_OUTCOMES = ("advice_given", "test_booked", "reaccess", "referred_elsewhere")
#: Personalised-care dates a nurse records (stratified follow-up: NHS Long Term Plan, NICE NG101 DERIVED item
#: 5): column -> what it is.
CARE_RECORDS = {
    "hna_date": "Holistic needs assessment",
    "treatment_summary_date": "Treatment summary",
    "care_plan_date": "Care plan",
}
MAX_SUMMARY = 500
ACTIONS = (
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
    "report_concern",
    "triage_concern",
    "record_care",
)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class FollowupPatient(Base):
    """A patient episode on stratified follow-up: the decision (pathway, protocol version, reasons),
    the surveillance plan's end and handover, status and the last contact. Patient-level: the
    patient is a pseudonym, never an NHS number."""

    __tablename__ = "followup_patient"
    __table_args__ = (
        CheckConstraint(_one_of("pathway", PATHWAYS), name="pathway"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        Index(None, "trust_code", "status"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[str] = mapped_column(String(64), unique=True)
    patient_pseudonym: Mapped[str] = mapped_column(String(64), info=NOT_AUDITED)
    trust_code: Mapped[str] = mapped_column(String(16))
    alliance_code: Mapped[str | None] = mapped_column(String(16))
    age_at_diagnosis: Mapped[int | None] = mapped_column(Integer)
    diagnosis_date: Mapped[date] = mapped_column(Date)
    treatment_end_date: Mapped[date | None] = mapped_column(Date)
    pathway: Mapped[str] = mapped_column(String(32))
    protocol_id: Mapped[str] = mapped_column(String(64))
    protocol_version: Mapped[str] = mapped_column(String(32))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    stratified_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), default="active")
    status_date: Mapped[date] = mapped_column(Date)
    key_worker_id: Mapped[str | None] = mapped_column(String(64))
    open_access_end_date: Mapped[date | None] = mapped_column(Date)
    surveillance_end_date: Mapped[date] = mapped_column(Date)
    handover: Mapped[str] = mapped_column(String(16))
    last_contact_date: Mapped[date | None] = mapped_column(Date)
    treatment_summary_date: Mapped[date | None] = mapped_column(Date)
    care_plan_date: Mapped[date | None] = mapped_column(Date)
    hna_date: Mapped[date | None] = mapped_column(Date)  # the latest holistic needs assessment
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}


class FollowupTest(Base):
    """A scheduled surveillance test (a mammogram) and, once done, its result and review."""

    __tablename__ = "followup_test"
    __table_args__ = (
        CheckConstraint(_one_of("result", RESULTS), name="result"),
        Index(None, "patient_id"),
        Index(None, "due_date"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("followup_patient.id"))
    test_type: Mapped[str] = mapped_column(String(32))
    due_date: Mapped[date] = mapped_column(Date)
    booked_date: Mapped[date | None] = mapped_column(Date)
    performed_date: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(String(16))
    reported_date: Mapped[date | None] = mapped_column(Date)
    source_result_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}


class ReaccessRequest(Base):
    """A request for rapid re-access to clinic: from the patient (open access) or raised by an
    abnormal result; open until a nurse re-accesses the patient to clinic."""

    __tablename__ = "followup_reaccess_request"
    __table_args__ = (
        CheckConstraint(_one_of("source", REQUEST_SOURCES), name="source"),
        CheckConstraint(_one_of("status", REQUEST_STATUSES), name="status"),
        Index(None, "patient_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("followup_patient.id"))
    test_id: Mapped[int | None] = mapped_column(ForeignKey("followup_test.id"))
    source: Mapped[str] = mapped_column(String(24))
    raised_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    clinic_date: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}


class PatientConcern(Base):
    """A concern the patient reported between appointments (by phone, portal, letter or in person),
    open until a nurse triages it with an outcome; an outcome of re-access links the re-access
    request it opened or joined (docs/decisions/0021). The summary is free text: never audited."""

    __tablename__ = "followup_concern"
    __table_args__ = (
        CheckConstraint(_one_of("route", CONCERN_ROUTES), name="route"),
        CheckConstraint(_one_of("category", CONCERN_CATEGORIES), name="category"),
        CheckConstraint(_one_of("status", REQUEST_STATUSES), name="status"),
        CheckConstraint(f"outcome IS NULL OR {_one_of('outcome', CONCERN_OUTCOMES)}", name="outcome"),
        CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)", name="closed_with_outcome"),
        Index(None, "patient_id"),
        Index(None, "status"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("followup_patient.id"))
    reported_on: Mapped[date] = mapped_column(Date)
    route: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(24))
    summary: Mapped[str | None] = mapped_column(String(MAX_SUMMARY), info=NOT_AUDITED)
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome: Mapped[str | None] = mapped_column(String(24))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("followup_reaccess_request.id"))
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}


class FollowupAction(Base):
    """One action on a patient's follow-up by a nurse (or an import job), in the order done.

    `action_key` is unique: a retried request (a lost connection, a double click) carries the same
    key and is recognised instead of being done twice. The note is free text: never audited.
    """

    __tablename__ = "followup_action"
    __table_args__ = (
        CheckConstraint(_one_of("action", ACTIONS), name="action"),
        CheckConstraint("actor_id IS NOT NULL OR job_id IS NOT NULL", name="attributed"),
        Index(None, "patient_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_key: Mapped[str] = mapped_column(String(64), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("followup_patient.id"))
    test_id: Mapped[int | None] = mapped_column(ForeignKey("followup_test.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("followup_reaccess_request.id"))
    concern_id: Mapped[int | None] = mapped_column(ForeignKey("followup_concern.id"))
    action: Mapped[str] = mapped_column(String(32))
    action_date: Mapped[date] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    job_id: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(String(1000), info=NOT_AUDITED)


class ClinicalAccess(Base):
    """A trust account with the clinical role: may open follow-up worklists and patient timelines of
    its own trust (docs/decisions/0014: a grant beside the account, so `user_account` is unchanged)."""

    __tablename__ = "followup_clinician"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    granted_by: Mapped[str] = mapped_column(String(64))


__all__ = [
    "ACTIONS",
    "ClinicalAccess",
    "FollowupAction",
    "FollowupPatient",
    "FollowupTest",
    "PatientConcern",
    "ReaccessRequest",
]
