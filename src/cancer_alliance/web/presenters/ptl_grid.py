"""The PTL grid trackers work from (issue 23; the columns of the Somerset Cancer Register and InfoFlex
tracking lists): each open pathway's referral date, tumour site team, stage, days to its next breach,
the breach dates already passed, and its last note and next action. No I/O: the PTL rows and timelines
come through `Scope`, the notes from the store through `Scope`.

    days_to_breach = the earlier of the FDS (day 28) and 62-day breach dates still ahead of the census,
                     minus the census; when both have passed, the 62-day breach date minus the census
                     (zero or negative: how long ago it breached). A breach date is the first day outside
                     the standard (`cwt.ptl`), so a breach date on the census has passed.
    fds_passed     = an FDS breach date on or before the census (the FDS clock still running)
    passed_62      = a 62-day breach date on or before the census
    stage          = the step the pathway waits for, from its dates up to the census (CWT data items
                     [S1]): first appointment (not yet seen), diagnosis (FDS clock running), decision to
                     treat (FDS clock stopped, no decision to treat), treatment (decision to treat made)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cancer_alliance import reference
from cancer_alliance.web.presenters.formatting import is_missing

#: The steps a pathway waits for, in pathway order (`stage_rank` 1-4).
STAGES = (
    "Awaiting first appointment",
    "Awaiting diagnosis",
    "Awaiting decision to treat",
    "Awaiting treatment",
)
#: A pathway's team when its tumour type is not yet known (`cwt.tumour_types.MISSING`).
NO_TEAM = "Not yet known"
#: Characters of the last note the grid shows; the whole note is on the pathway page.
NOTE_PREVIEW = 80

GRID_COLUMNS = (
    "referral_date",
    "team",
    "stage_rank",
    "stage",
    "next_breach",
    "next_breach_date",
    "days_to_breach",
    "fds_passed",
    "passed_62",
)


def with_grid_columns(ptl: pd.DataFrame, timelines: pd.DataFrame | None, census: dt.date) -> pd.DataFrame:
    """`ptl` plus `GRID_COLUMNS` (rules in the module docstring); `timelines` holds the records' dates
    by record id (`Results.timelines`), or None when the records are not among the results."""
    frame = ptl.copy()
    dates = _timeline_dates(frame["record_id"], timelines)
    today = pd.Timestamp(census)
    fds = pd.to_datetime(frame["breach_date_fds"])
    day_62 = pd.to_datetime(frame["breach_date_62d"])
    fds_ahead = fds.where(fds > today)
    day_62_ahead = day_62.where(day_62 > today)
    fds_first = fds_ahead.notna() & (day_62_ahead.isna() | (fds_ahead <= day_62_ahead))
    next_date = fds_ahead.where(fds_first, day_62_ahead).where(fds_first | day_62_ahead.notna(), day_62)
    frame["referral_date"] = dates["referral_received_date"].dt.date.to_numpy()
    teams = reference.tumour_site_teams(census)
    frame["team"] = frame["tumour_type"].map(teams).fillna(NO_TEAM)
    rank = stage_ranks(frame, dates, today)
    frame["stage_rank"] = rank
    frame["stage"] = [STAGES[r - 1] for r in rank]
    frame["next_breach"] = np.where(fds_first, "fds", np.where(next_date.notna(), "62d", None))
    frame["next_breach_date"] = next_date.dt.date.to_numpy()
    frame["days_to_breach"] = (next_date - today).dt.days.astype("Int64")
    frame["fds_passed"] = (fds.notna() & (fds <= today)).to_numpy()
    frame["passed_62"] = (day_62.notna() & (day_62 <= today)).to_numpy()
    return frame


def _timeline_dates(record_ids: pd.Series, timelines: pd.DataFrame | None) -> pd.DataFrame:
    """Referral, first-seen, FDS end and decision-to-treat dates of each record, in `record_ids` order."""
    columns = ("referral_received_date", "date_first_seen", "fds_end_date", "decision_to_treat_date")
    if timelines is None:
        return pd.DataFrame({c: pd.Series(pd.NaT, index=record_ids.index) for c in columns})
    indexed = timelines.drop_duplicates("record_id").set_index("record_id")
    return pd.DataFrame(
        {c: pd.to_datetime(record_ids.map(indexed[c]) if c in indexed else pd.NaT) for c in columns},
        index=record_ids.index,
    )


def stage_ranks(ptl: pd.DataFrame, dates: pd.DataFrame, today: pd.Timestamp) -> np.ndarray:
    """1-4 for each row (`STAGES`): not seen by the census, then FDS clock running, then no decision to
    treat, else awaiting treatment. A pathway with a 2-week-wait breach date is not yet seen (`cwt.ptl`)."""
    seen = dates["date_first_seen"].notna() & (dates["date_first_seen"] <= today)
    not_seen = ptl["breach_date_2ww"].notna().to_numpy() | ~seen.to_numpy()
    decided = (
        dates["decision_to_treat_date"].notna() & (dates["decision_to_treat_date"] <= today)
    ).to_numpy()
    fds_stopped = (dates["fds_end_date"].notna() & (dates["fds_end_date"] <= today)).to_numpy() | decided
    fds_running = ptl["breach_date_fds"].notna().to_numpy() & ~fds_stopped
    return np.select([not_seen, fds_running, ~decided], [1, 2, 3], default=4)


@dataclass(frozen=True)
class Sort:
    """A grid column the list sorts by: its column in the rows, its first direction, and whether it
    comes from the store's notes (sorted per request) rather than the results (sorted once)."""

    column: str
    ascending: bool
    header: str
    from_notes: bool = False


