"""The FIT programme rules over `fit_screening_episode`, on the PySpark DataFrame API so that they run
on DuckDB and Spark alike (docs/decisions/0001). Definitions (issue #13 item 1; clinical-models.md §4.4):

    invited              every episode
    screened             a fit_result_ug_g and a result_date no more than 183 days after invitation_date
    positive             screened and fit_result_ug_g >= the episode's threshold_ug_g, or where blank the
                         programme threshold in force on the result date (120, then 80 from February 2026)
    investigated         positive with a diagnostic_test
    cancers, high_risk_adenomas    investigated with that outcome
    median_days_result_to_test     among investigated (result_date to diagnostic_test_date)

`programme_counts` gives these counts per group; `band_counts` the same flags per band of results,
the input of threshold planning (`planning.py`). Rates and intervals are added in `metrics.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cancer_alliance.engine import functions
from cancer_alliance.fit.settings import DEFAULT_SETTINGS, FitSettings

COUNT_COLUMNS = ("invited", "screened", "positive", "investigated", "cancers", "high_risk_adenomas")
BAND_COLUMNS = ("screened", "referred", "investigated", "cancers", "high_risk_adenomas")
CANCER = "cancer"
HIGH_RISK_ADENOMA = "high_risk_adenoma"
#: Width of the age bands (issue #13 item 1: "age band (5-year)").
AGE_BAND_YEARS = 5


def _age_band(F: Any) -> Any:
    lower = (F.floor(F.col("age_at_invitation") / AGE_BAND_YEARS) * AGE_BAND_YEARS).cast("int")
    return F.concat(lower.cast("string"), F.lit("-"), (lower + (AGE_BAND_YEARS - 1)).cast("string"))


#: Names accepted in `by` (the CLI's --by) and how each is derived from an episode.
GROUPS: dict[str, Callable[[Any], Any]] = {
    "alliance_code": lambda F: F.col("alliance_code"),
    "ccg_code": lambda F: F.col("ccg_code"),
    "screening_centre_code": lambda F: F.col("screening_centre_code"),
    "sex": lambda F: F.col("sex"),
    "age_band": _age_band,
    "deprivation_quintile": lambda F: F.col("deprivation_quintile"),
    "invitation_month": lambda F: F.date_format(F.col("invitation_date"), "yyyy-MM"),
    "result_month": lambda F: F.date_format(F.col("result_date"), "yyyy-MM"),
}


def check_groups(by: Sequence[str]) -> None:
    """Refuse an unknown group name, naming it and the choices."""
    for name in by:
        if name not in GROUPS:
            raise ValueError(f"unknown group {name!r}; choose from {', '.join(GROUPS)}")
    if len(set(by)) != len(by):
        raise ValueError("a group is named twice")


def applied_threshold(F: Any, settings: FitSettings = DEFAULT_SETTINGS) -> Any:
    """The episode's threshold_ug_g, or where blank the programme threshold in force on its result date."""
    day = F.col("result_date")
    default = None
    for row in settings.programme_thresholds:
        condition = F.lit(True)
        if row.effective_from is not None:
            condition = condition & (day >= F.to_date(F.lit(row.effective_from.isoformat())))
        if row.effective_to is not None:
            condition = condition & (day <= F.to_date(F.lit(row.effective_to.isoformat())))
        value = F.lit(row.threshold_ug_g).cast("double")
        default = F.when(condition, value) if default is None else default.when(condition, value)
    return F.coalesce(F.col("threshold_ug_g"), default)


def flags(episodes: Any, settings: FitSettings = DEFAULT_SETTINGS) -> dict[str, Any]:
    """Boolean column expressions of the definitions above (never null)."""
    F = functions(episodes)
    result = F.col("fit_result_ug_g")
    screened = (
        result.isNotNull()
        & F.col("result_date").isNotNull()
        & (F.datediff(F.col("result_date"), F.col("invitation_date")) <= F.lit(settings.uptake_window_days))
    )
    positive = screened & F.coalesce(result >= applied_threshold(F, settings), F.lit(False))
    investigated = positive & F.col("diagnostic_test").isNotNull()
    outcome = F.coalesce(F.col("outcome"), F.lit(""))
    return {
        "screened": screened,
        "positive": positive,
        "investigated": investigated,
        "cancers": investigated & (outcome == F.lit(CANCER)),
        "high_risk_adenomas": investigated & (outcome == F.lit(HIGH_RISK_ADENOMA)),
    }


def _one(F: Any, condition: Any) -> Any:
    return F.when(condition, F.lit(1)).otherwise(F.lit(0))


def programme_counts(episodes: Any, by: Sequence[str] = (), settings: FitSettings = DEFAULT_SETTINGS) -> Any:
    """One row per group of `by` (names in GROUPS; none for one row): the group columns, COUNT_COLUMNS
    and median_days_result_to_test."""
    check_groups(by)
    F = functions(episodes)
    flag = flags(episodes, settings)
    days = F.when(flag["investigated"], F.datediff(F.col("diagnostic_test_date"), F.col("result_date")))
    rows = episodes.select(
        *[GROUPS[name](F).alias(name) for name in by],
        *[_one(F, flag[name]).alias(name) for name in COUNT_COLUMNS[1:]],
        days.alias("days_result_to_test"),
    )
    return rows.groupBy(*by).agg(
        F.count(F.lit(1)).cast("long").alias("invited"),
        *[F.sum(F.col(name)).cast("long").alias(name) for name in COUNT_COLUMNS[1:]],
        F.median(F.col("days_result_to_test")).cast("double").alias("median_days_result_to_test"),
    )


def band_counts(
    episodes: Any, edges: Sequence[float], by: Sequence[str] = (), settings: FitSettings = DEFAULT_SETTINGS
) -> Any:
    """Screened episodes per group of `by` and result band: `band_lower` is the highest edge at or
    below the result (0 below the lowest edge); with BAND_COLUMNS: screened, `referred` (positive at the
    threshold applied to the episode), investigated, cancers, high_risk_adenomas."""
    check_groups(by)
    F = functions(episodes)
    flag = flags(episodes, settings)
    result = F.col("fit_result_ug_g")
    band = F.lit(0.0).cast("double")
    for edge in sorted({float(e) for e in edges}):  # ascending: each later `when` wraps the earlier
        band = F.when(result >= F.lit(edge), F.lit(edge).cast("double")).otherwise(band)
    rows = episodes.filter(flag["screened"]).select(
        *[GROUPS[name](F).alias(name) for name in by],
        band.alias("band_lower"),
        _one(F, flag["positive"]).alias("referred"),
        *[_one(F, flag[name]).alias(name) for name in ("investigated", "cancers", "high_risk_adenomas")],
    )
    return rows.groupBy(*by, "band_lower").agg(
        F.count(F.lit(1)).cast("long").alias("screened"),
        *[F.sum(F.col(name)).cast("long").alias(name) for name in BAND_COLUMNS[1:]],
    )
