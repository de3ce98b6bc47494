"""Boundaries and national statistics held as reference data; totals checked against CWT standards 2018/19
[S7, S30]."""

from __future__ import annotations

import pytest

from cancer_alliance.reference import (
    alliances,
    boundaries,
    ccg_boundaries,
    ccgs,
    headline_indicators,
    national_cwt,
    national_cwt_2018_19,
    stage_at_diagnosis,
    stage_early_pct_england,
    standards,
)


def test_alliance_boundaries_match_the_2018_19_alliances():
    geojson = boundaries("2018/19")
    assert geojson["type"] == "FeatureCollection"
    assert {f["properties"]["calncv17cd"] for f in geojson["features"]} == {
        a.code for a in alliances("2018/19")
    }


def test_ccg_boundaries_match_the_2018_19_ccgs():
    codes = {f["properties"]["ccg19cd"] for f in ccg_boundaries()["features"]}
    assert codes == {c.ons_code for c in ccgs("2018/19")}


def test_boundaries_are_copies():
    boundaries()["features"].clear()
    assert len(boundaries()["features"]) == 19


def test_boundaries_for_a_vintage_without_a_file_name_the_known_ones():
    with pytest.raises(ValueError, match="2018/19"):
        boundaries("2024/25")


@pytest.mark.parametrize(
    ("standard_id", "total", "within", "outside", "performance"),
    [  # CWT standards 2018/19 [S7, S30], national 2018/19 annual figures [OFFICIAL-DATA S30]
        ("2ww", 2_245_524, 2_066_264, 179_260, 0.9202),
        ("2ww_breast_symptomatic", 191_768, 164_485, 27_283, 0.8577),
        ("31d_first", 313_525, 303_569, 9_956, 0.9682),
        ("31d_sub_drug", 96_913, 96_283, 630, 0.9935),
        ("31d_sub_radiotherapy", 99_609, 96_672, 2_937, 0.9705),
        ("31d_sub_surgery", 56_404, 52_582, 3_822, 0.9322),
        ("62d_usc", 163_932, 129_724, 34_208, 0.7913),
        ("62d_screening", 21_676, 19_105, 2_571, 0.8814),
        ("62d_upgrade", 36_631, 31_193, 5_438, 0.8515),
    ],
)
def test_2018_19_annual_totals_match_the_spec(standard_id, total, within, outside, performance):
    frame = national_cwt_2018_19()
    year = frame[(frame.period_type == "year") & (frame.standard_id == standard_id)]
    assert len(year) == 1
    row = year.iloc[0]
    assert (row.total, row.within_standard, row.outside_standard) == (total, within, outside)
    assert round(row.performance, 4) == performance


def test_2018_19_months_sum_to_the_year():
    frame = national_cwt_2018_19()
    months = frame[frame.period_type == "month"].groupby("standard_id")["total"].sum()
    year = frame[frame.period_type == "year"].set_index("standard_id")["total"]
    assert months.to_dict() == year.to_dict()


def test_time_series_covers_oct_2009_to_sep_2023_and_links_to_standards():
    frame = national_cwt()
    months = frame[frame.period_type == "month"].period
    assert (months.min(), months.max()) == ("2009-10", "2023-09")
    assert set(frame.standard_id) <= {s.standard_id for s in standards()}
    assert (frame.within_standard + frame.outside_standard == frame.total).all()


def test_stage_file_has_england_and_the_alliances():
    frame = stage_at_diagnosis()
    assert set(frame.year) == set(range(2013, 2023))
    assert set(frame[frame.geography_type == "Country"].geography_name) == {"England"}
    assert frame[frame.geography_type == "Cancer Alliance"].geography_name.nunique() == 20


def test_computed_england_early_stage_series_equals_the_sum_of_the_ndrs_file():
    stage = stage_at_diagnosis()
    england = stage[stage.geography_name == "England"].groupby("year")[["stage_1", "stage_2"]].sum()
    computed = stage_early_pct_england().set_index("year")[["stage_1", "stage_2"]]
    assert england.to_dict() == computed.to_dict()


def test_headline_indicators_each_cite_a_url():
    frame = headline_indicators()
    assert len(frame) == 25 and frame.source_url.str.startswith("http").all()
