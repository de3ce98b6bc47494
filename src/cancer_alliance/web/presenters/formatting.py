"""Display formats in NHS.UK style: dates as "31 March 2019", percentages to one decimal place."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from cancer_alliance.reference import code_list


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_date(value: dt.date | None) -> str:
    """`31 March 2019` (NHS.UK content style: no leading zero, month in full)."""
    if is_missing(value):
        return ""
    return f"{value.day} {value:%B %Y}"


def format_month(month: str | None) -> str:
    """`2019-03` as `March 2019`."""
    if not month:
        return ""
    return dt.date.fromisoformat(f"{month}-01").strftime("%B %Y")


def route_name(code: str | None) -> str:
    """A CWT route in words as the published statistics name it ("usc" -> "Urgent suspected cancer");
    a code the list does not know is shown as it is, so a new route is never hidden."""
    if not code:
        return ""
    return code_list("cwt_route").get(code, code)


def percent(value: float | None, places: int = 1) -> str:
    """A fraction as a percentage, e.g. 0.9312 -> `93.1%`; missing -> empty text."""
    if is_missing(value):
        return ""
    return f"{value * 100:.{places}f}%"


def limit_percent(value: float | None) -> str:
    """An SPC process limit on a rate as a percentage, clipped to 0-100% as the chart draws it
    (`stats.charts.spc_chart`): a rate cannot lie outside that range, so a computed 127.1% reads as
    100.0%. The computed value stays in the data, the CSV and the API."""
    if is_missing(value):
        return ""
    return percent(min(max(float(value), 0.0), 1.0))


#: A withheld count, everywhere (ONS and Government Analysis Function convention: "[c]" confidential;
#: docs/decisions/0035); the about page's "withheld" section explains it.
WITHHELD = "[c]"


def count(value: float | None) -> str:
    """A count with thousands separators; halves of shared 62-day pathways keep one decimal."""
    if is_missing(value):
        return ""
    return f"{value:,.1f}" if value % 1 else f"{value:,.0f}"


FILTERS = {"date": format_date, "month": format_month, "percent": percent, "count": count}


def options(choices: Any, selected: str | None, blank: str | None = None) -> list[dict[str, Any]]:
    """Items for the NHS.UK select macro from a mapping (value -> text) or a list of values or pairs;
    `blank` adds a first "all" option with the empty value."""
    if isinstance(choices, dict):
        pairs = list(choices.items())
    else:
        pairs = [tuple(c) if isinstance(c, list | tuple) else (c, c) for c in choices]
    items = [{"value": "", "text": blank, "selected": not selected}] if blank is not None else []
    items += [{"value": value, "text": text, "selected": value == selected} for value, text in pairs]
    return items
