"""Provider -> Cancer Alliance roll-up for the CWT tables (CWT rules §6; design.md, "Reference")."""

from __future__ import annotations

from typing import Any

from cancer_alliance.engine import functions

#: Alliance of a provider the reference data does not know: kept, never dropped.
UNKNOWN_ALLIANCE = "UNKNOWN"


def with_alliance(frame: Any, mapping: dict[str, str], provider: str = "provider") -> Any:
    """`frame` plus an `alliance` column: the alliance of its `provider` code from `mapping` (trust ODS
    code -> alliance, e.g. `reference.provider_alliance()`); a site code not listed itself takes its
    trust's (the first three characters, its ODS parent, CWT rules §8.5) [DERIVED]; otherwise
    `UNKNOWN_ALLIANCE`. A join with a small lookup frame, not a long CASE expression."""
    F = functions(frame)
    rows = sorted(mapping.items()) or [("", UNKNOWN_ALLIANCE)]
    lookup = frame.sparkSession.createDataFrame(rows, schema="alliance_code string, alliance_of string")
    exact = lookup.select(
        F.col("alliance_code").alias("exact_code"), F.col("alliance_of").alias("exact_alliance")
    )
    parent = lookup.select(
        F.col("alliance_code").alias("parent_code"), F.col("alliance_of").alias("parent_alliance")
    )
    joined = frame.join(exact, on=F.col(provider) == F.col("exact_code"), how="left").join(
        parent, on=F.substring(F.col(provider), 1, 3) == F.col("parent_code"), how="left"
    )
    return joined.select(
        *frame.columns,
        F.coalesce(F.col("exact_alliance"), F.col("parent_alliance"), F.lit(UNKNOWN_ALLIANCE)).alias(
            "alliance"
        ),
    )
