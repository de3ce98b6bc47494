"""Provider -> Cancer Alliance roll-up for the CWT tables (CWT reporting conventions [S1, S31]; design.md,
"Reference")."""

from __future__ import annotations

from typing import Any

from cancer_alliance.engine import functions

#: Alliance of a provider the reference data does not know: kept, never dropped.
UNKNOWN_ALLIANCE = "UNKNOWN"

#: Length of an NHS trust ODS code; a site code starts with its trust's code (ODS parent, CWT record layout
#: [S15, S40]).
TRUST_CODE_LENGTH = 3


def with_alliance(frame: Any, mapping: dict[str, str], provider: str = "provider") -> Any:
    """`frame` plus an `alliance` column: the alliance of the trust of its `provider` code (the code's
    first three characters, so a site code such as RA701 rolls up through its trust RA7 [DERIVED])
    from `mapping` (trust ODS code -> alliance, `reference.provider_alliance()`); a provider the
    mapping does not know, or a blank one, gets `UNKNOWN_ALLIANCE`. Looked up by a join with the
    mapping as a small lookup frame: on DuckDB a hash join, where a literal map is searched key by key
    for every row (docs/performance.md; the rules' plans are built once, decision 0033, so the
    join's building cost no longer matters)."""
    wrong = sorted(code for code in mapping if len(code) != TRUST_CODE_LENGTH)
    if wrong:
        raise ValueError(
            f"provider_alliance keys must be 3-character trust codes, not {', '.join(wrong[:5])}"
        )
    F = functions(frame)
    if not mapping:
        return frame.select("*", F.lit(UNKNOWN_ALLIANCE).alias("alliance"))
    lookup = frame.sparkSession.createDataFrame(
        sorted(mapping.items()), schema="ca_trust string, ca_alliance string"
    )  # a few hundred rows: Spark broadcasts it by size
    trust = F.substring(F.col(provider), 1, TRUST_CODE_LENGTH)
    joined = frame.join(lookup, on=trust == F.col("ca_trust"), how="left")
    return joined.select(
        *frame.columns, F.coalesce(F.col("ca_alliance"), F.lit(UNKNOWN_ALLIANCE)).alias("alliance")
    )
