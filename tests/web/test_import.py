"""Import (issue 6 item 2, issue #19 items 4-5): an analyst uploads a CWT file; a background job ingests
it as `alliance ingest` does (design.md, "Ingest"), under the uploader's import scope (decision record
0025), and refreshes the results; the job's page shows the validation summary, the quarantine reasons
and the outcome; the upload and the download are audited. Generated records only. The jobs run with
the real refresh restricted to its first step (the whole pipeline is the journey test's and
tests/results')."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from functools import partial

import pyarrow.parquet as pq
import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient
from tests.ingest.conftest import TEST_KEY, record
from tests.web.conftest import sign_in

from cancer_alliance.ingest import snapshot_paths
from cancer_alliance.results import pipeline
from cancer_alliance.results.jobs import run_next
from cancer_alliance.results.pipeline import Step
from cancer_alliance.results.reader import Results
from cancer_alliance.results.refresh import refresh
from cancer_alliance.schemas import schema
from cancer_alliance.store import Role
from cancer_alliance.web import create_app
from cancer_alliance.web.app import _refresh_and_read
from cancer_alliance.web.pages.imports import import_scope
from cancer_alliance.web.scope import Viewer

from .conftest import EAST

pytestmark = pytest.mark.web

COLUMNS = schema("cwt").column_names
PROVIDERS = schema("cwt").owner.columns


def at(provider: str, **changes: str) -> dict[str, str]:
    """A valid CWT record whose every provider is `provider` (RGT: East of England; RTX: Lancashire)."""
    return record(**{column: provider for column in PROVIDERS}) | changes


def cwt_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


#: Two valid records and one whose NHS number fails the modulus 11 check (NHS Data Dictionary).
FILE = cwt_csv(
    [at("RGT", record_id="r1"), at("RGT", record_id="r2"), at("RGT", record_id="r3", nhs_number="9434765918")]
)


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", TEST_KEY)
    monkeypatch.setattr(pipeline, "STEPS", pipeline.STEPS[:1])  # cwt_records: real, and quick


def post(client, content: bytes = FILE, filename: str = "cwt-june.csv"):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/import").text).group(1)
    return client.post(
        "/import",
        data={"csrf_token": token},
        files={"upload": (filename, content, "text/csv")},
        follow_redirects=False,
    )


def upload(client, content: bytes = FILE, filename: str = "cwt-june.csv"):
    """Upload, let the job runner run the queued jobs, and return the job's page."""
    response = post(client, content, filename)
    if response.status_code != 303:
        return response
    while run_next(client.app.state.context.store, refresh) is not None:
        pass
    return client.get(response.headers["location"])


def summary_rows(html: str) -> dict[str, str]:
    key = r'<dt class="nhsuk-summary-list__key"\s*>\s*(.*?)\s*</dt>'
    value = r'<dd class="nhsuk-summary-list__value"\s*>\s*(.*?)\s*</dd>'
    pairs = re.findall(key + r"\s*" + value, html, flags=re.S)
    return dict(pairs)


def test_upload_shows_the_validation_summary_and_links_the_quarantine(signed_in):
    response = upload(signed_in("east"))
    assert response.status_code == 200
    assert summary_rows(response.text) == {
        "Rows in the file": "3",
        "Accepted into the lake": "2",
        "Quarantined": "1",
        "Problems found": "1",
        "Already imported": "No",
        "Mapping profile": "canonical (detected from the headers)",
        "Columns not used": "None",
    }
    assert re.search(r'href="/import/quarantine/cwt-[0-9A-Za-z-]+\.csv"', response.text)
    reasons = re.search(
        r'<table class="nhsuk-table" id="quarantine-reasons">(.*?)</table>', response.text, re.S
    )
    assert "invalid NHS number: fails the modulus 11 check" in reasons.group(
        1
    )  # on the page, not only a download
    assert "Imported and refreshed" in response.text


def test_the_upload_returns_at_once_and_the_job_waits_in_the_queue(signed_in):
    client = signed_in("east")
    response = post(client)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert 'id="job-state">Queued' in page.text
    assert '<meta http-equiv="refresh" content="2">' in page.text  # reloads until it finishes
    assert signed_in("nat").get(response.headers["location"]).status_code == 200
    assert signed_in("rgt").get(response.headers["location"]).status_code == 404  # not their upload


