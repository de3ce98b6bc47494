"""Performance against the published CWT standards: selections over the per-record facts, aggregated
by month, provider, alliance, tumour type or route (CWT rules, "Published standards as data", §4.3, §6).

For the rows a standard selects in a group:

    total       = sum of share                     (a shared 62-day pathway counts 0.5 to each provider)
    within      = sum of share where within
    breaches    = total - within
    performance = within / total, unrounded; null when total = 0 (§8.4 item 6)

Shares are summed as whole half-patients (integers) and halved at the end, so halves add up exactly
(§8.4 item 5). `threshold` is the one in force on the first day of the reporting month, from the
dated rows of `cancer_alliance.reference.standards()`; when the group spans several months it is
kept only if the same threshold was in force in all of them (otherwise null). `meets_threshold`
compares the unrounded performance with it; null when there is no threshold.

Which standards are reported (`standards=`):

    "2018"  the 2018/19 framework: the eight standards and the consultant upgrade (no threshold)
    "2023"  the October 2023 standards: fds, 31d_combined, 62d_combined
    "auto"  by reporting month: the 2018/19 set before the first 2023 standard came in (2023-10),
            the 2023 set from then, and fds in any month in which one of its dated rows is in force

Provider -> alliance comes from `cancer_alliance.reference.provider_alliance(version)`; a five-character
site code that is not itself listed takes its trust's (first three characters, the ODS parent, §8.5);
an unknown provider goes to alliance 'UNKNOWN' and is never dropped. Tumour type is the treated cancer
type of the record's ICD-10 diagnosis (`tumour_types`), joined back from the records on record_id,
since the facts do not carry the diagnosis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cancer_alliance.cwt.rollup import alliance
from cancer_alliance.cwt.tumour_types import TumourTypeRange, icd10_category, tumour_type
from cancer_alliance.engine import functions

#: Names accepted in `by`, and the output column each becomes.
GROUPS: dict[str, str] = {
    "month": "reporting_month",
    "provider": "provider",
    "alliance": "alliance",
    "tumour_type": "tumour_type",
    "route": "route",
}

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

OUTPUT_MEASURES = ("total", "within", "breaches", "performance", "threshold", "meets_threshold")


class Framework(StrEnum):
    """Which published standards to report (CWT rules §1.1, §1.3, §8.4 item 1)."""

    y2018 = "2018"
    y2023 = "2023"
    auto = "auto"


@dataclass(frozen=True)
class _Reported:
    """One standard as reported: its selection over the facts and the months it is reported for."""

    standard_id: str
    measure: str
    routes: tuple[str, ...]
    treatment_stage: str | None
    modality_groups: tuple[str, ...]
    report_from: dt.date | None
    report_to: dt.date | None


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
    performance, threshold, meets_threshold (see the module docstring for the rules).

    `by` lists group names from `GROUPS` (empty = England). Grouping by `tumour_type` needs the
    canonical `records` (for the ICD-10 diagnosis) unless the facts already carry
    `primary_diagnosis_icd10` or `tumour_type`.
    """
    from cancer_alliance import reference

    framework = Framework(standards)
    groups = _group_columns(by)
    missing = [name for name in FACT_COLUMNS if name not in facts.columns]
    if missing:
        raise ValueError(f"facts lack column(s) {', '.join(missing)}; expected the output of cwt.evaluate")
    F = functions(facts)
    rows = list(reference.standards())
    reported = _reported(rows, framework)

    facts = _with_diagnosis(F, facts, records) if "tumour_type" in groups else facts
    fine = _pre_aggregate(F, facts, groups)
    selected = _select(F, fine, reported)
    selected = selected.withColumn("threshold", _threshold(F, rows, reported))
    if "alliance" in groups:
        selected = selected.withColumn(
            "alliance", alliance(F, F.col("provider"), reference.provider_alliance(alliance_version))
        )
    if "tumour_type" in groups and "tumour_type" not in selected.columns:
        selected = selected.withColumn("tumour_type", tumour_type(F, F.col("icd10_category"), tumour_types))
    return _aggregate(F, selected, groups, [item.standard_id for item in reported])


def _group_columns(by: Sequence[str]) -> list[str]:
    columns = []
    for name in by:
        column = GROUPS.get(name, name if name in GROUPS.values() else None)
        if column is None:
            raise ValueError(f"cannot group by {name!r}; choose from {', '.join(GROUPS)}")
        if column not in columns:
            columns.append(column)
    return columns


def _reported(rows: Iterable[Any], framework: Framework) -> list[_Reported]:
    """The standards to report, in reference order, each once, with its reporting window."""
    rows = list(rows)
    switch = min((r.effective_from for r in rows if r.framework == "2023" and r.effective_from), default=None)
    chosen: dict[str, _Reported] = {}
    for row in rows:
        if framework == Framework.y2018 and row.framework != "2018":
            continue
        if framework == Framework.y2023 and row.framework not in ("2023", "fds"):
            continue
        start, end = None, None
        if framework == Framework.auto:
            if row.framework == "2018":
                end = switch - dt.timedelta(days=1) if switch else None
            elif row.framework == "2023":
                start = switch
            else:
                dated = [r for r in rows if r.standard_id == row.standard_id]
                start = min((r.effective_from for r in dated if r.effective_from), default=None)
                end = (
                    None if any(r.effective_to is None for r in dated) else max(r.effective_to for r in dated)
                )
        if row.standard_id not in chosen:
            chosen[row.standard_id] = _Reported(
                row.standard_id,
                row.measure,
                tuple(row.routes),
                row.treatment_stage or None,
                tuple(row.modality_groups),
                start,
                end,
            )
    return list(chosen.values())


