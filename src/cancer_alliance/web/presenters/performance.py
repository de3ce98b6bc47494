"""Performance against the CWT standards as pages show it: period totals, scorecards, rankings and
monthly series, from the precomputed performance tables (columns `standard_id`, group columns,
`total`, `within`, `breaches`, `performance`, `threshold`, `meets_threshold`). No I/O.

Rates over several months are recomputed from summed counts (within / total), never averaged, as
NHS England publishes quarterly and annual figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from cancer_alliance.stats.charts import POINT_TYPE_LABELS
from cancer_alliance.stats.icons import ICON_LABELS, icon_data_uri
from cancer_alliance.stats.spc.small_numbers import min_patients, small
from cancer_alliance.web.presenters.formatting import count, format_month, is_missing, limit_percent, percent

#: Metrics offered for the map and headline tables: standard id -> short label.
HEADLINE_STANDARDS = {
    "62d_usc": "62-day wait from urgent GP referral to first treatment",
    "2ww": "2-week wait from urgent GP referral to first appointment",
    "fds": "28-day Faster Diagnosis Standard",
    "31d_first": "31-day wait from decision to treat to first treatment",
}
DEFAULT_STANDARD = "62d_usc"


@dataclass(frozen=True)
class StandardInfo:
    """What a page needs to know about a standard (from `reference.standards()`)."""

    standard_id: str
    title: str
    threshold: float | None


@dataclass(frozen=True)
class ScorecardRow:
    standard_id: str
    title: str
    total: str
    performance: str
    threshold: str
    tag: dict[str, str]
    value: float | None
    england: str = ""


def met_tag(performance: float | None, threshold: float | None) -> dict[str, str]:
    """NHS.UK tag for a standard: met (green), not met (red), or no patients / no threshold (grey)."""
    if is_missing(performance):
        return {"text": "No data", "classes": "nhsuk-tag--grey"}
    if is_missing(threshold):
        return {"text": "No threshold", "classes": "nhsuk-tag--grey"}
    if performance >= threshold:
        return {"text": "Met", "classes": "nhsuk-tag--green"}
    return {"text": "Not met", "classes": "nhsuk-tag--red"}


def scorecard(
    per_standard: pd.DataFrame, standards: Sequence[StandardInfo], england: pd.DataFrame | None = None
) -> list[ScorecardRow]:
    """Scorecard lines from `by_standard` output (possibly after disclosure control), in reference order,
    with England's rate in the same month (`england`, also `by_standard` output) beside each."""
    indexed = per_standard.set_index("standard_id")
    national = _rates(england)
    card = []
    seen: set[str] = set()
    for info in standards:
        if info.standard_id in seen or info.standard_id not in indexed.index:
            continue
        seen.add(info.standard_id)
        row = indexed.loc[info.standard_id]
        card.append(
            ScorecardRow(
                standard_id=info.standard_id,
                title=info.title,
                total=count(row["total"]),
                performance=percent(row["performance"]),
                threshold=percent(row["threshold"]),
                tag=met_tag(row["performance"], row["threshold"]),
                value=None if is_missing(row["performance"]) else float(row["performance"]),
                england=percent(national.get(info.standard_id)),
            )
        )
    return card


def _rates(per_standard: pd.DataFrame | None) -> dict[str, float | None]:
    """standard id -> rate, from `by_standard` output (empty for None)."""
    if per_standard is None or per_standard.empty:
        return {}
    return {
        row["standard_id"]: None if is_missing(row["performance"]) else float(row["performance"])
        for row in per_standard.to_dict("records")
    }


def england_rate(england: pd.DataFrame | None, standard_id: str) -> float | None:
    """England's rate on one standard from `by_standard` output (None when unknown)."""
    return _rates(england).get(standard_id)


def points_against(value: float | None, comparator: float | None) -> str:
    """The difference from a comparator in percentage points, signed in words: "2.5 points above"."""
    if is_missing(value) or is_missing(comparator):
        return ""
    points = round(100 * (value - comparator), 1)
    if points == 0:
        return "the same"
    return f"{abs(points):.1f} points {'above' if points > 0 else 'below'}"


@dataclass(frozen=True)
class MonthRankRow:
    """One trust in the month's ranking; `rank` is None and `caution` says why for a trust below the
    small-number rule's patients."""

    rank: int | None
    code: str
    name: str
    total: str
    performance: str
    against_england: str
    tag: dict[str, str]
    caution: str = ""


