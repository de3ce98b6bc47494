"""The patient tracking list as pages show it: filters, sort order, RAG by days to the 62-day breach,
and each pathway's timeline (CWT reporting conventions [S1, S31]; issue 6 item 2). No I/O: the rows come
through `Scope`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cancer_alliance.cwt import ptl as cwt_ptl
from cancer_alliance.web.presenters import ptl_grid
from cancer_alliance.web.presenters.formatting import format_date, is_missing, route_name

#: Query value -> grid column to sort by (`ptl_grid.SORTS`).
SORTS = ptl_grid.SORTS
DEFAULT_SORT = "days_waited"
MILESTONE_NAMES = {
    "2ww": "2-week wait (first appointment)",
    "fds": "28-day Faster Diagnosis Standard",
    "62d": "62-day first treatment",
    "104d": "104 days",
}


@dataclass(frozen=True)
class PtlFilters:
    """What the user narrowed the list to; blank means everything."""

    tumour_type: str = ""
    band: str = ""
    breach_within: int | None = None
    provider: str = ""
    sort: str = DEFAULT_SORT
    passed_day: str = ""
    milestone_overdue: bool = False  # a timed-pathway milestone overdue (issue 12 item 5)
    team: str = ""  # tumour site team (`reference.tumour_site_teams`, docs/decisions/0036)
    direction: str = ""  # "asc" or "desc"; blank: the sort column's first direction

    @property
    def order(self) -> tuple[str, bool]:
        """(column, ascending) to sort by; `Scope.open_pathways` hands the rows over in this order. A
        sort by the notes (kept in the store, not the results) orders by the default here and is
        re-sorted by the page (`ptl_grid.sorted_by_notes`)."""
        sort = self.sort if self.sort in SORTS and not SORTS[self.sort].from_notes else DEFAULT_SORT
        chosen = SORTS[sort]
        return chosen.column, ptl_grid.ascending(sort, self.direction if sort == self.sort else "")

    def mask(self, rows: pd.DataFrame, census: dt.date) -> np.ndarray:
        """True for each row that passes the filters."""
        keep = np.ones(len(rows), dtype=bool)
        for column, wanted in (
            ("tumour_type", self.tumour_type),
            ("band", self.band),
            ("provider", self.provider),
            ("team", self.team),
        ):
            if wanted:
                keep &= (rows[column] == wanted).to_numpy()
        if self.breach_within is not None:
            limit = census + dt.timedelta(days=self.breach_within)
            breach = pd.to_datetime(rows["breach_date_62d"])
            keep &= (breach.notna() & (breach <= pd.Timestamp(limit))).to_numpy()
        if self.passed_day:
            keep &= rows[passed_column(self.passed_day)].fillna(False).astype(bool).to_numpy()
        if self.milestone_overdue:
            if "milestone_overdue" in rows:
                keep &= rows["milestone_overdue"].fillna(False).astype(bool).to_numpy()
            else:  # a PTL computed without timed pathways: nothing is known to be overdue
                keep &= False
        return keep

    def as_query(self) -> dict[str, str]:
        query = {
            "tumour_type": self.tumour_type,
            "band": self.band,
            "provider": self.provider,
            "team": self.team,
            "sort": self.sort,
            "dir": self.direction,
        }
        if self.breach_within is not None:
            query["breach_within"] = str(self.breach_within)
        query["passed_day"] = self.passed_day
        query["milestone_overdue"] = "1" if self.milestone_overdue else ""
        return {key: value for key, value in query.items() if value}


#: The days a pathway can have passed in the last 7 days (`cwt.ptl.CROSSING_DAYS`), as the filter
#: offers them: query value -> text.
PASSED_DAYS = {
    str(day): "Day 28 (Faster Diagnosis Standard)" if day == 28 else f"Day {day}"
    for day in cwt_ptl.CROSSING_DAYS
}


def passed_column(day: str) -> str:
    """The PTL column flagging pathways that passed `day` in the 7 days up to the census."""
    return cwt_ptl.passed_column(int(day))


#: Columns of the backlog summary (whole pathways; the flags come from the engine's PTL, CWT reporting
#: conventions [S1, S31]).
BACKLOG_COUNTS = (
    "open_pathways",
    "over_62_backlog",
    "over_104",
    *(cwt_ptl.passed_column(day) for day in cwt_ptl.CROSSING_DAYS),
)
BACKLOG_COLUMNS = ("provider", *BACKLOG_COUNTS)
#: How the backlog names pathways with no responsible provider recorded.
UNKNOWN_PROVIDER = "Unknown"


def backlog(rows: pd.DataFrame) -> pd.DataFrame:
    """Open pathways, the 62-day backlog (over 62 days), 104+ day waits and pathways that passed day 28,
    62 or 104 in the last 7 days, by responsible provider, largest backlog first, from PTL rows (the flags as
    `cwt.ptl` set them)."""
    flags = [column for column in BACKLOG_COUNTS if column != "open_pathways"]
    counted = rows.assign(
        provider=rows["provider"].fillna(UNKNOWN_PROVIDER),
        **{column: rows[column].fillna(False).astype(bool) for column in flags},
    )
    table = (
        counted.groupby("provider", sort=False)
        .agg(open_pathways=("record_id", "size"), **{column: (column, "sum") for column in flags})
        .reset_index()
    )
    ordered = table.sort_values(["over_62_backlog", "provider"], ascending=[False, True], kind="stable")
    return (
        ordered.loc[:, list(BACKLOG_COLUMNS)]
        .astype({column: "int64" for column in BACKLOG_COUNTS})
        .reset_index(drop=True)
    )


def rag(breach: dt.date | None, census: dt.date, warn_within_days: int) -> dict[str, str]:
    """Red once the 62-day breach date has come (the pathway is over 62 days), amber when it comes within
    `warn_within_days`, green otherwise (NHS.UK tag colours)."""
    if is_missing(breach):
        return {"text": "No breach date", "classes": "nhsuk-tag--grey"}
    days = (breach - census).days
    if days <= 0:
        return {"text": "Breached", "classes": "nhsuk-tag--red"}
    if days <= warn_within_days:
        return {"text": f"Breaches in {days} day{'s' if days != 1 else ''}", "classes": "nhsuk-tag--orange"}
    return {"text": "On track", "classes": "nhsuk-tag--green"}


def milestone_name(code: str) -> str:
    """A timed-pathway milestone code as text, e.g. diagnosis_communicated -> Diagnosis communicated."""
    return TIMED_MILESTONE_NAMES.get(code, code.replace("_", " ").capitalize())


#: Names of the timed-pathway milestones whose code does not read well capitalised.
TIMED_MILESTONE_NAMES = {
    "ct": "CT",
    "pet_ct": "PET-CT",
    "ebus": "EBUS",
    "mdt": "MDT discussion",
    "mpmri": "mpMRI",
    "straight_to_test": "Straight-to-test colonoscopy or CT colonography",
}


def timed_milestone(row: Mapping[str, Any]) -> str:
    """ "<milestone>, due <date>" for an open lung, prostate or colorectal pathway; blank otherwise."""
    code, due = row.get("pathway_milestone"), row.get("pathway_milestone_due")
    if is_missing(code) or is_missing(due) or not code:
        return ""
    return f"{milestone_name(str(code))}, due {format_date(due)}"


@dataclass(frozen=True)
class TimelineEvent:
    day: dt.date
    text: str
    provider: str
    future: bool

    @property
    def date_text(self) -> str:
        return format_date(self.day)


TIMELINE_EVENTS = (
    ("referral_received_date", "Referral received", None),
    ("consultant_upgrade_date", "Upgraded by consultant", "provider_consultant_upgrade"),
    ("date_first_seen", "First seen", "provider_first_seen"),
    ("fds_end_date", "Faster Diagnosis Standard clock stopped", "provider_fds_end"),
    ("decision_to_treat_date", "Decision to treat", None),
    ("transfer_to_treatment_date", "Transferred for treatment", "provider_treatment"),
    ("treatment_start_date", "Treatment started", "provider_treatment"),
)


def timeline(pathway: Mapping[str, Any], record: Mapping[str, Any], census: dt.date) -> list[TimelineEvent]:
    """The pathway's milestones so far, then the breach dates still ahead of it, in date order."""
    events = []
    for column, text, provider_column in TIMELINE_EVENTS:
        day = record.get(column)
        if not is_missing(day):
            provider = record.get(provider_column) if provider_column else None
            events.append(
                TimelineEvent(day, text, "" if is_missing(provider) else str(provider), day > census)
            )
    for column, text in (
        ("breach_date_2ww", "2-week wait breach date"),
        ("breach_date_fds", "Faster Diagnosis Standard breach date"),
        ("breach_date_62d", "62-day breach date"),
    ):
        day = pathway.get(column)
        if not is_missing(day):
            events.append(TimelineEvent(day, text, "", day > census))
    return sorted(events, key=lambda event: event.day)


