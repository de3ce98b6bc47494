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
    mapping does not know, or a blank one, gets `UNKNOWN_ALLIANCE`. A literal map looked up in one
    select: cheaper for SQLFrame to build than a join (docs/performance.md)."""
    wrong = sorted(code for code in mapping if len(code) != TRUST_CODE_LENGTH)
    if wrong:
        raise ValueError(
            f"provider_alliance keys must be 3-character trust codes, not {', '.join(wrong[:5])}"
        )
    F = functions(frame)
    if not mapping:
        return frame.select("*", F.lit(UNKNOWN_ALLIANCE).alias("alliance"))
    lookup = F.create_map(*[F.lit(value) for pair in sorted(mapping.items()) for value in pair])
    trust = F.substring(F.col(provider), 1, TRUST_CODE_LENGTH)
    return frame.select(
        "*", F.coalesce(F.element_at(lookup, trust), F.lit(UNKNOWN_ALLIANCE)).alias("alliance")
    )
