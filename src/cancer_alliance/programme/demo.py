"""Demo funding agreements and case studies (issue 15), added by `alliance demo` so the programme pages,
the library and the board pack have something to show. Everything here is made up for the demo and
says so; it is added once (a second run leaves an alliance that already has deliverables alone),
under the job id `demo-programme`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from cancer_alliance.programme.board import financial_year
from cancer_alliance.programme.case_studies import CaseStudyInput, add_case_study, moderate, submit
from cancer_alliance.programme.deliverables import DeliverableInput, add_deliverable, list_deliverables
from cancer_alliance.reference.organisations import alliances
from cancer_alliance.store import Auditor, Role, Store
from cancer_alliance.store.programme import CaseStudy, Rag

DEMO_JOB = "demo-programme"
DEMO_NOTE = " (demo: made up for the generated data)"


@dataclass(frozen=True)
class DemoProgramme:
    deliverables: int
    case_studies: int


def fy_months(year: str) -> list[str]:
    """The twelve months of a financial year, April first."""
    start = int(year[:4])
    return [f"{start}-{m:02d}" for m in range(4, 13)] + [f"{start + 1}-{m:02d}" for m in range(1, 4)]


def ramp(months: list[str], first: float, last: float) -> dict[str, float]:
    step = (last - first) / (len(months) - 1)
    return {month: round(first + i * step, 4) for i, month in enumerate(months)}


def deliverables_for(year: str, index: int) -> list[DeliverableInput]:
    months = fy_months(year)
    due = date(int(year[:4]) + 1, 3, 31)
    manual = [Rag.green, Rag.amber, Rag.red][index % 3]
    return [
        DeliverableInput(
            title="Recover the 62-day standard",
            owner="Alliance programme manager",
            due_date=due,
            funding=Decimal(400_000 + 25_000 * index),
            metric_key="cwt:62d_usc",
            trajectory=ramp(months, 0.80, 0.85),
        ),
        DeliverableInput(
            title="Two-week wait: hold the 93% standard",
            owner="Alliance performance lead",
            due_date=due,
            funding=Decimal(150_000),
            metric_key="cwt:2ww",
            trajectory=dict.fromkeys(months, 0.93),
        ),
        DeliverableInput(
            title="Raise the share of cancers diagnosed at stage 1 or 2",
            owner="Early diagnosis clinical lead",
            due_date=due,
            funding=Decimal(300_000),
            metric_key="early_diagnosis:early_stage_proportion",
            trajectory=ramp(months, 0.54, 0.56),
        ),
        DeliverableInput(
            title="Recruit cancer care navigators in every trust",
            owner="Workforce lead",
            due_date=date(int(year[:4]) + 1, 1, 31),
            funding=Decimal(120_000),
            manual_rag=manual,
            manual_rag_reason={
                Rag.green: "All posts filled",
                Rag.amber: "Two of three posts filled; the last is out to advert",
                Rag.red: "Recruitment paused pending funding confirmation",
            }[manual]
            + DEMO_NOTE,
        ),
    ]


CASE_STUDIES = [
    (
        "Straight-to-test lung pathway",
        "Same-day CT at referral triage for suspected lung cancer shortened the wait to diagnosis.",
        "Radiology books the CT at referral triage; a respiratory consultant reviews the result within 48 "
        "hours and the patient is seen with the result in hand.",
        ("pathways", "waiting_times"),
        "cwt:62d_usc",
        "published",
    ),
    (
        "Nurse-led breast follow-up with remote monitoring",
        "Patients at low risk after breast cancer treatment moved to open-access follow-up with a named "
        "nurse.",
        "Stratification at the end of treatment; a remote-monitoring worklist for the nurses; an open "
        "route back to the clinic.",
        ("followup",),
        None,
        "published",
    ),
    (
        "FIT in primary care for low-risk symptoms",
        "GPs use FIT to decide who needs an urgent colorectal referral, cutting unnecessary colonoscopies.",
        "A FIT kit is given at the GP appointment; results at or above 10 micrograms per gram go on the "
        "urgent pathway with a safety net for the rest.",
        ("screening", "pathways"),
        "cwt:2ww",
        "published",
    ),
    (
        "Lung health checks in the most deprived wards",
        "Targeted lung health checks for people who have smoked, invited through their GP practice.",
        "Risk assessment with PLCOm2012 at a mobile unit in supermarket car parks; low-dose CT on the day "
        "for those eligible.",
        ("lung_health_checks", "early_diagnosis"),
        "early_diagnosis:early_stage_proportion",
        "submitted",
    ),
    (
        "Faster Diagnosis Standard shadow reporting",
        "Trusts started recording the date patients are told their diagnosis ahead of the new standard.",
        "A shared data-capture form in every MDT and a monthly report back to each trust.",
        ("fds", "waiting_times"),
        None,
        "draft",
    ),
]


def seed_demo_programme(
    store: Store, reference_date: date, demo_alliance: str | None = None
) -> DemoProgramme:
    """Add the demo deliverables to every 2018/19 alliance (financial year of `reference_date`) and the
    demo case studies (spread over alliances, `demo_alliance` first), each once."""
    year = financial_year(reference_date.strftime("%Y-%m"))
    codes = [a.code for a in alliances("2018/19")]
    if demo_alliance in codes:
        codes.remove(demo_alliance)
        codes.insert(0, demo_alliance)
    added_deliverables = added_studies = 0
    with store.begin() as session:
        auditor = Auditor(session, job_id=f"{DEMO_JOB}-{uuid.uuid4().hex[:12]}")
        for index, code in enumerate(codes):
            if list_deliverables(session, code, year):
                continue
            for data in deliverables_for(year, index):
                add_deliverable(session, auditor, code, year, data)
                added_deliverables += 1
        existing = set(session.scalars(select(CaseStudy.title)))
        for index, (title, summary, intervention, tags, metric, status) in enumerate(CASE_STUDIES):
            if title in existing:
                continue
            code = codes[index % len(codes)]
            months = fy_months(year)
            data = CaseStudyInput(
                title=title,
                summary=summary + DEMO_NOTE,
                intervention=intervention,
                priorities=tags,
                start_date=date(int(year[:4]), 7, 1),
                contacts="Alliance programme office (demo)",
                metric_key=metric,
                change_month=(months[6] if metric and metric.startswith("cwt") else f"{int(year[:4]) - 2}-01")
                if metric
                else None,
            )
            study = add_case_study(session, auditor, code, data, role=Role.national, organisation_code=None)
            if status in ("submitted", "published"):
                submit(session, auditor, study.id, role=Role.national, organisation_code=None)
            if status == "published":
                moderate(session, auditor, study.id, publish=True, role=Role.national)
            added_studies += 1
    return DemoProgramme(added_deliverables, added_studies)
