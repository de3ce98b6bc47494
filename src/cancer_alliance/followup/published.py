"""Breast follow-up metrics as a viewer may see them (docs/decisions/0035): the one place that turns
the exact counts of `followup.metrics` into published figures for the `/followup/metrics` page, its
API, the `alliance followup metrics` table and the board pack.

Counts pass `stats.disclosure.publish` (1 to 7 withheld, the rest rounded to 5); every rate and its
Wilson 95% interval are then worked out from the same published counts, so a rate never lies outside
its own interval and no interval gives a rounded or withheld count away (issue 22 found
"100.0 (59.6 to 98.2)": a rate from rounded counts, an interval from exact ones).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from cancer_alliance.followup.metrics import COHORT_COUNTS, COUNTS, raw_counts
from cancer_alliance.followup.protocol import Protocol
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, publish
from cancer_alliance.stats.intervals import wilson


def trust_metrics(
    session: Session,
    protocol: Protocol,
    as_of: dt.date,
    policy: DisclosurePolicy | None = None,
    registrations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Published metrics per trust (`METRIC_COLUMNS` plus `<count>_suppressed` flags); the share
    stratified only where `registrations` are given (else its columns are null)."""
    raw = raw_counts(session, protocol, as_of, registrations)
    return published_metrics(raw, policy)


def published_metrics(raw: pd.DataFrame, policy: DisclosurePolicy | None = None) -> pd.DataFrame:
    """`raw` (from `raw_counts` or `total`) after disclosure control, with the rates worked out from
    the published counts and Wilson intervals from the same published counts, so a rate never lies
    outside its own interval and no interval gives a rounded or withheld count away
    (docs/decisions/0035)."""
    with_cohort = "finished_treatment" in raw
    counts = (*COHORT_COUNTS, *COUNTS) if with_cohort else COUNTS
    rates = (
        Rate("self_managing_pct", "self_managing", "on_pathway", 100.0),
        Rate("overdue_pct", "overdue", "tests_due", 100.0),
        Rate("reaccess_per_100", "reaccess", "on_pathway", 100.0),
        Rate("concerns_per_100", "concerns", "on_pathway", 100.0),
    )
    if with_cohort:
        rates = (Rate("stratified_pct", "stratified", "finished_treatment", 100.0), *rates)
    published = publish(raw, counts, rates, policy or DisclosurePolicy())
    _interval(published, "self_managing", "on_pathway")
    if with_cohort:
        _interval(published, "stratified", "finished_treatment")
    else:
        for column in (*COHORT_COUNTS, "stratified_pct", "stratified_low", "stratified_high"):
            published[column] = np.nan
        for column in COHORT_COUNTS:
            published[f"{column}_suppressed"] = False
    for column in (
        "stratified_pct",
        "self_managing_pct",
        "overdue_pct",
        "reaccess_per_100",
        "concerns_per_100",
    ):
        published[column] = published[column].astype(float).round(2)
    published = published.astype(object).where(published.notna(), None)
    for column in (*COHORT_COUNTS, *COUNTS):
        whole = [None if value is None else int(value) for value in published[column]]
        published[column] = pd.Series(whole, index=published.index, dtype=object)
    return published


def _interval(published: pd.DataFrame, numerator: str, denominator: str) -> None:
    """Wilson 95% bounds (in %) of `numerator / denominator` from the published counts, withheld where
    either published count is."""
    low, high = wilson(
        published[numerator].to_numpy(dtype=float), published[denominator].to_numpy(dtype=float)
    )
    withheld = published[f"{numerator}_suppressed"] | published[f"{denominator}_suppressed"]
    published[f"{numerator}_low"] = np.where(withheld, np.nan, np.round(low * 100, 2))
    published[f"{numerator}_high"] = np.where(withheld, np.nan, np.round(high * 100, 2))
