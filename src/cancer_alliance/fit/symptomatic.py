"""Symptomatic FIT (issue #13 item 3): over the CWT facts of lower GI urgent suspected cancer referrals,
the share with a primary-care FIT result recorded and 28-day Faster Diagnosis Standard performance with
and without one. The FDS clock is the CWT engine's (`cwt.evaluate`, facts with measure `fds`), never
recomputed here: the facts carry the record's `referral_type` and `fit_result_ug_g`.

NICE DG56 (2023): a FIT result of at least 10 µg Hb/g means a suspected cancer referral for colorectal
cancer (NICE DG56; `FitSettings.symptomatic_referral_ug_g`). Lower GI referrals are
referral type 05 (`LOWER_GI_REFERRAL_TYPE`; the code number is UNVERIFIED in
`reference/codes/referral_type.csv`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cancer_alliance.engine import functions
from cancer_alliance.fit.settings import DEFAULT_SETTINGS, FitSettings

#: TWO WEEK WAIT CANCER OR SYMPTOMATIC BREAST REFERRAL TYPE for suspected lower GI cancer (UNVERIFIED number).
LOWER_GI_REFERRAL_TYPE = "05"
#: Columns the CWT facts must carry (`cwt.evaluate(records, carry=CARRY)`).
CARRY = ("referral_type", "fit_result_ug_g")
#: FIT status of a referral, in display order.
AT_OR_ABOVE, BELOW, NOT_RECORDED = "fit_at_or_above_threshold", "fit_below_threshold", "no_fit_recorded"
STATUSES = (AT_OR_ABOVE, BELOW, NOT_RECORDED)
GROUPS = ("provider", "reporting_month")


def fit_status(F: Any, settings: FitSettings = DEFAULT_SETTINGS) -> Any:
    result = F.col("fit_result_ug_g")
    return (
        F.when(result.isNull(), F.lit(NOT_RECORDED))
        .when(result >= F.lit(settings.symptomatic_referral_ug_g), F.lit(AT_OR_ABOVE))
        .otherwise(F.lit(BELOW))
    )


def symptomatic_fds(facts: Any, by: Sequence[str] = (), settings: FitSettings = DEFAULT_SETTINGS) -> Any:
    """One row per group of `by` (names in GROUPS) and FIT status: `referrals` (lower GI urgent suspected
    cancer referrals with an FDS outcome), `fds_total` and `fds_within` (sums of the facts' shares)."""
    unknown = [name for name in by if name not in GROUPS]
    if unknown:
        raise ValueError(f"unknown group {unknown[0]!r}; choose from {', '.join(GROUPS)}")
    F = functions(facts)
    rows = facts.filter(
        (F.col("measure") == F.lit("fds"))
        & (F.col("route") == F.lit("usc"))
        & (F.coalesce(F.col("referral_type"), F.lit("")) == F.lit(LOWER_GI_REFERRAL_TYPE))
    ).select(
        *[F.col(name) for name in by],
        fit_status(F, settings).alias("fit_status"),
        F.col("record_id"),
        F.col("share").cast("double").alias("share"),
        F.when(F.col("within"), F.col("share")).otherwise(F.lit(0.0)).cast("double").alias("within_share"),
    )
    return rows.groupBy(*by, "fit_status").agg(
        F.countDistinct(F.col("record_id")).cast("long").alias("referrals"),
        F.sum(F.col("share")).alias("fds_total"),
        F.sum(F.col("within_share")).alias("fds_within"),
    )
