"""A deliverable's trajectory as a month-by-month table (issue 23 item 4): one row per month of the
funding agreement's financial year, each with a target typed as a percentage, parsed on the server (so
it works without JavaScript), and a Vega-Lite line chart of the targets beside the actuals. The store
keeps targets as fractions by YYYY-MM month, unchanged. No I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cancer_alliance.programme.deliverables import MONTH, FieldError, InvalidDeliverable, period_months
from cancer_alliance.stats.charts import SCHEMA
from cancer_alliance.web.presenters.formatting import format_month, percent

#: The form's two parallel lists: each row's month (hidden) and its target as typed.
MONTH_FIELD = "trajectory_month"
TARGET_FIELD = "trajectory_target"


def field_id(month: str) -> str:
    """The target input's id (and error-summary anchor) for `month`, e.g. `trajectory-2019-01`."""
    return f"trajectory-{month}"


def months_for(financial_year: str, extra: Sequence[str] = ()) -> list[str]:
    """The table's rows: the financial year's twelve months, plus any other month already holding a
    target (a month outside the year is kept, never silently dropped)."""
    try:
        months = period_months(financial_year)
    except InvalidDeliverable:
        months = []
    return sorted(set(months) | {m for m in extra if MONTH.match(m)})


def target_text(target: float) -> str:
    """A stored fraction as the percentage typed in its box: 0.8045 -> `80.45`."""
    return f"{target * 100:.6f}".rstrip("0").rstrip(".")


def stored_values(trajectory: Mapping[str, float]) -> dict[str, str]:
    """A stored trajectory as the table's typed values, by month."""
    return {month: target_text(target) for month, target in trajectory.items()}


def in_words(trajectory: Mapping[str, float]) -> str:
    """A stored trajectory for the history: `January 2019 80%, February 2019 82.5%`."""
    return ", ".join(f"{format_month(m)} {target_text(t)}%" for m, t in sorted(trajectory.items()))


def typed_values(form: Mapping[str, Any]) -> dict[str, str]:
    """The targets as typed, by month, from the form's parallel lists."""
    months, targets = list(form.get(MONTH_FIELD) or []), list(form.get(TARGET_FIELD) or [])
    return {m: str(t) for m, t in zip(months, targets + [""] * (len(months) - len(targets)), strict=False)}


def parse_targets(typed: Mapping[str, str]) -> tuple[dict[str, float], list[FieldError]]:
    """Typed percentages -> {month: fraction} (blank months left out), or an error per bad box naming
    the month; a `%` sign is allowed. Targets are percentages from 0 to 100 (every linked metric is)."""
    result: dict[str, float] = {}
    problems: list[FieldError] = []
    for month, text in sorted(typed.items()):
        if not MONTH.match(month):
            problems.append(FieldError("trajectory", f"Trajectory month {month!r} is not a month"))
            continue
        cleaned = text.strip().removesuffix("%").strip()
        if not cleaned:
            continue
        label = f"Target for {format_month(month)}"
        try:
            value = float(cleaned)
        except ValueError:
            problems.append(FieldError(field_id(month), f"{label} must be a number, like 85 or 85.5"))
            continue
        if not 0 <= value <= 100:
            problems.append(FieldError(field_id(month), f"{label} must be between 0 and 100"))
            continue
        result[month] = value / 100
    return result, problems


def _datetime(month: str) -> dict[str, int]:
    """A YYYY-MM month as a Vega-Lite DateTime (month 1 to 12)."""
    return {"year": int(month[:4]), "month": int(month[5:7]), "date": 1}


def outside_year(trajectory: Mapping[str, float], financial_year: str) -> list[dict[str, str]]:
    """For a new deliverable: an error-summary entry when a target falls outside the financial year
    typed (the table was drawn for another year), so targets never land in the wrong year."""
    try:
        year = set(period_months(financial_year))
    except InvalidDeliverable:
        return []  # the financial year's own error says what is wrong
    stray = sorted(m for m in trajectory if m not in year)
    if not stray:
        return []
    text = (
        f"Trajectory: {format_month(stray[0])} is outside {financial_year}; the table now shows "
        f"{financial_year}'s months, so type the targets into them and clear the others"
    )
    return [{"text": text, "href": "#trajectory"}]


@dataclass(frozen=True)
class Row:
    month: str
    label: str
    id: str
    value: str
    actual: str
    error: str | None


def rows(
    months: Sequence[str],
    values: Mapping[str, str],
    errors: Sequence[Mapping[str, str]] = (),
    actuals: Mapping[str, float] | None = None,
) -> list[Row]:
    """One row per month: its name in words, the typed target, the actual (if known) and its error."""
    by_href = {e["href"]: e["text"] for e in errors}
    return [
        Row(
            month=month,
            label=format_month(month),
            id=field_id(month),
            value=values.get(month, ""),
            actual=percent((actuals or {}).get(month)),
            error=by_href.get(f"#{field_id(month)}"),
        )
        for month in months
    ]


def chart_spec(
    months: Sequence[str], trajectory: Mapping[str, float], actuals: Mapping[str, float] | None, title: str
) -> dict[str, Any] | None:
    """A Vega-Lite line chart of the trajectory (and the actuals in the same months), or None when
    there is no target to draw."""
    if not trajectory:
        return None
    records = [
        {"month": f"{m}-01", "series": series, "value": values[m]}
        for series, values in (("Trajectory", trajectory), ("Actual", actuals or {}))
        for m in months
        if m in values and values[m] is not None
    ]
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": f"{title}: the target for each month beside the actual.",
        "width": "container",
        "height": 240,
        "data": {"values": records},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {
                "field": "month",
                "type": "temporal",
                "timeUnit": "yearmonth",
                "title": "Month",
                # the whole period, so the chart lines up with the table even where months are blank
                "scale": {"domain": [_datetime(months[0]), _datetime(months[-1])]},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": "Percentage",
                "axis": {"format": ".0%"},
                "scale": {"domain": [0, 1]},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": ["Trajectory", "Actual"], "range": ["#005eb8", "#d5281b"]},
                "legend": {"orient": "bottom"},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": ["Trajectory", "Actual"], "range": [[6, 3], [1, 0]]},
                "legend": None,
            },
        },
    }


def view(
    financial_year: str,
    form: Mapping[str, Any],
    errors: Sequence[Mapping[str, str]] = (),
    actuals: Mapping[str, float] | None = None,
    title: str = "Target and actual by month",
) -> dict[str, Any]:
    """What the deliverable page shows: the table's rows and the chart of the targets as shown (as
    stored, or as typed when the form comes back with errors; a bad box is left off the chart)."""
    typed = typed_values(form)
    months = months_for(financial_year, list(typed))
    trajectory, _ = parse_targets(typed)
    spec = chart_spec(months, trajectory, actuals, title)
    return {"rows": rows(months, typed, errors, actuals), "spec": spec, "actuals": actuals is not None}


def form_lists(trajectory: Mapping[str, float]) -> dict[str, list[str]]:
    """A stored trajectory as the form's parallel lists (the values a fresh page shows)."""
    values = stored_values(trajectory)
    months = sorted(values)
    return {MONTH_FIELD: months, TARGET_FIELD: [values[m] for m in months]}