def _with_diagnosis(F: Any, facts: Any, records: Any) -> Any:
    """Facts with the record's ICD-10 diagnosis, joined back on record_id (facts do not carry it)."""
    if "tumour_type" in facts.columns or "primary_diagnosis_icd10" in facts.columns:
        return facts
    if records is None:
        raise ValueError("grouping by tumour_type needs the records (their primary_diagnosis_icd10)")
    diagnoses = records.select(
        F.col("record_id").alias("diagnosis_record_id"), F.col("primary_diagnosis_icd10")
    )
    joined = facts.join(diagnoses, on=F.col("record_id") == F.col("diagnosis_record_id"), how="left")
    return joined.drop("diagnosis_record_id")


def _month_start(F: Any) -> Any:
    return F.to_date(F.concat(F.col("reporting_month"), F.lit("-01")))


def _pre_aggregate(F: Any, facts: Any, groups: list[str]) -> Any:
    """Whole half-patients by the finest key any standard or group needs: one pass over the facts."""
    keys = ["measure", "route", "treatment_stage", "modality_group", "reporting_month"]
    if "provider" in groups or "alliance" in groups:
        keys.append("provider")
    if "tumour_type" in groups:
        if "tumour_type" in facts.columns:
            keys.append("tumour_type")
        else:
            facts = facts.withColumn("icd10_category", icd10_category(F, F.col("primary_diagnosis_icd10")))
            keys.append("icd10_category")
    halves = F.round(F.col("share") * F.lit(2)).cast("bigint")
    return facts.groupBy(*keys).agg(
        F.sum(halves).alias("total_halves"),
        F.sum(F.when(F.col("within"), halves).otherwise(F.lit(0))).alias("within_halves"),
    )


def _in_window(F: Any, start: dt.date | None, end: dt.date | None) -> Any:
    condition = F.lit(True)
    if start is not None:
        condition = condition & (_month_start(F) >= F.lit(start))
    if end is not None:
        condition = condition & (_month_start(F) <= F.lit(end))
    return condition


def _selects(F: Any, item: _Reported) -> Any:
    """Whether a pre-aggregated row belongs to standard `item` (its selection and reporting window)."""
    condition = _in_window(F, item.report_from, item.report_to)
    if item.routes:
        condition = condition & F.col("route").isin(*item.routes)
    if item.treatment_stage:
        condition = condition & (F.col("treatment_stage") == item.treatment_stage)
    if item.modality_groups:
        condition = condition & F.col("modality_group").isin(*item.modality_groups)
    return F.coalesce(condition, F.lit(False))


def _select(F: Any, fine: Any, reported: list[_Reported]) -> Any:
    """Each pre-aggregated row once per standard that selects it (a row may count in several)."""
    candidates = None
    for measure in dict.fromkeys(item.measure for item in reported):
        ids = F.array(*[F.lit(item.standard_id) for item in reported if item.measure == measure])
        condition = F.col("measure") == measure
        candidates = F.when(condition, ids) if candidates is None else candidates.when(condition, ids)
    if candidates is None:
        raise ValueError("no standards to report")
    exploded = fine.filter(F.col("measure").isin(*{item.measure for item in reported}))
    exploded = exploded.withColumn("standard_id", F.explode(candidates))
    keep = None
    for item in reported:
        condition = F.col("standard_id") == item.standard_id
        keep = (
            F.when(condition, _selects(F, item)) if keep is None else keep.when(condition, _selects(F, item))
        )
    return exploded.filter(keep)


def _threshold(F: Any, rows: Iterable[Any], reported: list[_Reported]) -> Any:
    """The threshold in force on the first day of the row's reporting month (null if none)."""
    wanted = {item.standard_id for item in reported}
    expression = None
    for row in rows:
        if row.standard_id not in wanted or row.threshold is None:
            continue
        condition = (F.col("standard_id") == row.standard_id) & _in_window(
            F, row.effective_from, row.effective_to
        )
        value = F.lit(float(row.threshold))
        expression = F.when(condition, value) if expression is None else expression.when(condition, value)
    return (expression if expression is not None else F.lit(None)).cast("double")


def _aggregate(F: Any, selected: Any, groups: list[str], order: list[str]) -> Any:
    keys = ["standard_id", *groups]
    summed = selected.groupBy(*keys).agg(
        F.sum("total_halves").alias("total_halves"),
        F.sum("within_halves").alias("within_halves"),
        F.min("threshold").alias("threshold_min"),
        F.max("threshold").alias("threshold_max"),
        F.count("threshold").alias("threshold_count"),
        F.count(F.lit(1)).alias("row_count"),
    )
    same_threshold = (F.col("threshold_min") == F.col("threshold_max")) & (
        F.col("threshold_count") == F.col("row_count")
    )
    performance = F.when(
        F.col("total_halves") > 0,
        F.col("within_halves").cast("double") / F.col("total_halves").cast("double"),
    )
    rank = None
    for position, standard_id in enumerate(order):
        condition = F.col("standard_id") == standard_id
        rank = F.when(condition, F.lit(position)) if rank is None else rank.when(condition, F.lit(position))
    table = summed.select(
        *keys,
        (F.col("total_halves") / F.lit(2.0)).alias("total"),
        (F.col("within_halves") / F.lit(2.0)).alias("within"),
        ((F.col("total_halves") - F.col("within_halves")) / F.lit(2.0)).alias("breaches"),
        performance.alias("performance"),
        F.when(same_threshold, F.col("threshold_max")).alias("threshold"),
        rank.alias("standard_rank"),
    )
    table = table.withColumn("meets_threshold", F.col("performance") >= F.col("threshold"))
    table = table.orderBy(*groups, "standard_rank")
    return table.select(*keys, *OUTPUT_MEASURES)
