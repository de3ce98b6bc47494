"""The stage, age-band and ambition definitions, read from this package's `data/` CSVs (data, not
code): which stage categories are "staged", "early" and inside the completeness denominator; the age
bands; the early-stage ambitions with their sources."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cancer_alliance.reference._files import boolean


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@dataclass(frozen=True)
class StageGroups:
    """Stage codes (code list `stage`) by role in the early-stage proportion and completeness."""

    staged: tuple[str, ...]
    early: tuple[str, ...]
    in_completeness: tuple[str, ...]
    missing: str = "missing"
    unstageable: str = "unstageable"


@cache
def stage_groups() -> StageGroups:
    rows = _rows("stage_groups.csv")
    return StageGroups(
        staged=tuple(r["stage"] for r in rows if boolean(r["staged"])),
        early=tuple(r["stage"] for r in rows if boolean(r["early"])),
        in_completeness=tuple(r["stage"] for r in rows if boolean(r["in_completeness"])),
    )


@dataclass(frozen=True)
class AgeBand:
    label: str
    lower: int
    upper: int


@cache
def age_bands() -> tuple[AgeBand, ...]:
    return tuple(AgeBand(r["age_band"], int(r["lower"]), int(r["upper"])) for r in _rows("age_bands.csv"))


@dataclass(frozen=True)
class Ambition:
    ambition_id: str
    metric: str
    target_proportion: float
    by_period: str
    source: str
    source_url: str
    reliability: str


@cache
def ambitions() -> tuple[Ambition, ...]:
    """The early-stage ambitions (62% by 2020/21, 75% by 2028) with their sources."""
    return tuple(
        Ambition(
            r["ambition_id"],
            r["metric"],
            float(r["target_proportion"]),
            r["by_period"],
            r["source"],
            r["source_url"],
            r["reliability"],
        )
        for r in _rows("ambitions.csv")
    )