#: Query value -> sort. The first four are kept for links made before the grid.
SORTS = {
    "record_id": Sort("record_id", True, "Pathway"),
    "provider": Sort("provider", True, "Provider"),
    "referral_date": Sort("referral_date", True, "Referred"),
    "tumour_type": Sort("tumour_type", True, "Tumour site"),
    "stage": Sort("stage_rank", True, "Stage"),
    "days_waited": Sort("days_waited", False, "Waited (days)"),
    "days_to_breach": Sort("days_to_breach", True, "Next breach"),
    "last_note": Sort("last_note_at", False, "Last note", from_notes=True),
    "next_action_due": Sort("next_action_due", True, "Next action", from_notes=True),
    "breach_date_62d": Sort("breach_date_62d", True, "62-day breach date"),
    "next_milestone_date": Sort("next_milestone_date", True, "Next milestone date"),
}
#: The grid's columns in order: (sort key, numeric).
HEADERS = (
    ("record_id", False),
    ("provider", False),
    ("referral_date", False),
    ("tumour_type", False),
    ("stage", False),
    ("days_waited", True),
    ("days_to_breach", False),
    ("last_note", False),
    ("next_action_due", False),
)
DIRECTIONS = ("asc", "desc")
#: The "Sort by" choices of the filter form (the column headings sort too; on a phone they are hidden).
SORT_CHOICES = {
    "days_waited": "Days waited, longest first",
    "days_to_breach": "Days to the next breach, soonest first",
    "referral_date": "Referral date, oldest first",
    "stage": "Stage, earliest first",
    "next_action_due": "Next action due, soonest first",
    "last_note": "Last note, newest first",
    "tumour_type": "Tumour site",
    "provider": "Provider",
    "record_id": "Pathway",
    "breach_date_62d": "62-day breach date, soonest first",
    "next_milestone_date": "Next milestone, soonest first",
}


def sort_text(sort: str, direction: str) -> str:
    """How the caption says the order, e.g. "next breach, ascending"."""
    return f"{SORTS[sort].header.lower()}, {'ascending' if ascending(sort, direction) else 'descending'}"


def ascending(sort: str, direction: str) -> bool:
    """Whether `sort` runs ascending: `direction` when given ("asc"/"desc"), else the column's first."""
    return SORTS[sort].ascending if not direction else direction == "asc"


def header_links(sort: str, direction: str) -> list[dict[str, Any]]:
    """For each grid column: its text, the sort and direction a click asks for (the other direction
    when already sorted by it), and `aria-sort` for the column sorted by."""
    links = []
    current = ascending(sort, direction)
    for key, numeric in HEADERS:
        active = key == sort
        asks = ("desc" if current else "asc") if active else ("asc" if SORTS[key].ascending else "desc")
        links.append(
            {
                "key": key,
                "text": SORTS[key].header,
                "numeric": numeric,
                "dir": asks,
                "aria_sort": ("ascending" if current else "descending") if active else "none",
            }
        )
    return links


def notes_frame(notes: Mapping[str, Any]) -> pd.DataFrame:
    """The latest note of each pathway (record id -> `PtlNote`) as columns to join onto the rows."""
    return pd.DataFrame(
        {
            "record_id": pd.Series(list(notes), dtype=object),
            "last_note_at": [pd.Timestamp(n.created_at) for n in notes.values()],
            "next_action_due": [
                pd.Timestamp(n.next_action_due) if n.next_action_due and n.next_action else pd.NaT
                for n in notes.values()
            ],
        },
        columns=["record_id", "last_note_at", "next_action_due"],
    )


def sorted_by_notes(rows: pd.DataFrame, notes: Mapping[str, Any], sort: str, asc: bool) -> pd.DataFrame:
    """`rows` ordered by a notes column (`SORTS[sort]`), pathways without one last, then by record id."""
    column = SORTS[sort].column
    joined = rows.merge(notes_frame(notes), on="record_id", how="left")
    joined.index = rows.index
    order = joined.sort_values(
        [column, "record_id"], ascending=[asc, True], na_position="last", kind="stable"
    ).index
    return rows.loc[order]


def short_date(value: Any) -> str:
    """`10 Jan 2019`: NHS.UK content style abbreviates months in tables where space is short."""
    if is_missing(value) or value is pd.NaT:
        return ""
    return f"{value.day} {value:%b %Y}"


