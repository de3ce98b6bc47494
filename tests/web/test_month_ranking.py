"""The alliance and trust pages for a chosen month with England beside every figure, the trusts of a
month lowest first, and the small-number caution (issue 23, "Statistics presentation").

The fixture's months (tests/web/conftest.py), each the same on the 62-day standard: RGT 37 of 40
(92.5%), RGN 4 of 5 (80.0%), RTX 9 of 12 (75.0%); England 50 of 57 (87.7%)."""

from __future__ import annotations

import pytest
from tests.web.conftest import EAST

pytestmark = pytest.mark.web


def test_the_alliance_page_ranks_its_trusts_in_the_month_lowest_first_beside_england(signed_in):
    html = signed_in("east").get(f"/alliances/{EAST}?month=2019-02").text
    assert "Every standard in February 2019" in html
    assert "England in February 2019: <strong>87.7%</strong>" in html
    table = html[html.index('id="trusts-table"') : html.index("</table>", html.index('id="trusts-table"'))]
    # RGN's 5 patients are below the small-number rule's 20 (decision 0039): listed after, not ranked
    assert table.index("Cambridge University Hospitals") < table.index("North West Anglia")
    assert "7.7 points below" in table and "4.8 points above" in table
    assert "Not ranked" in table and "Fewer than 20 patients: not ranked" in table
    assert 'id="ranking-small-numbers"' in html
    assert 'href="/ptl?provider=RGN"' in table


def test_with_the_small_number_rule_off_the_lowest_rate_leads(signed_in, monkeypatch):
    monkeypatch.setenv("ALLIANCE_SPC_MIN_PATIENTS", "0")
    html = signed_in("east").get(f"/alliances/{EAST}?month=2019-02").text
    table = html[html.index('id="trusts-table"') : html.index("</table>", html.index('id="trusts-table"'))]
    assert table.index("North West Anglia") < table.index("Cambridge University Hospitals")
    assert "Not ranked" not in table and 'id="ranking-small-numbers"' not in html


def test_the_scorecard_has_england_in_the_same_month(signed_in):
    html = signed_in("rgt").get("/trusts/RGT").text
    card = html[
        html.index('id="scorecard-table"') : html.index("</table>", html.index('id="scorecard-table"'))
    ]
    assert "with England in the same month" in card
    assert ">92.5%<" in card and ">87.7%<" in card


def test_a_month_the_results_do_not_hold_is_not_found(signed_in):
    assert signed_in("east").get(f"/alliances/{EAST}?month=2017-01").status_code == 404
    assert signed_in("east").get(f"/api/alliances/{EAST}/trusts?month=2017-01").status_code == 404


def test_the_api_gives_the_months_ranking_with_england(signed_in):
    rows = signed_in("east").get(f"/api/alliances/{EAST}/trusts?month=2019-03").json()["rows"]
    assert [(r["provider"], r["reporting_month"], round(r["england_performance"], 3)) for r in rows] == [
        ("RGN", "2019-03", 0.877),
        ("RGT", "2019-03", 0.877),
    ]
    card = signed_in("east").get(f"/api/alliances/{EAST}/scorecard?month=2019-01").json()["rows"]
    assert {r["reporting_month"] for r in card} == {"2019-01"}
    assert all(r["england_performance"] is not None for r in card if r["standard_id"] == "62d_usc")


def test_a_trust_with_few_patients_a_month_gets_the_small_number_caution(signed_in):
    small = signed_in("nat").get("/trusts/RGN").text  # 5 patients a month
    assert 'id="small-numbers"' in small and "3 of 3 months have fewer than 20 patients" in small
    assert 'id="small-numbers"' not in signed_in("nat").get("/trusts/RGT").text  # 40 a month


def test_the_explorer_filters_by_alliance_and_compares_its_trusts_with_england(signed_in):
    client = signed_in("nat")
    html = client.get("/performance", params={"standard": "62d_usc", "alliance": EAST}).text
    assert "January 2019 to March 2019" in html
    assert "England over the same months, tumour types and route: <strong>87.7%</strong>" in html
    start = html.index('id="compare-table"')
    table = html[start : html.index("</table>", start)]
    # RGN's 15 patients over the period are below the small-number rule's 20: listed after, with the caution
    assert table.index("Cambridge University Hospitals") < table.index("North West Anglia")
    assert "Fewer than 20 patients: not ranked" in table
    assert "Morecambe Bay" not in table  # RTX is in Lancashire and South Cumbria
    assert "7.7 points below" in table
    rows = client.get("/api/performance", params={"standard": "62d_usc", "alliance": EAST}).json()["rows"]
    assert [row["total"] for row in rows] == [45, 45, 45]  # RGT 40 + RGN 5 a month, not RTX's 12
    assert client.get("/performance", params={"alliance": "E99999999"}).status_code == 404
