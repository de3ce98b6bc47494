"""Published standards, planning objectives, allocation table and PTL bands as dated data
(NHS England CWT statistics [S30], CWT standards [S1, S30], breach allocation [S6, S40], CWT reporting
conventions [S1, S31])."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.reference import (
    allocation_scenarios,
    code_list,
    planning_objectives,
    ptl_bands,
    standards,
    threshold_on,
)

IDS = {
    "2ww",
    "2ww_breast_symptomatic",
    "31d_first",
    "31d_sub_surgery",
    "31d_sub_drug",
    "31d_sub_radiotherapy",
    "62d_usc",
    "62d_screening",
    "62d_upgrade",
    "fds",
    "31d_combined",
    "62d_combined",
}


def test_the_standard_ids_are_exactly_these():
    assert {s.standard_id for s in standards()} == IDS


@pytest.mark.parametrize(
    ("standard_id", "day", "threshold"),
    [
        ("2ww", date(2018, 6, 1), 0.93),  # CWT standards 2018/19 [S7, S30] row 1
        ("2ww_breast_symptomatic", date(2018, 6, 1), 0.93),
        ("2ww_breast_symptomatic", date(2009, 12, 31), None),  # live from 2010-01-01 (S27)
        ("31d_first", date(2018, 6, 1), 0.96),
        ("31d_sub_drug", date(2018, 6, 1), 0.98),
        ("31d_sub_radiotherapy", date(2018, 6, 1), 0.94),
        ("31d_sub_surgery", date(2018, 6, 1), 0.94),
        ("62d_usc", date(2018, 6, 1), 0.85),
        ("62d_screening", date(2018, 6, 1), 0.90),
        ("62d_upgrade", date(2018, 6, 1), None),  # "no set standard"
        ("62d_usc", date(2023, 9, 30), 0.85),  # last day of the old framework (E27)
        ("62d_usc", date(2023, 10, 1), None),
        ("62d_combined", date(2023, 9, 30), None),
        ("62d_combined", date(2023, 10, 31), 0.85),  # E27
        ("31d_combined", date(2023, 10, 1), 0.96),
        ("fds", date(2021, 9, 30), None),
        ("fds", date(2021, 10, 1), 0.75),  # Q3 2021/22 (S30 cover note)
        ("fds", date(2026, 2, 28), 0.75),
        ("fds", date(2026, 3, 1), 0.80),  # "raising to 80% in March 2026" (S1)
    ],
)
def test_threshold_on_picks_the_dated_row(standard_id, day, threshold):
    assert threshold_on(standard_id, day) == threshold


def test_threshold_on_an_unknown_standard_names_the_known_ones():
    with pytest.raises(KeyError, match="62d_combined"):
        threshold_on("62d", date(2024, 1, 1))


@given(st.dates(min_value=date(1999, 1, 1), max_value=date(2035, 12, 31)))
def test_at_most_one_row_of_a_standard_is_in_force_on_any_day(day):
    for standard_id in IDS:
        assert sum(s.in_force(day) for s in standards() if s.standard_id == standard_id) <= 1


def test_fds_has_two_dated_rows():
    rows = [s for s in standards("fds") if s.standard_id == "fds"]
    assert [(s.threshold, s.effective_from) for s in rows] == [
        (0.75, date(2021, 10, 1)),
        (0.80, date(2026, 3, 1)),
    ]


@pytest.mark.parametrize(
    ("framework", "ids"),
    [
        (
            "2018",
            {
                "2ww",
                "2ww_breast_symptomatic",
                "31d_first",
                "31d_sub_surgery",
                "31d_sub_drug",
                "31d_sub_radiotherapy",
                "62d_usc",
                "62d_screening",
                "62d_upgrade",
            },
        ),
        ("2023", {"31d_combined", "62d_combined"}),
        ("fds", {"fds"}),
    ],
)
def test_frameworks(framework, ids):
    assert {s.standard_id for s in standards(framework)} == ids


def test_unknown_framework_is_refused():
    with pytest.raises(ValueError, match="2018"):
        standards("2019")


@pytest.mark.parametrize(
    ("standard_id", "measure", "routes", "stage", "groups"),
    [
        ("2ww", "2ww", ("usc",), None, ()),
        ("62d_usc", "62d", ("usc",), None, ()),  # breast symptomatic not in it before Oct 2023 (October 2023
        # changes [S9, S11])
        ("31d_sub_drug", "31d", (), "subsequent", ("drug",)),
        ("31d_first", "31d", (), "first", ()),
        ("fds", "fds", ("usc", "breast_symptomatic", "screening"), None, ()),  # never upgrade (FDS [S1, S17])
        ("62d_combined", "62d", ("usc", "breast_symptomatic", "screening", "upgrade"), None, ()),
        ("31d_combined", "31d", (), None, ()),
    ],
)
def test_selections(standard_id, measure, routes, stage, groups):
    row = next(s for s in standards() if s.standard_id == standard_id)
    assert (row.measure, row.routes, row.treatment_stage, row.modality_groups) == (
        measure,
        routes,
        stage,
        groups,
    )


def test_selections_use_known_values_and_every_row_cites_a_source():
    for s in standards():
        assert s.measure in {"2ww", "fds", "31d", "62d"}
        assert set(s.routes) <= set(code_list("cwt_route"))
        assert set(s.modality_groups) <= set(code_list("modality_group"))
        assert s.treatment_stage in (None, "first", "subsequent")
        assert s.source
        assert s.threshold is None or 0 < s.threshold < 1


def test_missing_effective_dates_say_not_found():
    for s in standards():
        if s.effective_from is None and s.standard_id != "62d_upgrade":
            assert "NOT FOUND" in s.source, s.standard_id


def test_planning_objectives_are_apart_from_standards():
    objectives = {o.objective_id: o for o in planning_objectives()}
    assert objectives["fds_2025_03"].target == 0.77 and objectives["fds_2025_03"].due == date(2025, 3, 31)
    assert (
        objectives["62d_2025_03"].standard_id == "62d_combined" and objectives["62d_2025_03"].target == 0.70
    )
    assert objectives["backlog_2024_03"].target is None
    assert "UNVERIFIED" in objectives["62d_2026_03"].source
    assert {o.standard_id for o in objectives.values()} - {None} <= {s.standard_id for s in standards()}


def test_allocation_table_is_the_six_scenarios():
    """breach allocation [S6, S40] [IMPL S40]."""
    got = [
        (a.met_62, a.met_38, a.met_24, a.scenario, a.investigating_share, a.treating_share)
        for a in allocation_scenarios()
    ]
    assert got == [
        (True, True, True, 1, 0.5, 0.5),
        (True, True, False, 2, 0.5, 0.5),
        (True, False, True, 3, 0.0, 1.0),
        (False, True, False, 4, 0.0, 1.0),
        (False, False, True, 5, 1.0, 0.0),
        (False, False, False, 6, 0.5, 0.5),
    ]


def test_allocation_shares_sum_to_one_and_the_62_day_outcome_is_consistent():
    """d62 = d38 + d24, so 38 and 24 both met implies 62 met, and both breached implies 62 breached."""
    for a in allocation_scenarios():
        assert a.investigating_share + a.treating_share == 1
        if a.met_38 and a.met_24:
            assert a.met_62
        if not a.met_38 and not a.met_24:
            assert not a.met_62


@pytest.mark.parametrize(
    ("census", "bands"),
    [
        (date(2022, 5, 30), ["0-28", "29-62", "63-104", ">104"]),
        (date(2022, 5, 29), ["0-33", "34-62", "63-104", ">104"]),
    ],
)
def test_ptl_bands_changed_on_30_may_2022(census, bands):
    """CANPTL bands, CWT reporting conventions [S1, S31] [OFFICIAL S14]."""
    assert [b.band for b in ptl_bands(census)] == bands


@given(
    st.integers(min_value=0, max_value=10_000),
    st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 1, 1)),
)
def test_every_days_waited_falls_in_exactly_one_band(days, census):
    assert sum(b.contains(days) for b in ptl_bands(census)) == 1


def test_ptl_band_edges():
    bands = {b.band: b for b in ptl_bands(date(2024, 1, 1))}
    assert bands["29-62"].contains(62) and not bands["29-62"].contains(63)
    assert bands[">104"].contains(105) and not bands[">104"].contains(104)
    assert ptl_bands(date(2022, 5, 29) + timedelta(days=1)) == ptl_bands(date(2030, 1, 1))


def test_every_tumour_type_the_ptl_shows_has_a_tumour_site_team():
    """Treated types (the diagnosis) and suspected types (the referral) alike, so no pathway with a known
    tumour type falls outside every team's PTL (docs/decisions/0036)."""
    from cancer_alliance import reference
    from cancer_alliance.cwt.tumour_types import tumour_type_ranges

    on = date(2019, 3, 31)
    shown = {item.tumour_type for item in tumour_type_ranges()} | set(
        reference.suspected_tumour_types(on).values()
    )
    teams = reference.tumour_site_teams(on)
    assert sorted(shown - set(teams)) == []
    assert teams["Upper Gastrointestinal"] == teams["Upper Gastrointestinal - Hepatobiliary"] == "Upper GI"