def test_a_failed_refresh_says_which_step_and_that_the_previous_results_serve(signed_in, monkeypatch):
    def broken(_ctx) -> None:
        raise RuntimeError("the PTL step broke")

    monkeypatch.setattr(pipeline, "STEPS", (Step("cwt_records", "cwt", broken),))
    page = upload(signed_in("east"))
    assert 'id="job-state">Failed' in page.text
    assert "the results refresh failed at step cwt_records: RuntimeError: the PTL step broke" in page.text
    assert "The pages still show the previous results." in page.text
    assert summary_rows(page.text)["Accepted into the lake"] == "2"
    form = signed_in("nat").get("/import").text  # the last run, wherever data is brought in
    assert "<strong>failed</strong> at step cwt_records: RuntimeError: the PTL step broke" in form


def test_a_refresh_this_server_cannot_read_is_not_said_to_be_on_the_pages(signed_in, monkeypatch):
    client = signed_in("east")
    results = client.app.state.context.results

    def unreadable(self) -> None:
        raise OSError("Input/output error")  # a disk that fails while the new generation is read

    response = post(client)
    monkeypatch.setattr(Results, "warm", unreadable)
    while run_next(client.app.state.context.store, partial(_refresh_and_read, results)) is not None:
        pass
    page = client.get(response.headers["location"])
    assert "Imported and refreshed." in page.text
    assert "could not be read by this server, so the pages still show the previous results" in page.text
    assert "The pages now show" not in page.text


