"""Cancer waiting times: per-record facts for the 2ww, fds, 31d and 62d measures (README.md)."""

from cancer_alliance.cwt.evaluate import evaluate, prepare, rejected
from cancer_alliance.cwt.measures import COLUMNS, FACT_COLUMNS, FLAG_COLUMNS
from cancer_alliance.cwt.settings import (
    DEFAULT_SETTINGS,
    AllocationMethod,
    AllocationVersion,
    CwtSettings,
    FdsExclusion,
    MissingTransferDate,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_SETTINGS",
    "FACT_COLUMNS",
    "FLAG_COLUMNS",
    "AllocationMethod",
    "AllocationVersion",
    "CwtSettings",
    "FdsExclusion",
    "MissingTransferDate",
    "evaluate",
    "prepare",
    "rejected",
]
