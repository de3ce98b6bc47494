"""Provider -> Cancer Alliance roll-up for the CWT tables (CWT rules §6; design.md, "Reference")."""

from __future__ import annotations

from typing import Any

#: Alliance of a provider the reference data does not know: kept, never dropped.
UNKNOWN_ALLIANCE = "UNKNOWN"


def alliance(F: Any, provider: Any, mapping: dict[str, str]) -> Any:
    """Column expression: the alliance of a provider code from `mapping` (trust ODS code -> alliance,
    e.g. `reference.provider_alliance()`); a site code not listed itself takes its trust's (the first
    three characters, its ODS parent, CWT rules §8.5) [DERIVED]; otherwise `UNKNOWN_ALLIANCE`."""
    if not mapping:
        return F.lit(UNKNOWN_ALLIANCE)
    lookup = F.create_map(*[F.lit(value) for pair in sorted(mapping.items()) for value in pair])
    return F.coalesce(
        F.element_at(lookup, provider),
        F.element_at(lookup, F.substring(provider, 1, 3)),
        F.lit(UNKNOWN_ALLIANCE),
    )
