"""Early diagnosis from the lake (issue 19, item 7): the results files by alliance, CCG and trust hold
the stage 1-2 share of staged cancers and the emergency presentation share of known routes with their
Wilson 95% intervals (NDRS stage groups; Routes to Diagnosis, Elliss-Brookes et al., Br J Cancer 2012;
Wilson EB, J Am Stat Assoc 1927;22:209-12), and the
diagnosis period of the lake's registrations. A registration without a code is a row with a null code,
never dropped. Runs on every engine."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cancer_alliance.early_diagnosis.results_files import RESULTS, lake_metrics, write_results
from cancer_alliance.results import catalogue
from cancer_alliance.stats.intervals import wilson

from .conftest import REGISTRATION, parse

pytestmark = pytest.mark.spec

title = "Early diagnosis from the lake's registrations"

REGISTRATIONS = """
    alliance_code | ccg_code  | trust_code | stage   | route_to_diagnosis     | diagnosis_date
    --------------+-----------+------------+---------+------------------------+---------------
    E56000005     | E38000001 | RAA        | 1       | emergency_presentation | 2018-04-02
    E56000005     | E38000001 | RAA        | 2       | two_week_wait          | 2018-07-10
    E56000005     | E38000002 | RAA        | 4       | emergency_presentation | 2018-09-30
    E56000005     | E38000002 | RBB        | missing | unknown                | 2019-01-15
    E56000006     | E38000003 | RCC        | 3       | gp_referral            | 2019-03-31
    E56000006     | E38000003 |            | 1       | screen_detected        | 2018-11-01
"""

#: by -> code -> (stage_early, stage_staged, emergency, route_known)
EXPECTED = {
    "alliance": {"E56000005": (2, 3, 2, 3), "E56000006": (1, 2, 0, 2)},
    "ccg": {"E38000001": (2, 2, 1, 2), "E38000002": (0, 1, 1, 1), "E38000003": (1, 2, 0, 2)},
    "trust": {"RAA": (2, 3, 2, 3), "RBB": (0, 0, 0, 0), "RCC": (0, 1, 0, 1), None: (1, 1, 0, 1)},
}


@pytest.mark.parametrize("by", list(EXPECTED))
def test_shares_and_intervals_by_alliance_ccg_and_trust(engine, by):
    table = lake_metrics(engine.frame(REGISTRATION, parse(REGISTRATIONS)), by)
    codes = [None if pd.isna(code) else code for code in table[by]]
    assert codes == list(EXPECTED[by])
    for code, row in zip(codes, table.to_dict("records"), strict=True):
        early, staged, emergency, known = EXPECTED[by][code]
        assert (row["stage_early"], row["stage_staged"], row["emergency"], row["route_known"]) == (
            early,
            staged,
            emergency,
            known,
        )
        for share, (num, den) in (("early_stage", (early, staged)), ("emergency", (emergency, known))):
            proportion = row["early_stage_proportion" if share == "early_stage" else "emergency_proportion"]
            if den == 0:
                assert pd.isna(proportion)
                continue
            lower, upper = wilson([num], [den])
            assert proportion == pytest.approx(num / den)
            assert (row[f"{share}_lower_95"], row[f"{share}_upper_95"]) == pytest.approx((lower[0], upper[0]))
    assert (table["diagnosed_from"].iloc[0], table["diagnosed_to"].iloc[0]) == (
        dt.date(2018, 4, 2),
        dt.date(2019, 3, 31),
    )


def test_rows_in_each_file_add_up_to_every_registration(engine, tmp_path):
    written = write_results(engine.frame(REGISTRATION, parse(REGISTRATIONS)), tmp_path)
    assert [path.name for path in written] == [catalogue.entry(name).filename for name in RESULTS.values()]
    for path in written:
        assert pd.read_parquet(path)["registrations"].sum() == 6


def test_an_empty_lake_gives_empty_files(engine, tmp_path):
    for path in write_results(engine.frame(REGISTRATION, []), tmp_path):
        assert pd.read_parquet(path).empty
