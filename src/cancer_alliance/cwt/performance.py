"""Performance against the published CWT standards: selections over the per-record facts, aggregated
by month, provider, alliance, tumour type or route (NHS England CWT statistics [S30], breach allocation
[S31], CWT reporting conventions [S1, S31]).

For the rows a standard selects in a group:

    total       = sum of share                     (a shared 62-day pathway counts 0.5 to each provider)
    within      = sum of share where within
    breaches    = total - within
    performance = within / total, unrounded; null when total = 0 (docs/deviations.md)

Shares are summed as whole half-patients (integers) and halved at the end, so halves add up exactly
(docs/deviations.md); the halved totals are exact in a double. `threshold` is the one in force on the first
day of the reporting month, from the dated rows of `cancer_alliance.reference.standards()`; when a
group spans several months it is kept only if the same threshold was in force in all of them
(otherwise null). `meets_threshold` compares the unrounded performance with it; null when there is
no threshold or no performance.

Which standards are reported (`standards=`):

    "2018"  the 2018/19 framework: the eight standards and the consultant upgrade (no threshold)
    "2023"  the October 2023 standards: fds, 31d_combined, 62d_combined
    "auto"  by reporting month: the 2018/19 set before the first 2023 standard came in (2023-10),
            the 2023 set from then, and fds in any month in which one of its dated rows is in force

Provider -> alliance and ICD-10 -> tumour type: `rollup.with_alliance`, `tumour_types.with_tumour_type`.
The facts do not carry the diagnosis, so grouping by tumour type joins it back from the records on
record_id.

The facts are read once: they are first summed by every key a standard or group needs (a few
thousand rows for a national year); the standards and thresholds are small lookup frames joined to
that, and so are the roll-ups (docs/performance.md). To compute several tables from one
pass, sum the facts once with `fine_counts` and pass that to `performance` in place of the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from cancer_alliance import reference
from cancer_alliance.cwt.measures import reporting_month
from cancer_alliance.cwt.rollup import with_alliance
from cancer_alliance.cwt.tumour_types import TumourTypeRange, with_tumour_type
from cancer_alliance.engine import functions
from cancer_alliance.engine.compiled import compiled

#: Names accepted in `by`, and the output column each becomes.
GROUPS: dict[str, str] = {
    "month": "reporting_month",
    "provider": "provider",
    "alliance": "alliance",
    "tumour_type": "tumour_type",
    "route": "route",
}

#: Fact columns the tables read (the facts contract, the facts contract in cwt/README.md).
FACT_COLUMNS = (
    "record_id",
    "measure",
    "route",
    "treatment_stage",
    "modality_group",
    "within",
    "reporting_month",
    "provider",
    "share",
)

MEASURES = ("total", "within", "breaches", "performance", "threshold", "meets_threshold")

#: Keys of `fine_counts`: every key a standard or a group can need.
FINE_KEYS = (
    "measure",
    "route",
    "treatment_stage",
    "modality_group",
    "reporting_month",
    "provider",
    "primary_diagnosis_icd10",
)
COUNT_COLUMNS = ("total_halves", "within_halves")

_SELECTION_DDL = (
    "standard_id string, standard_rank int, s_measure string, s_route string, s_stage string, "
    "s_modality string, report_from string, report_to string"
)
_THRESHOLD_DDL = "t_standard_id string, t_threshold double, t_from string, t_to string"


class Framework(StrEnum):
    """Which published standards to report (CWT standards 2018/19 [S7, S30], October 2023 standards [S9,
    S11], docs/deviations.md)."""

    y2018 = "2018"
    y2023 = "2023"
    auto = "auto"


@compiled
def performance(
    facts: Any,
    by: Sequence[str],
    standards: Framework | str = Framework.y2018,
    *,
    records: Any = None,
    alliance_version: str = "2018/19",
    tumour_types: tuple[TumourTypeRange, ...] | None = None,
) -> Any:
    """One row per standard and group: standard_id, the group columns, total, within, breaches,
    performance, threshold, meets_threshold (rules in the module docstring).

    `by` lists group names from `GROUPS` (empty = England). Grouping by `tumour_type` needs the
    canonical `records` (for the ICD-10 diagnosis) unless the facts carry `primary_diagnosis_icd10`.
    """
    framework = Framework(standards)
    groups = group_columns(by)
    counted = all(name in facts.columns for name in COUNT_COLUMNS)
    expected = (*FINE_KEYS, *COUNT_COLUMNS) if counted else FACT_COLUMNS
    missing = [name for name in expected if name not in facts.columns]
    if missing:
        raise ValueError(
            f"facts lack column(s) {', '.join(missing)}; expected the output of cwt.evaluate or fine_counts"
        )
    rows = list(reference.standards())
    session = facts.sparkSession
    chosen = _selection_rows(rows, framework)
    selection = session.createDataFrame(chosen, schema=_SELECTION_DDL)
    wanted = {row[0] for row in chosen}
    thresholds = session.createDataFrame(
        [
            (r.standard_id, r.threshold, _from_month(r.effective_from), _to_month(r.effective_to))
            for r in rows
            if r.standard_id in wanted and r.threshold is not None
        ]
        or [("", None, None, None)],
        schema=_THRESHOLD_DDL,
    )

    if "tumour_type" in groups and not counted:
        facts = _with_diagnosis(facts, records)
    fine = _pre_aggregate(facts, groups)
    if "alliance" in groups:
        fine = with_alliance(fine, reference.provider_alliance(alliance_version))
    if "tumour_type" in groups:
        fine = with_tumour_type(fine, "primary_diagnosis_icd10", tumour_types)
    return _aggregate(_select(fine, selection, thresholds), groups)


def group_columns(by: Sequence[str]) -> list[str]:
    """Output group columns for `by` names (month, provider, alliance, tumour_type, route)."""
    columns = []
    for name in by:
        column = GROUPS.get(name, name if name in GROUPS.values() else None)
        if column is None:
            raise ValueError(f"cannot group by {name!r}; choose from {', '.join(GROUPS)}")
        if column not in columns:
            columns.append(column)
    return columns


def _from_month(day: dt.date | None) -> str | None:
    """First reporting month whose first day is on or after `day`."""
    if day is None:
        return None
    if day.day == 1:
        return f"{day:%Y-%m}"
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return f"{following:%Y-%m}"


def _to_month(day: dt.date | None) -> str | None:
    """Last reporting month whose first day is on or before `day`."""
    return None if day is None else f"{day:%Y-%m}"


def _selection_rows(rows: Iterable[Any], framework: Framework) -> list[tuple]:
    """One row per standard and selected route / modality group (None = any), with its rank in the
    reference order and the months it is reported for."""
    rows = list(rows)
    switch = min((r.effective_from for r in rows if r.framework == "2023" and r.effective_from), default=None)
    out: list[tuple] = []
    seen: list[str] = []
    for row in rows:
        if row.standard_id in seen:
            continue
        if framework == Framework.y2018 and row.framework != "2018":
            continue
        if framework == Framework.y2023 and row.framework not in ("2023", "fds"):
            continue
        start = end = None
        if framework == Framework.auto:
            if row.framework == "2018" and switch:
                end = _to_month(switch - dt.timedelta(days=1))
            elif row.framework == "2023":
                start = _from_month(switch)
            elif row.framework == "fds":
                dated = [r for r in rows if r.standard_id == row.standard_id]
                start = min((_from_month(r.effective_from) for r in dated if r.effective_from), default=None)
                if all(r.effective_to for r in dated):
                    end = max(_to_month(r.effective_to) for r in dated)
        seen.append(row.standard_id)
        for route in row.routes or (None,):
            for modality in row.modality_groups or (None,):
                out.append(
                    (
                        row.standard_id,
                        len(seen),
                        row.measure,
                        route,
                        row.treatment_stage,
                        modality,
                        start,
                        end,
                    )
                )
    return out


def _with_diagnosis(facts: Any, records: Any) -> Any:
    """Facts with the record's ICD-10 diagnosis, joined back on record_id (facts do not carry it)."""
    if "primary_diagnosis_icd10" in facts.columns:
        return facts
    if records is None:
        raise ValueError("grouping by tumour_type needs the records (their primary_diagnosis_icd10)")
    F = functions(facts)
    diagnoses = records.where(F.col("primary_diagnosis_icd10").isNotNull()).select(
        F.col("record_id").alias("diagnosis_record_id"), "primary_diagnosis_icd10"
    )  # only diagnosed records: a smaller join, the same result (a left join leaves the rest blank)
    joined = facts.join(diagnoses, on=F.col("record_id") == F.col("diagnosis_record_id"), how="left")
    return joined.select(*facts.columns, "primary_diagnosis_icd10")


