"""Who may reach breast follow-up records: the only way the follow-up pages read patient-level rows.

Follow-up worklists and patient timelines are for trust users with the clinical role (an account in
`followup_clinician`, docs/decisions/0014), and only for their own trust; a patient of another trust
is refused exactly like one that does not exist. The alliance metrics are aggregates: alliance users
see their alliance's trusts, national users all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cancer_alliance.errors import AllianceError
from cancer_alliance.followup.protocol import Protocol
from cancer_alliance.followup.worklist import WorkItem, worklist
from cancer_alliance.store import Role, UserAccount
from cancer_alliance.store.followup import (
    ClinicalAccess,
    FollowupAction,
    FollowupPatient,
    FollowupTest,
    PatientConcern,
    ReaccessRequest,
)
from cancer_alliance.web.scope import Viewer

NOT_CLINICAL = "Follow-up worklists and patient records are for trust users with the clinical role."
PATIENT_REFUSAL = "follow-up patient not found in your trust"


class NotClinical(AllianceError):
    """The viewer is not a trust user with the clinical role."""


class PatientNotInScope(AllianceError):
    """No such follow-up patient in the viewer's trust."""


@dataclass(frozen=True)
class PatientRecord:
    """Everything the timeline shows about one patient."""

    patient: FollowupPatient
    tests: list[FollowupTest]
    requests: list[ReaccessRequest]
    history: list[tuple[FollowupAction, str]]
    concerns: list[PatientConcern]


class FollowupScope:
    """Patient-level follow-up reads for one clinical trust user."""

    def __init__(self, session: Session, viewer: Viewer) -> None:
        if viewer.role is not Role.trust or not viewer.organisation_code or viewer.user_id is None:
            raise NotClinical(NOT_CLINICAL)
        if session.get(ClinicalAccess, viewer.user_id) is None:
            raise NotClinical(NOT_CLINICAL)
        self.session = session
        self.trust_code = viewer.organisation_code

    def worklist(self, protocol: Protocol, as_of: dt.date) -> list[WorkItem]:
        return worklist(self.session, protocol, as_of, self.trust_code)

    def patient(self, patient_id: int) -> FollowupPatient:
        found = self.session.get(FollowupPatient, patient_id)
        if found is None or found.trust_code != self.trust_code:
            raise PatientNotInScope(PATIENT_REFUSAL)
        return found

    def record(self, patient_id: int) -> PatientRecord:
        patient = self.patient(patient_id)
        tests = self.session.scalars(
            select(FollowupTest)
            .where(FollowupTest.patient_id == patient.id)
            .order_by(FollowupTest.due_date, FollowupTest.id)
        ).all()
        requests = self.session.scalars(
            select(ReaccessRequest)
            .where(ReaccessRequest.patient_id == patient.id)
            .order_by(ReaccessRequest.id)
        ).all()
        concerns = self.session.scalars(
            select(PatientConcern)
            .where(PatientConcern.patient_id == patient.id)
            .order_by(PatientConcern.reported_on, PatientConcern.id)
        ).all()
        history = self.session.execute(
            select(FollowupAction, UserAccount.display_name)
            .outerjoin(UserAccount, UserAccount.id == FollowupAction.actor_id)
            .where(FollowupAction.patient_id == patient.id)
            .order_by(FollowupAction.id.desc())
        ).all()
        return PatientRecord(
            patient,
            list(tests),
            list(requests),
            [(action, name or f"job {action.job_id}") for action, name in history],
            list(concerns),
        )


def is_clinical(session: Session, viewer: Viewer) -> bool:
    try:
        FollowupScope(session, viewer)
    except NotClinical:
        return False
    return True
