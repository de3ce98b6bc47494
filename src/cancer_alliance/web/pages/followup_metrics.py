"""The alliance's breast follow-up metrics page (issue 11, items 4 and 5), for alliance and national
users: the share of patients finishing treatment who were stratified (the ambition: all, by March
2019), the share self-managing against about 70%, overdue tests, re-access and days to review, for
the viewer's alliance (or England) and each trust, as a chart and a table; JSON and CSV from
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
from cancer_alliance.followup.metrics import SELF_MANAGING_AMBITION_PCT, raw_counts, total
from cancer_alliance.followup.published import published_metrics
from cancer_alliance.results.reader import ResultsMissing
from cancer_alliance.store import Role
from cancer_alliance.web.context import AppContext, ContextDep, SignedInDep, StoreDep
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.pages.followup import as_of_date, protocol
from cancer_alliance.web.presenters import followup as present
from cancer_alliance.web.presenters.charts import followup_shares
from cancer_alliance.web.scope import Viewer

router = APIRouter()
#: Above this many trusts (a national view) the table is folded behind a summary, so the page leads with
#: the alliance's figures and the chart instead of a table tens of thousands of pixels long (issue #23).
FOLD_ROWS = 20
AS_OF = Query(description="yyyy-mm-dd; default the demo's reference date")


@dataclass(frozen=True)
class FollowupReport:
    """The viewer's follow-up metrics: one row per trust and the total for their alliance (or England)."""

    as_of: dt.date
    trusts: pd.DataFrame
    total: pd.DataFrame
    has_cohort: bool


def metrics_report(ctx: AppContext, viewer: Viewer, session: Session, as_of: str | None) -> FollowupReport:
    """The metrics on `as_of` for an alliance or national `viewer` (403 for anyone else)."""
    if viewer.role not in (Role.national, Role.alliance):
        raise HTTPException(status_code=403, detail="Follow-up metrics are for alliance and national users.")
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
        fold_rows=FOLD_ROWS,
        summary=summary,
        place="England" if viewer.role is Role.national else _alliance_name(viewer.organisation_code),
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


def _alliance_name(code: str | None) -> str:
    names = {a.code: a.name for a in reference.alliances()}
    return names.get(code or "", code or "your alliance")
