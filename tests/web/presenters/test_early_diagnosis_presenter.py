"""Presenters of the early-diagnosis section, the map's ambition scale and the SPC table (no I/O)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cancer_alliance.web.presenters.early_diagnosis import (
    ambition_rows,
    ambition_tag,
    ambition_targets,
    interval,
    source_note,
    year_rows,
)
from cancer_alliance.web.presenters.england_map import PALETTE, ambition_scale, colour, england_map
from cancer_alliance.web.presenters.performance import spc_icons, spc_rows

pytestmark = pytest.mark.web

TARGETS = [(0.62, "62% by 2020/21"), (0.75, "75% by 2028")]


def test_the_ambitions_come_from_the_early_diagnosis_data():
    """early_diagnosis/data/ambitions.csv: 62% by 2020/21 (NHS England), 75% by 2028 (Long Term Plan)."""
    assert ambition_targets() == TARGETS


@pytest.mark.parametrize(
    ("value", "text", "classes"),
    [
        (0.55, "Below 62% by 2020/21", "nhsuk-tag--red"),
        (0.62, "Meets 62% by 2020/21", "nhsuk-tag--blue"),  # exactly at the ambition meets it
        (0.7499, "Meets 62% by 2020/21", "nhsuk-tag--blue"),
        (0.75, "Meets 75% by 2028", "nhsuk-tag--green"),
        (None, "No data", "nhsuk-tag--grey"),
    ],
)
def test_ambition_tag_names_the_highest_ambition_met(value, text, classes):
    assert ambition_tag(value, TARGETS) == {"text": text, "classes": classes}


@pytest.mark.parametrize(
    ("value", "bin_index"),
    [(0.30, 0), (0.4999, 0), (0.50, 1), (0.559, 1), (0.56, 2), (0.6199, 2), (0.62, 3), (0.75, 4), (1.0, 4)],
)
def test_ambition_scale_puts_a_value_at_an_ambition_in_the_bin_that_meets_it(value, bin_index):
    scale = ambition_scale(TARGETS)
    assert scale.edges[:4] == (0.50, 0.56, 0.62, 0.75) and math.isinf(scale.edges[4])
    assert colour(value, scale.edges, below=True) == PALETTE[bin_index]


def test_map_with_a_fixed_scale_uses_its_legend_and_bins_not_the_data_range():
    shapes = {"A": "M0,0Z", "B": "M1,1Z", "C": "M2,2Z"}
    drawn = england_map(
        shapes, {"A": "Alpha"}, {"A": 0.53, "B": 0.63, "C": None}, "Stage 1-2", scale=ambition_scale(TARGETS)
    )
    fills = {area.code: area.fill for area in drawn.areas}
    assert fills == {"A": PALETTE[1], "B": PALETTE[3], "C": "#ffffff"}
    assert [entry.text for entry in drawn.legend] == [
        "below 50%",
        "50% to 56%",
        "56% to 62%",
        "62% to 75% (meets 62% by 2020/21)",
        "75% or more (meets 75% by 2028)",
        "no data",
    ]


def test_year_rows_and_intervals_are_formatted_for_display():
    years = pd.DataFrame(
        {
            "year": [2021, 2022],
            "registrations": [12000.0, None],
            "stage_staged": [8925.0, None],
            "stage_early": [4620.0, None],
            "early_stage_proportion": [0.5176, None],
            "early_stage_lower_95": [0.5073, None],
            "early_stage_upper_95": [0.5280, None],
            "stage_completeness": [0.852, None],
        }
    )
    rows = year_rows(years)
    assert rows[0] == {
        "year": "2021",
        "registrations": "12,000",
        "stage_staged": "8,925",
        "stage_early": "4,620",
        "early_stage": "51.8%",
        "interval": "50.7% to 52.8%",
        "completeness": "85.2%",
    }
    assert rows[1]["early_stage"] == "" and rows[1]["interval"] == ""
    assert interval(0.1, None) == ""


def test_ambition_rows_show_the_gap_in_percentage_points():
    table = pd.DataFrame(
        {
            "target_proportion": [0.62, 0.75],
            "by_period": ["2020/21", "2028"],
            "gap_pp": [-9.66, float("nan")],
            "met": [False, None],
            "ambition_source": ["NHS England", "NHS Long Term Plan"],
        }
    )
    first, second = ambition_rows(table)
    assert (first.label, first.gap, first.tag["text"]) == (
        "62% by 2020/21",
        "-9.7 percentage points",
        "Not met",
    )
    assert (second.gap, second.tag["text"]) == ("", "No data")


def test_spc_rows_leave_months_outside_the_limits_blank_and_name_point_types():
    table = pd.DataFrame(
        {
            "reporting_month": ["2019-01", "2019-02"],
            "total": [40.0, None],
            "within": [34.0, None],
            "breaches": [6.0, None],
            "performance": [0.85, None],
            "threshold": [0.85, 0.85],
            "mean": [0.83, None],
            "lpl": [0.7686, None],
            "upl": [0.8914, None],
            "point_type": ["special_cause_improvement", None],
        }
    )
    first, second = spc_rows(table)
    assert (first["month"], first["mean"], first["lpl"], first["upl"]) == (
        "January 2019",
        "83.0%",
        "76.9%",
        "89.1%",
    )
    assert first["point_type"] == "Special cause: improvement"
    assert (second["mean"], second["point_type"]) == ("", "")


def test_spc_icons_are_data_uris_with_their_labels_and_none_without_a_target():
    variation, assurance = spc_icons("concern_low", "consistent_fail")
    assert variation.src.startswith("data:image/svg+xml;base64,")
    assert assurance.label == "Assurance: the target will consistently be missed"
    assert [icon.name for icon in spc_icons("common_cause", None)] == ["common_cause"]


@pytest.mark.parametrize(
    ("relation", "name", "note"),
    [
        ("same", "Kent and Medway", ""),
        (None, None, ""),
        (
            "successor",
            "East of England",
            "Figures for the successor alliance East of England (NDRS boundaries)",
        ),
        (
            "split",
            "North Central London and North East London",
            "Figures for the successor alliances North Central London and North East London "
            "(NDRS boundaries), added together",
        ),
        ("shared", "Big", "Figures for the successor alliance Big (NDRS boundaries), shared with others"),
    ],
)
def test_source_note_names_the_ndrs_geographies_unless_they_are_the_alliance(relation, name, note):
    assert source_note(relation, name) == note


def test_map_notes_go_into_the_accessible_name_of_the_area():
    shapes = {"A": "M0,0L1,1Z", "B": "M1,1L2,2Z"}
    drawn = england_map(
        shapes, {"A": "Alpha", "B": "Beta"}, {"A": 0.5, "B": 0.6}, "Stage 1-2", notes={"A": "Note"}
    )
    labels = {area.code: area.label for area in drawn.areas}
    assert labels == {"A": "Alpha: Stage 1-2 50.0% (Note)", "B": "Beta: Stage 1-2 60.0%"}


def test_spc_rows_show_limits_clipped_to_what_a_percentage_can_be_as_the_chart_draws_them():
    """Issue 23: a computed 127.1% upper limit reads 100.0% in the table, as on the chart; the
    computed values stay in the data (the API and CSV read them from there)."""
    table = pd.DataFrame(
        {
            "reporting_month": ["2019-01", "2019-02", "2019-03"],
            "total": [3.0, 4.0, 2.0],
            "within": [3.0, 2.0, 2.0],
            "breaches": [0.0, 2.0, 0.0],
            "performance": [1.0, 0.5, 1.0],
            "threshold": [0.85, 0.85, 0.85],
            "mean": [0.8333, 0.8333, 0.8333],
            "lpl": [-0.0210, 0.3954, 0.0],
            "upl": [1.2710, 0.9, 1.0],
            "point_type": ["common_cause"] * 3,
        }
    )
    rows = spc_rows(table)
    shown = [(r["lpl"], r["upl"]) for r in rows]
    assert shown == [("0.0%", "100.0%"), ("39.5%", "90.0%"), ("0.0%", "100.0%")]
    assert table["upl"].iloc[0] == 1.2710 and table["lpl"].iloc[0] == -0.0210
