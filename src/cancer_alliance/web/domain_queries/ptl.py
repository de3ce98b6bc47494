"""Patient tracking list request handling shared by the `/ptl` pages and `/api/ptl/...`: the list's
filters from the query, the CSV columns, and the checks of a note (no NHS numbers in free text)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, HTTPException, Query

from cancer_alliance.web.date_input import DateAnswer
from cancer_alliance.web.free_text import NHS_NUMBER_MESSAGE, has_nhs_number
from cancer_alliance.web.presenters import ptl as present
from cancer_alliance.web.presenters import ptl_grid

PTL_CSV_COLUMNS = (
    "record_id",
    "provider",
    "alliance",
    "tumour_type",
    "route",
    "days_waited",
    "band",
    "over_62_backlog",
    "over_104",
    "passed_day_28_last_7_days",
    "passed_day_62_last_7_days",
    "passed_day_104_last_7_days",
    "breach_date_62d",
    "next_milestone",
    "next_milestone_date",
)
MAX_NOTE = 2000
MAX_ACTION = 500

#: The largest "breaches within N days" a filter accepts (ten years).
MAX_BREACH_WITHIN = 3650


async def ptl_filters(
    tumour_type: str = "",
    band: str = "",
    breach_within: Annotated[str, Query(description="days, 0-3650; blank for all pathways")] = "",
    provider: str = "",
    sort: str = present.DEFAULT_SORT,
    passed_day: Annotated[str, Query(description="28, 62 or 104: passed that day in the last 7 days")] = "",
    milestone_overdue: Annotated[str, Query(description="1: a timed-pathway milestone is overdue")] = "",
    team: Annotated[str, Query(description="tumour site team, e.g. Upper GI")] = "",
    dir: Annotated[str, Query(description="asc or desc; blank for the column's usual order")] = "",
) -> present.PtlFilters:
    """The list's filters from the query; the form sends a blank `breach_within` when it is empty."""
    if sort not in present.SORTS:
        raise HTTPException(status_code=404, detail="Unknown sort order.")
    if dir not in ("", *ptl_grid.DIRECTIONS):
        raise HTTPException(status_code=400, detail="Sort direction must be asc or desc, or blank.")
    if passed_day and passed_day not in present.PASSED_DAYS:
        raise HTTPException(status_code=400, detail="Passed day must be 28, 62 or 104, or blank.")
    days = breach_within.strip()
    if days and not (days.isdigit() and int(days) <= MAX_BREACH_WITHIN):
        raise HTTPException(
            status_code=400,
            detail=f"Breaches 62 days within must be a whole number of days from 0 to {MAX_BREACH_WITHIN}, "
            "or blank for all pathways.",
        )
    if milestone_overdue not in ("", "1"):
        raise HTTPException(status_code=400, detail="Milestone overdue must be 1 or blank.")
    return present.PtlFilters(
        tumour_type,
        band,
        int(days) if days else None,
        provider,
        sort,
        passed_day,
        milestone_overdue == "1",
        team,
        dir,
    )


FiltersDep = Annotated[present.PtlFilters, Depends(ptl_filters)]


def note_errors(
    text: str, next_action: str, due: DateAnswer | None
) -> tuple[list[dict[str, str]], dt.date | None]:
    """Error-summary entries for a note form (NHS.UK error message style), and the due date read from
    the NHS.UK date input (`read_date`; None when left blank or not given, as by the API)."""
    errors = []
    if not text.strip():
        errors.append({"text": "Enter a note", "href": "#text"})
    elif len(text) > MAX_NOTE:
        errors.append({"text": f"Note must be {MAX_NOTE} characters or fewer", "href": "#text"})
    elif has_nhs_number(text):
        errors.append({"text": NHS_NUMBER_MESSAGE, "href": "#text"})
    if len(next_action) > MAX_ACTION:
        errors.append(
            {"text": f"Next action must be {MAX_ACTION} characters or fewer", "href": "#next_action"}
        )
    elif has_nhs_number(next_action):
        errors.append({"text": NHS_NUMBER_MESSAGE, "href": "#next_action"})
    if due is not None and due.error:
        errors.append({"text": due.error, "href": "#next_action_due"})
    parsed = due.date if due is not None else None
    return errors, parsed