@dataclass(frozen=True)
class MilestoneRow:
    """One milestone of the pathway's timed pathway on the pathway page."""

    name: str
    target: str
    reached: str
    status: dict[str, str]


MILESTONE_TAGS = {
    "met": ("Met", "nhsuk-tag--green"),
    "breached": ("Reached late", "nhsuk-tag--orange"),
    "open": ("Due", "nhsuk-tag--blue"),
    "overdue": ("Overdue", "nhsuk-tag--red"),
    "not_applicable": ("Not applicable", "nhsuk-tag--grey"),
}


def milestone_rows(milestones: pd.DataFrame) -> list[MilestoneRow]:
    """The timed-pathway milestones of one pathway, in order: target day and date, when reached."""
    rows = []
    for row in milestones.sort_values("sequence").to_dict("records"):
        text, classes = MILESTONE_TAGS.get(row["status"], (row["status"], "nhsuk-tag--grey"))
        reached = (
            "" if is_missing(row["day"]) else f"day {int(row['day'])}, {format_date(row['milestone_date'])}"
        )
        rows.append(
            MilestoneRow(
                name=milestone_name(row["milestone"]),
                target=f"day {int(row['target_day'])}, {format_date(row['due_date'])}"
                + ("" if row["verified"] else " (local target)"),
                reached=reached,
                status={"text": text, "classes": classes},
            )
        )
    return rows


