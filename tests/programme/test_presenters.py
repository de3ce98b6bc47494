"""What the programme pages show, without a browser (style.md §2: presenters are unit-tested)."""

from __future__ import annotations

from datetime import UTC, datetime

from cancer_alliance.programme.rag import Assessment, assess, manual
from cancer_alliance.store.programme import DeliverableChange, Rag
from cancer_alliance.web.presenters import programme as present

FORM = {
    "title": "Recover the 62-day standard",
    "owner": "PM",
    "due_date_day": "31",
    "due_date_month": "3",
    "due_date_year": "2019",
    "funding": "£250,000",
    "metric_key": "cwt:62d_usc",
    "trajectory": "2019-01=80%; 2019-02=0.82",
}


def test_a_valid_form_becomes_a_deliverable_with_percentages_as_fractions():
    data, errors = present.parse_deliverable(FORM)
    assert errors == []
    assert data.trajectory == {"2019-01": 0.80, "2019-02": 0.82}
    assert str(data.funding) == "250000"


def test_each_bad_field_is_named_once_in_the_error_summary():
    data, errors = present.parse_deliverable(
        {**FORM, "due_date_day": "31", "due_date_month": "4", "funding": "lots", "trajectory": "Jan=1"}
    )
    assert data is None
    assert [e["href"] for e in errors] == ["#due_date", "#funding", "#trajectory"]
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
        "what": "Owner: A to B; Trajectory: 2019-01=0.8 to 2019-01=0.8; 2019-02=0.82",
    }
    assert rows[1]["what"] == "Added"
