"""Provider -> Cancer Alliance roll-up for the CWT tables (CWT rules §6; design.md, "Reference")."""

from __future__ import annotations

from typing import Any

from cancer_alliance.engine import functions

#: Alliance of a provider the reference data does not know: kept, never dropped.
UNKNOWN_ALLIANCE = "UNKNOWN"

#: Length of an NHS trust ODS code; a site code starts with its trust's code (ODS parent, CWT rules §8.5).
TRUST_CODE_LENGTH = 3


def with_alliance(frame: Any, mapping: dict[str, str], provider: str = "provider") -> Any:
    """`frame` plus an `alliance` column: the alliance of the trust of its `provider` code (the code's
    first three characters, so a site code such as RA701 rolls up through its trust RA7 [DERIVED])
    from `mapping` (trust ODS code -> alliance, `reference.provider_alliance()`); a provider the
    mapping does not know gets `UNKNOWN_ALLIANCE`. One join with a small lookup frame."""
    wrong = sorted(code for code in mapping if len(code) != TRUST_CODE_LENGTH)
    if wrong:
        raise ValueError(
            f"provider_alliance keys must be 3-character trust codes, not {', '.join(wrong[:5])}"
        )
    F = functions(frame)
    rows = sorted(mapping.items()) or [("", UNKNOWN_ALLIANCE)]
    lookup = frame.sparkSession.createDataFrame(rows, schema="alliance_trust string, alliance_of string")
    trust = F.substring(F.col(provider), 1, TRUST_CODE_LENGTH)
    joined = frame.join(lookup, on=trust == F.col("alliance_trust"), how="left")
    return joined.select(
        *frame.columns, F.coalesce(F.col("alliance_of"), F.lit(UNKNOWN_ALLIANCE)).alias("alliance")
    )
