"""Radiotherapy pages and API (issue #14): the networks list, a page per network and per centre with the
compliance table and its evidence, the linac age chart and the mix over time, each with its table; the
public sees patient counts after disclosure control; unknown codes are 404."""

from __future__ import annotations

import csv
import io

import pytest

from cancer_alliance.stats.intervals import wilson

pytestmark = pytest.mark.web

PAGES = ["/radiotherapy", "/radiotherapy/networks/RTN06", "/radiotherapy/providers/RM1"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_for_the_public_with_no_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="en-GB">' in response.text
    assert "<script>" not in response.text


def test_the_index_lists_the_eleven_networks_and_flags_the_unconfirmed(client):
    html = client.get("/radiotherapy").text
    assert html.count('href="/radiotherapy/networks/RTN') == 11
    assert "East of England" in html and "Norfolk and Norwich" in html
    assert html.count("(unconfirmed)") == 10


def test_network_page_has_the_compliance_table_charts_and_centres(signed_in):
    html = signed_in("nat").get("/radiotherapy/networks/RTN06").text
    for anchor in (
        'id="compliance-table"',
        'id="linac-table"',
        'id="technique-table"',
        'id="fractionation-table"',
        "data-vega-spec=",
        'href="/radiotherapy/providers/RM1"',
        "(lead provider)",
    ):
        assert anchor in html
    assert 'id="requirement-network_sabr"' in html
    assert "RM1-LA01" in html and "Replacement due" in html  # commissioned March 2009
    assert "Breast 26 Gy in 5" in html


def test_provider_api_gives_the_issue_columns_as_json_and_csv(signed_in):
    client = signed_in("nat")
    rows = client.get("/api/radiotherapy/providers/RM1/compliance").json()["rows"]
    found = {r["requirement_id"]: r for r in rows}
    assert (
        found["linac_replacement_due"]["numerator"] == 1
        and found["linac_replacement_due"]["status"] == "not_met"
    )
    assert found["one_network"]["status"] == "met"
    text = client.get("/api/radiotherapy/providers/RM1/compliance?format=csv").text
    header = next(csv.reader(io.StringIO(text)))
    assert header[:8] == [
        "level",
        "code",
        "requirement_id",
        "numerator",
        "denominator",
        "value",
        "threshold",
        "status",
    ]


def test_the_public_gets_course_counts_rounded_or_withheld(client, signed_in):
    exact = {
        r["requirement_id"]: r
        for r in signed_in("nat").get("/api/radiotherapy/providers/RGT/compliance").json()["rows"]
    }
    public = {
        r["requirement_id"]: r
        for r in client.get("/api/radiotherapy/providers/RGT/compliance").json()["rows"]
    }
    assert exact["imrt_share"]["denominator"] == 32
    imrt = public["imrt_share"]
    assert imrt["denominator"] == 30 and imrt["value"] == imrt["numerator"] / 30
    # issue 22: the interval and the status come from the published counts, never the exact ones
    assert (imrt["ci_lower"], imrt["ci_upper"]) == tuple(
        pytest.approx(float(v[0])) for v in wilson([imrt["numerator"]], [30])
    )
    assert imrt["status"] == ("met" if imrt["value"] >= imrt["threshold"] - 1e-9 else "not_met")
    assert public["linac_replacement_due"]["denominator"] == exact["linac_replacement_due"]["denominator"]


@pytest.mark.parametrize(
    "path", ["/radiotherapy/networks/RTN99", "/radiotherapy/providers/ZZZ", "/radiotherapy/alliances/RTN06"]
)
def test_unknown_codes_are_404(client, path):
    assert client.get(path).status_code == 404
    assert client.get(path.replace("/radiotherapy", "/api/radiotherapy") + "/compliance").status_code == 404
