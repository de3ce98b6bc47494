"""Bowel screening pages and API (issue #13 item 6) over FIT results computed by the real pipeline from
generated episodes: the pages render for the public and signed-in users, the public sees controlled
figures, the planner works as a plain GET form, and every table is in the API as JSON and CSV."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cancer_alliance.web.app import create_app

pytestmark = pytest.mark.web

EAST = "E56000009"


@pytest.fixture
def fit_client(fit_home, settings) -> TestClient:
    return TestClient(create_app(settings))


def test_the_index_lists_every_alliance_with_a_map(fit_client):
    page = fit_client.get("/bowel-screening")
    assert page.status_code == 200
    assert page.text.count('class="app-map__link"') == 19
    assert f'href="/bowel-screening/{EAST}"' in page.text


def test_the_alliance_page_shows_metrics_standards_map_funnel_and_trends(fit_client):
    page = fit_client.get(f"/bowel-screening/{EAST}")
    assert page.status_code == 200
    for anchor in ('id="metrics-table"', 'id="standards-table"', 'id="ccg-table"', 'id="uptake-trend"',
                   'id="positivity-trend"', "data-vega-spec", "Uptake, acceptable standard"):  # fmt: skip
        assert anchor in page.text, anchor
    assert page.text.count('class="app-map__link"') >= 3  # the East of England CCGs
    assert "Public figures" in page.text


def test_an_unknown_alliance_is_404(fit_client):
    assert fit_client.get("/bowel-screening/E56999999").status_code == 404
    assert fit_client.get("/api/bowel-screening/alliances/E56999999").status_code == 404


def test_public_counts_are_rounded_and_rates_recomputed(fit_client, signed_in, fit_home):
    public = fit_client.get(f"/api/bowel-screening/alliances/{EAST}").json()["rows"][0]
    assert public["invited"] % 5 == 0
    assert public["uptake"] == pytest.approx(public["screened"] / public["invited"])
    client = signed_in("east")
    exact = client.get(f"/api/bowel-screening/alliances/{EAST}").json()["rows"][0]
    assert abs(exact["invited"] - public["invited"]) <= 2.5
    assert exact["uptake_lower_95"] < exact["uptake"] < exact["uptake_upper_95"]


def test_the_planner_works_as_a_get_form(fit_client):
    page = fit_client.get(f"/bowel-screening/{EAST}/planner?threshold=120&threshold=80&slots=100")
    assert page.status_code == 200
    assert 'name="threshold"' in page.text and 'id="plan-table"' in page.text
    assert "nhse_2026_80" in page.text  # the assumptions are shown
    plan = fit_client.get(f"/api/bowel-screening/alliances/{EAST}/plan?threshold=120&threshold=80").json()[
        "rows"
    ]
    assert [row["threshold"] for row in plan] == [120.0, 80.0]
    assert plan[1]["positive"] >= plan[0]["positive"]
    assert {row["yield_source"] for row in plan} <= {"observed", "assumed:nhse_2026_80"}


def test_the_planner_refuses_a_threshold_it_was_not_prepared_for(fit_client):
    response = fit_client.get(f"/bowel-screening/{EAST}/planner?threshold=55")
    assert response.status_code == 422
    assert fit_client.get(f"/bowel-screening/{EAST}/planner?slots=lots").status_code == 422


def test_demand_by_month_against_slots_as_csv(fit_client):
    response = fit_client.get(
        f"/api/bowel-screening/alliances/{EAST}/demand?threshold=80&slots=50&format=csv"
    )
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert lines[0] == "threshold,month,colonoscopies,slots,shortfall"
    assert len(lines) > 6


def test_every_api_table_downloads_as_csv(fit_client):
    for path in ("alliances", f"alliances/{EAST}", f"alliances/{EAST}/ccgs", f"alliances/{EAST}/months"):
        response = fit_client.get(f"/api/bowel-screening/{path}?format=csv")
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/csv")


def test_the_index_says_when_the_results_lack_bowel_screening(client, web_home):
    """A home computed before FIT was added: the page says so rather than failing."""
    for path in (web_home / "results").glob("fit_*.parquet"):
        path.unlink()
    page = client.get("/bowel-screening")
    assert page.status_code == 200
    assert "No bowel screening results yet" in page.text
