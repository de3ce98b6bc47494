"""The PTL grid's columns (issue 23; rules in `web.presenters.ptl_grid`): days to the next breach of the
FDS (day 28) or 62-day standard, passed breach dates flagged, the stage a pathway waits for, its tumour
site team, and sorting by a note column. No I/O."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.web.presenters import ptl_grid
from cancer_alliance.web.presenters.ptl_grid import breach_text, header_links, with_grid_columns

pytestmark = pytest.mark.web
CENSUS = dt.date(2019, 3, 31)
D = dt.date


DAY_62 = D(2019, 5, 1)


def ptl_row(record_id="a", fds=None, day_62=DAY_62, two_week=None, tumour="Lung", **extra):
    return {
        "record_id": record_id,
        "provider": "RGT",
        "tumour_type": tumour,
        "days_waited": 20,
        "breach_date_2ww": two_week,
        "breach_date_fds": fds,
        "breach_date_62d": day_62,
        **extra,
    }


# A breach date is the first day outside the standard (cwt.ptl): one on the census has passed.
@pytest.mark.parametrize(
    ("fds", "day_62", "next_breach", "days", "fds_passed", "passed_62"),
    [
        (D(2019, 4, 5), D(2019, 5, 1), "fds", 5, False, False),  # FDS comes first
        (D(2019, 3, 31), D(2019, 5, 1), "62d", 31, True, False),  # FDS passed today: the 62-day is next
        (D(2019, 3, 2), D(2019, 4, 1), "62d", 1, True, False),
        (None, D(2019, 4, 10), "62d", 10, False, False),  # FDS clock stopped: no FDS breach date
        (D(2019, 2, 1), D(2019, 3, 20), "62d", -11, True, True),  # both passed: 11 days ago
        (None, D(2019, 3, 31), "62d", 0, False, True),  # 62-day breach today
        (D(2019, 5, 2), D(2019, 5, 1), "62d", 31, False, False),  # an upgrade's 62-day clock may end first
    ],
)
def test_days_to_the_next_breach_and_passed_breach_dates(
    fds, day_62, next_breach, days, fds_passed, passed_62
):
    row = with_grid_columns(pd.DataFrame([ptl_row(fds=fds, day_62=day_62)]), None, CENSUS).iloc[0]
    assert (row["next_breach"], row["days_to_breach"], row["fds_passed"], row["passed_62"]) == (
        next_breach,
        days,
        fds_passed,
        passed_62,
    )


@given(
    fds=st.none() | st.integers(-60, 60),
    day_62=st.integers(-100, 100),
)
def test_the_next_breach_is_the_earliest_still_ahead_else_the_62_day_one(fds, day_62):
    on = lambda offset: None if offset is None else CENSUS + dt.timedelta(days=int(offset))  # noqa: E731
    row = with_grid_columns(pd.DataFrame([ptl_row(fds=on(fds), day_62=on(day_62))]), None, CENSUS).iloc[0]
    ahead = [offset for offset in (fds, day_62) if offset is not None and offset > 0]
    assert row["days_to_breach"] == (min(ahead) if ahead else day_62)
    assert row["next_breach_date"] == on(row["days_to_breach"])
    assert row["passed_62"] == (day_62 <= 0)
    assert row["fds_passed"] == (fds is not None and fds <= 0)


TIMELINES = pd.DataFrame(
    [
        # record_id, referred, first seen, FDS end, decision to treat
        ("not-seen", D(2019, 3, 25), None, None, None),
        ("seen-after-census", D(2019, 3, 20), D(2019, 4, 2), None, None),
        ("diagnostics", D(2019, 3, 1), D(2019, 3, 10), None, None),
        ("diagnosed", D(2019, 2, 1), D(2019, 2, 10), D(2019, 3, 1), None),
        ("decided", D(2019, 2, 1), D(2019, 2, 10), D(2019, 3, 1), D(2019, 3, 20)),
        ("decided-no-fds-end", D(2019, 2, 1), D(2019, 2, 10), None, D(2019, 3, 20)),
    ],
    columns=[
        "record_id",
        "referral_received_date",
        "date_first_seen",
        "fds_end_date",
        "decision_to_treat_date",
    ],
)


@pytest.mark.parametrize(
    ("record_id", "fds", "stage"),
    [
        ("not-seen", D(2019, 4, 23), "Awaiting first appointment"),
        ("seen-after-census", D(2019, 4, 18), "Awaiting first appointment"),
        ("diagnostics", D(2019, 3, 30), "Awaiting diagnosis"),
        ("diagnosed", None, "Awaiting decision to treat"),
        ("decided", None, "Awaiting treatment"),
        ("decided-no-fds-end", None, "Awaiting treatment"),  # a decision to treat stops the FDS clock
        ("no-record", None, "Awaiting first appointment"),  # nothing known: not seen
    ],
)
def test_the_stage_a_pathway_waits_for_and_its_referral_date(record_id, fds, stage):
    row = with_grid_columns(pd.DataFrame([ptl_row(record_id, fds=fds)]), TIMELINES, CENSUS).iloc[0]
    assert row["stage"] == stage
    referred = TIMELINES.set_index("record_id")["referral_received_date"].get(record_id)
    assert (row["referral_date"] if referred is not None else None) == referred


@pytest.mark.parametrize(
    ("tumour", "team"),
    [
        ("Upper Gastrointestinal", "Upper GI"),  # suspected, from the referral
        ("Upper Gastrointestinal - Hepatobiliary", "Upper GI"),  # diagnosed
        ("Urological - Prostate", "Urology"),
        ("Lung", "Lung"),
        ("Missing or Invalid", "Not yet known"),
    ],
)
def test_a_pathway_is_tracked_by_its_tumour_site_team_before_and_after_diagnosis(tumour, team):
    row = with_grid_columns(pd.DataFrame([ptl_row(tumour=tumour)]), None, CENSUS).iloc[0]
    assert row["team"] == team


def note(record_id, created, action=None, due=None):
    return SimpleNamespace(
        record_id=record_id,
        created_at=dt.datetime(*created),
        text="x",
        next_action=action,
        next_action_due=due,
    )


def test_sorting_by_a_note_column_puts_pathways_without_one_last():
    rows = pd.DataFrame([ptl_row(rid) for rid in ("a", "b", "c", "d")])
    notes = {
        "b": note("b", (2019, 3, 1), "Book CT", D(2019, 4, 9)),
        "c": note("c", (2019, 3, 5), "Chase histology", D(2019, 4, 2)),
        "d": note("d", (2019, 3, 3)),  # no next action: no due date to sort by
    }
    by_due = ptl_grid.sorted_by_notes(rows, notes, "next_action_due", True)
    assert list(by_due["record_id"]) == ["c", "b", "a", "d"]
    newest = ptl_grid.sorted_by_notes(rows, notes, "last_note", False)
    assert list(newest["record_id"]) == ["c", "d", "b", "a"]
    assert list(ptl_grid.sorted_by_notes(rows, {}, "last_note", False)["record_id"]) == ["a", "b", "c", "d"]


def test_a_column_heading_asks_for_the_other_direction_once_sorted_by_it():
    links = {link["key"]: link for link in header_links("days_to_breach", "")}
    assert (links["days_to_breach"]["dir"], links["days_to_breach"]["aria_sort"]) == ("desc", "ascending")
    assert (links["days_waited"]["dir"], links["days_waited"]["aria_sort"]) == ("desc", "none")
    flipped = {link["key"]: link for link in header_links("days_to_breach", "desc")}
    assert (flipped["days_to_breach"]["dir"], flipped["days_to_breach"]["aria_sort"]) == ("asc", "descending")


@pytest.mark.parametrize(
    ("days", "kind", "text"),
    [
        (12, "fds", ("12 days", "FDS, 12 Apr 2019")),
        (1, "62d", ("1 day", "62-day, 1 Apr 2019")),
        (0, "62d", ("Today", "")),
        (-1, "62d", ("1 day ago", "")),
        (-11, "62d", ("11 days ago", "")),
    ],
)
def test_the_next_breach_in_words(days, kind, text):
    assert breach_text(days, kind, CENSUS + dt.timedelta(days=days)) == text
