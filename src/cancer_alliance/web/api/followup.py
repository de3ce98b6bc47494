"""Breast follow-up metrics as JSON or CSV (`?format=csv`), for the viewer's scope (England, their
alliance or their own trust; `pages.followup_metrics.metrics_report`): one row per trust, then the
total with `trust_code` null. Aggregates only, after
disclosure control (issue 11, item 4)."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
from fastapi import APIRouter

from cancer_alliance.followup.metrics import COHORT_COUNTS, COUNTS, METRIC_COLUMNS
from cancer_alliance.web.context import ContextDep, SignedInDep, StoreDep
from cancer_alliance.web.domain_queries.followup import AS_OF, metrics_report
from cancer_alliance.web.tables import Format, table_response

router = APIRouter(prefix="/followup", tags=["aggregates"])
COLUMNS = [*METRIC_COLUMNS, *(f"{count}_suppressed" for count in (*COHORT_COUNTS, *COUNTS))]


@router.get("/metrics", name="followup_metrics_api")
def followup_metrics(
    ctx: ContextDep,
    viewer: SignedInDep,
    session: StoreDep,
    as_of: Annotated[str | None, AS_OF] = None,
    format: Format = Format.json,
):
    """Per trust and in total: finished_treatment, stratified and stratified_pct (with Wilson 95%
    bounds), on_pathway, self_managing_pct (with bounds), overdue_pct, reaccess_per_100,
    median_days_to_review, and a `<count>_suppressed` flag beside each count."""
    report = metrics_report(ctx, viewer, session, as_of)
    table = pd.concat([report.trusts, report.total], ignore_index=True)
    return table_response(table, COLUMNS, format, f"followup-metrics-{report.as_of}.csv")
