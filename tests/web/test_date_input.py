"""The NHS.UK date input read into a date, with the design system's error messages (NHS digital
service manual, date input, "Error messages")."""

from __future__ import annotations

import datetime as dt

import pytest

from cancer_alliance.web.date_input import read_date

CASES = [
    # day, month, year -> date, error, parts marked
    (("", "", ""), None, None, ()),
    (("5", "4", "2019"), dt.date(2019, 4, 5), None, ()),
    ((" 05 ", "04", "2019"), dt.date(2019, 4, 5), None, ()),
    (("5", "", "2019"), None, "Clinic date must include a month", ("month",)),
    (("", "", "2019"), None, "Clinic date must include a day and a month", ("day", "month")),
    (("30", "2", "2019"), None, "Clinic date must be a real date", ()),
    (("5", "April", "2019"), None, "Clinic date must be a real date", ()),
    (("5", "4", "19"), None, "Year must include 4 numbers", ("year",)),
]


@pytest.mark.parametrize(("typed", "date", "error", "wrong"), CASES)
def test_a_typed_date_is_read_or_refused_naming_the_field(typed, date, error, wrong):
    answer = read_date("Clinic date", *typed)
    assert (answer.date, answer.error, answer.wrong) == (date, error, wrong)
    assert answer.values() == dict(zip(("day", "month", "year"), (t.strip() for t in typed), strict=True))