@compiled
def fine_counts(facts: Any, records: Any = None) -> Any:
    """The facts summed once by every key any table can group by (`FINE_KEYS`), as whole
    half-patients (`total_halves`, `within_halves`). `performance` accepts this in place of the
    facts and gives the same tables, so several tables cost one pass over the facts. Needs the
    records for the diagnosis unless the facts carry `primary_diagnosis_icd10`. The reporting month
    is taken from `clock_stop` (the facts contract: the month of the clock stop)."""
    return _pre_aggregate(_with_diagnosis(facts, records), ["provider", "tumour_type"], by_clock_stop=True)


def _pre_aggregate(facts: Any, groups: list[str], *, by_clock_stop: bool = False) -> Any:
    """Whole half-patients by the finest key any standard or group needs: one pass over the facts
    (or over `fine_counts`, whose half-patients are summed again).

    `by_clock_stop`: facts are summed by the first day of their clock stop's month, and the reporting
    month (`measures.reporting_month`, the facts contract) is named once per sum instead of once per
    fact: formatting 6.4 million dates as text was a tenth of a national year's evaluation
    (docs/decisions/0052). Facts must then carry `clock_stop`."""
    F = functions(facts)
    keys = ["measure", "route", "treatment_stage", "modality_group", "reporting_month"]
    if "provider" in groups or "alliance" in groups:
        keys.append("provider")
    if "tumour_type" in groups:
        keys.append("primary_diagnosis_icd10")
    if "total_halves" in facts.columns:
        return facts.groupBy(*keys).agg(
            F.sum("total_halves").alias("total_halves"), F.sum("within_halves").alias("within_halves")
        )
    halves = F.round(F.col("share") * F.lit(2)).cast("bigint")
    sums = (
        F.sum(halves).alias("total_halves"),
        F.sum(F.when(F.col("within"), halves).otherwise(F.lit(0))).alias("within_halves"),
    )
    if not by_clock_stop:
        return facts.groupBy(*keys).agg(*sums)
    month = "ca_month_start"
    start = F.trunc(F.col("clock_stop"), "month").alias(month)
    summed = facts.groupBy(*[start if key == "reporting_month" else key for key in keys]).agg(*sums)
    return summed.select(
        *[reporting_month(F, F.col(month)).alias(key) if key == "reporting_month" else key for key in keys],
        *COUNT_COLUMNS,
    )


