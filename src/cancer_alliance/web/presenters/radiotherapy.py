"""What the radiotherapy pages show (issue #14): the compliance table with its evidence, the linac age
chart and the technique and fractionation mix over time, each chart with its table. No I/O: frames in,
rows and Vega-Lite specs out. What the viewer may see comes from `radiotherapy.published`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cancer_alliance.radiotherapy.published import MIXES, category_of, published_courses
from cancer_alliance.radiotherapy.published import WITHHELD as WITHHELD_STATUS
from cancer_alliance.reference.radiotherapy_networks import Requirement
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.web.presenters.charts import NHS_BLUE, NHS_DARK_GREY, NHS_RED, SCHEMA
from cancer_alliance.web.presenters.formatting import WITHHELD, count, format_month, percent

STATUS_TAGS = {
    "met": {"text": "Met", "classes": "nhsuk-tag--green"},
    "not_met": {"text": "Not met", "classes": "nhsuk-tag--red"},
    "no_data": {"text": "No data", "classes": "nhsuk-tag--grey"},
    WITHHELD_STATUS: {"text": "Withheld [c]", "classes": "nhsuk-tag--grey"},
}
COMPARISON_WORDS = {"eq": "exactly", "ge": "at least", "le": "at most"}
SITE_NAMES = {"C50": "Breast", "C61": "Prostate"}
TECHNIQUE_NAMES = {
    "imrt": "IMRT/VMAT",
    "conventional": "Conventional",
    "sabr": "SABR",
    "brachytherapy": "Brachytherapy",
    "srs": "SRS/SRT",
    "proton": "Proton",
    "other": "Other",
    "not recorded": "Not recorded",
}


@dataclass(frozen=True)
class ComplianceRow:
    requirement_id: str
    title: str
    evidence: str
    value: str
    target: str
    tag: dict[str, str]
    interval: str
    verified: bool
    source: str


def _number(value: Any, rate: bool) -> str:
    if value is None or pd.isna(value):
        return ""
    return percent(value) if rate else f"{value:g}"


def compliance_rows(table: pd.DataFrame, chosen: Sequence[Requirement]) -> list[ComplianceRow]:
    """One row per requirement: what was counted (the evidence), the value, the target and the status."""
    by_id = {r.requirement_id: r for r in chosen}
    rows = []
    for record in table.to_dict("records"):
        r = by_id.get(record["requirement_id"])
        if r is None:
            continue
        rate = r.kind == "rate"
        withheld = bool(record.get("numerator_suppressed")) or bool(record.get("denominator_suppressed"))
        if withheld:
            evidence = f"{WITHHELD}: fewer than 8 patients"
        elif rate:
            evidence = f"{count(record['numerator'])} of {count(record['denominator'])}"
        elif pd.isna(record["denominator"]):
            evidence = f"{count(record['numerator'])}"
        else:
            evidence = f"{count(record['numerator'])} of {count(record['denominator'])} linacs in service"
        interval = ""
        if rate and not pd.isna(record.get("ci_lower", float("nan"))):
            interval = f"{percent(record['ci_lower'])} to {percent(record['ci_upper'])}"
        target = ""
        if not pd.isna(record["threshold"]):
            target = f"{COMPARISON_WORDS[r.comparison]} {_number(record['threshold'], rate)}"
        rows.append(
            ComplianceRow(
                requirement_id=r.requirement_id,
                title=r.title,
                evidence=evidence,
                value=_number(record["value"], rate),
                target=target,
                tag=STATUS_TAGS[record["status"]],
                interval=interval,
                verified=r.verified,
                source=r.source,
            )
        )
    return rows


def status_counts(table: pd.DataFrame) -> dict[str, int]:
    """Requirements met, not met and without data; a requirement whose published counts are withheld
    counts as without data (the viewer cannot judge it)."""
    found = {status: int((table["status"] == status).sum()) for status in STATUS_TAGS}
    found["no_data"] += found.pop(WITHHELD_STATUS)
    return found


def linac_rows(linacs: pd.DataFrame) -> list[dict[str, str]]:
    rows = []
    for record in linacs.to_dict("records"):
        techniques = [
            name
            for name, column in (
                ("IMRT", "delivers_imrt"),
                ("IGRT", "delivers_igrt"),
                ("SABR", "delivers_sabr"),
            )
            if record[column]
        ]
        if not record["in_service"]:
            state = "Not in service"
        elif record["replacement_due"]:
            state = "Replacement due"
        elif record["upgrade_due"]:
            state = "Upgrade due"
        else:
            state = "In service"
        rows.append(
            {
                "linac_id": record["linac_id"],
                "provider": record["provider_code"],
                "age": f"{record['age_years']:.1f}",
                "techniques": ", ".join(techniques) or "none recorded",
                "state": state,
            }
        )
    return rows


def linac_chart(rows: list[dict[str, str]], replacement_years: float | None, title: str) -> dict[str, Any]:
    """Each linac's age as a bar, coloured by its state, with the replacement age as a red rule."""
    values = [{"linac": r["linac_id"], "age": float(r["age"]), "state": r["state"]} for r in rows]
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": "linac", "type": "nominal", "title": "Linac", "sort": "-x"},
                "x": {"field": "age", "type": "quantitative", "title": "Age in years"},
                "color": {
                    "field": "state",
                    "type": "nominal",
                    "title": "State",
                    "scale": {
                        "domain": ["In service", "Upgrade due", "Replacement due", "Not in service"],
                        "range": [NHS_BLUE, "#ffb81c", NHS_RED, NHS_DARK_GREY],
                    },
                },
            },
        }
    ]
    if replacement_years is not None:
        layers.append(
            {
                "data": {"values": [{"limit": replacement_years}]},
                "mark": {"type": "rule", "color": NHS_RED, "strokeDash": [6, 4]},
                "encoding": {"x": {"field": "limit", "type": "quantitative"}},
            }
        )
    return {
        "$schema": SCHEMA,
        "description": title,
        "width": "container",
        "height": max(120, 18 * len(values)),
        "data": {"values": values},
        "layer": layers,
    }


