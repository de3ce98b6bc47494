"""The breast follow-up metrics page (issue 11, items 4 and 5), for national users (England),
alliance users (their alliance) and trust users (their own trust, so a trust's clinical leads see
their service; issue 23): the share of patients finishing treatment who were stratified (the
ambition: all, by March 2019), the share self-managing against about 70%, overdue tests, re-access
and days to review, for the viewer's scope and each trust in it, as a chart and a table; JSON and CSV from
`/api/followup/metrics`. Aggregates only, after disclosure control."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Request

from cancer_alliance import reference
from cancer_alliance.followup.cohort import window
from cancer_alliance.followup.metrics import SELF_MANAGING_AMBITION_PCT
from cancer_alliance.store import Role
from cancer_alliance.web.context import ContextDep, SignedInDep, StoreDep
from cancer_alliance.web.domain_queries.followup import AS_OF, metrics_report
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters import followup as present
from cancer_alliance.web.presenters.charts import followup_shares
from cancer_alliance.web.scope import Viewer

router = APIRouter()
#: Above this many trusts (a national view) the table is folded behind a summary, so the page leads with
#: the alliance's figures and the chart instead of a table tens of thousands of pixels long (issue #23).
FOLD_ROWS = 20


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
