"""`evaluate`: per-record CWT facts; `rejected`: the records that cannot be evaluated, with why.

Both read one prepared frame: the canonical record plus the derived columns (route, treatment
stage, modality group, clock stops, waits, allocation, validity): the code tables joined as small
lookup frames (`codes.with_codes`), then column expressions in three selects, so that evaluation is
a single pass over the records.
Rules use only the PySpark DataFrame API through `engine.functions`, so they run unchanged on
DuckDB (SQLFrame) and on Spark (docs/decisions/0001).
"""

from __future__ import annotations

from typing import Any

from cancer_alliance.cwt import adjustments, allocation, codes, measures, validity
from cancer_alliance.cwt.routes import route
from cancer_alliance.cwt.settings import DEFAULT_SETTINGS, CwtSettings
from cancer_alliance.engine import functions
from cancer_alliance.engine.compiled import compiled

DataFrame = Any


def prepare(records: DataFrame, settings: CwtSettings = DEFAULT_SETTINGS) -> DataFrame:
    """One row per record: the canonical columns plus the derived columns the measures, the
    allocation and the validity checks read."""
    F = functions(records)
    col = F.col
    the_route = route(F)
    classified = codes.with_codes(records).select(
        "*",
        the_route.alias("route"),
        adjustments.fds_stop(F).alias("fds_stop"),
        adjustments.start_62(F, the_route).alias("start_62"),
        adjustments.first_seen_adjustment_62(F, the_route).alias("first_seen_adjustment_62"),
        allocation.investigating_provider(F).alias("investigating_provider"),
        allocation.allocation_method(F, settings).alias("allocation_method"),
    )
    first_seen, treatment = adjustments.adjustment_first_seen(F), adjustments.adjustment_treatment(F)
    wait = adjustments.wait
    waits = classified.select(
        "*",
        wait(F, col("date_first_seen"), col("referral_received_date"), first_seen).alias("days_2ww"),
        wait(F, col("fds_stop"), col("referral_received_date"), first_seen).alias("days_fds"),
        wait(F, col("treatment_start_date"), col("decision_to_treat_date"), treatment).alias("days_31d"),
        wait(
            F, col("treatment_start_date"), col("start_62"), col("first_seen_adjustment_62"), treatment
        ).alias("days_62d"),
        wait(F, col("transfer_to_treatment_date"), col("start_62"), col("first_seen_adjustment_62")).alias(
            "days_38"
        ),
        wait(F, col("treatment_start_date"), col("transfer_to_treatment_date"), treatment).alias("days_24"),
        *[test.alias(name) for name, test in measures.populations(F, settings).items()],
        allocation.allocation(F).alias("allocation"),
        allocation.missing_transfer_date(F).alias("transfer_date_missing"),
    )
    # The scenario and the shares are worked out by `measures.facts` on the 62-day rows alone.
    return waits.select("*", validity.invalid(F, settings).alias("invalid"))


@compiled
def evaluate(
    records: DataFrame,
    settings: CwtSettings = DEFAULT_SETTINGS,
    carry: tuple[str, ...] = (),
    in_record_order: bool = True,
) -> DataFrame:
    """Per-record facts of every valid record, long format: one row per record and measure, two
    for a 62d pathway shared between providers (columns `measures.COLUMNS`).

    `carry` names record columns to keep on every fact row after the contract columns, e.g.
    `("primary_diagnosis_icd10",)` so that tumour-type tables need no join back to the records.
    `in_record_order=False` gives the same rows in an order of the engine's choosing, at less cost:
    for facts that are summed (`performance.fine_counts`, `performance`), not written for people
    or compared byte for byte across engines (docs/decisions/0052)."""
    F = functions(records)
    return measures.facts(prepare(records, settings), F, settings, tuple(carry), in_record_order)


@compiled
def rejected(records: DataFrame, settings: CwtSettings = DEFAULT_SETTINGS) -> DataFrame:
    """record_id, reason and measures (those it had a stopped clock on, which its facts would have
    counted) of every record `evaluate` leaves out."""
    F = functions(records)
    prepared = prepare(records, settings)
    # Exploding a one-element array, compacted, keeps the invalid records without a filter that
    # DuckDB would push down through (and so re-evaluate) every derived column.
    flagged = prepared.select(
        "*", F.explode(F.array_compact(F.array(F.when(F.col("invalid"), F.lit(True))))).alias("rejected")
    )
    return flagged.select(
        "record_id",
        validity.reason(F, settings).alias("reason"),
        validity.lost_measures(F).alias("measures"),
    )
