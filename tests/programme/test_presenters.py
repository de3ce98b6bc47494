"""What the programme pages show, without a browser (style.md §2: presenters are unit-tested)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.programme.deliverables import period_months
from cancer_alliance.programme.rag import Assessment, assess, manual
from cancer_alliance.store.programme import DeliverableChange, Rag
from cancer_alliance.web.presenters import programme as present
from cancer_alliance.web.presenters import trajectory as table

FORM = {
    "title": "Recover the 62-day standard",
    "owner": "PM",
    "due_date_day": "31",
    "due_date_month": "3",
    "due_date_year": "2019",
    "funding": "£250,000",
    "metric_key": "cwt:62d_usc",
    "trajectory_month": ["2019-01", "2019-02", "2019-03"],
    "trajectory_target": ["80%", "82", ""],
}


def test_a_valid_form_becomes_a_deliverable_with_percentages_as_fractions_and_blank_months_left_out():
    data, errors = present.parse_deliverable(FORM)
    assert errors == []
    assert data.trajectory == {"2019-01": 0.80, "2019-02": 0.82}
    assert str(data.funding) == "250000"


def test_each_bad_field_is_named_once_in_the_error_summary():
    data, errors = present.parse_deliverable(
        {**FORM, "due_date_day": "31", "due_date_month": "4", "funding": "lots", "trajectory_target": ["x"]}
    )
    assert data is None
    assert [e["href"] for e in errors] == ["#due_date", "#funding", "#trajectory-2019-01"]
    assert errors[0]["text"] == "Due date must be a real date"
    assert present.parse_deliverable({**FORM, "due_date_day": "", "due_date_month": "", "due_date_year": ""})[
        1
    ][0]["text"] == ("Enter the due date")


def test_rag_tags_and_details():
    computed = assess({"2019-03": 0.85}, {"2019-03": 0.83}, "2019-03")
    assert present.rag_tag(computed) == {"text": "Amber", "classes": "nhsuk-tag--orange"}
    assert present.rag_detail(computed).startswith("83.0% in 2019-03 against a trajectory of 85.0%")
    assert present.rag_detail(manual(Rag.red, "Paused")) == "Set by hand: Paused"
    assert present.rag_tag(Assessment(None, "no value"))["text"] == "Not known yet"


def test_history_rows_say_what_changed_newest_first():
    first = DeliverableChange(
        version=1,
        changed_at=datetime(2019, 1, 1, tzinfo=UTC),
        changed_by="east",
        before={},
        after={"owner": "A"},
    )
    second = DeliverableChange(
        version=2,
        changed_at=datetime(2019, 1, 2, 9, 30, tzinfo=UTC),
        changed_by="nat",
        before={"owner": "A", "trajectory": {"2019-01": 0.8}},
        after={"owner": "B", "trajectory": {"2019-01": 0.8, "2019-02": 0.82}},
    )
    rows = present.history_rows([first, second])
    assert rows[0] == {
        "version": "2",
        "when": "2 January 2019 09:30 UTC",
        "who": "nat",
        "what": "Owner: A to B; Trajectory: January 2019 80% to January 2019 80%, February 2019 82%",
    }
    assert rows[1]["what"] == "Added"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lots", "Target for January 2019 must be a number, like 85 or 85.5"),
        ("101", "Target for January 2019 must be between 0 and 100"),
        ("-1%", "Target for January 2019 must be between 0 and 100"),
    ],
)
def test_a_bad_target_names_its_month_and_links_to_its_box(typed, message):
    data, errors = present.parse_deliverable({**FORM, "trajectory_target": [typed, "82", ""]})
    assert data is None
    assert errors == [{"text": message, "href": "#trajectory-2019-01"}]


def test_a_linked_metric_with_every_month_blank_asks_for_a_trajectory():
    _, errors = present.parse_deliverable({**FORM, "trajectory_target": ["", "", ""]})
    assert errors == [
        {"text": "Trajectory: a linked metric needs a trajectory (at least one month)", "href": "#trajectory"}
    ]


def test_the_table_has_a_row_for_every_month_of_the_financial_year_and_keeps_months_outside_it():
    form = table.form_lists({"2018-04": 0.8, "2018-05": 0.8045, "2019-06": 0.9})
    view = table.view("2018/19", form, actuals={"2018-04": 0.79})
    labels = [row.label for row in view["rows"]]
    assert labels[:2] == ["April 2018", "May 2018"] and labels[11] == "March 2019"
    assert labels[12:] == ["June 2019"]
    assert [row.value for row in view["rows"]][:3] == ["80", "80.45", ""]
    assert view["rows"][0].actual == "79.0%" and view["rows"][1].actual == ""
    assert view["rows"][0].id == "trajectory-2018-04"


def test_the_chart_draws_the_targets_and_actuals_as_fractions():
    view = table.view("2018/19", table.form_lists({"2018-04": 0.8}), actuals={"2018-04": 0.79})
    values = view["spec"]["data"]["values"]
    assert {"month": "2018-04-01", "series": "Trajectory", "value": 0.8} in values
    assert {"month": "2018-04-01", "series": "Actual", "value": 0.79} in values
    assert table.view("2018/19", {})["spec"] is None


@given(st.dictionaries(st.sampled_from(period_months("2018/19")), st.floats(0, 1), min_size=1))
def test_a_stored_trajectory_comes_back_unchanged_through_the_table(trajectory):
    typed = table.typed_values(table.form_lists(trajectory))
    parsed, problems = table.parse_targets(typed)
    assert problems == []
    assert parsed.keys() == trajectory.keys()
    assert all(abs(parsed[m] - trajectory[m]) < 1e-8 for m in trajectory)
