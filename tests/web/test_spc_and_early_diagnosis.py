"""Alliance and trust pages and their API twins (issue 6): the chosen standard's monthly performance as
a Making Data Count SPC chart with its icons and table, and early diagnosis from the real NDRS stage
counts, for the public (disclosure-controlled) and for signed-in users (exact).

Expected values are worked out here independently of the code under test: XmR limits from their
definition (mean +/- 2.66 x mean moving range; NHS England, "Making Data Count", 2019; NHSRplotthedots
`ptd_spc`), proportions and Wilson intervals from the NDRS file's stage columns.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re

import pandas as pd
import pytest
from tests.web.conftest import EAST

from cancer_alliance import reference
from cancer_alliance.stats.charts import ICON_LABELS

pytestmark = pytest.mark.web

LANCASHIRE = "E56000018"  # RTX's alliance; its ONS code is still in use, so NDRS reports it
LANCASHIRE_NDRS = "Lancashire and South Cumbria"
#: A trust series with a step: 14 months of RGT's 62-day performance (within of 100). Mean 83, mean
#: moving range 30/13, limits 83 +/- 6.14; the first 7 months all below the mean, the last 7 all above:
#: two shifts (7 points on one side), neither beyond a limit nor within 2 sigma of one (4.09 from the mean).
VARYING = [80, 82, 80, 82, 80, 82, 80, 86, 84, 86, 84, 86, 84, 86]


def _spec(page: str, index: int = 0) -> dict:
    specs = re.findall(r'data-vega-spec="([^"]*)"', page)
    return json.loads(html.unescape(specs[index]))


def _xmr(values: list[float]) -> tuple[float, float, float]:
    """Mean and natural process limits of an XmR chart, by definition (no outlier screening needed:
    the moving ranges here are all below 3.267 x their mean)."""
    mean = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    mr = sum(ranges) / len(ranges)
    assert max(ranges) < 3.267 * mr
    return mean, mean - 2.66 * mr, mean + 2.66 * mr


@pytest.fixture
def varying_trust(web_home):
    """RGT's 62-day series replaced by 14 months of varying performance (total 100 a month)."""
    path = web_home / "results" / "performance_month_provider.parquet"
    frame = pd.read_parquet(path)
    frame = frame[~((frame["provider"] == "RGT") & (frame["standard_id"] == "62d_usc"))]
    rows = pd.DataFrame(
        {
            "standard_id": "62d_usc",
            "reporting_month": [
                f"{2018 + (i + 1) // 12}-{(i + 1) % 12 + 1:02d}" for i in range(len(VARYING))
            ],
            "provider": "RGT",
            "total": 100.0,
            "within": [float(v) for v in VARYING],
        }
    )
    rows = rows.assign(
        breaches=rows["total"] - rows["within"],
        performance=rows["within"] / rows["total"],
        threshold=0.85,
    )
    rows["meets_threshold"] = rows["performance"] >= rows["threshold"]
    pd.concat([frame, rows], ignore_index=True).to_parquet(path, index=False)
    return [v / 100 for v in VARYING]


def test_trust_trend_api_has_the_xmr_mean_and_limits_of_the_series(signed_in, varying_trust):
    rows = signed_in("nat").get("/api/trusts/RGT/trend").json()["rows"]
    mean, lpl, upl = _xmr(varying_trust)
    assert [row["performance"] for row in rows] == pytest.approx(varying_trust)
    assert {round(row["mean"], 12) for row in rows} == {round(mean, 12)}
    assert (mean, lpl, upl) == (
        pytest.approx(0.83),
        pytest.approx(0.83 - 2.66 * 0.3 / 13),
        pytest.approx(upl),
    )
    assert rows[0]["lpl"] == pytest.approx(lpl) and rows[0]["upl"] == pytest.approx(upl)
    kinds = [row["point_type"] for row in rows]
    assert kinds == ["special_cause_concern"] * 7 + ["special_cause_improvement"] * 7


