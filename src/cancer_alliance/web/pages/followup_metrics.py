"""The breast follow-up metrics page (issue 11, items 4 and 5), for national users (England),
alliance users (their alliance) and trust users (their own trust, so a trust's clinical leads see
their service; issue 23): the share of patients finishing treatment who were stratified (the
ambition: all, by March 2019), the share self-managing against about 70%, overdue tests, re-access
and days to review, for the viewer's scope and each trust in it, as a chart and a table; JSON and CSV from
`/api/followup/metrics`. Aggregates only, after disclosure control."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy.orm import Session

from cancer_alliance import reference
from cancer_alliance.followup.cohort import RESULTS_TABLE, window
from cancer_alliance.followup.metrics import SELF_MANAGING_AMBITION_PCT, published_metrics, raw_counts, total
from cancer_alliance.results.reader import ResultsMissing
from cancer_alliance.store import Role
from cancer_alliance.web.context import AppContext, ContextDep, SignedInDep, StoreDep
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.pages.followup import as_of_date, protocol
from cancer_alliance.web.presenters import followup as present
from cancer_alliance.web.presenters.charts import followup_shares
from cancer_alliance.web.scope import Viewer

router = APIRouter()
AS_OF = Query(description="yyyy-mm-dd; default the demo's reference date")


@dataclass(frozen=True)
class FollowupReport:
    """The viewer's follow-up metrics: one row per trust and the total for their alliance (or England)."""

    as_of: dt.date
    trusts: pd.DataFrame
    total: pd.DataFrame
    has_cohort: bool


def metrics_report(ctx: AppContext, viewer: Viewer, session: Session, as_of: str | None) -> FollowupReport:
    """The metrics on `as_of` for a signed-in `viewer`: every trust (national), the alliance's trusts
    (alliance) or the viewer's own trust (trust); 403 for an account with no organisation."""
    if viewer.role is not Role.national and not viewer.organisation_code:
        raise HTTPException(status_code=403, detail="Your account names no organisation.")
    day = as_of_date(ctx, as_of)
    try:
        registrations = ctx.results.table(RESULTS_TABLE)
    except ResultsMissing:
        registrations = None
    raw = raw_counts(session, protocol(), day, registrations)
    scope = None
    if viewer.role is Role.alliance:
        scope = viewer.organisation_code
        trusts = {t for t, a in ctx.provider_alliance.items() if a == scope}
        raw = raw[raw["trust_code"].isin(trusts) | (raw["alliance_code"] == scope)]
    elif viewer.role is Role.trust:
        scope = ctx.provider_alliance.get(viewer.organisation_code or "")
        raw = raw[raw["trust_code"] == viewer.organisation_code]
    return FollowupReport(
        day, published_metrics(raw), published_metrics(total(raw, scope)), registrations is not None
    )


@router.get("/followup/metrics", name="followup_metrics", tags=["aggregates"])
def followup_metrics(
    request: Request,
    ctx: ContextDep,
    viewer: SignedInDep,
    session: StoreDep,
    as_of: Annotated[str | None, AS_OF] = None,
):
    report = metrics_report(ctx, viewer, session, as_of)
    names = _trust_names()
    rows = present.metric_rows(report.trusts.to_dict("records"), names)
    [summary] = present.metric_rows(report.total.to_dict("records"), names)
    first, last = window(report.as_of)
    return render(
        request,
        "followup_metrics.jinja",
        as_of=report.as_of,
        rows=rows,
        summary=summary,
        place=_place(viewer),
        has_cohort=report.has_cohort,
        diagnosed_from=first,
        diagnosed_to=last,
        chart_spec=json.dumps(followup_shares(report.trusts.to_dict("records"), names)) if rows else None,
        ambition=SELF_MANAGING_AMBITION_PCT,
    )


@lru_cache(maxsize=1)
def _trust_names() -> dict[str, str]:
    try:
        return {t.ods_code: t.name for t in reference.trusts()}
    except Exception:  # names are a nicety: codes are shown without them
        return {}


def _place(viewer: Viewer) -> str:
    """What the summary covers: England, the alliance or the trust, by name."""
    if viewer.role is Role.national:
        return "England"
    if viewer.role is Role.trust:
        return _trust_names().get(viewer.organisation_code or "", viewer.organisation_code or "your trust")
    names = {a.code: a.name for a in reference.alliances()}
    return names.get(viewer.organisation_code or "", viewer.organisation_code or "your alliance")
