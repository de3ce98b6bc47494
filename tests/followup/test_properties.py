"""Hypothesis properties of the surveillance plan (NICE NG101 as the default protocol states it):
for any diagnosis date and age, tests are a year apart, start a year after diagnosis, never run past
the plan's end, cover at least 5 years, and reach the 50th year of age when diagnosed younger."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.followup.protocol import add_years, load_protocol, surveillance_plan

pytestmark = pytest.mark.property
PROTOCOL = load_protocol()


@given(
    diagnosed=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)),
    age=st.integers(min_value=18, max_value=100),
)
def test_the_plan_is_yearly_from_diagnosis_for_five_years_or_to_fifty(diagnosed, age):
    due, end = surveillance_plan(PROTOCOL, diagnosed, age)
    assert due[0] == add_years(diagnosed, 1)
    assert all(a < b for a, b in zip(due, due[1:], strict=False))
    assert all(300 <= (b - a).days <= 400 for a, b in zip(due, due[1:], strict=False))
    assert due[-1] <= end
    assert len(due) == max(5, 50 - age)