#: How the PTL found a pathway's tumour type (`cwt.ptl`, "tumour_type_source").
TUMOUR_TYPE_SOURCES = {
    "diagnosis": "from the recorded diagnosis",
    "suspected": "suspected, from the referral",
}


def tumour_type_text(pathway: Mapping[str, Any]) -> str:
    """The tumour type with where it came from, e.g. "Lung (suspected, from the referral)"."""
    source = TUMOUR_TYPE_SOURCES.get(pathway.get("tumour_type_source") or "")
    tumour = pathway["tumour_type"] or ""
    return f"{tumour} ({source})" if source else tumour


def summary_rows(pathway: Mapping[str, Any], provider_name: str = "") -> list[dict[str, Any]]:
    """Rows for the nhsuk summary list on the pathway page: the grid's facts in full (`ptl_grid`),
    the stage rather than a next milestone that only repeats the 62-day breach date."""
    days, breach = ptl_grid.breach_text(
        pathway.get("days_to_breach"), pathway.get("next_breach"), pathway.get("next_breach_date")
    )
    passed = [
        text
        for column, text in (
            ("passed_62", "62-day breach date passed"),
            ("fds_passed", "FDS breach date passed"),
        )
        if pathway.get(column)
    ]
    provider = pathway["provider"]
    pairs = [
        ("Record", pathway["record_id"]),
        (
            "Responsible provider",
            f"{provider_name} ({provider})" if provider and provider_name else provider or "Unknown",
        ),
        ("Referred", format_date(pathway.get("referral_date"))),
        ("Tumour type", tumour_type_text(pathway)),
        ("Tumour site team", pathway.get("team") or ""),
        ("Route", route_name(pathway["route"])),
        ("Days waited", str(pathway["days_waited"])),
        ("Band", pathway["band"] or ""),
        ("Stage", pathway.get("stage") or ""),
        ("Next breach", ", ".join(part for part in (days, breach, *passed) if part)),
    ]
    if timed := timed_milestone(pathway):
        overdue = " (a milestone is overdue)" if pathway.get("milestone_overdue") else ""
        pairs.append(("Next timed-pathway milestone", timed + overdue))
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in pairs]