@dataclass(frozen=True)
class GridRow:
    """One line of the grid, as text."""

    record_id: str
    provider: str
    referral_date: str
    tumour_type: str
    tumour_suspected: bool
    team: str
    stage: str
    timed_milestone: str
    timed_due: str
    timed_overdue: bool
    days_waited: int
    days_to_breach: str
    next_breach: str
    flags: tuple[dict[str, str], ...]
    last_note: str
    last_note_date: str
    next_action: str
    next_action_due: str
    action_overdue: bool

    @property
    def provider_known(self) -> bool:
        return self.provider != "Unknown"


def breach_text(days: Any, kind: Any, day: Any) -> tuple[str, str]:
    """("12 days", "FDS, 3 Apr 2019") for a breach ahead; ("9 days ago", "") once the 62-day breach date
    has passed (the grid's flags say which standards were breached)."""
    if is_missing(days) or days is pd.NA:
        return "", ""
    name = "FDS" if kind == "fds" else "62-day"
    days = int(days)
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''}", f"{name}, {short_date(day)}"
    ago = -days
    return ("Today" if ago == 0 else f"{ago} day{'s' if ago != 1 else ''} ago"), ""


def grid_rows(rows: pd.DataFrame, notes: Mapping[str, Any], census: dt.date) -> list[GridRow]:
    """The grid's lines for `rows` (rows of `with_grid_columns`) with each pathway's latest note."""
    from cancer_alliance.web.presenters import ptl as present_ptl  # it imports this module for SORTS

    lines = []
    for row in rows.to_dict("records"):
        note = notes.get(row["record_id"])
        flags = []
        if row["passed_62"]:
            flags.append({"text": "62-day passed", "classes": "nhsuk-tag--red"})
        if row["fds_passed"]:
            flags.append({"text": "FDS passed", "classes": "nhsuk-tag--orange"})
        days, breach = breach_text(row["days_to_breach"], row["next_breach"], row["next_breach_date"])
        due = note.next_action_due if note is not None and note.next_action else None
        text = note.text if note is not None else ""
        code, milestone_due = row.get("pathway_milestone"), row.get("pathway_milestone_due")
        timed = ""
        if not (is_missing(code) or is_missing(milestone_due) or not code):
            timed = present_ptl.milestone_name(str(code))
        lines.append(
            GridRow(
                record_id=row["record_id"],
                provider=row["provider"] or "Unknown",
                referral_date=short_date(row["referral_date"]),
                tumour_type=row["tumour_type"] or "",
                tumour_suspected=row.get("tumour_type_source") == "suspected",
                team=row["team"],
                stage=row["stage"],
                timed_milestone=timed,
                timed_due=short_date(milestone_due) if timed else "",
                timed_overdue=bool(row.get("milestone_overdue") or False),
                days_waited=int(row["days_waited"]),
                days_to_breach=days,
                next_breach=breach,
                flags=tuple(flags),
                last_note=text if len(text) <= NOTE_PREVIEW else text[: NOTE_PREVIEW - 1].rstrip() + "…",
                last_note_date=short_date(note.created_at.date()) if note is not None else "",
                next_action=(note.next_action or "") if note is not None else "",
                next_action_due=short_date(due),
                action_overdue=due is not None and due < census,
            )
        )
    return lines


#: The CSV download of the grid: the same rows, filters and order, every column in full.
CSV_COLUMNS = (
    "record_id",
    "provider",
    "provider_name",
    "alliance",
    "referral_date",
    "tumour_type",
    "tumour_type_source",
    "team",
    "route",
    "stage",
    "timed_pathway_milestone",
    "timed_pathway_milestone_due",
    "days_waited",
    "band",
    "next_breach",
    "next_breach_date",
    "days_to_breach",
    "breach_date_fds",
    "fds_passed",
    "breach_date_62d",
    "passed_62",
    "last_note_at",
    "last_note",
    "next_action",
    "next_action_due",
)


def csv_rows(rows: pd.DataFrame, notes: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """`CSV_COLUMNS` of each row (rows of `with_grid_columns`), ISO dates, with its latest note."""
    out = []
    for row in rows.to_dict("records"):
        note = notes.get(row["record_id"])
        values = {column: row.get(column) for column in CSV_COLUMNS}
        values.update(
            provider_name=names.get(row["provider"] or "", ""),
            next_breach={"fds": "FDS", "62d": "62-day"}.get(row["next_breach"] or "", ""),
            timed_pathway_milestone=row.get("pathway_milestone"),
            timed_pathway_milestone_due=row.get("pathway_milestone_due"),
            last_note_at=note.created_at.isoformat(timespec="seconds") if note is not None else None,
            last_note=note.text if note is not None else None,
            next_action=note.next_action if note is not None else None,
            next_action_due=note.next_action_due if note is not None else None,
        )
        out.append(
            {key: None if is_missing(value) or value is pd.NaT else value for key, value in values.items()}
        )
    return out
