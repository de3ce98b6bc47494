"""The FIT programme rules over `fit_screening_episode`, on the PySpark DataFrame API so that they run
on DuckDB and Spark alike (docs/decisions/0001). Definitions (issue #13 item 1; BCSP programme metric
definitions):

    invited              every episode
    screened             a fit_result_ug_g and a result_date no more than 183 days after invitation_date
    positive             screened and fit_result_ug_g >= the episode's threshold_ug_g, or where blank the
                         programme threshold in force on the result date (120, then 80 from February 2026)
    investigated         positive with a diagnostic_test
    cancers, high_risk_adenomas    investigated with that outcome
    median_days_result_to_test     among investigated (result_date to diagnostic_test_date)

Each episode gets one `level` (invited only, screened, positive, investigated) computed once; the
counts follow from it. `programme_counts` gives them per group; `band_counts` per band of results (with
`referred` = positive at the threshold applied), the input of threshold planning (`planning.py`). Rates
and intervals are added in `metrics.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cancer_alliance.engine import functions
from cancer_alliance.engine.compiled import compiled
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


def _conditions(F: Any, settings: FitSettings) -> tuple[Any, Any]:
    """(screened, at_or_above_threshold) as never-null boolean expressions (definitions above)."""
    result = F.col("fit_result_ug_g")
    window_end = F.date_add(F.col("invitation_date"), settings.uptake_window_days)
    screened = F.coalesce(result.isNotNull() & (F.col("result_date") <= window_end), F.lit(False))
    above = F.coalesce(result >= applied_threshold(F, settings), F.lit(False))
    return screened, above


#: How far an episode got: 0 invited only, 1 screened, 2 positive, 3 investigated.
INVITED, SCREENED, POSITIVE, INVESTIGATED = 0, 1, 2, 3


def level(F: Any, settings: FitSettings = DEFAULT_SETTINGS) -> Any:
    """The episode's level (INVITED .. INVESTIGATED) as one expression, so each row computes it once."""
    screened, above = _conditions(F, settings)
    return (
        F.when(~screened, F.lit(INVITED))
        .when(~above, F.lit(SCREENED))
        .when(F.col("diagnostic_test").isNull(), F.lit(POSITIVE))
        .otherwise(F.lit(INVESTIGATED))
    )


def _sum_where(F: Any, condition: Any) -> Any:
    return F.sum(F.when(condition, F.col("n")).otherwise(F.lit(0)))


@compiled
def programme_counts(episodes: Any, by: Sequence[str] = (), settings: FitSettings = DEFAULT_SETTINGS) -> Any:
    """One row per group of `by` (names in GROUPS; none for one row): the group columns, COUNT_COLUMNS
    and median_days_result_to_test. Counted in two steps (per group and level, then per group), so that
    the definitions are evaluated once per episode and the data is read once."""
    check_groups(by)
    F = functions(episodes)
    outcome = F.col("outcome")
    keyed = episodes.select(
        *[GROUPS[name](F).alias(name) for name in by],
        level(F, settings).alias("level"),
        _one(F, outcome == F.lit(CANCER)).alias("is_cancer"),
        _one(F, outcome == F.lit(HIGH_RISK_ADENOMA)).alias("is_hra"),
        F.datediff(F.col("diagnostic_test_date"), F.col("result_date")).alias("days"),
    )
    fine = keyed.groupBy(*by, "level").agg(
        F.count(F.lit(1)).cast("long").alias("n"),
        F.sum(F.col("is_cancer")).cast("long").alias("n_cancer"),
        F.sum(F.col("is_hra")).cast("long").alias("n_hra"),
        F.median(F.col("days")).cast("double").alias("median_days"),  # used for the investigated level only
    )
    at = F.col("level")
    investigated = at == F.lit(INVESTIGATED)
    return fine.groupBy(*by).agg(
        F.sum(F.col("n")).cast("long").alias("invited"),
        _sum_where(F, at >= F.lit(SCREENED)).cast("long").alias("screened"),
        _sum_where(F, at >= F.lit(POSITIVE)).cast("long").alias("positive"),
        _sum_where(F, investigated).cast("long").alias("investigated"),
        F.sum(F.when(investigated, F.col("n_cancer")).otherwise(F.lit(0))).cast("long").alias("cancers"),
        F.sum(F.when(investigated, F.col("n_hra")).otherwise(F.lit(0)))
        .cast("long")
        .alias("high_risk_adenomas"),
        F.max(F.when(investigated, F.col("median_days"))).cast("double").alias("median_days_result_to_test"),
    )


def _one(F: Any, condition: Any) -> Any:
    return F.when(F.coalesce(condition, F.lit(False)), F.lit(1)).otherwise(F.lit(0))


@compiled
def band_counts(
    episodes: Any, edges: Sequence[float], by: Sequence[str] = (), settings: FitSettings = DEFAULT_SETTINGS
) -> Any:
    """Screened episodes per group of `by` and result band: `band_lower` is the highest edge at or
    below the result (0 below the lowest edge); with BAND_COLUMNS: screened, `referred` (positive at the
    threshold applied to the episode), investigated, cancers, high_risk_adenomas."""
    check_groups(by)
    F = functions(episodes)
    result = F.col("fit_result_ug_g")
    band = F.lit(-1.0).cast("double")  # not screened
    for edge in [0.0, *sorted({float(e) for e in edges})]:  # ascending: each `when` wraps the one before
        band = F.when(result >= F.lit(edge), F.lit(edge).cast("double")).otherwise(band)
    keyed = episodes.select(
        *[GROUPS[name](F).alias(name) for name in by],
        band.alias("band_lower"),
        level(F, settings).alias("level"),
        F.coalesce(F.col("outcome"), F.lit("")).alias("outcome"),
    ).filter(F.col("level") >= F.lit(SCREENED))
    fine = keyed.groupBy(*by, "band_lower", "level", "outcome").agg(F.count(F.lit(1)).cast("long").alias("n"))
    at = F.col("level")
    investigated = at == F.lit(INVESTIGATED)
    return fine.groupBy(*by, "band_lower").agg(
        F.sum(F.col("n")).cast("long").alias("screened"),
        _sum_where(F, at >= F.lit(POSITIVE)).cast("long").alias("referred"),
        _sum_where(F, investigated).cast("long").alias("investigated"),
        _sum_where(F, investigated & (F.col("outcome") == F.lit(CANCER))).cast("long").alias("cancers"),
        _sum_where(F, investigated & (F.col("outcome") == F.lit(HIGH_RISK_ADENOMA)))
        .cast("long")
        .alias("high_risk_adenomas"),
    )
