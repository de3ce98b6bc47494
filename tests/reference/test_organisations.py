"""Alliances, trusts and CCGs by vintage (shared/data README; issue #2 item 2)."""

from __future__ import annotations

import re

import pytest

from cancer_alliance.reference import (
    alliance_versions,
    alliances,
    ccg_versions,
    ccgs,
    provider_alliance,
    trust_versions,
    trusts,
)
from cancer_alliance.reference.organisations import (
    CCG_ALLIANCE_VINTAGE,
    TRUST_ALLIANCE_VINTAGE,
    organisation_name,
)


@pytest.mark.parametrize(("version", "count"), [("2018/19", 19), ("2021/22", 21), ("2024/25", 20)])
def test_alliance_counts_per_vintage(version, count):
    assert len(alliances(version)) == count
    assert len({a.code for a in alliances(version)}) == count


def test_versions_held():
    assert alliance_versions() == ("2018/19", "2021/22", "2024/25")
    assert trust_versions() == ("2018/19", "2025/26")
    assert ccg_versions() == ("2018/19", "2021/22", "2022/23")


def test_2018_19_alliances_are_numbered_1_to_19_as_on_the_map():
    assert [a.map_number for a in alliances("2018/19")] == list(range(1, 20))


@pytest.mark.parametrize(
    ("map_number", "code", "common_name"),
    [
        (1, "E56000017", "Northern"),
        (2, "E56000018", "Lancashire and South Cumbria"),
        (3, "E56000003", "West Yorkshire and Harrogate"),
    ],
)
def test_map_numbers(map_number, code, common_name):
    alliance = alliances("2018/19")[map_number - 1]
    assert (alliance.code, alliance.common_name) == (code, common_name)


def test_2018_19_centroids_are_ons_supplied_and_in_england():
    for a in alliances("2018/19"):
        assert not a.centroid_approximate
        assert 49.8 < a.centroid_lat < 55.9 and -6.5 < a.centroid_lon < 1.8, a.code


def test_later_vintages_have_no_map_number_and_flag_approximate_centroids():
    for version in ("2021/22", "2024/25"):
        assert all(a.map_number is None and a.centroid_approximate for a in alliances(version))


@pytest.mark.parametrize("call", [alliances, trusts, ccgs, provider_alliance])
def test_unknown_version_names_the_known_ones(call):
    with pytest.raises(ValueError, match="2018/19"):
        call("2019/20")


@pytest.mark.parametrize("version", sorted(TRUST_ALLIANCE_VINTAGE))
def test_every_assigned_trust_alliance_exists_in_its_vintage(version):
    codes = {a.code for a in alliances(TRUST_ALLIANCE_VINTAGE[version])}
    assert set(provider_alliance(version).values()) <= codes


@pytest.mark.parametrize("version", sorted(CCG_ALLIANCE_VINTAGE))
def test_every_ccg_alliance_exists_in_its_vintage(version):
    codes = {a.code for a in alliances(CCG_ALLIANCE_VINTAGE[version])}
    assert {c.alliance_code for c in ccgs(version)} <= codes


def test_vintage_maps_cover_every_version():
    assert tuple(sorted(TRUST_ALLIANCE_VINTAGE)) == trust_versions()
    assert tuple(sorted(CCG_ALLIANCE_VINTAGE)) == ccg_versions()


def test_2018_19_trusts():
    rows = trusts("2018/19")
    assert len(rows) == 158 and len({t.ods_code for t in rows}) == 158
    assert {t.confidence for t in rows} == {"high", "medium", "none"}
    unassigned = [t for t in rows if t.alliance_code is None]
    assert all(t.confidence == "none" for t in unassigned)
    assert len(provider_alliance("2018/19")) == len(rows) - len(unassigned)
    assert provider_alliance("2018/19")["R1F"] == "E56000016"  # Isle of Wight -> Wessex (all sites inside)


def test_every_2018_19_alliance_has_trusts_and_ccgs():
    codes = {a.code for a in alliances("2018/19")}
    assert set(provider_alliance("2018/19").values()) == codes
    assert {c.alliance_code for c in ccgs("2018/19")} == codes


def test_2018_19_ccgs_carry_the_derivation():
    rows = ccgs("2018/19")
    assert len(rows) == 191
    assert all(c.area_share is not None and 0.5 <= c.area_share <= 1 for c in rows if not c.split)
    assert [c.name for c in rows if c.split] == ["NHS Derby and Derbyshire CCG"]
    assert all(c.split is None and c.area_share is None for c in ccgs("2021/22"))


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("University Hospitals Of Leicester NHS Trust", "University Hospitals of Leicester NHS Trust"),
        ("Isle Of Wight NHS Trust", "Isle of Wight NHS Trust"),
        (
            "The Newcastle Upon Tyne Hospitals NHS Foundation Trust",
            "The Newcastle upon Tyne Hospitals NHS Foundation Trust",
        ),
        (
            "Norfolk And Norwich University Hospitals NHS Foundation Trust",
            "Norfolk and Norwich University Hospitals NHS Foundation Trust",
        ),
        ("The Christie NHS Foundation Trust", "The Christie NHS Foundation Trust"),
    ],
)
def test_trust_names_are_spelt_as_the_nhs_spells_them(source, shown):
    assert organisation_name(source) == shown


def test_no_trust_name_capitalises_a_joining_word():
    names = [t.name for version in trust_versions() for t in trusts(version)]
    assert names and not [name for name in names if re.search(r" (Of|And|Upon) ", name)]
