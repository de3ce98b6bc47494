"""Treatment stage, modality group and 31/62-day scope from the reference code tables (CWT treatment
codes [S19, S44]; `cancer_alliance.reference`), so that a change of code list is a data change.

`with_codes` looks them up by joining the records with the code tables as small lookup frames: on
DuckDB a hash join costs less than testing every record against each code list in a CASE (measured
on a national year, docs/performance.md). The column expressions below give the same values where a
join does not fit (a filter, a single column)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cancer_alliance.engine import functions
from cancer_alliance.reference import treatment_event_types, treatment_modalities

#: Group of a modality code that is blank or not in the code list: NCL puts "everything else" in
#: other/unknown [IMPL S40] (CWT treatment codes [S19, S44]).
UNLISTED_MODALITY_GROUP = "other"


def _case(F: Any, column: str, values_by_code: dict[str, str]) -> Any:
    """CASE column WHEN IN (codes...) THEN value ..., one branch per distinct value (null otherwise)."""
    codes_by_value: dict[str, list[str]] = defaultdict(list)
    for code, value in values_by_code.items():
        codes_by_value[value].append(code)
    expression = None
    for value, codes in sorted(codes_by_value.items()):
        condition = F.col(column).isin(sorted(codes))
        expression = (F if expression is None else expression).when(condition, F.lit(value))
    return expression


def with_codes(records: Any) -> Any:
    """`records` with `treatment_stage`, `modality_group` and `counts_in_31_62` looked up in the code
    tables by two joins with small lookup frames: the same values as `treatment_stage`,
    `modality_group` and `counts_in_31_62` below, without testing every record against each code
    list (on DuckDB a hash join costs a fraction of those CASE and IN tests; docs/performance.md)."""
    F = functions(records)
    col = F.col
    modalities = records.sparkSession.createDataFrame(
        [(m.code, m.modality_group, m.counts_in_31_62) for m in treatment_modalities()],
        schema="ca_modality_code string, ca_modality_group string, ca_counts boolean",
    )
    # A few dozen rows each: Spark broadcasts them by size.
    joined = _with_stage_code(records).join(
        modalities, on=col("treatment_modality") == col("ca_modality_code"), how="left"
    )
    return joined.select(
        *records.columns,
        col("ca_stage").alias("treatment_stage"),
        F.coalesce(col("ca_modality_group"), F.lit(UNLISTED_MODALITY_GROUP)).alias("modality_group"),
        F.coalesce(col("ca_counts"), F.lit(True)).alias("counts_in_31_62"),
    )


def with_treatment_stage(records: Any) -> Any:
    """`records` with `treatment_stage` looked up in the event type table by a join with a small
    lookup frame (the same values as `treatment_stage` below). On DuckDB the PTL's test of it runs
    after its other filters, on the few rows they keep; as an IN list of codes DuckDB tested it inside
    the Parquet scan on every record (docs/performance.md)."""
    F = functions(records)
    return _with_stage_code(records).select(*records.columns, F.col("ca_stage").alias("treatment_stage"))


def _with_stage_code(records: Any) -> Any:
    """`records` joined with the event type table: plus `ca_event_code` and `ca_stage`."""
    stages = records.sparkSession.createDataFrame(
        [(e.code, e.treatment_stage) for e in treatment_event_types()],
        schema="ca_event_code string, ca_stage string",
    )
    F = functions(records)
    return records.join(stages, on=F.col("treatment_event_type") == F.col("ca_event_code"), how="left")


def treatment_stage(F: Any) -> Any:
    """'first' or 'subsequent' from CANCER TREATMENT EVENT TYPE; null when blank or unknown."""
    return _case(F, "treatment_event_type", {e.code: e.treatment_stage for e in treatment_event_types()})


def modality_group(F: Any) -> Any:
    """'surgery', 'drug', 'radiotherapy' or 'other' from CANCER TREATMENT MODALITY."""
    groups = _case(F, "treatment_modality", {m.code: m.modality_group for m in treatment_modalities()})
    return groups.otherwise(F.lit(UNLISTED_MODALITY_GROUP))


def counts_in_31_62(F: Any) -> Any:
    """False for modalities the 31- and 62-day measures leave out (98 all treatment declined [IMPL S40])."""
    excluded = sorted(m.code for m in treatment_modalities() if not m.counts_in_31_62)
    if not excluded:
        return F.lit(True)
    return ~F.coalesce(F.col("treatment_modality").isin(excluded), F.lit(False))
