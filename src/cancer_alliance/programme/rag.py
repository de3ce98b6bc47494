"""RAG status of a deliverable from its linked metric against its monthly trajectory (issue 15).

The rule is data (`data/rag_rules.csv`): rows in order, each with the smallest gap (actual minus
trajectory, turned round when lower is better) at which it applies; the first that applies wins and a
blank `min_gap` always applies. Shipped: green at or above the trajectory, amber up to 5 percentage
points below (the tolerance is a setting: no national source gives one), red further below.
`RagRules.with_tolerance()` changes the amber band without editing the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

from cancer_alliance.programme._data import read_rows
from cancer_alliance.store.programme import Rag


@dataclass(frozen=True)
class RagBand:
    rag: Rag
    min_gap: float | None  # None: applies whatever the gap
    meaning: str


@dataclass(frozen=True)
class RagRules:
    """The bands in order; the last must apply to any gap."""

    bands: tuple[RagBand, ...]

    def __post_init__(self) -> None:
        if not self.bands or self.bands[-1].min_gap is not None:
            raise ValueError("RAG rules: the last band must have a blank min_gap (it catches every gap)")
        gaps = [band.min_gap for band in self.bands[:-1]]
        if any(gap is None for gap in gaps) or gaps != sorted(gaps, reverse=True):  # type: ignore[type-var]
            raise ValueError("RAG rules: min_gap must fall from one band to the next")

    def status(self, gap: float) -> RagBand:
        for band in self.bands:
            if band.min_gap is None or gap >= band.min_gap - 1e-12:
                return band
        raise AssertionError("unreachable: the last band applies to every gap")

    def with_tolerance(self, tolerance: float) -> RagRules:
        """The same rules with the amber band reaching `tolerance` below the trajectory."""
        if tolerance < 0:
            raise ValueError("the amber tolerance is a distance below the trajectory, so 0 or more")
        bands = tuple(replace(b, min_gap=-tolerance) if b.rag is Rag.amber else b for b in self.bands)
        return RagRules(bands)


@cache
def rag_rules() -> RagRules:
    """The shipped rule, `data/rag_rules.csv`."""
    return RagRules(
        tuple(
            RagBand(Rag(row["rag"]), float(row["min_gap"]) if row["min_gap"] else None, row["meaning"])
            for row in read_rows("rag_rules.csv")
        )
    )


@dataclass(frozen=True)
class Assessment:
    """A deliverable's RAG in a month: computed (`month`, `actual`, `target` set), set by hand
    (`manual`, with its reason), or None when the metric has no value yet in any trajectory month."""

    rag: Rag | None
    reason: str
    month: str | None = None
    actual: float | None = None
    target: float | None = None
    manual: bool = False


def assess(
    trajectory: Mapping[str, float],
    actuals: Mapping[str, float],
    as_of: str,
    *,
    higher_is_better: bool = True,
    rules: RagRules | None = None,
) -> Assessment:
    """Compare the metric with its trajectory in the latest trajectory month up to `as_of` (YYYY-MM) that
    has a value. `actuals` maps month to the metric's value."""
    rules = rules or rag_rules()
    months = sorted(month for month in trajectory if month <= as_of and actuals.get(month) is not None)
    if not months:
        return Assessment(None, "no value of the linked metric yet in a month of the trajectory")
    month = months[-1]
    actual, target = float(actuals[month]), float(trajectory[month])
    gap = actual - target if higher_is_better else target - actual
    band = rules.status(gap)
    return Assessment(band.rag, band.meaning, month, actual, target)


def manual(rag: Rag | str, reason: str) -> Assessment:
    return Assessment(Rag(rag), reason, manual=True)


def tally(assessments: Sequence[Assessment]) -> dict[str, int]:
    """How many are red, amber, green and not yet known."""
    counts = {"red": 0, "amber": 0, "green": 0, "none": 0}
    for item in assessments:
        counts[item.rag.value if item.rag else "none"] += 1
    return counts
