"""The Priorities page: the alliances' 2018/19 priorities (design.md), each with what the platform does
for it and the links the viewer's role may follow. No I/O; the route names are resolved by the page."""

from __future__ import annotations

from dataclasses import dataclass

from cancer_alliance.store import Role
from cancer_alliance.web.pages.common import IMPORTERS, SIGNED_IN

ALL = frozenset({None, *Role})  # None: the public


@dataclass(frozen=True)
class Link:
    """A link to a named route (with path parameters) for the roles given."""

    text: str
    route: str
    roles: frozenset[Role | None] = ALL
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Priority:
    title: str
    summary: str
    links: tuple[Link, ...]


def _own_organisation(
    role: Role | None, organisation: str | None, alliance: str, trust: str
) -> tuple[Link, ...]:
    """A link to the viewer's own alliance or trust page of a per-organisation view."""
    if organisation and role == Role.alliance:
        return (Link("Your alliance", alliance, frozenset({Role.alliance}), (("code", organisation),)),)
    if organisation and role == Role.trust:
        return (Link("Your trust", trust, frozenset({Role.trust}), (("code", organisation),)),)
    return ()


def priorities(role: Role | None, organisation: str | None, clinical: bool = False) -> list[Priority]:
    """Every priority with the links `role` may follow (a priority keeps its summary even when the
    viewer has no link, so the page explains the whole programme); the follow-up worklist only with
    the clinical grant (`clinical`, docs/decisions/0014), as in the header."""
    every = [
        Priority(
            "Cancer waiting times",
            "All eight standards as NHS England measures them, by month, trust, alliance, tumour type and "
            "route, and a cross-trust patient tracking list with the 62-day backlog.",
            (
                Link("Performance explorer", "explorer"),
                Link("Patient tracking list", "ptl_list", SIGNED_IN),
            ),
        ),
        Priority(
            "Early diagnosis",
            "Cancers diagnosed at stage 1 or 2 and emergency presentations, with intervals, trends and "
            "comparisons, on every alliance's page.",
            (Link("Map of alliances", "home"),),
        ),
        Priority(
            "Timed diagnostic pathways",
            "Lung, prostate and colorectal milestones met, breached, open or overdue; where the days are "
            "lost. On every alliance and trust page; the next milestone is on the patient tracking list.",
            _own_organisation(role, organisation, "alliance_pathways", "trust_pathways")
            or (Link("Choose an alliance on the map", "home"),),
        ),
        Priority(
            "Breast stratified follow-up",
            "Protocol-based stratification, the remote-monitoring worklist for breast care nurses, and the "
            "share of patients self-managing against the ambition.",
            (
                Link("Follow-up worklist", "followup_worklist", frozenset({Role.trust} if clinical else ())),
                Link("Follow-up metrics", "followup_metrics", SIGNED_IN),
            ),
        ),
        Priority(
            "Bowel screening (FIT)",
            "Uptake, positivity, colonoscopy conversion and detection, and the colonoscopy demand of "
            "lower thresholds.",
            (Link("Bowel screening", "fit_index"),),
        ),
        Priority(
            "Lung health checks",
            "PLCOm2012 and LLP risks with eligibility explained, and the programme's journey and metrics.",
            (
                Link("Lung health check calculator", "lung_calculator"),
                Link("Lung health check programme", "lung_programme"),
            ),
        ),
        Priority(
            "Radiotherapy service specification",
            "Each network and centre against the specification's requirements, with the evidence.",
            (Link("Radiotherapy", "radiotherapy_index"),),
        ),
        Priority(
            "Funding agreements and best practice",
            "Each alliance's deliverables tracked against the platform's metrics, the monthly board pack, "
            "and a searchable library of what alliances did.",
            (
                Link("Programme and board pack", "programme", SIGNED_IN),
                Link("Best practice library", "library"),
            ),
        ),
        Priority(
            "Data and oversight",
            "Importing extracts through validation, and who looked at what.",
            (
                Link("Import a file", "import_form", frozenset(IMPORTERS)),
                Link("Audit log", "audit_log", frozenset({Role.national})),
            ),
        ),
    ]
    visible = [
        Priority(p.title, p.summary, tuple(link for link in p.links if role in link.roles)) for p in every
    ]
    return [p for p in visible if p.links or p.title != "Data and oversight"]
