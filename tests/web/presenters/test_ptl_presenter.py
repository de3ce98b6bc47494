"""PTL presenter: RAG by days to the 62-day breach, filters, timeline order (no I/O)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cancer_alliance.web.presenters.ptl import PtlFilters, backlog, rag, timeline

pytestmark = pytest.mark.web
CENSUS = dt.date(2019, 3, 31)


@pytest.mark.parametrize(
    ("breach", "text", "colour"),
    [
        (dt.date(2019, 3, 30), "Breached", "red"),
        (dt.date(2019, 3, 31), "Breached", "red"),  # breach date = first day outside the standard
        (dt.date(2019, 4, 1), "Breaches in 1 day", "orange"),
        (dt.date(2019, 4, 7), "Breaches in 7 days", "orange"),
        (dt.date(2019, 4, 8), "On track", "green"),
        (None, "No breach date", "grey"),
    ],
)
def test_rag_by_days_to_breach_with_a_seven_day_warning(breach, text, colour):
    assert rag(breach, CENSUS, 7) == {"text": text, "classes": f"nhsuk-tag--{colour}"}


ROWS = pd.DataFrame(
    [
        {
            "record_id": "a",
            "tumour_type": "Lung",
            "band": "0-33",
            "provider": "RGT",
            "days_waited": 10,
            "breach_date_62d": dt.date(2019, 5, 20),
            "next_milestone_date": dt.date(2019, 4, 2),
        },
        {
            "record_id": "b",
            "tumour_type": "Breast",
            "band": "63-104",
            "provider": "RGN",
            "days_waited": 70,
            "breach_date_62d": dt.date(2019, 3, 20),
            "next_milestone_date": dt.date(2019, 4, 30),
        },
        {
            "record_id": "c",
            "tumour_type": "Lung",
            "band": "34-62",
            "provider": "RGT",
            "days_waited": 50,
            "breach_date_62d": dt.date(2019, 4, 11),
            "next_milestone_date": dt.date(2019, 4, 11),
        },
    ]
)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (PtlFilters(), ["b", "c", "a"]),
        (PtlFilters(tumour_type="Lung"), ["c", "a"]),
        (PtlFilters(band="63-104"), ["b"]),
        (PtlFilters(breach_within=11), ["b", "c"]),
        (PtlFilters(breach_within=10), ["b"]),
        (PtlFilters(provider="RGT", sort="breach_date_62d"), ["c", "a"]),
        (PtlFilters(sort="next_milestone_date"), ["a", "c", "b"]),
    ],
)
def test_filters_and_sorting(filters, expected):
    column, ascending = filters.order
    ordered = ROWS.sort_values([column, "record_id"], ascending=[ascending, True])  # as Scope hands them over
    assert list(ordered[filters.mask(ordered, CENSUS)]["record_id"]) == expected


def test_timeline_lists_milestones_then_breach_dates_in_date_order_and_marks_the_future():
    pathway = {
        "breach_date_2ww": None,
        "breach_date_fds": dt.date(2019, 4, 6),
        "breach_date_62d": dt.date(2019, 5, 10),
    }
    record = {
        "referral_received_date": dt.date(2019, 3, 8),
        "date_first_seen": dt.date(2019, 3, 15),
        "provider_first_seen": "RGT",
    }
    events = timeline(pathway, record, CENSUS)
    assert [(e.date_text, e.text, e.provider, e.future) for e in events] == [
        ("8 March 2019", "Referral received", "", False),
        ("15 March 2019", "First seen", "RGT", False),
        ("6 April 2019", "Faster Diagnosis Standard breach date", "", True),
        ("10 May 2019", "62-day breach date", "", True),
    ]


def test_backlog_sums_each_flag_by_provider_and_puts_the_largest_backlog_first():
    rows = pd.DataFrame(
        {
            "record_id": ["a", "b", "c", "d", "e"],
            "provider": ["RX1", "RX1", None, "RGT", "RGT"],
            "over_62_backlog": [True, False, False, True, True],
            "over_104": [False, False, False, True, False],
            "passed_day_28_last_7_days": [False, True, True, False, False],
            "passed_day_62_last_7_days": [True, False, False, False, True],
            "passed_day_104_last_7_days": [False, False, False, True, False],
        }
    )
    table = backlog(rows)
    assert [tuple(row) for row in table.itertuples(index=False)] == [
        # provider, open, over 62, 104+, passed day 28, 62, 104 in the last 7 days
        ("RGT", 2, 2, 1, 0, 1, 1),
        ("RX1", 2, 1, 0, 1, 1, 0),
        ("Unknown", 1, 0, 0, 1, 0, 0),
    ]
