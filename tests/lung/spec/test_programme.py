"""The programme journey as counts by CCG and alliance (issue #10 item 3), on each engine, and the
rates with Wilson 95% intervals and disclosure control."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cancer_alliance.lung.programme import programme_counts
from cancer_alliance.lung.programme_files import counts_table, metrics
from cancer_alliance.lung.published import publish_programme_metrics
from cancer_alliance.schemas import schema
from cancer_alliance.stats.intervals import wilson

from .test_eligibility import BASE

title = "Programme metrics"

ELIGIBLE = {**BASE, "cigarettes_per_day": 80.0, "alliance_code": "E56000001", "ccg_code": "E38000001"}
D = dt.date(2019, 2, 1)
#: Five attendances in CCG 1 (alliance 1), one in CCG 2 (alliance 1).
ROWS = [
    {**ELIGIBLE, "attendance_id": "a1", "ldct_date": D, "ldct_result": "negative", "smoking_cessation_referral": None},
    {**ELIGIBLE, "attendance_id": "a2", "ldct_date": D, "ldct_result": "indeterminate", "nodule_followup_date": D + dt.timedelta(days=90)},
    {**ELIGIBLE, "attendance_id": "a3", "ldct_date": D, "ldct_result": "positive", "referral_date": D, "cancer_stage": "1"},
    {**ELIGIBLE, "attendance_id": "a4", "ldct_date": D, "ldct_result": "positive", "referral_date": D, "cancer_stage": "3",
     "smoking_status": "current", "years_since_quit": 0.0, "smoking_cessation_referral": True},
    {**ELIGIBLE, "attendance_id": "a5", "smoking_status": "never", "cigarettes_per_day": None, "smoking_duration_years": 0.0},
    {**ELIGIBLE, "attendance_id": "a6", "ccg_code": "E38000002", "ldct_date": D, "ldct_result": "positive",
     "referral_date": D, "cancer_stage": "missing"},
]
EXPECTED_CCG1 = {
    "attended": 5, "assessed": 5, "eligible": 4, "current_smokers": 1, "ldct_scans": 4, "eligible_scanned": 4,
    "findings": 3, "indeterminate": 1, "positive": 2, "nodule_followups": 1, "referrals": 2, "cancers": 2,
    "cancers_staged": 2, "cancers_early": 1, "cessation_referrals": 1,
}


def test_counts_follow_the_journey_by_ccg(engine):
    from cancer_alliance.lung.eligibility import add_eligibility

    frame = add_eligibility(engine.frame(schema("lung_health_check"), ROWS))
    got = {row["ccg"]: row for row in engine.rows(programme_counts(frame, ["ccg"]))}
    assert {name: got["E38000001"][name] for name in EXPECTED_CCG1} == EXPECTED_CCG1
    assert got["E38000002"]["cancers"] == 1 and got["E38000002"]["cancers_staged"] == 0


def invitations(engine, per_ccg: dict[str, int]):
    """`lung_health_check_invitation` rows: `per_ccg[code]` invitations from each CCG."""
    rows = [
        {"invitation_id": f"{code}-{i}", "nhs_number": "p", "invitation_date": D, "ccg_code": code}
        for code, n in per_ccg.items()
        for i in range(n)
    ]
    return engine.frame(schema("lung_health_check_invitation"), rows)


def test_rates_have_wilson_intervals_and_uptake_counts_the_invitations(engine):
    attendances = engine.frame(schema("lung_health_check"), ROWS)
    table = metrics(counts_table(attendances, ["ccg"], invitations=invitations(engine, {"E38000001": 10})))
    row = table.set_index("ccg").loc["E38000001"]
    assert (row["attended"], row["invited"]) == (5, 10)
    assert row["uptake"] == pytest.approx(5 / 10)
    lower, upper = wilson([5], [10])
    assert (row["uptake_lower_95"], row["uptake_upper_95"]) == pytest.approx((lower[0], upper[0]))
    assert row["eligibility_rate"] == pytest.approx(4 / 5)
    assert row["early_stage_share"] == pytest.approx(1 / 2)
    assert row["cancer_detection_rate"] == pytest.approx(2 / 4)


def test_an_alliances_invitations_are_its_ccgs_in_the_2018_19_mapping(engine):
    """E38000001 and E38000018 are CCGs of E56000003 (West Yorkshire and Harrogate), E38000002 of
    E56000011 (reference/data/alliance_ccgs.csv, 2018/19)."""
    alliance_of = {"E38000001": "E56000003", "E38000002": "E56000011"}
    rows = [{**row, "alliance_code": alliance_of[row["ccg_code"]]} for row in ROWS]
    invited = invitations(engine, {"E38000001": 10, "E38000018": 3, "E38000002": 4})
    table = counts_table(engine.frame(schema("lung_health_check"), rows), ["alliance"], invitations=invited)
    got = table.set_index("alliance")[["attended", "invited"]].to_dict("index")
    assert got == {"E56000003": {"attended": 5, "invited": 13.0}, "E56000011": {"attended": 1, "invited": 4.0}}


@pytest.mark.parametrize("by", [["ccg"], ["alliance"]])
def test_without_invitations_uptake_is_no_data_and_the_other_rates_stand(engine, by):
    attendances = engine.frame(schema("lung_health_check"), ROWS)
    with_none = metrics(counts_table(attendances, by, invitations=invitations(engine, {})))
    assert with_none["invited"].isna().all() and with_none["uptake"].isna().all()
    assert with_none["uptake_lower_95"].isna().all()
    assert with_none["eligibility_rate"].notna().all()


def test_public_metrics_withhold_small_counts_and_recompute_the_rates():
    counts = pd.DataFrame({"alliance": ["A"], **{name: [value] for name, value in EXPECTED_CCG1.items()},
                           "invited": [float("nan")]})
    counts["attended"] = 40
    counts["eligible"] = 22
    published = publish_programme_metrics(counts)
    assert published["attended"].iloc[0] == 40 and published["eligible"].iloc[0] == 20
    assert published["eligibility_rate"].iloc[0] == pytest.approx(20 / 40)
    assert published["ldct_scans_suppressed"].iloc[0] and pd.isna(published["findings_rate"].iloc[0])