def technique_table(
    mix: pd.DataFrame, policy: DisclosurePolicy | None, withheld: pd.DataFrame, level: str, code: str
) -> pd.DataFrame:
    """Courses by month and technique (summed over the providers of the `level` `code`), as the viewer
    may see them (`withheld`: the refresh's course complements)."""
    summed = mix.groupby(["month", "technique"], as_index=False)["courses"].sum()
    summed["category"] = category_of(summed, "techniques")
    shown = published_courses(summed, policy, withheld, "techniques", level, code)
    shown["technique"] = shown["technique"].map(lambda t: TECHNIQUE_NAMES.get(t, t))
    return shown.drop(columns="category").sort_values(["month", "technique"]).reset_index(drop=True)


def fractionation_table(
    mix: pd.DataFrame, policy: DisclosurePolicy | None, withheld: pd.DataFrame, level: str, code: str
) -> pd.DataFrame:
    """Radical breast and prostate courses by month and schedule, as the viewer may see them."""
    if mix.empty:
        return pd.DataFrame(columns=["month", "schedule", "courses"])
    keys = ["month", *MIXES["fractionation"]]
    summed = mix.groupby(keys, as_index=False)["courses"].sum()
    summed["category"] = category_of(summed, "fractionation")
    shown = published_courses(summed, policy, withheld, "fractionation", level, code)
    shown["schedule"] = [
        f"{SITE_NAMES.get(s, s)} {d:g} Gy in {f}"
        for s, d, f in zip(shown["site"], shown["prescribed_dose_gy"], shown["fractions"], strict=True)
    ]
    frame = shown.drop(columns=["category", *MIXES["fractionation"]])
    return frame.sort_values(["month", "schedule"]).reset_index(drop=True)


def mix_rows(table: pd.DataFrame, category: str) -> list[dict[str, str]]:
    return [
        {"month": format_month(r["month"]), "category": r[category], "courses": count(r["courses"])}
        for r in table.to_dict("records")
    ]


def mix_chart(table: pd.DataFrame, category: str, title: str) -> dict[str, Any]:
    """Courses by month as stacked bars, one colour per category."""
    values = [
        {"month": r["month"], "category": r[category], "courses": r["courses"]}
        for r in table.to_dict("records")
        if not pd.isna(r["courses"])
    ]
    return {
        "$schema": SCHEMA,
        "description": title,
        "width": "container",
        "height": 260,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": "Month of first fraction"},
            "y": {"field": "courses", "type": "quantitative", "title": "Courses", "stack": "zero"},
            "color": {"field": "category", "type": "nominal", "title": category.capitalize()},
        },
    }
