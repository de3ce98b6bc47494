"""Timed diagnostic pathways on the web (issue 12 items 5 and 8): the alliance and trust pages
(compliance by milestone, where the days are lost, the bottleneck, the trend), their API, disclosure
control for the public, and the PTL's next timed milestone, its filter and the pathway page's
milestones. Results as `tests/web/conftest.py` writes them (`pathway_events`)."""

from __future__ import annotations

import re

import pytest
from tests.web.conftest import EAST

pytestmark = pytest.mark.web


def test_alliance_page_shows_compliance_steps_bottleneck_and_trend(signed_in):
    html = signed_in("east").get(f"/alliances/{EAST}/timed-pathways").text
    assert "Timed diagnostic pathways: East of England" in html
    for table in ("compliance-table", "steps-table", "bottleneck-table", "trend-table"):
        assert f'id="{table}"' in html
    assert "Diagnosis communicated" in html and "day 28" in html and "PET-CT" in html
    assert "(unverified)" in html  # intermediate targets are settings, marked as such
    assert "Day 0 to CT" in html
    assert html.count("data-vega-spec") == 2  # the step chart and the SPC trend, each with its table


def test_trust_page_and_a_trend_of_another_milestone(client):
    html = client.get(
        "/trusts/RTX/timed-pathways", params={"tumour": "lung", "milestone": "first_treatment"}
    ).text
    assert "Lung: first treatment within target" in html
    assert (
        client.get("/trusts/RTX/timed-pathways", params={"tumour": "lung", "milestone": "xray"}).status_code
        == 404
    )
    assert client.get("/trusts/NOPE/timed-pathways").status_code == 404


def test_api_gives_every_table_with_counts_as_computed_when_signed_in(signed_in):
    client = signed_in("nat")
    rows = client.get(f"/api/alliances/{EAST}/timed-pathways").json()["rows"]
    ct = [r for r in rows if r["tumour"] == "lung" and r["milestone"] == "ct"][0]
    # 24 lung pathways at RGT and RGN (12 each), CT on day 2..8 (+ P-RGT-2 on day 2); target day 3
    assert ct["met"] + ct["breached"] + ct["overdue"] == ct["decided"]
    assert ct["decided"] == 25 and ct["met"] < ct["decided"]
    assert ct["compliance"] == pytest.approx(ct["met"] / ct["decided"])
    for table in ("steps", "trend", "bottleneck"):
        assert client.get(f"/api/alliances/{EAST}/timed-pathways", params={"table": table}).json()["rows"]
    csv = client.get("/api/trusts/RGT/timed-pathways", params={"table": "steps", "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and "mean_days_lost" in csv.text


def test_the_public_gets_published_counts(client, signed_in):
    public = client.get(f"/api/alliances/{EAST}/timed-pathways").json()["rows"]
    assert all(r["met"] is None or r["met"] % 5 == 0 for r in public)
    assert any(r["met_suppressed"] for r in public) or all(r["met"] is None or r["met"] > 7 for r in public)
    assert all(r["decided"] is None or r["decided"] % 5 == 0 for r in public)


def test_the_ptl_shows_the_next_timed_milestone_and_filters_overdue_ones(signed_in):
    client = signed_in("nat")
    html = client.get("/ptl").text
    text = re.sub(r"<[^>]+>", "", html)
    assert "Next: PET-CT, due 15 Mar 2019" in text  # P-RGT-2: CT on day 2, PET-CT target day 14
    assert "Next: CT, due 1 Apr 2019" in text  # P-RGN-1: referred 29 March, CT target day 3
    overdue = client.get("/ptl", params={"milestone_overdue": "1"}).text
    assert re.findall(r'<a href="/ptl/([^"]+)" class="app-record-id">', overdue) == ["P-RGT-2"]
    assert client.get("/ptl", params={"milestone_overdue": "yes"}).status_code == 400


def test_the_pathway_page_lists_its_milestones(signed_in):
    html = signed_in("rgt").get("/ptl/P-RGT-2").text
    assert 'id="milestones"' in html
    assert "Overdue" in html and "day 2, 3 March 2019" in html and "Next timed-pathway milestone" in html
    assert 'id="milestones"' not in signed_in("rgt").get("/ptl/P-RGT-1").text  # breast: no timed pathway


def test_the_organisation_page_links_to_its_timed_pathways(client):
    assert f'href="/alliances/{EAST}/timed-pathways"' in client.get(f"/alliances/{EAST}").text