def test_trust_page_draws_the_spc_chart_with_its_icons_and_the_same_numbers_in_the_table(
    signed_in, varying_trust
):
    page = signed_in("nat").get("/trusts/RGT").text
    spec = _spec(page)
    assert spec["$schema"].endswith("/v6.json")
    assert [point["y"] for point in spec["data"]["values"]] == pytest.approx(varying_trust)
    assert spec["usermeta"]["variation_icon"] == "improvement_high"
    # 85% target between the limits (76.9% to 89.1%): met and missed at random
    mean, lpl, upl = _xmr(varying_trust)
    assert lpl < 0.85 < upl
    assert spec["usermeta"]["assurance_type"] == "inconsistent"
    for name in ("improvement_high", "inconsistent"):
        assert f'alt="{ICON_LABELS[name]}"' in page
    assert page.count('src="data:image/svg+xml;base64,') == 2
    table = page.split('id="trend-table"', 1)[1].split("</table>", 1)[0]
    assert f"{mean * 100:.1f}%" in table
    assert "Special cause: improvement" in table


def test_public_spc_is_worked_out_from_the_published_figures(client, signed_in):
    """East of England: 45 patients a month, 41 within; the public sees 40 of 45 (rounded to 5), and the
    SPC mean is of what it sees, so no limit reveals the exact count."""
    public = client.get(f"/api/alliances/{EAST}/trend").json()["rows"]
    exact = signed_in("east").get(f"/api/alliances/{EAST}/trend").json()["rows"]
    assert [row["mean"] for row in public] == pytest.approx([40 / 45] * 3)
    assert [row["mean"] for row in exact] == pytest.approx([41 / 45] * 3)
    assert {row["point_type"] for row in exact} == {"common_cause"}


def test_trend_csv_has_the_spc_columns(client):
    response = client.get(f"/api/alliances/{LANCASHIRE}/trend", params={"format": "csv"})
    header = next(csv.reader(io.StringIO(response.text)))
    assert {"mean", "lpl", "upl", "point_type"} <= set(header)


def test_a_series_with_no_published_month_has_no_chart_and_says_so(client):
    page = client.get("/trusts/RGN").text  # 5 patients a month: every month withheld
    assert "Statistical process control chart" not in page  # the funnel below still draws (3 months summed)
    assert "No chart: no month has a published rate" in page


def _ndrs_by_year(name: str) -> pd.DataFrame:
    """The NDRS file's stage columns summed over the site groups, for one geography."""
    rows = reference.stage_at_diagnosis()
    rows = rows[rows["geography_name"] == name]
    early = rows["stage_1"] + rows["stage_2"] + rows["staged_other_early"]
    staged = early + rows["stage_3"] + rows["stage_4"] + rows["staged_other_advanced"]
    summed = rows.assign(early=early, staged=staged).groupby("year")[["early", "staged", "missing_stage"]]
    return summed.sum().astype(float)