def test_a_parquet_upload_is_capped_by_the_row_count_in_its_metadata(settings, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    client = TestClient(create_app(dataclasses.replace(settings, max_upload_rows=2)))
    sign_in(client, "nat")
    path = tmp_path / "three.parquet"
    pq.write_table(pa.table({"record_id": ["r1", "r2", "r3"]}), path)  # a few hundred bytes
    response = post(client, path.read_bytes(), "three.parquet")
    assert response.status_code == 413
    assert "The file has 3 rows; the import page takes at most 2" in response.text
    assert list((settings.home / "uploads").iterdir()) == []


def test_the_same_file_twice_changes_nothing(signed_in):
    client = signed_in("nat")
    upload(client)
    again = upload(client)
    assert summary_rows(again.text)["Already imported"] == "Yes, nothing changed"


def test_a_file_that_is_not_csv_or_parquet_is_refused_with_an_error_summary(signed_in):
    response = upload(signed_in("nat"), b"not a table", "notes.txt")
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Choose a CWT file ending .csv, .parquet or .xml" in response.text


def test_a_file_without_the_cwt_columns_is_refused_naming_the_file(signed_in):
    response = upload(signed_in("nat"), b"a,b\n1,2\n", "wrong.csv")
    assert 'id="job-state">Failed' in response.text
    assert "The file was not imported: wrong.csv" in response.text


def test_import_and_download_are_audited_and_others_cannot_download(signed_in, audit_events):
    east = signed_in("east")
    link = re.search(r'href="(/import/quarantine/[^"]+)"', upload(east).text).group(1)
    east.get(link)
    kinds = [(event.action, event.object_type) for event in audit_events()]
    assert ("create", "cwt_import_job") in kinds
    assert ("export", "quarantine") in kinds
    assert signed_in("rgt").get(link).status_code == 403  # only the importer or a national user
    assert signed_in("nat").get(link).status_code == 200  # national users may


def test_no_raw_nhs_number_is_left_on_the_server_after_an_upload(signed_in, web_home):
    """The upload is staged, ingested and removed: the lake keeps pseudonyms and the quarantine masks
    (design.md, "Pseudonymise at ingest"). Checked by scanning every byte under ALLIANCE_HOME."""
    upload(signed_in("east"))
    upload(signed_in("nat"), b"a,b\n1,2\n", "wrong.csv")  # refused files are removed too
    for raw in (b"9434765919", b"9434765918"):
        holders = [p for p in web_home.rglob("*") if p.is_file() and raw in p.read_bytes()]
        assert holders == [], f"raw NHS number {raw.decode()} in {holders}"


def lake_record_ids() -> dict[str, str]:
    """record_id -> treatment provider of each record's newest row in the lake."""
    rows: dict[str, str] = {}
    for path in snapshot_paths("cwt"):
        rows |= dict(
            zip(
                *pq.read_table(path, columns=["record_id", "provider_treatment"]).to_pydict().values(),
                strict=True,
            )
        )
    return rows


@pytest.mark.parametrize(
    ("user", "accepted"),
    [
        pytest.param("nat", {"e1", "l1", "t1"}, id="national: every row"),
        pytest.param("east", {"e1", "t1"}, id="alliance: its trusts' rows"),
        pytest.param("rgt", {"t1"}, id="trust: its own rows"),
    ],
)
def test_each_role_imports_only_its_organisations_rows(signed_in, user, accepted):
    rows = [at("RGN", record_id="e1"), at("RTX", record_id="l1"), at("RGT", record_id="t1")]
    response = upload(signed_in(user), cwt_csv(rows))
    assert response.status_code == 200
    assert summary_rows(response.text)["Accepted into the lake"] == str(len(accepted))
    assert set(lake_record_ids()) == accepted


def test_an_alliance_upload_of_another_alliances_record_is_quarantined_and_theirs_unchanged(signed_in):
    upload(signed_in("nat"), cwt_csv([at("RTX", record_id="l1")]), "lancashire.csv")
    before = lake_record_ids()
    east = signed_in("east")
    claimed = cwt_csv([at("RGT", record_id="l1"), at("RTX", record_id="l2")])
    response = upload(east, claimed, "east.csv")
    assert summary_rows(response.text)["Quarantined"] == "2"
    problems = list(csv.DictReader(io.StringIO(east.get(quarantine_link(response.text)).text)))
    assert [(p["row_number"], p["field"], p["check"]) for p in problems] == [
        ("1", "record_id", "owned_elsewhere"),
        ("2", "provider_consultant_upgrade", "out_of_scope"),
        ("2", "provider_first_seen", "out_of_scope"),
        ("2", "provider_fds_end", "out_of_scope"),
        ("2", "accountable_investigating_provider", "out_of_scope"),
        ("2", "provider_treatment", "out_of_scope"),
    ]
    assert lake_record_ids() == before == {"l1": "RTX"}


def quarantine_link(html: str) -> str:
    return re.search(r'href="(/import/quarantine/[^"]+)"', html).group(1)


@pytest.mark.parametrize(
    ("role", "code", "expected"),
    [
        (Role.national, None, None),
        (Role.alliance, EAST, f"alliance {EAST}"),
        (Role.trust, "RGT", "trust RGT"),
    ],
)
def test_each_role_gets_its_import_scope(role, code, expected):
    scope = import_scope(Viewer(user_id=1, role=role, organisation_code=code))
    assert (scope.name if scope else None) == expected


@pytest.mark.parametrize(("role", "code"), [(Role.trust, "ZZZ"), (Role.alliance, None)])
def test_an_account_without_a_known_organisation_cannot_import(role, code):
    with pytest.raises(HTTPException) as refused:
        import_scope(Viewer(user_id=1, role=role, organisation_code=code))
    assert refused.value.status_code == 403


def test_a_file_in_the_national_item_names_is_read_through_the_detected_profile(signed_in):
    """Issue 20: the web import detects the mapping profile as `alliance ingest` does."""
    from tests.ingest.test_profiles import national_rows

    rows, header = national_rows([record(record_id="n1")])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*header, "Comment"], lineterminator="\n")
    writer.writeheader()
    writer.writerows([row | {"Comment": "-"} for row in rows])
    summary = summary_rows(upload(signed_in("nat"), buffer.getvalue().encode(), "national.csv").text)
    assert summary["Accepted into the lake"] == "1"
    assert summary["Mapping profile"] == "cwt-national (detected from the headers)"
    assert summary["Columns not used"] == "Comment"
