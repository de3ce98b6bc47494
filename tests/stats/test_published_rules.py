"""The rules of the published layer (docs/decisions/0035; issue 22), as properties over random small
counts (Hypothesis):

1. No rate lies outside its own interval in any published table, and no interval is shown for a rate
   that is withheld (an interval over exact counts pins a withheld count: 59.6-98.2% is exactly 9/10).
2. What the public can see of an alliance's CWT series (monthly trend, scorecard of the latest month,
   the period total of the map and the funnel, a funnel position and a funding-agreement deliverable
   linked to the standard) is a function of the published counts alone, and those leave every withheld
   count undetermined: at least two raw series give the very same published counts.

Sources: NHS Digital's HES disclosure control (1-7 withheld, others rounded to 5), OpenSAFELY's
output checking (no redacted count recoverable by differencing), GSS disclosure control guidance for
tables from administrative sources (2014).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cancer_alliance.cwt.published import as_seen, by_standard, monthly, period_totals, trend_spc
from cancer_alliance.early_diagnosis.counts import COUNT_COLUMNS as NDRS_COUNTS
from cancer_alliance.early_diagnosis.published import publish_metrics as publish_ndrs
from cancer_alliance.fit.metrics import RATES as FIT_RATES
from cancer_alliance.fit.metrics import publish_metrics as publish_fit
from cancer_alliance.fit.rules import COUNT_COLUMNS as FIT_COUNTS
from cancer_alliance.followup.metrics import COHORT_COUNTS
from cancer_alliance.followup.metrics import COUNTS as FOLLOWUP_COUNTS
from cancer_alliance.followup.published import published_metrics
from cancer_alliance.lung.programme import COUNT_COLUMNS as LUNG_COUNTS
from cancer_alliance.lung.programme_files import RATES as LUNG_RATES
from cancer_alliance.lung.published import publish_programme_metrics
from cancer_alliance.pathways.published import COMPLIANCE, COMPLIANCE_COUNTS, published, with_intervals
from cancer_alliance.programme.metrics import MetricSource
from cancer_alliance.radiotherapy.published import published_compliance
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.stats.funnel import funnel
from cancer_alliance.stats.intervals import wilson

POLICY = DisclosurePolicy()
#: A single provider's row has no relation to difference: no complements.
NO_COMPLEMENTS = pd.DataFrame(columns=["requirement_id", "level", "code", "count"])
SMALL = st.integers(min_value=0, max_value=40)


def _nested(draw, columns: tuple[str, ...], pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Random counts with every numerator at most its denominator (as real counts are)."""
    values = {name: float(draw(SMALL)) for name in columns}
    for _ in range(len(pairs)):
        for numerator, denominator in pairs:
            values[numerator] = min(values[numerator], values[denominator])
    return values


