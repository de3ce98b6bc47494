"""Symptomatic FIT (issue #13 item 3; NICE DG56, NICE DG56): over lower GI urgent suspected
cancer referrals (referral type 05), FIT >= 10 µg Hb/g is "at or above"; the share with a FIT recorded
and 28-day FDS performance with and without one, from the CWT engine's own FDS facts."""

import datetime as dt

import pytest

from cancer_alliance.cwt.evaluate import evaluate
from cancer_alliance.fit.files import collect, symptomatic_table
from cancer_alliance.fit.symptomatic import CARRY, symptomatic_fds
from cancer_alliance.schemas import schema

title = "Symptomatic FIT"

pytestmark = pytest.mark.spec

CWT = schema("cwt")
BASE = {
    "nhs_number": "pseudonym-0001",
    "priority_type": "3",
    "source_of_referral": "03",
    "referral_type": "05",
    "referral_received_date": dt.date(2019, 1, 1),
    "provider_first_seen": "RAA",
    "provider_fds_end": "RAA",
}


def records(*rows):
    return [{**BASE, "record_id": f"r{i}", **row} for i, row in enumerate(rows, start=1)]


def test_fit_status_share_and_fds_with_and_without(engine):
    """r1 FIT exactly 10 (at or above), told in 20 days; r2 FIT 9.9 (below), 40 days; r3 no FIT, 28 days
    (within: 28 is the limit); r4 no FIT, 29 days; r5 is an upper GI referral (type 01) and is left out.
    Recorded: 2 of 4 referrals; FDS 1/1, 0/1, 1/2, recorded 1/2."""
    day = BASE["referral_received_date"]
    rows = records(
        {"fit_result_ug_g": 10.0, "fds_end_date": day + dt.timedelta(days=20)},
        {"fit_result_ug_g": 9.9, "fds_end_date": day + dt.timedelta(days=40)},
        {"fds_end_date": day + dt.timedelta(days=28)},
        {"fds_end_date": day + dt.timedelta(days=29)},
        {"referral_type": "01", "fit_result_ug_g": 50.0, "fds_end_date": day + dt.timedelta(days=5)},
    )
    facts = evaluate(engine.frame(CWT, rows), carry=CARRY)
    table = symptomatic_table(collect(symptomatic_fds(facts)))
    got = {
        row["fit_status"]: (row["referrals"], row["share_of_referrals"], row["fds_within"], row["fds_total"])
        for row in table.to_dict("records")
    }
    assert got == {
        "fit_at_or_above_threshold": (1, 0.25, 1.0, 1.0),
        "fit_below_threshold": (1, 0.25, 0.0, 1.0),
        "no_fit_recorded": (2, 0.5, 1.0, 2.0),
        "fit_recorded": (2, 0.5, 1.0, 2.0),
    }
