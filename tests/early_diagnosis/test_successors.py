"""Which NDRS geographies stand for each 2018/19 alliance (`early_diagnosis.successors`,
`data/alliance_ndrs_geographies.csv`; domain README "Alliances of 2018/19 and the NDRS geographies").

The rule is tested on small made-up trust links (codes A.., N..); the packaged file is checked against
the reference data it is derived from: the 2018/19 trust membership and the Bennett Institute 2026
trust mapping (`reference/data/alliance_trusts.csv`), the ONS CAL24 names and the NDRS stage file.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

import pandas as pd
import pytest

from cancer_alliance import reference
from cancer_alliance.early_diagnosis.successors import (
    COLUMNS,
    NdrsGeographies,
    TrustLinks,
    derive_mapping,
    ndrs_geographies,
    ndrs_mapping,
    successor_table,
    trust_links,
    write_mapping,
)

pytestmark = pytest.mark.spec

NAMES = {"N1": "North One", "N2": "North Two", "N3": "Three", "A1": "Old One"}


def _relations(table: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    got: dict[str, list[tuple[str, str]]] = {}
    for row in table.to_dict("records"):
        got.setdefault(row["alliance_code_2018_19"], []).append((row["ndrs_geography_name"], row["relation"]))
    return got


def test_trust_links_count_traced_trusts_and_keep_untraced_ones_as_members():
    old = {"T1": "A1", "T2": "A1", "T3": "A1", "T4": "A2"}
    new = {"T1": "N1", "T2": "N2", "T4": "N2", "T9": "N3"}  # T3 merged away; T9 did not exist in 2018/19
    links = trust_links(old, new)
    assert links.links == {("A1", "N1"): 1, ("A1", "N2"): 1, ("A2", "N2"): 1}
    assert links.members == {"A1": 3, "A2": 1}


def test_a_split_alliance_stands_for_every_later_alliance_it_is_the_predecessor_of():
    """A1's trusts went to N1 (2) and N2 (1); A1 holds most trusts of both, so it gets both (a split)."""
    evidence = TrustLinks({("A1", "N1"): 2, ("A1", "N2"): 1, ("A2", "N3"): 4}, {"A1": 3, "A2": 4})
    table = successor_table(["A1", "A2"], evidence, NAMES)
    assert _relations(table) == {
        "A1": [("North One", "split"), ("North Two", "split")],
        "A2": [("Three", "successor")],
    }
    assert table["share_of_trusts"].tolist() == [0.6667, 0.3333, 1.0]  # rounded to 4 places


def test_a_trust_that_moved_does_not_pull_its_later_alliance_to_the_old_one():
    """A2 lost one of its five trusts to N1, where A1 still holds most trusts: A2 keeps N2 only and its
    share of trusts (0.8) says part of its footprint is reported elsewhere."""
    evidence = TrustLinks({("A1", "N1"): 7, ("A2", "N1"): 1, ("A2", "N2"): 4}, {"A1": 7, "A2": 5})
    table = successor_table(["A1", "A2"], evidence, NAMES)
    assert _relations(table) == {"A1": [("North One", "successor")], "A2": [("North Two", "successor")]}
    assert table.set_index("alliance_code_2018_19").loc["A2", "share_of_trusts"] == 0.8


def test_merged_alliances_share_the_figures_of_their_successor_and_say_with_whom():
    evidence = TrustLinks({("A1", "N1"): 5, ("A2", "N1"): 2}, {"A1": 5, "A2": 2})
    table = successor_table(["A1", "A2"], evidence, NAMES).set_index("alliance_code_2018_19")
    assert table["ndrs_geography_name"].tolist() == ["North One", "North One"]
    assert table["relation"].tolist() == ["shared", "shared"]
    assert table["shared_with"].tolist() == ["A2", "A1"]


def test_the_same_code_later_is_same_and_not_a_successor():
    table = successor_table(["A1"], TrustLinks({("A1", "A1"): 3}, {"A1": 3}), NAMES)
    assert table["relation"].tolist() == ["same"]


def test_a_tie_or_an_untraced_alliance_is_refused_not_guessed():
    tie = TrustLinks({("A1", "N1"): 2, ("A2", "N1"): 2}, {"A1": 2, "A2": 2})
    with pytest.raises(ValueError, match="tie between A1, A2"):
        successor_table(["A1", "A2"], tie, NAMES)
    with pytest.raises(ValueError, match="A3: none of its trusts"):
        successor_table(["A3"], TrustLinks({("A1", "N1"): 1}, {"A1": 1, "A3": 2}), NAMES)


