"""Performance presenters: rates from summed counts, scorecard tags, rankings; map drawing (no I/O)."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance import reference
from cancer_alliance.cwt.published import by_standard, monthly, period_totals
from cancer_alliance.web.presenters.england_map import NO_DATA, PALETTE, bins, colour, england_map, map_shapes
from cancer_alliance.web.presenters.formatting import count, format_month, options, percent
from cancer_alliance.web.presenters.performance import (
    StandardInfo,
    met_tag,
    ranked,
    scorecard,
)

pytestmark = pytest.mark.web

FRAME = pd.DataFrame(
    [
        # standard, month, provider, total, within, threshold
        ("62d_usc", "2019-01", "A", 10.0, 9.0, 0.85),
        ("62d_usc", "2019-02", "A", 30.0, 21.0, 0.85),
        ("62d_usc", "2019-01", "B", 2.5, 2.5, 0.85),  # half-patient shares of shared pathways
        ("2ww", "2019-02", "A", 100.0, 95.0, 0.93),
    ],
    columns=["standard_id", "reporting_month", "provider", "total", "within", "threshold"],
).assign(breaches=lambda f: f["total"] - f["within"])


def test_period_rates_are_recomputed_from_summed_counts_not_averaged():
    totals = period_totals(FRAME, ["provider"], "62d_usc").set_index("provider")
    assert totals.loc["A", "performance"] == pytest.approx(30 / 40)  # not (0.9 + 0.7) / 2
    assert totals.loc["B", "total"] == 2.5


def test_monthly_series_sums_across_providers():
    series = monthly(FRAME, "62d_usc")
    assert list(series["reporting_month"]) == ["2019-01", "2019-02"]
    assert list(series["total"]) == [12.5, 30.0]


@pytest.mark.parametrize(
    ("performance", "threshold", "text"),
    [(0.85, 0.85, "Met"), (0.849, 0.85, "Not met"), (None, 0.85, "No data"), (0.9, None, "No threshold")],
)
def test_met_tag(performance, threshold, text):
    assert met_tag(performance, threshold)["text"] == text


def test_scorecard_follows_reference_order_and_skips_standards_without_patients():
    infos = [
        StandardInfo("2ww", "Two week wait", 0.93),
        StandardInfo("fds", "FDS", 0.75),
        StandardInfo("62d_usc", "62 day", 0.85),
    ]
    card = scorecard(by_standard(FRAME[FRAME["provider"] == "A"], "2019-02"), infos)
    assert [(r.standard_id, r.performance, r.tag["text"]) for r in card] == [
        ("2ww", "95.0%", "Met"),
        ("62d_usc", "70.0%", "Not met"),
    ]


def test_ranking_is_best_first_with_names():
    rows = ranked(period_totals(FRAME, ["provider"], "62d_usc"), "provider", {"A": "Alpha", "B": "Beta"})
    assert [(r.rank, r.name, r.performance) for r in rows] == [(1, "Beta", "100.0%"), (2, "Alpha", "75.0%")]


@pytest.mark.parametrize(
    ("function", "value", "text"),
    [
        (percent, 0.93125, "93.1%"),
        (percent, None, ""),
        (count, 1234.0, "1,234"),
        (count, 2.5, "2.5"),
        (format_month, "2019-03", "March 2019"),
    ],
)
def test_formats(function, value, text):
    assert function(value) == text


def test_options_mark_the_selection_and_offer_a_blank_choice():
    assert options(["a", "b"], "b", "All") == [
        {"value": "", "text": "All", "selected": False},
        {"value": "a", "text": "a", "selected": False},
        {"value": "b", "text": "b", "selected": True},
    ]


def test_colour_bins_span_the_values_and_missing_is_white():
    edges = bins([0.5, 1.0])
    assert edges[-1] == 1.0 and len(edges) == len(PALETTE)
    assert colour(0.5, edges) == PALETTE[0] and colour(1.0, edges) == PALETTE[-1]
    assert colour(None, edges) == NO_DATA


def test_map_has_one_linked_area_per_2018_19_alliance_inside_the_box():
    alliances = reference.alliances("2018/19")
    drawn = england_map(
        map_shapes(reference.boundaries("2018/19")),
        {a.code: a.name for a in alliances},
        {alliances[0].code: 0.8},
        "62-day",
    )
    assert sorted(a.code for a in drawn.areas) == sorted(a.code for a in alliances)
    assert all(a.href == f"/alliances/{a.code}" and a.path.startswith("M") for a in drawn.areas)
    numbers = [
        float(n)
        for a in drawn.areas
        for n in a.path.replace("M", " ").replace("L", " ").replace("Z", " ").replace(",", " ").split()
    ]
    assert min(numbers) >= 0 and max(numbers) <= max(drawn.width, drawn.height)
    labelled = {a.code: a.label for a in drawn.areas}
    assert labelled[alliances[0].code].endswith("80.0%")
    assert labelled[alliances[1].code].endswith("no data")


def test_the_month_ranking_puts_the_lowest_first_with_england_beside_each():
    """Issue 23: "which of my trusts is worst this month?" In February A has 21 of 30 (70.0%); B none."""
    from cancer_alliance.web.presenters.performance import month_ranking, points_against

    in_month = period_totals(FRAME[FRAME["reporting_month"] == "2019-01"], ["provider"], "62d_usc")
    rows = month_ranking(in_month, {"A": "Alpha", "B": "Beta"}, 0.925, minimum=0)
    # January: A 9 of 10 (90.0%), B 2.5 of 2.5 (100.0%); England 92.5%
    assert [(r.rank, r.name, r.performance, r.against_england) for r in rows] == [
        (1, "Alpha", "90.0%", "2.5 points below"),
        (2, "Beta", "100.0%", "7.5 points above"),
    ]
    february = period_totals(FRAME[FRAME["reporting_month"] == "2019-02"], ["provider"], "62d_usc")
    assert [r.against_england for r in month_ranking(february, {}, None, minimum=0)] == [""]
    assert points_against(0.5, 0.5) == "the same"


MONTH = pd.DataFrame(
    {
        "provider": ["BIG", "TINY", "MID", "NONE"],
        "total": [40.0, 4.0, 20.0, 0.0],
        "within": [30.0, 1.0, 19.0, 0.0],
        "performance": [0.75, 0.25, 0.95, None],
        "threshold": [0.85] * 4,
    }
)


@pytest.mark.parametrize(
    ("minimum", "expected"),
    [
        # Decision 0039's rule at 20: TINY's 1 of 4 (25.0%) is not ranked and does not lead as the worst
        (20, [(1, "BIG", ""), (2, "MID", ""), (None, "TINY", "Fewer than 20 patients"), (None, "NONE", "")]),
        # 20 patients is not small (fewer than the minimum is)
        (
            21,
            [
                (1, "BIG", ""),
                (None, "TINY", "Fewer than 21"),
                (None, "MID", "Fewer than 21"),
                (None, "NONE", ""),
            ],
        ),
        # 0 turns the rule off: lowest first
        (0, [(1, "TINY", ""), (2, "BIG", ""), (3, "MID", ""), (None, "NONE", "")]),
    ],
)
def test_the_month_ranking_applies_the_small_number_rule(minimum, expected):
    from cancer_alliance.web.presenters.performance import month_ranking

    rows = month_ranking(MONTH, {}, 0.8, minimum=minimum)
    assert [
        (r.rank, r.code, r.caution[: len(c)]) for r, (_, _, c) in zip(rows, expected, strict=True)
    ] == expected


def test_the_month_ranking_reads_the_setting_by_default(monkeypatch):
    from cancer_alliance.web.presenters.performance import month_ranking

    monkeypatch.setenv("ALLIANCE_SPC_MIN_PATIENTS", "3")
    assert [r.code for r in month_ranking(MONTH, {}, None)][:1] == ["TINY"]
    monkeypatch.delenv("ALLIANCE_SPC_MIN_PATIENTS")
    first = month_ranking(MONTH, {}, None)[0]
    assert first.code == "BIG"
    tiny = next(r for r in month_ranking(MONTH, {}, None) if r.code == "TINY")
    assert tiny.caution.endswith("moves the rate by 5 points or more")


def test_the_scorecard_shows_england_in_the_same_month_beside_each_standard():
    from cancer_alliance.web.presenters.performance import scorecard

    standards = [StandardInfo("62d_usc", "62-day", 0.85), StandardInfo("2ww", "2-week", 0.93)]
    trust = by_standard(FRAME[FRAME["provider"] == "A"], "2019-02")
    england = by_standard(FRAME, "2019-02")
    assert [(r.standard_id, r.performance, r.england) for r in scorecard(trust, standards, england)] == [
        ("62d_usc", "70.0%", "70.0%"),
        ("2ww", "95.0%", "95.0%"),
    ]
    assert [r.england for r in scorecard(trust, standards)] == ["", ""]