def _select(fine: Any, selection: Any, thresholds: Any) -> Any:
    """Each summed row once per standard that selects it in its month, with that month's threshold."""
    F = functions(fine)
    col = F.col

    def month() -> Any:
        return col("reporting_month")

    def matches(value: str, pattern: str) -> Any:
        return col(pattern).isNull() | (col(value) == col(pattern))

    chosen = fine.join(
        selection,
        on=(col("measure") == col("s_measure"))
        & matches("route", "s_route")
        & matches("treatment_stage", "s_stage")
        & matches("modality_group", "s_modality")
        & (col("report_from").isNull() | (month() >= col("report_from")))
        & (col("report_to").isNull() | (month() <= col("report_to"))),
        how="inner",
    )
    return chosen.join(
        thresholds,
        on=(col("standard_id") == col("t_standard_id"))
        & (col("t_from").isNull() | (month() >= col("t_from")))
        & (col("t_to").isNull() | (month() <= col("t_to"))),
        how="left",
    )


def _aggregate(selected: Any, groups: list[str]) -> Any:
    F = functions(selected)
    col = F.col
    keys = ["standard_id", *groups]
    summed = selected.groupBy("standard_rank", *keys).agg(
        F.sum("total_halves").alias("total_halves"),
        F.sum("within_halves").alias("within_halves"),
        F.min("t_threshold").alias("threshold_min"),
        F.max("t_threshold").alias("threshold_max"),
        F.count("t_threshold").alias("threshold_count"),
        F.count(F.lit(1)).alias("row_count"),
    )
    same_threshold = (col("threshold_min") == col("threshold_max")) & (
        col("threshold_count") == col("row_count")
    )
    performance = F.when(
        col("total_halves") > 0, col("within_halves").cast("double") / col("total_halves").cast("double")
    )
    threshold = F.when(same_threshold, col("threshold_max"))
    table = summed.orderBy(*groups, "standard_rank").select(
        *keys,
        (col("total_halves") / F.lit(2.0)).alias("total"),
        (col("within_halves") / F.lit(2.0)).alias("within"),
        ((col("total_halves") - col("within_halves")) / F.lit(2.0)).alias("breaches"),
        performance.alias("performance"),
        threshold.alias("threshold"),
        (performance >= threshold).alias("meets_threshold"),
    )
    return table
