"""Early-diagnosis counts over patient-level tumour registrations (canonical table
`tumour_registration`), written on the PySpark DataFrame API so they run on DuckDB and Spark alike
(docs/decisions/0001). One row per group with the counts the metrics need (`COUNT_COLUMNS`):

    registrations      all registrations in the group
    stageable          registrations with an NDRS stage site group (cancer_site not null)
    stage_early        stageable and stage 1, 2 or staged early by another system
    stage_staged       stageable and staged (1-4 or another system)       -> denominator of early stage
    stage_missing      stageable and stage missing (blank reads as missing)
    stage_unstageable  stageable and unstageable
    emergency          route_to_diagnosis = emergency_presentation
    route_known        route_to_diagnosis recorded and not "unknown"       -> denominator of emergency

Stage roles come from `data/stage_groups.csv`; sources in the domain README.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cancer_alliance.early_diagnosis.definitions import age_bands, stage_groups
from cancer_alliance.engine import functions

COUNT_COLUMNS = (
    "registrations",
    "stageable",
    "stage_early",
    "stage_staged",
    "stage_missing",
    "stage_unstageable",
    "emergency",
    "route_known",
)

EMERGENCY_ROUTE = "emergency_presentation"
UNKNOWN_ROUTE = "unknown"


def _age_band(F: Any) -> Any:
    age = F.col("age_at_diagnosis")
    expression = None
    for band in age_bands():
        condition = (age >= band.lower) & (age <= band.upper)
        expression = (
            F.when(condition, F.lit(band.label))
            if expression is None
            else expression.when(condition, F.lit(band.label))
        )
    return expression


#: Names accepted in `by` and how each is derived from a registration.
GROUPS: dict[str, Callable[[Any], Any]] = {
    "year": lambda F: F.year(F.col("diagnosis_date")),
    "quarter": lambda F: F.concat(
        F.year(F.col("diagnosis_date")).cast("string"),
        F.lit("-Q"),
        F.quarter(F.col("diagnosis_date")).cast("string"),
    ),
    "cancer_site": lambda F: F.col("cancer_site"),
    "alliance": lambda F: F.col("alliance_code"),
    "ccg": lambda F: F.col("ccg_code"),
    "trust": lambda F: F.col("trust_code"),
    "sex": lambda F: F.col("sex"),
    "age_band": _age_band,
    "deprivation_quintile": lambda F: F.col("deprivation_quintile"),
}


def registration_counts(registrations: Any, by: Sequence[str] = ()) -> Any:
    """Counts per group of `by` (names in GROUPS; none for one England row)."""
    unknown = [name for name in by if name not in GROUPS]
    if unknown:
        raise ValueError(f"unknown group {unknown[0]!r}; choose from {', '.join(GROUPS)}")
    F = functions(registrations)
    groups = stage_groups()
    stage = F.coalesce(F.col("stage"), F.lit(groups.missing))
    route = F.col("route_to_diagnosis")
    stageable = F.col("cancer_site").isNotNull()

    def count(condition: Any) -> Any:
        return F.when(condition, F.lit(1)).otherwise(F.lit(0))

    flags = registrations.select(
        *[GROUPS[name](F).alias(name) for name in by],
        count(stageable).alias("stageable"),
        count(stageable & stage.isin(*groups.early)).alias("stage_early"),
        count(stageable & stage.isin(*groups.staged)).alias("stage_staged"),
        count(stageable & (stage == F.lit(groups.missing))).alias("stage_missing"),
        count(stageable & (stage == F.lit(groups.unstageable))).alias("stage_unstageable"),
        count(route == F.lit(EMERGENCY_ROUTE)).alias("emergency"),
        count(route.isNotNull() & (route != F.lit(UNKNOWN_ROUTE))).alias("route_known"),
    )
    sums = [F.sum(F.col(name)).cast("long").alias(name) for name in COUNT_COLUMNS[1:]]
    return flags.groupBy(*by).agg(F.count(F.lit(1)).cast("long").alias("registrations"), *sums)
