"""Screening rounds (Goodley et al., BMJ Open Respir Res 2024): biennial while under 75; settings for the schedule."""

from __future__ import annotations

import datetime as dt

from cancer_alliance.lung.rounds import add_months, next_round
from cancer_alliance.lung.settings import LungSettings

title = "Screening rounds"


def test_biennial_rounds_until_75():
    assert next_round(dt.date(2019, 1, 7), 62, "negative").due == dt.date(2021, 1, 7)
    assert next_round(dt.date(2019, 1, 7), 72, "negative").due == dt.date(2021, 1, 7)  # 74 then
    last = next_round(dt.date(2019, 1, 7), 73, "negative")
    assert last.due is None and "rounds end at 75" in last.reason


def test_a_positive_result_leaves_screening_and_an_indeterminate_one_waits_for_follow_up():
    assert next_round(dt.date(2019, 1, 7), 62, "positive").due is None
    assert "nodule follow-up" in next_round(dt.date(2019, 1, 7), 62, "indeterminate").reason


def test_the_schedule_is_a_setting_and_months_end_safely():
    annual = LungSettings(round_interval_months=12)
    assert next_round(dt.date(2019, 1, 7), 62, "negative", annual).due == dt.date(2020, 1, 7)
    assert add_months(dt.date(2019, 8, 31), 6) == dt.date(2020, 2, 29)
