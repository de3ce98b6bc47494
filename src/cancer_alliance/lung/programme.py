"""The lung health check programme journey as counts (issue #10 item 3), a DataFrame rule on DuckDB or
Spark over the attendances with their eligibility (`eligibility.add_eligibility`):

    invitation -> attendance -> risk assessment -> eligible -> LDCT -> result -> nodule follow-up
    -> referral -> cancer (and its stage); smoking cessation referral for current smokers

One row per group of `by` (names in GROUPS) with the COUNT_COLUMNS. Invitations are not in the
attendance table; uptake (attended / invited) is computed in `programme_files.programme_metrics` from a
supplied invitation count per CCG.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cancer_alliance.engine import functions

#: Stage codes (code list `stage`) of a screen-detected cancer counted as early, and as staged
#: (the early-diagnosis definition, NHS Digital/NDRS stage method).
EARLY_STAGES = ("1", "2", "other_early")
STAGED = ("1", "2", "3", "4", "other_early", "other_advanced")

COUNT_COLUMNS = (
    "attended",
    "assessed",
    "eligible",
    "current_smokers",
    "ldct_scans",
    "eligible_scanned",
    "findings",
    "indeterminate",
    "positive",
    "nodule_followups",
    "referrals",
    "cancers",
    "cancers_staged",
    "cancers_early",
    "cessation_referrals",
)

#: Columns of the public tables' complements (`lung.published.complements`, the results file
#: `lung_withheld`; here, beside the counts, as the results catalogue reads both).
WITHHELD_COLUMNS = ("alliance", "level", "code", "count")

GROUPS: dict[str, Callable[[Any], Any]] = {
    "alliance": lambda F: F.col("alliance_code"),
    "ccg": lambda F: F.col("ccg_code"),
    "trust": lambda F: F.col("trust_code"),
    "month": lambda F: F.date_format(F.col("attendance_date"), "yyyy-MM"),
}


def programme_counts(assessed: Any, by: Sequence[str] = ()) -> Any:
    """Journey counts per group of `by` (none: one row for everything) over `add_eligibility` output."""
    unknown = [name for name in by if name not in GROUPS]
    if unknown:
        raise ValueError(f"unknown group {unknown[0]!r}; choose from {', '.join(GROUPS)}")
    F = functions(assessed)

    def count(condition: Any) -> Any:
        return F.when(condition, F.lit(1)).otherwise(F.lit(0))

    scanned = F.col("ldct_date").isNotNull()
    result = F.col("ldct_result")
    stage = F.col("cancer_stage")
    flags = assessed.select(
        *[GROUPS[name](F).alias(name) for name in by],
        count(F.col("plcom2012_risk").isNotNull() | F.col("llp_risk").isNotNull()).alias("assessed"),
        count(F.col("eligible")).alias("eligible"),
        count(F.col("smoking_status") == "current").alias("current_smokers"),
        count(scanned).alias("ldct_scans"),
        count(scanned & F.col("eligible")).alias("eligible_scanned"),
        count(scanned & result.isin("indeterminate", "positive")).alias("findings"),
        count(scanned & (result == "indeterminate")).alias("indeterminate"),
        count(scanned & (result == "positive")).alias("positive"),
        count(F.col("nodule_followup_date").isNotNull()).alias("nodule_followups"),
        count(F.col("referral_date").isNotNull()).alias("referrals"),
        count(stage.isNotNull()).alias("cancers"),
        count(stage.isin(*STAGED)).alias("cancers_staged"),
        count(stage.isin(*EARLY_STAGES)).alias("cancers_early"),
        count(F.coalesce(F.col("smoking_cessation_referral"), F.lit(False))).alias("cessation_referrals"),
    )
    sums = [F.sum(F.col(name)).cast("long").alias(name) for name in COUNT_COLUMNS[1:]]
    return flags.groupBy(*by).agg(F.count(F.lit(1)).cast("long").alias("attended"), *sums)
