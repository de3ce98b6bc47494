"""Rule parameters of the CWT per-record facts, named and cited (CWT day counting [S1], breach allocation
[S6, S40], docs/deviations.md).

Code lists and the allocation table are reference data (`cancer_alliance.reference`); what lives
here are the lengths of the measures, the 38/24-day split, the dated allocation versions and the
behaviours the cited sources leave open, each a setting so that a local or official method can be
restored without touching the rules (docs/deviations.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

#: Measure length N in days: within iff days <= N (CWT day counting [S1] [IMPL S40], measure table).
MEASURE_DAYS: Mapping[str, int] = MappingProxyType({"2ww": 14, "fds": 28, "31d": 31, "62d": 62})

#: Day-38 handover: the investigating phase of an inter-provider pathway (breach allocation [S6, S15]
#: [OFFICIAL S6], breach allocation [S6, S40]).
HANDOVER_DAYS = 38

#: The treating phase after the handover: 62 - 38 = 24 days (breach allocation [S6, S40] [IMPL S40]).
TREATING_DAYS = 24


class AllocationMethod(StrEnum):
    """How a 62-day pathway seen at one provider and treated at another is shared (breach allocation [S6,
    S15])."""

    fifty_fifty = "fifty_fifty"  # 0.5 to each provider, within or breach as the 62-day outcome
    six_scenario = "six_scenario"  # the 38/24-day scenario table (breach allocation [S6, S40])


class MissingTransferDate(StrEnum):
    """What to do when an accountable investigating provider is recorded but no transfer date.

    Not stated in the cited sources (the facts contract in cwt/README.md: DERIVED; configurable).
    """

    fifty_fifty = "fifty_fifty"  # default: 0.5 to each provider, flagged by `transfer_date_missing`
    reject = "reject"  # list the record in `rejected()` for the data to be completed


@dataclass(frozen=True)
class AllocationVersion:
    """An allocation rule in force for 62-day clock stops on or after `effective_from`
    (docs/deviations.md)."""

    effective_from: dt.date
    method: AllocationMethod
    source: str


#: 50:50 sharing before April 2018 (UNVERIFIED rule text; halves in national data from 2010/11) and the
#: six-scenario 38/24-day allocation from dataset v2.0, 1 April 2018
#: (breach allocation [S6, S15] [OFFICIAL S15; IMPL S40]).
ALLOCATION_VERSIONS: tuple[AllocationVersion, ...] = (
    AllocationVersion(
        dt.date(1900, 1, 1),
        AllocationMethod.fifty_fifty,
        "breach allocation [S6, S15]: to March 2018 [UNVERIFIED]",
    ),
    AllocationVersion(
        dt.date(2018, 4, 1),
        AllocationMethod.six_scenario,
        "breach allocation [S6, S15], from April 2018 [OFFICIAL S15]",
    ),
)


@dataclass(frozen=True)
class FdsExclusion:
    """One row of the FDS exclusion code table: a record whose end reason and exclusion reason match
    is left out of the fds measure; None matches any value, including a blank
    (FDS [S1, S17], docs/deviations.md)."""

    fds_end_reason: str | None = None
    fds_exclusion_reason: str | None = None
    note: str = ""


@dataclass(frozen=True)
class CwtSettings:
    """Every parameter of `evaluate`; the default reproduces the spec's stated or derived behaviour."""

    measure_days: Mapping[str, int] = field(default_factory=lambda: MEASURE_DAYS)
    handover_days: int = HANDOVER_DAYS
    treating_days: int = TREATING_DAYS
    allocation_versions: tuple[AllocationVersion, ...] = ALLOCATION_VERSIONS
    missing_transfer_date: MissingTransferDate = MissingTransferDate.fifty_fifty
    #: Empty by default: the official FDS end-reason and exclusion code lists were not found (FDS [S1, S17],
    #: docs/deviations.md).
    fds_exclusions: tuple[FdsExclusion, ...] = ()

    def __post_init__(self) -> None:
        if set(self.measure_days) != set(MEASURE_DAYS):
            raise ValueError(f"measure_days must give N for exactly {sorted(MEASURE_DAYS)}")
        if self.handover_days + self.treating_days != self.measure_days["62d"]:
            raise ValueError("handover_days + treating_days must equal the 62-day length (breach allocation)")
        starts = [version.effective_from for version in self.allocation_versions]
        if not starts or starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("allocation_versions must be non-empty and in strictly increasing date order")


DEFAULT_SETTINGS = CwtSettings()
