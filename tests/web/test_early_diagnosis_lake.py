"""Early diagnosis from the lake on the alliance and trust pages (issue 19, item 7): the stage 1-2 and
emergency presentation shares computed from the platform's registrations (`early_diagnosis.results_files`)
sit beside the published NDRS figures, each labelled with its source, so the alliance page no longer says
only "Not in the NDRS stage file" for emergency presentation. The public sees counts under disclosure
control with the shares recomputed from them. Generated registrations only."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from cancer_alliance.early_diagnosis.results_files import RESULTS, write_results
from cancer_alliance.engine import open_engine
from cancer_alliance.results import catalogue
from cancer_alliance.schemas import schema

from .conftest import EAST

pytestmark = pytest.mark.web

#: 40 registrations at RGT (East of England): 20 at stage 1 and 10 at stage 3 of 30 staged, 10 with
#: stage missing; 8 emergency presentations of 40 with a known route.
STAGES = ["1"] * 20 + ["3"] * 10 + ["missing"] * 10
ROUTES = ["emergency_presentation"] * 8 + ["two_week_wait"] * 32


def registrations() -> list[dict]:
    return [
        {
            "tumour_id": f"t{i}",
            "nhs_number": f"p{i}",
            "diagnosis_date": dt.date(2018, 4, 2) + dt.timedelta(days=i * 9),
            "icd10": "C50.9",
            "cancer_site": "breast",
            "stage": stage,
            "route_to_diagnosis": route,
            "sex": "F",
            "age_at_diagnosis": 60,
            "ccg_code": "E38000026",
            "trust_code": "RGT",
            "alliance_code": EAST,
        }
        for i, (stage, route) in enumerate(zip(STAGES, ROUTES, strict=True))
    ]


@pytest.fixture
def lake_results(web_home):
    engine = open_engine("duckdb")
    write_results(engine.frame(schema("tumour_registration"), registrations()), web_home / "results")


def section(text: str) -> str:
    found = re.search(r'<h2 id="early-diagnosis-lake">(.*?)</dl>', html.unescape(text), re.S)
    assert found, "no early diagnosis section from the lake"
    return re.sub(r"<[^>]+>", "", found.group(1))


@pytest.mark.usefixtures("lake_results")
@pytest.mark.parametrize("path", [f"/alliances/{EAST}", "/trusts/RGT"])
def test_the_page_shows_both_shares_from_the_lake_labelled_with_their_source(signed_in, path):
    text = section(signed_in("nat").get(path).text)
    assert "Source: tumour registrations imported into this platform (40 registrations" in text
    assert "diagnosed 2 April 2018 to 19 March 2019" in text
    assert "66.7% (20 of 30 staged cancers; 95% interval" in text
    assert "20.0% (8 of 40 cancers with a known route to diagnosis; 95% interval" in text


@pytest.mark.usefixtures("lake_results")
def test_the_ndrs_emergency_row_points_to_the_lake_figure(signed_in):
    page = html.unescape(signed_in("nat").get(f"/alliances/{EAST}").text)
    row = re.search(r"Emergency presentation</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S).group(1)
    assert "20.0% from the tumour registrations imported into this platform" in row


@pytest.mark.usefixtures("lake_results")
def test_the_public_sees_rounded_counts_and_shares_recomputed_from_them(client):
    text = section(client.get("/trusts/RGT").text)
    # 8 emergency presentations round to 10 (disclosure control: multiples of 5), so 10 of 40.
    assert "25.0% (10 of 40 cancers with a known route to diagnosis" in text
    assert "rounded to the nearest 5" in text


def test_without_lake_results_the_page_says_only_what_ndrs_has(signed_in, web_home):
    assert not catalogue.path(web_home / "results", RESULTS["alliance"]).exists()
    page = signed_in("nat").get(f"/alliances/{EAST}").text
    assert 'id="early-diagnosis-lake"' not in page
    assert "Not in the NDRS stage file (it has no route to diagnosis)</dd>" in html.unescape(page)
