"""NDRS counts for the 19 alliances of 2018/19 (`ndrs.ndrs_counts_for_2018_19_alliances`): each is the
sum of the NDRS geographies that stand for it (`data/alliance_ndrs_geographies.csv`), and proportions
and Wilson intervals are worked out from the summed counts.

Expected values are computed here from the NDRS file's own columns (`reference.stage_at_diagnosis()`)
and the mapping file read with `csv`, not through the code under test. Early = stage 1, 2 and staged
early by another system; staged = those plus stage 3, 4 and staged advanced by another system (domain
README; `data/stage_groups.csv`). Wilson interval: Wilson (1927), z = 1.96.
"""

from __future__ import annotations

import csv
import io
import math
from importlib import resources

import pandas as pd
import pytest

from cancer_alliance import reference
from cancer_alliance.early_diagnosis.metrics import metrics
from cancer_alliance.early_diagnosis.ndrs import ndrs_counts, ndrs_counts_for_2018_19_alliances
from cancer_alliance.early_diagnosis.published import publish_metrics

pytestmark = pytest.mark.spec

UCLH = "E57000002"  # north central and north east London vanguard of 2018/19: split later


def _mapping() -> dict[str, list[str]]:
    text = resources.files("cancer_alliance.early_diagnosis").joinpath("data/alliance_ndrs_geographies.csv")
    names: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text.read_text(encoding="utf-8"))):
        names.setdefault(row["alliance_code_2018_19"], []).append(row["ndrs_geography_name"])
    return names


def _file_by_year(geographies: list[str]) -> pd.DataFrame:
    rows = reference.stage_at_diagnosis()
    rows = rows[rows["geography_name"].isin(geographies)]
    early = rows["stage_1"] + rows["stage_2"] + rows["staged_other_early"]
    staged = early + rows["stage_3"] + rows["stage_4"] + rows["staged_other_advanced"]
    summed = rows.assign(early=early, staged=staged).groupby("year")[["early", "staged", "missing_stage"]]
    return summed.sum()


def _wilson(x: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.fixture(scope="module")
def alliances() -> pd.DataFrame:
    return ndrs_counts_for_2018_19_alliances(("year",))


def test_all_19_alliances_have_ten_years(alliances):
    assert set(alliances["alliance"]) == {a.code for a in reference.alliances("2018/19")}
    assert alliances.groupby("alliance")["year"].apply(list).map(lambda y: y == list(range(2013, 2023))).all()


def test_each_alliance_is_the_sum_of_its_ndrs_geographies(alliances):
    for code, geographies in _mapping().items():
        expected = _file_by_year(geographies)
        got = alliances[alliances["alliance"] == code].set_index("year")
        assert got["stage_early"].tolist() == expected["early"].tolist(), code
        assert got["stage_staged"].tolist() == expected["staged"].tolist(), code
        assert got["stage_missing"].tolist() == expected["missing_stage"].tolist(), code


def test_a_split_alliance_adds_the_counts_and_works_the_rate_out_from_the_sums(alliances):
    """UCLH Cancer Collaborative (2018/19) = North Central London + North East London (NDRS)."""
    expected = _file_by_year(["North Central London", "North East London"])
    one = _file_by_year(["North Central London"])
    assert (expected["staged"] > one["staged"]).all()  # both geographies count
    got = metrics(alliances[alliances["alliance"] == UCLH]).set_index("year")
    assert got["ndrs_name"].unique().tolist() == ["North Central London and North East London"]
    assert got["ndrs_relation"].unique().tolist() == ["split"]
    for year, want in expected.iterrows():
        assert got.loc[year, "early_stage_proportion"] == pytest.approx(want["early"] / want["staged"])
        lower, upper = _wilson(want["early"], want["staged"])
        assert got.loc[year, "early_stage_lower_95"] == pytest.approx(lower)
        assert got.loc[year, "early_stage_upper_95"] == pytest.approx(upper)
        completeness = want["staged"] / (want["staged"] + want["missing_stage"])
        assert got.loc[year, "stage_completeness"] == pytest.approx(completeness)


def test_the_public_figures_round_the_summed_counts_not_each_part(alliances):
    public = publish_metrics(alliances[alliances["alliance"] == UCLH]).set_index("year")
    expected = _file_by_year(["North Central London", "North East London"])
    assert (public["stage_staged"] % 5 == 0).all()
    assert ((public["stage_staged"] - expected["staged"]).abs() <= 2.5).all()


def test_the_alliances_still_add_up_to_england_and_england_is_unchanged(alliances):
    """Every NDRS alliance stands for exactly one 2018/19 alliance, so the 19 add up to the file's
    England rows, as the 20 NDRS alliances do (`test_ndrs_headline.test_alliances_add_up_to_england`)."""
    total = alliances.groupby("year")[["stage_early", "stage_staged", "registrations"]].sum()
    england = _file_by_year(["England"])
    assert total["stage_early"].tolist() == england["early"].tolist()
    assert total["stage_staged"].tolist() == england["staged"].tolist()
    by_name = ndrs_counts(("geography_name", "year"))
    england_rows = by_name[by_name["geography_name"] == "England"].set_index("year")
    assert england_rows["stage_staged"].tolist() == england["staged"].tolist()


def test_counts_by_site_add_up_to_the_year_and_unknown_groups_are_refused(alliances):
    by_site = ndrs_counts_for_2018_19_alliances(("year", "site"))
    summed = by_site.groupby(["alliance", "year"], as_index=False)["stage_staged"].sum()
    assert summed["stage_staged"].tolist() == alliances["stage_staged"].tolist()
    with pytest.raises(ValueError, match="unknown group 'geography_name'"):
        ndrs_counts_for_2018_19_alliances(("geography_name",))