@st.composite
def tables(draw, columns: tuple[str, ...], pairs: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame([_nested(draw, columns, pairs) for _ in range(draw(st.integers(1, 4)))])


def _assert_within(table: pd.DataFrame, rate: str, lower: str, upper: str) -> None:
    for row in table.to_dict("records"):
        shown_rate = row[rate] is not None and not pd.isna(row[rate])
        shown_interval = row[lower] is not None and not pd.isna(row[lower])
        assert shown_interval <= shown_rate or not shown_interval, (rate, row)
        if shown_rate and shown_interval:
            assert row[lower] - 1e-9 <= row[rate] <= row[upper] + 1e-9, (rate, row)


FIT_PAIRS = [(numerator, denominator) for _, numerator, denominator, _ in FIT_RATES]
NDRS_PAIRS = [
    ("stageable", "registrations"),
    ("stage_staged", "stageable"),
    ("stage_early", "stage_staged"),
    ("stage_missing", "registrations"),
    ("stage_unstageable", "registrations"),
    ("route_known", "registrations"),
    ("emergency", "route_known"),
]
LUNG_PAIRS = list(LUNG_RATES.values())
FOLLOWUP_PAIRS = [
    ("stratified", "finished_treatment"),
    ("self_managing", "on_pathway"),
    ("overdue", "tests_due"),
]


@settings(max_examples=60, deadline=None)
@given(tables(FIT_COUNTS, FIT_PAIRS))
def test_no_fit_rate_lies_outside_its_interval(counts):
    shown = publish_fit(counts.assign(alliance_code="E56000009"), POLICY)
    for rate, *_ in FIT_RATES:
        _assert_within(shown, rate, f"{rate}_lower_95", f"{rate}_upper_95")


@settings(max_examples=60, deadline=None)
@given(tables(NDRS_COUNTS, NDRS_PAIRS))
def test_no_early_diagnosis_rate_lies_outside_its_interval(counts):
    shown = publish_ndrs(counts, POLICY)
    for name in ("early_stage", "emergency"):
        _assert_within(shown, f"{name}_proportion", f"{name}_lower_95", f"{name}_upper_95")


@settings(max_examples=60, deadline=None)
@given(tables((*LUNG_COUNTS, "invited"), LUNG_PAIRS))
def test_no_lung_rate_lies_outside_its_interval(counts):
    shown = publish_programme_metrics(counts, POLICY)
    for rate in LUNG_RATES:
        _assert_within(shown, rate, f"{rate}_lower_95", f"{rate}_upper_95")


@settings(max_examples=60, deadline=None)
@given(tables((*COHORT_COUNTS, *FOLLOWUP_COUNTS), FOLLOWUP_PAIRS))
def test_no_followup_rate_lies_outside_its_interval(counts):
    """Issue 22: "100.0 (59.6 to 98.2)", a rate from rounded counts and an interval from exact ones."""
    raw = counts.assign(trust_code="RGT", alliance_code="E56000009", median_days_to_review=None)
    shown = published_metrics(raw.assign(median_days_to_triage=None), POLICY)
    for name in ("self_managing", "stratified"):
        _assert_within(shown, f"{name}_pct", f"{name}_low", f"{name}_high")


@settings(max_examples=60, deadline=None)
@given(tables(("numerator", "denominator"), [("numerator", "denominator")]))
def test_no_radiotherapy_compliance_lies_outside_its_interval(counts):
    rate = counts["denominator"] > 0
    lower, upper = wilson(counts["numerator"].where(rate), counts["denominator"].where(rate))
    raw = counts.assign(
        level="provider",
        code="RGT",
        requirement_id="imrt_share",  # a share of courses: patients, so controlled
        value=counts["numerator"] / counts["denominator"].where(rate),
        threshold=0.5,
        status="met",
        ci_lower=lower,
        ci_upper=upper,
    )
    _assert_within(published_compliance(raw, POLICY, NO_COMPLEMENTS), "value", "ci_lower", "ci_upper")


@settings(max_examples=60, deadline=None)
@given(tables(COMPLIANCE_COUNTS, [("met", "decided"), ("breached", "decided")]))
def test_no_pathway_compliance_lies_outside_its_interval(counts):
    shown = with_intervals(published(counts, POLICY, COMPLIANCE_COUNTS, (COMPLIANCE,)))
    _assert_within(shown, "compliance", "compliance_lower_95", "compliance_upper_95")


# --- a CWT series: what the public sees, and what it leaves open -------------------------------------

ALLIANCE = "E56000009"
STANDARD = "62d_usc"
THRESHOLD = 0.85
#: Months of a generated series, and the largest monthly total: small enough to enumerate every raw
#: series that publishes the same way (the candidates below).
MONTHS = ("2019-01", "2019-02", "2019-03")
MAX_TOTAL = 14


@st.composite
def series(draw) -> pd.DataFrame:
    rows = []
    for month in MONTHS[: draw(st.integers(1, len(MONTHS)))]:
        total = draw(st.integers(0, MAX_TOTAL))
        within = draw(st.integers(0, total))
        rows.append(
            {
                "standard_id": STANDARD,
                "reporting_month": month,
                "alliance": ALLIANCE,
                "total": float(total),
                "within": float(within),
                "breaches": float(total - within),
                "performance": within / total if total else np.nan,
                "threshold": THRESHOLD,
                "meets_threshold": (within / total >= THRESHOLD) if total else None,
            }
        )
    return pd.DataFrame(rows)


def _published(value: float) -> float | None:
    """One count under the default policy, written out independently of `stats.disclosure`."""
    if 0 < value <= POLICY.suppress_up_to:
        return None
    return math.floor(value / POLICY.round_to + 0.5) * POLICY.round_to


def _published_month(total: float, within: float) -> tuple:
    """(total, within, breaches) as published: breaches derived from the published pair."""
    shown_total, shown_within = _published(total), _published(within)
    if shown_total is None or shown_within is None:
        return shown_total, shown_within, None
    difference = shown_total - shown_within
    return (
        shown_total,
        shown_within,
        difference if difference > POLICY.suppress_up_to or not shown_total else None,
    )


def _counts(frame: pd.DataFrame) -> list[tuple]:
    return [
        tuple(None if pd.isna(row[c]) else float(row[c]) for c in ("total", "within", "breaches"))
        for row in frame.to_dict("records")
    ]


def public_view(frame: pd.DataFrame) -> dict[str, object]:
    """Every figure about the series the public can reach: the trend with its SPC columns, the latest
    month's scorecard, the period total (map, funnel) with its funnel position, and the monthly values
    of a deliverable linked to the standard."""
    trend = trend_spc(monthly(frame, STANDARD), STANDARD, "alliance", ALLIANCE, POLICY)
    latest = frame["reporting_month"].max()
    scorecard = as_seen(by_standard(frame, latest), POLICY)
    totals = as_seen(period_totals(frame, ["alliance"], STANDARD), POLICY)
    usable = totals[totals["within"].notna() & (totals["total"] > 0)]
    position = funnel(usable, "within", "total")[0] if not usable.empty else None
    source = MetricSource(
        "cwt:test", "62-day", "waiting_times", lambda _home, _code: _deliverable_series(frame)
    )
    return {
        "trend": trend,
        "scorecard": scorecard,
        "totals": totals,
        "funnel": position,
        "deliverable": source.actuals(Path("."), ALLIANCE, POLICY),
    }


def _deliverable_series(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": frame["reporting_month"],
            "value": frame["performance"],
            "numerator": frame["within"],
            "denominator": frame["total"],
        }
    )