def test_the_packaged_file_is_what_the_derivation_gives(tmp_path):
    """Regenerate with `python -m cancer_alliance.early_diagnosis.successors`; no row is hand-corrected."""
    written = write_mapping(tmp_path / "mapping.csv").read_text(encoding="utf-8")
    packaged = resources.files("cancer_alliance.early_diagnosis").joinpath(
        "data/alliance_ndrs_geographies.csv"
    )
    assert packaged.read_text(encoding="utf-8") == written
    assert list(ndrs_mapping().columns) == COLUMNS
    assert not ndrs_mapping()["hand_corrected"].any()
    pd.testing.assert_frame_equal(ndrs_mapping(), derive_mapping(), check_dtype=False)


def _file_rows() -> list[dict[str, str]]:
    text = resources.files("cancer_alliance.early_diagnosis").joinpath("data/alliance_ndrs_geographies.csv")
    return list(csv.DictReader(io.StringIO(text.read_text(encoding="utf-8"))))


def test_every_2018_19_alliance_has_figures_from_geographies_in_the_ndrs_file():
    rows = _file_rows()
    assert {row["alliance_code_2018_19"] for row in rows} == {a.code for a in reference.alliances("2018/19")}
    ndrs = reference.stage_at_diagnosis()
    reported = set(ndrs.loc[ndrs["geography_type"] == "Cancer Alliance", "geography_name"])
    assert {row["ndrs_geography_name"] for row in rows} <= reported
    cal24 = {a.code: a.name for a in reference.alliances("2024/25")}
    assert all(cal24[row["ndrs_alliance_code_2024_25"]] == row["ndrs_geography_name"] for row in rows)


def test_each_ndrs_alliance_is_used_once_so_the_alliances_still_add_up_to_england():
    """No 2018/19 alliance merged into another later, so the 20 NDRS alliances are shared out among the
    19 without overlap or gap."""
    rows = _file_rows()
    used = [row["ndrs_geography_name"] for row in rows]
    ndrs = reference.stage_at_diagnosis()
    reported = set(ndrs.loc[ndrs["geography_type"] == "Cancer Alliance", "geography_name"])
    assert sorted(used) == sorted(reported) and len(used) == 20
    assert {row["relation"] for row in rows} == {"same", "successor", "split"}


def test_the_known_changes_since_2018_19_come_out_of_the_trusts():
    """NHS England's 2018/19 vanguard for north central and north east London (UCLH Cancer Collaborative)
    is two alliances later; East of England has a new ONS code (E56000035, CAL24); north Derbyshire and
    Hardwick left South Yorkshire and Bassetlaw (Chesterfield Royal, RFS, is in East Midlands in 2025/26)."""
    assert ndrs_geographies("E57000002").names == ("North Central London", "North East London")
    assert ndrs_geographies("E57000002").relation == "split"
    east = ndrs_geographies("E56000009")
    assert (east.names, east.relation) == (("East of England",), "successor")
    south_yorkshire = ndrs_geographies("E56000006")
    assert south_yorkshire.names == ("South Yorkshire and Bassetlaw",)
    assert south_yorkshire.share_of_trusts == (0.8,)
    assert ndrs_geographies("E56000018").note is None  # Lancashire and South Cumbria kept its code
    with pytest.raises(ValueError, match="not one of the 2018/19 alliances"):
        ndrs_geographies("E56000035")


def test_the_note_names_the_geographies_and_what_happened():
    split = NdrsGeographies("A", ("North Central London", "North East London"), "split", (), (0.67, 0.33))
    assert split.note.startswith(
        "Figures for the successor alliances North Central London and North East London"
    )
    assert "added together" in split.note
    east = NdrsGeographies("A", ("East of England",), "successor", (), (1.0,))
    assert east.note == "Figures for the successor alliance East of England (NDRS boundaries of 2023/24)."
    part = NdrsGeographies("A", ("South Yorkshire and Bassetlaw",), "successor", (), (0.8,))
    assert "80% of this 2018/19 alliance's traced trusts" in part.note
    shared = NdrsGeographies("A", ("Big",), "shared", ("Old One", "Old Two"), (1.0,))
    assert "shared with Old One and Old Two" in shared.note
    assert NdrsGeographies("A", ("Same",), "same", (), (1.0,)).note is None
