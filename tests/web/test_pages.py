"""Every page renders for the public and for signed-in users, with its table and CSV twin."""

from __future__ import annotations

import csv
import io

import pytest
from tests.web.conftest import EAST

LANCASHIRE = "E56000018"  # reported by NDRS: the alliance page has its early diagnosis section

pytestmark = pytest.mark.web

PUBLIC_PAGES = [
    "/",
    "/?metric=2ww",
    "/?metric=early_stage",
    f"/alliances/{EAST}",
    f"/alliances/{LANCASHIRE}",
    "/trusts/RGT",
    "/performance",
    "/about",
    "/login",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_render_in_english_with_no_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en-GB">' in html
    assert "<script>" not in html and "<script " not in html.replace(
        '<script type="module" src=', ""
    ).replace("<script src=", "")
    assert "https://" not in html.split("<body", 1)[0], "head must load nothing from outside"


def test_home_draws_all_19_alliances_as_links_with_the_same_figures_in_the_table(client):
    html = client.get("/").text
    assert html.count('class="app-map__link"') == 19
    assert html.count('<a href="/alliances/E5') >= 19
    assert "East of England" in html


def test_alliance_page_has_scorecard_trend_chart_and_ranked_trusts(signed_in):
    html = signed_in("nat").get(f"/alliances/{EAST}").text
    for anchor in ('id="scorecard-table"', 'id="trend-table"', 'id="trusts-table"', "data-vega-spec="):
        assert anchor in html
    # lowest first among the trusts with enough patients; RGN (80%, 5 patients a month) is listed after
    # them under the small-number rule (decision 0043)
    assert html.index("/trusts/RGT") < html.index("/trusts/RGN")
    assert "not ranked" in html


def test_unknown_alliance_is_404(client):
    assert client.get("/alliances/E99999999").status_code == 404


def test_explorer_filters_by_provider_and_downloads_the_same_rows_as_csv(signed_in):
    client = signed_in("nat")
    page = client.get("/performance", params={"standard": "62d_usc", "provider": "RGN"}).text
    assert "March 2019" in page
    response = client.get(
        "/api/performance", params={"standard": "62d_usc", "provider": "RGN", "format": "csv"}
    )
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["reporting_month"] for row in rows] == ["2019-01", "2019-02", "2019-03"]
    assert {row["total"] for row in rows} == {"5.0"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/alliances",
        "/api/alliances?metric=early_stage",
        f"/api/alliances/{EAST}/scorecard",
        f"/api/alliances/{EAST}/trend",
        f"/api/alliances/{EAST}/trusts",
        f"/api/alliances/{LANCASHIRE}/early-diagnosis",
        f"/api/alliances/{LANCASHIRE}/early-diagnosis/ambitions",
        f"/api/alliances/{EAST}/early-diagnosis",  # successor figures (NDRS East of England)
        "/api/alliances/E57000002/early-diagnosis",  # two successors, counts summed
        "/api/trusts/RGT/scorecard",
        "/api/trusts/RGT/trend",
        "/api/performance",
    ],
)
def test_every_aggregate_table_has_json_and_csv(client, path):
    assert client.get(path).json()["rows"]
    response = client.get(path, params={"format": "csv"})
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert len(response.text.strip().splitlines()) >= 2


def test_missing_results_give_a_503_page_not_a_crash(client, web_home):
    (web_home / "results" / "performance_month_alliance.parquet").unlink()
    response = client.get("/")
    assert response.status_code == 503
    assert "alliance results refresh" in response.text


def test_about_explains_every_metric_the_pages_show(client):
    """Issue 6 item 2, "About: what each metric means and its source": every standard of every
    framework with its threshold and source, the SPC icons, the early-diagnosis ambitions and the PTL
    terms. Sources read in words, without working notes (issue 23: `source_in_words`)."""
    from markupsafe import escape  # as Jinja escapes

    from cancer_alliance import reference
    from cancer_alliance.early_diagnosis.definitions import ambitions
    from cancer_alliance.stats.icons import ICON_LABELS
    from cancer_alliance.web.presenters.sources import source_in_words

    page = client.get("/about").text
    for standard in reference.standards():
        assert str(escape(standard.title)) in page
        assert str(escape(source_in_words(standard.source))) in page
    assert page.count('class="app-spc-icon"') == len(ICON_LABELS)
    for label in ICON_LABELS.values():
        assert label in page
    for ambition in ambitions():
        assert str(escape(source_in_words(ambition.source))) in page
    for term in ("62-day backlog", "104 days or more", "Passed day 28, 62 or 104 in the last 7 days"):
        assert term in page