def _wilson(x: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_early_diagnosis_api_gives_the_ndrs_figures_for_the_alliance(signed_in):
    rows = signed_in("nat").get(f"/api/alliances/{LANCASHIRE}/early-diagnosis").json()["rows"]
    expected = _ndrs_by_year(LANCASHIRE_NDRS)
    assert [row["year"] for row in rows] == list(expected.index)
    for row in rows:
        want = expected.loc[row["year"]]
        assert (row["stage_early"], row["stage_staged"]) == (want["early"], want["staged"])
        assert row["early_stage_proportion"] == pytest.approx(want["early"] / want["staged"])
        lower, upper = _wilson(want["early"], want["staged"])
        assert (row["early_stage_lower_95"], row["early_stage_upper_95"]) == (
            pytest.approx(lower),
            pytest.approx(upper),
        )
        completeness = want["staged"] / (want["staged"] + want["missing_stage"])
        assert row["stage_completeness"] == pytest.approx(completeness)
        assert row["ndrs_name"] == LANCASHIRE_NDRS


def test_the_public_gets_early_diagnosis_counts_rounded_and_rates_from_the_rounded_counts(client):
    rows = client.get(f"/api/alliances/{LANCASHIRE}/early-diagnosis").json()["rows"]
    expected = _ndrs_by_year(LANCASHIRE_NDRS)
    for row in rows:
        assert row["stage_early"] % 5 == 0 and row["stage_staged"] % 5 == 0
        assert row["stage_early_suppressed"] is False
        assert abs(row["stage_staged"] - expected.loc[row["year"], "staged"]) <= 2.5
        assert row["early_stage_proportion"] == pytest.approx(row["stage_early"] / row["stage_staged"])


def test_early_diagnosis_ambitions_compare_the_latest_year_with_62_and_75_percent(client):
    response = client.get(f"/api/alliances/{LANCASHIRE}/early-diagnosis/ambitions", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(row["by_period"], float(row["target_proportion"])) for row in rows] == [
        ("2020/21", 0.62),
        ("2028", 0.75),
    ]
    latest = _ndrs_by_year(LANCASHIRE_NDRS).iloc[-1]
    assert {row["year"] for row in rows} == {"2022"}
    for row in rows:
        gap = 100 * (float(row["early_stage_proportion"]) - float(row["target_proportion"]))
        assert float(row["gap_pp"]) == pytest.approx(gap)
        assert row["met"] == str(latest["early"] / latest["staged"] >= float(row["target_proportion"]))


def test_alliance_page_shows_early_diagnosis_with_interval_ambitions_and_years(signed_in):
    page = signed_in("nat").get(f"/alliances/{LANCASHIRE}").text
    latest = _ndrs_by_year(LANCASHIRE_NDRS).iloc[-1]
    share = latest["early"] / latest["staged"]
    lower, upper = _wilson(latest["early"], latest["staged"])
    section = page.split('id="early-diagnosis"', 1)[1]
    assert f"{share * 100:.1f}%" in section
    assert f"95% interval {lower * 100:.1f}% to {upper * 100:.1f}%" in section
    assert "Not in the NDRS stage file" in section  # no routes to diagnosis: no emergency share
    assert section.count("2013") >= 1 and 'id="ambitions-table"' in section
    years = section.split('id="early-diagnosis-table"', 1)[1].split("</table>", 1)[0]
    assert years.count('class="nhsuk-table__row"') == 10  # 2013 to 2022
    chart = _spec(page, 1)
    assert [v["year"] for v in chart["data"]["values"]][-1] == "2022"


def test_an_alliance_whose_footprint_changed_gets_its_successors_figures_and_says_so(client):
    """East of England (2018/19, E56000009) is NDRS's East of England of 2023/24 (new code E56000035):
    `early_diagnosis/data/alliance_ndrs_geographies.csv`."""
    page = client.get(f"/alliances/{EAST}").text
    section = page.split('id="early-diagnosis"', 1)[1]
    assert 'id="early-diagnosis-missing"' not in section and 'id="early-diagnosis-table"' in section
    note = section.split('id="early-diagnosis-source"', 1)[1].split("</div>", 1)[0]
    assert "Figures for the successor alliance East of England (NDRS boundaries of 2023/24)" in note
    response = client.get(f"/api/alliances/{EAST}/early-diagnosis")
    assert response.status_code == 200
    rows = response.json()["rows"]
    expected = _ndrs_by_year("East of England")
    assert [row["year"] for row in rows] == list(expected.index)
    for row in rows:
        assert row["ndrs_name"] == "East of England"
        assert row["ndrs_note"].startswith("Figures for the successor alliance East of England")
        assert abs(row["stage_staged"] - expected.loc[row["year"], "staged"]) <= 2.5
    assert client.get("/api/alliances/E99999999/early-diagnosis").status_code == 404


def test_a_split_alliance_gets_the_summed_counts_of_its_successors(signed_in):
    """UCLH Cancer Collaborative (2018/19, E57000002) = North Central London + North East London: counts
    added, proportion and Wilson interval from the sums (expected from the file's columns here)."""
    rows = signed_in("nat").get("/api/alliances/E57000002/early-diagnosis").json()["rows"]
    parts = [_ndrs_by_year("North Central London"), _ndrs_by_year("North East London")]
    expected = parts[0] + parts[1]
    assert [row["year"] for row in rows] == list(expected.index)
    for row in rows:
        want = expected.loc[row["year"]]
        assert (row["stage_early"], row["stage_staged"]) == (want["early"], want["staged"])
        lower, upper = _wilson(want["early"], want["staged"])
        assert row["early_stage_lower_95"] == pytest.approx(lower)
        assert row["early_stage_upper_95"] == pytest.approx(upper)
        assert row["ndrs_name"] == "North Central London and North East London"
        assert "successor alliances North Central London and North East London" in row["ndrs_note"]


def test_an_alliance_ndrs_reports_as_it_was_has_no_successor_note(signed_in):
    rows = signed_in("nat").get(f"/api/alliances/{LANCASHIRE}/early-diagnosis").json()["rows"]
    assert {row["ndrs_note"] for row in rows} == {None}
    page = signed_in("nat").get(f"/alliances/{LANCASHIRE}").text
    assert 'id="early-diagnosis-source"' not in page


def test_trust_page_says_ndrs_has_no_trust_level(client):
    page = client.get("/trusts/RTX").text
    assert "not for trusts" in page and 'id="early-diagnosis-table"' not in page


def test_home_map_by_early_stage_colours_all_19_alliances_against_the_ambitions(client):
    page = client.get("/", params={"metric": "early_stage"}).text
    assert page.count('class="app-map__link"') == 19
    lede = page.split('class="nhsuk-lede-text">', 1)[1].split("</p>", 1)[0]
    assert "stage 1 or 2" in lede and "62% by 2020/21 and 75% by 2028" in lede and "waiting times" not in lede
    assert "62% to 75% (meets 62% by 2020/21)" in page and "75% or more" in page
    table = page.split('id="alliance-table"', 1)[1].split("</table>", 1)[0]
    published = client.get(f"/api/alliances/{LANCASHIRE}/early-diagnosis").json()["rows"][-1]
    assert f"{published['early_stage_proportion'] * 100:.1f}%" in table
    assert "not reported" not in table
    assert table.count('class="nhsuk-table__row"') == 19
    assert len(re.findall(r"numeric\">\d+\.\d%</td>", table)) == 19  # a percentage for every alliance
    # 11 of the 19 footprints changed since 2018/19: each names its NDRS successor(s) under its name
    assert table.count("app-early-source") == 11
    assert "Figures for the successor alliances North Central London and North East London" in table
    labels = re.findall(r'aria-label="([^"]*)" class="app-map__link"', page)
    fills = re.findall(r'fill="(#[0-9a-f]{6})" class="app-map__area"', page)
    assert len(labels) == len(fills) == 19 and "#ffffff" not in fills  # every area coloured, none "no data"
    assert all(re.search(r"stage 1 or 2 \(of those staged\) \d+\.\d%", label) for label in labels)
    east = next(html.unescape(label) for label in labels if label.startswith("East of England:"))
    assert "(Figures for the successor alliance East of England (NDRS boundaries))" in east
    assert "11 alliances of 2018/19 whose footprint has changed" in page


def test_alliances_api_has_early_stage_for_all_19_alliances(client):
    rows = client.get("/api/alliances", params={"metric": "early_stage"}).json()["rows"]
    assert len(rows) == 19
    assert all(row["year"] == 2022 and row["early_stage_proportion"] is not None for row in rows)
    assert all(row["stage_staged"] % 5 == 0 for row in rows)
    notes = {row["alliance"]: row["ndrs_note"] for row in rows}
    assert notes[LANCASHIRE] is None and "East of England" in notes[EAST]
    assert sum(note is not None for note in notes.values()) == 11


def test_unknown_metric_and_standard_are_404(client):
    assert client.get("/", params={"metric": "nope"}).status_code == 404
    assert client.get(f"/alliances/{EAST}", params={"standard": "early_stage"}).status_code == 404