def month_ranking(
    in_month: pd.DataFrame, names: dict[str, str], england: float | None, minimum: int | None = None
) -> list[MonthRankRow]:
    """Trusts in one month, lowest rate first (so the trust needing a look leads; ties by name), each
    with its difference from England's rate in the same month. The small-number rule (decision 0039,
    `stats.spc.small_numbers`; `minimum` defaults to the `ALLIANCE_SPC_MIN_PATIENTS` setting) applies
    here as on the SPC chart: a trust with fewer than `minimum` patients in the month is not ranked
    (one patient moves its rate by 5 points or more, so it could lead as "worst" by chance); it is
    listed after the ranked trusts with the caution, and those without patients come last."""
    minimum = min_patients() if minimum is None else minimum
    table = in_month.assign(name=in_month["provider"].map(lambda c: names.get(c, c or "Unknown")))
    missing = table["performance"].isna()
    table = table.assign(_missing=missing, _small=small(table["total"], minimum) & ~missing)
    table = table.sort_values(["_missing", "_small", "performance", "name"])
    caution = (
        f"Fewer than {minimum} patients: not ranked, as one patient moves the rate by"
        f" {100 / max(minimum, 1):.0f} points or more"
    )
    rows, rank = [], 0
    for row in table.to_dict("records"):
        few, ranked = bool(row["_small"]), not (row["_small"] or row["_missing"])
        rank += ranked
        rows.append(
            MonthRankRow(
                rank=rank if ranked else None,
                code=row["provider"],
                name=row["name"],
                total=count(row["total"]),
                performance=percent(row["performance"]),
                against_england=points_against(row["performance"], england),
                tag=met_tag(row["performance"], row["threshold"]),
                caution=caution if few else "",
            )
        )
    return rows


@dataclass(frozen=True)
class RankedRow:
    rank: int
    code: str
    name: str
    total: str
    performance: str
    tag: dict[str, str]


def ranked(totals: pd.DataFrame, code_column: str, names: dict[str, str]) -> list[RankedRow]:
    """Organisations best first by rate (ties by name); those without patients last."""
    table = totals.assign(name=totals[code_column].map(lambda c: names.get(c, c or "Unknown")))
    table = table.sort_values(["performance", "name"], ascending=[False, True], na_position="last")
    return [
        RankedRow(
            rank=i + 1,
            code=row[code_column],
            name=row["name"],
            total=count(row["total"]),
            performance=percent(row["performance"]),
            tag=met_tag(row["performance"], row["threshold"]),
        )
        for i, row in enumerate(table.to_dict("records"))
    ]


def month_rows(series: pd.DataFrame) -> list[dict[str, str]]:
    """A monthly series as table rows for display."""
    return [
        {
            "month": format_month(row["reporting_month"]),
            "total": count(row["total"]),
            "within": count(row["within"]),
            "breaches": count(row["breaches"]),
            "performance": percent(row["performance"]),
            "threshold": percent(row["threshold"]),
        }
        for row in series.to_dict("records")
    ]


def records(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready rows: NaN, NaT and NA as null. Missing values are replaced row by row rather than
    by `astype(object).where(...)` over the frame, which took about twice as long (issue 21)."""
    rows = frame.to_dict("records")
    for row in rows:
        for column, value in row.items():
            if (
                value is None
                or value is pd.NA
                or value is pd.NaT
                or (isinstance(value, float) and value != value)
            ):
                row[column] = None
    return rows


def spc_rows(table: pd.DataFrame) -> list[dict[str, str]]:
    """A monthly series with its SPC columns (mean, lpl, upl, point_type) as table rows for display;
    a month left out of the limits (no published rate) shows blanks, and the limits are clipped to
    0-100% as the chart draws them (`limit_percent`)."""
    rows = []
    for row, shown in zip(table.to_dict("records"), month_rows(table), strict=True):
        point_type = row.get("point_type")
        rows.append(
            {
                **shown,
                "mean": percent(row.get("mean")),
                "lpl": limit_percent(row.get("lpl")),
                "upl": limit_percent(row.get("upl")),
                "point_type": POINT_TYPE_LABELS.get(point_type, "") if isinstance(point_type, str) else "",
            }
        )
    return rows


@dataclass(frozen=True)
class SpcIcon:
    """A Making Data Count icon for the page: `src` is its `data:` URI (`stats.icons`)."""

    name: str
    label: str
    src: str


def spc_icons(variation_icon: str | None, assurance_type: str | None) -> list[SpcIcon]:
    """The variation icon, then the assurance icon (none without a target), with their labels."""
    names = [name for name in (variation_icon, assurance_type) if name]
    return [SpcIcon(name, ICON_LABELS[name], icon_data_uri(name)) for name in names]
