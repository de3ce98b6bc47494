"""Early diagnosis as the pages show it: % of staged cancers diagnosed at stage 1 or 2 with its Wilson 95%
interval, stage completeness and the comparison with the ambitions (62% by 2020/21, 75% by 2028; data in
`early_diagnosis/data/ambitions.csv`). Input: the tables of `queries.early_diagnosis` (NDRS counts and
`early_diagnosis.metrics` columns). No I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cancer_alliance.early_diagnosis.definitions import ambitions
from cancer_alliance.web.presenters.formatting import WITHHELD, count, format_date, is_missing, percent

#: The map's early-diagnosis metric (beside the CWT standards of `performance.HEADLINE_STANDARDS`).
EARLY_STAGE = "early_stage"
EARLY_STAGE_LABEL = "Cancers diagnosed at stage 1 or 2 (of those staged)"
EARLY_STAGE_METRIC = "early_stage_proportion"


def ambition_targets() -> list[tuple[float, str]]:
    """(proportion, label) of each early-stage ambition, lowest first: `[(0.62, "62% by 2020/21"), ...]`."""
    chosen = [a for a in ambitions() if a.metric == EARLY_STAGE_METRIC]
    return sorted(
        (a.target_proportion, f"{percent(a.target_proportion, 0)} by {a.by_period}") for a in chosen
    )


def interval(lower: Any, upper: Any) -> str:
    """A 95% interval as `51.3% to 53.4%` (empty when unknown)."""
    if is_missing(lower) or is_missing(upper):
        return ""
    return f"{percent(lower)} to {percent(upper)}"


def ambition_tag(value: float | None, targets: Sequence[tuple[float, str]]) -> dict[str, str]:
    """NHS.UK tag naming the highest ambition met: green for the highest, blue for a lower one, red for
    none."""
    if is_missing(value):
        return {"text": "No data", "classes": "nhsuk-tag--grey"}
    met = [label for target, label in targets if value >= target]
    if not met:
        return {"text": f"Below {targets[0][1]}" if targets else "No ambition", "classes": "nhsuk-tag--red"}
    highest = len(met) == len(targets)
    return {"text": f"Meets {met[-1]}", "classes": "nhsuk-tag--green" if highest else "nhsuk-tag--blue"}


def source_note(relation: Any, ndrs_name: Any) -> str:
    """A short note naming where an alliance's figures come from when they are not its own 2018/19
    footprint (`early_diagnosis.successors`: relation same/successor/split/shared): empty for `same`."""
    if is_missing(relation) or is_missing(ndrs_name) or relation == "same":
        return ""
    if relation == "split":
        return f"Figures for the successor alliances {ndrs_name} (NDRS boundaries), added together"
    if relation == "shared":
        return f"Figures for the successor alliance {ndrs_name} (NDRS boundaries), shared with others"
    return f"Figures for the successor alliance {ndrs_name} (NDRS boundaries)"


def year_rows(years: pd.DataFrame) -> list[dict[str, str]]:
    """One display row per year (counts may be withheld or rounded for the public)."""
    return [
        {
            "year": str(int(row["year"])),
            "registrations": count(row["registrations"]),
            "stage_staged": count(row["stage_staged"]),
            "stage_early": count(row["stage_early"]),
            "early_stage": percent(row["early_stage_proportion"]),
            "interval": interval(row["early_stage_lower_95"], row["early_stage_upper_95"]),
            "completeness": percent(row["stage_completeness"]),
        }
        for row in years.to_dict("records")
    ]


@dataclass(frozen=True)
class AmbitionRow:
    label: str
    by_period: str
    target: str
    gap: str
    tag: dict[str, str]
    source: str


def ambition_rows(table: pd.DataFrame) -> list[AmbitionRow]:
    """The latest year against each ambition (`early_diagnosis.metrics.against_ambitions` output)."""
    rows = []
    for row in table.to_dict("records"):
        gap = row["gap_pp"]
        met = row["met"]
        rows.append(
            AmbitionRow(
                label=f"{percent(row['target_proportion'], 0)} by {row['by_period']}",
                by_period=str(row["by_period"]),
                target=percent(row["target_proportion"], 0),
                gap="" if is_missing(gap) else f"{gap:+.1f} percentage points",
                tag=(
                    {"text": "No data", "classes": "nhsuk-tag--grey"}
                    if met is None
                    else {"text": "Met", "classes": "nhsuk-tag--green"}
                    if met
                    else {"text": "Not met", "classes": "nhsuk-tag--red"}
                ),
                source=str(row["ambition_source"]),
            )
        )
    return rows


#: How the pages name the figures computed from the platform's own registrations.
LAKE_SOURCE = "tumour registrations imported into this platform"


def lake_values(row: dict[str, Any] | None) -> dict[str, str] | None:
    """Display values of an organisation's early diagnosis from the lake (`queries.lake_early_diagnosis`
    row): each share with its counts and interval, and the diagnosis period it covers; a withheld count,
    and a share that needs one, as `[c]`."""
    if row is None:
        return None

    def withheld(*names: str) -> bool:
        return any(row.get(f"{name}_suppressed", False) for name in names)

    def shown(name: str) -> str:
        return WITHHELD if withheld(name) else count(row[name])

    def share(column: str, *names: str) -> str:
        return WITHHELD if withheld(*names) else percent(row[column])

    return {
        "source": LAKE_SOURCE,
        "period": f"{format_date(row['diagnosed_from'])} to {format_date(row['diagnosed_to'])}",
        "registrations": shown("registrations"),
        "early_stage": share("early_stage_proportion", "stage_early", "stage_staged"),
        "early": shown("stage_early"),
        "staged": shown("stage_staged"),
        "interval": interval(row["early_stage_lower_95"], row["early_stage_upper_95"]),
        "completeness": share("stage_completeness", "stage_staged", "stage_missing"),
        "emergency": share("emergency_proportion", "emergency", "route_known"),
        "emergency_count": shown("emergency"),
        "route_known": shown("route_known"),
        "emergency_interval": interval(row["emergency_lower_95"], row["emergency_upper_95"]),
    }
