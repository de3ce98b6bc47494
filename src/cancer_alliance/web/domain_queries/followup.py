"""Breast follow-up reads shared by the `/followup` pages and `/api/followup/...`: the protocol in force,
the as-of date a request asks for, and the alliance's metrics as published (`followup.published`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from fastapi import HTTPException, Query
from sqlalchemy.orm import Session

from cancer_alliance.followup.cohort import RESULTS_TABLE
from cancer_alliance.followup.metrics import raw_counts, total
from cancer_alliance.followup.protocol import Protocol, load_protocol
from cancer_alliance.followup.published import published_metrics
from cancer_alliance.results.reader import ResultsMissing
from cancer_alliance.store import Role
from cancer_alliance.web.context import AppContext
from cancer_alliance.web.queries import POLICY
from cancer_alliance.web.scope import Viewer

AS_OF = Query(description="yyyy-mm-dd; default the demo's reference date")


@lru_cache(maxsize=1)
def _protocol() -> Protocol:
    return load_protocol()


def protocol() -> Protocol:
    """The protocol in force (ALLIANCE_FOLLOWUP_PROTOCOL or the packaged default), read once."""
    return _protocol()


def as_of_date(ctx, value: str | None) -> dt.date:
    """The date asked for, else the results' reference date, else today."""
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise HTTPException(
                status_code=400, detail="The date must be a real date, e.g. 2019-03-31."
            ) from None
    try:
        return ctx.results.reference_date()
    except Exception:  # no demo results: the worklist is still useful on today's date
        return dt.date.today()


@dataclass(frozen=True)
class FollowupReport:
    """The viewer's follow-up metrics: one row per trust and the total for their alliance (or England)."""

    as_of: dt.date
    trusts: pd.DataFrame
    total: pd.DataFrame
    has_cohort: bool


def metrics_report(ctx: AppContext, viewer: Viewer, session: Session, as_of: str | None) -> FollowupReport:
    """The metrics on `as_of` for a signed-in `viewer`: every trust (national), the alliance's trusts
    (alliance) or the viewer's own trust (trust); 403 for an account with no organisation. Published
    under the web's policy for every viewer, as the page's CSV may be shared."""
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
        day,
        published_metrics(raw, POLICY),
        published_metrics(total(raw, scope), POLICY),
        registrations is not None,
    )
