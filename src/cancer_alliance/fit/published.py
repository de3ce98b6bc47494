"""Bowel screening (FIT) figures as a viewer may see them (docs/decisions/0035), for the pages, the API
and the board pack: programme metrics with every rate and interval from the published counts
(`as_seen`), the threshold plan and colonoscopy demand (`published_plan`, `published_demand`), and the
monthly SPC of uptake and positivity, worked out over exact counts only. Under a disclosure policy the
monthly counts are rounded or withheld, so there is no SPC and `cwt.published.SPC_WITHHELD` says why."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cancer_alliance.cwt.published import SPC_WITHHELD
from cancer_alliance.fit.metrics import metrics, publish_metrics
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, publish
from cancer_alliance.stats.periods import complete_months
from cancer_alliance.stats.spc.assurance import ImprovementDirection
from cancer_alliance.stats.spc.spc import POINT_COLUMNS, SpcOptions, spc, summary


def complete_invitation_months(
    months: pd.DataFrame, as_of: dt.date | None, window_days: int
) -> tuple[pd.DataFrame, list[str]]:
    """(the months whose invitations had all had the uptake window to be screened by `as_of`, the
    months left out): an invitation month still inside its window shows low uptake and early
    positivity, which a trend reads as a change (`stats.periods`, issue 23)."""
    kept = complete_months(months["invitation_month"], as_of, window_days)
    mask = months["invitation_month"].isin(kept)
    return months[mask].reset_index(drop=True), sorted(months.loc[~mask, "invitation_month"])


def monthly_spc(
    months: pd.DataFrame, rate: str, target: float | None, policy: DisclosurePolicy | None
) -> tuple[pd.DataFrame, dict, str | None]:
    """(points, summary, withheld reason): the XmR points of a monthly rate (months without a rate
    left out) and its summary; none, with the reason, when `months` are published figures."""
    if policy is not None and policy.enabled:
        empty = pd.DataFrame(columns=["invitation_month", "x", "y", *POINT_COLUMNS])
        return empty, {}, SPC_WITHHELD
    table = months.loc[months[rate].notna(), ["invitation_month", rate]].copy()
    table["x"] = pd.to_datetime(table["invitation_month"], format="%Y-%m")
    table["y"] = table[rate].astype(float)
    options = (
        SpcOptions(improvement_direction=ImprovementDirection.neutral)
        if target is None  # positivity: neither direction is better
        else SpcOptions(improvement_direction=ImprovementDirection.increase, target=target)
    )
    points = spc(table, options)
    found = summary(points, options).iloc[0].to_dict() if len(points) else {}
    return points, found, None


def _applies(policy: DisclosurePolicy | None) -> bool:
    return policy is not None and policy.enabled


def as_seen(counts: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """Counts with rates and intervals: exact (None or disabled), else published (`publish_metrics`)."""
    return publish_metrics(counts, policy) if _applies(policy) else metrics(counts)


def published_plan(plan: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """The threshold plan: screened and positive counts controlled and positivity from them; expected
    numbers rounded to whole people, and withheld where the positive count is (estimates from a
    withheld positive count would reveal it)."""
    if not _applies(policy):
        return plan
    out = publish(plan, ["screened", "positive"], [Rate("positivity", "positive", "screened")], policy)
    for name in ("colonoscopies", "cancers", "high_risk_adenomas"):
        out[name] = out[name].round(0).where(~out["positive_suppressed"])
    return out


def published_demand(table: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """Demand by month: each month's expected colonoscopies controlled like a count (withheld up to 7,
    else rounded to 5), the shortfall from the published figure."""
    if not _applies(policy):
        return table
    out = publish(table, ["colonoscopies"], [], policy)
    out["shortfall"] = out["colonoscopies"] - out["slots"]
    return out