def _rate(within: float | None, total: float | None) -> float | None:
    return None if within is None or total is None or total == 0 else within / total


@settings(max_examples=150, deadline=None)
@given(series())
def test_every_public_figure_of_a_series_follows_from_its_published_counts(frame):
    seen = public_view(frame)
    published_months = [_published_month(t, w) for t, w, _ in _counts(frame)]
    trend = seen["trend"]
    assert _counts(trend.table) == published_months
    assert trend.withheld_reason and trend.points.empty
    assert trend.table[["mean", "lpl", "upl", "point_type"]].isna().all().all()
    for row, (total, within, _) in zip(trend.table.to_dict("records"), published_months, strict=True):
        expected = _rate(within, total)
        assert (pd.isna(row["performance"]) and expected is None) or row["performance"] == pytest.approx(
            expected
        )
    assert _counts(seen["scorecard"]) == [published_months[-1]]
    summed = _published_month(frame["total"].sum(), frame["within"].sum())
    assert _counts(seen["totals"]) == [summed]
    if seen["funnel"] is not None:
        assert seen["funnel"]["proportion"].iloc[0] == pytest.approx(_rate(summed[1], summed[0]))
    deliverable = {
        month: _rate(within, total)
        for month, (total, within, _) in zip(frame["reporting_month"], published_months, strict=True)
        if _rate(within, total) is not None
    }
    assert seen["deliverable"] == pytest.approx(deliverable)


def _candidates(published_months: list[tuple], summed: tuple) -> list[list[tuple[int, int]]]:
    """Every raw series (total, within per month) that publishes exactly as observed, month by month
    and summed over the period."""
    per_month = [
        [
            (total, within)
            for total in range(MAX_TOTAL + POLICY.round_to + 1)  # the viewer does not know MAX_TOTAL
            for within in range(total + 1)
            if _published_month(total, within) == observed
        ]
        for observed in published_months
    ]
    return [
        list(choice)
        for choice in itertools.product(*per_month)
        if _published_month(sum(t for t, _ in choice), sum(w for _, w in choice)) == summed
    ]


@settings(max_examples=150, deadline=None)
@given(series())
def test_no_withheld_count_of_a_series_is_determined_by_what_the_public_sees(frame):
    """With every public figure a function of the published counts (the test above), a withheld count
    is determined only if all raw series publishing the same way agree on it: they never do."""
    raw = [(int(t), int(w)) for t, w in zip(frame["total"], frame["within"], strict=True)]
    published_months = [_published_month(t, w) for t, w, _ in _counts(frame)]
    summed = _published_month(frame["total"].sum(), frame["within"].sum())
    candidates = _candidates(published_months, summed)
    assert raw in candidates
    for index, observed in enumerate(published_months):
        for position, name in enumerate(("total", "within", "breaches")):
            if observed[position] is not None:
                continue
            values = {(t, w, t - w)[position] for t, w in (candidate[index] for candidate in candidates)}
            assert len(values) >= 2, f"month {index + 1} {name} is determined: {values}"
