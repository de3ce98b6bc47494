"""Every CSV export route writes through the formula-safe writer (issue 21 item 4): a value typed or
imported as `=...` comes back as text in the deliverables CSV, the case-study CSV, quarantine
downloads, the PTL CSV and the API's `?format=csv`."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from tests.programme.results import write_performance
from tests.programme.test_web import DELIVERABLE, add_deliverable, post

from cancer_alliance.csv_export import FORMULA_STARTS

pytestmark = pytest.mark.web

FORMULA = '=HYPERLINK("http://evil.example","x")'


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def is_number(cell: str) -> bool:
    """A number the writer wrote as it is (e.g. -11 days to a breach already passed): not a formula."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def assert_safe(text: str) -> None:
    assert "'" + FORMULA in cells(text)
    assert not [cell for cell in cells(text) if cell.startswith(FORMULA_STARTS) and not is_number(cell)]


@pytest.fixture
def home(web_home):
    write_performance(web_home)
    return web_home


@pytest.mark.parametrize(
    "path", ["/programme/deliverables.csv", "/api/programme/deliverables?month=2019-03&format=csv"]
)
def test_deliverables_csv(home, signed_in, path):
    east = signed_in("east")
    add_deliverable(east, {**DELIVERABLE, "title": FORMULA, "owner": "@owner"})
    assert_safe(east.get(path).text)


def test_case_study_csv(home, signed_in, client):
    east = signed_in("east")
    study = {
        "title": FORMULA,
        "summary": "+ Same-day CT",
        "intervention": "Radiology books CT at referral triage.",
        "priorities": ["pathways"],
        "metric_key": "cwt:62d_usc",
        "change_month": "2018-10",
    }
    created = post(east, "/library", study, "/library/new")
    assert created.status_code == 303, created.text
    path = created.headers["location"].split("?")[0]
    assert post(east, f"{path}/submit", {}, path).status_code == 303
    assert post(signed_in("nat"), f"{path}/moderate", {"decision": "publish"}, path).status_code == 303
    assert_safe(client.get("/api/library?format=csv").text)


def test_quarantine_download(web_home, signed_in):
    folder = web_home / "quarantine"
    folder.mkdir(exist_ok=True)
    with (folder / "cwt-abc123.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([["row_number", "record_id", "reason"], [2, FORMULA, "bad date"]])
    response = signed_in("nat").get("/import/quarantine/cwt-abc123.csv")
    assert response.status_code == 200
    assert_safe(response.text)


@pytest.mark.parametrize("path", ["/ptl.csv", "/api/ptl?format=csv"])
def test_ptl_csv(web_home, signed_in, path):
    ptl = web_home / "results" / "ptl.parquet"
    frame = pd.read_parquet(ptl)
    frame.loc[frame["record_id"] == "P-RGT-1", "tumour_type"] = FORMULA
    frame.to_parquet(ptl, index=False)
    assert_safe(signed_in("nat").get(path).text)
