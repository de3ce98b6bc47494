"""Import (issue 6 item 2): an analyst uploads a CWT file, sees the validation summary and downloads
the quarantine; the file goes through the same ingest as `alliance ingest` (design.md, "Ingest"),
and the import and the download are audited. Generated records only."""

from __future__ import annotations

import csv
import io
import re

import pytest
from tests.ingest.conftest import TEST_KEY, record

from cancer_alliance.schemas import schema

pytestmark = pytest.mark.web

COLUMNS = schema("cwt").column_names


def cwt_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


#: Two valid records and one whose NHS number fails the modulus 11 check (NHS Data Dictionary).
FILE = cwt_csv(
    [record(record_id="r1"), record(record_id="r2"), record(record_id="r3", nhs_number="9434765918")]
)


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", TEST_KEY)


def upload(client, content: bytes = FILE, filename: str = "cwt-june.csv"):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/import").text).group(1)
    return client.post(
        "/import", data={"csrf_token": token}, files={"upload": (filename, content, "text/csv")}
    )


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


def test_the_quarantine_names_row_field_and_reason_with_the_nhs_number_masked(signed_in):
    client = signed_in("east")
    link = re.search(r'href="(/import/quarantine/[^"]+)"', upload(client).text).group(1)
    download = client.get(link)
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rows) == 1
    problem = rows[0]
    assert (problem["file"], problem["row_number"], problem["field"]) == ("cwt-june.csv", "3", "nhs_number")
    assert problem["reason"] == "invalid NHS number: fails the modulus 11 check"
    assert problem["nhs_number"] == "masked"
    assert "9434765918" not in download.text


def test_the_same_file_twice_changes_nothing(signed_in):
    client = signed_in("nat")
    upload(client)
    again = upload(client)
    assert summary_rows(again.text)["Already imported"] == "Yes, nothing changed"


def test_a_file_that_is_not_csv_or_parquet_is_refused_with_an_error_summary(signed_in):
    response = upload(signed_in("nat"), b"not a table", "notes.txt")
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Choose a CWT file ending .csv or .parquet" in response.text


def test_a_file_without_the_cwt_columns_is_refused_naming_the_file(signed_in):
    response = upload(signed_in("nat"), b"a,b\n1,2\n", "wrong.csv")
    assert response.status_code == 400
    assert "wrong.csv" in response.text


def test_import_and_download_are_audited_and_others_cannot_download(signed_in, audit_events):
    east = signed_in("east")
    link = re.search(r'href="(/import/quarantine/[^"]+)"', upload(east).text).group(1)
    east.get(link)
    kinds = [(event.action, event.object_type) for event in audit_events()]
    assert ("create", "cwt_import") in kinds
    assert ("export", "quarantine") in kinds
    assert signed_in("rgt").get(link).status_code == 403  # trusts cannot import or download
    assert signed_in("nat").get(link).status_code == 200  # national users may


def test_no_raw_nhs_number_is_left_on_the_server_after_an_upload(signed_in, web_home):
    """The upload is staged, ingested and removed: the lake keeps pseudonyms and the quarantine masks
    (design.md, "Pseudonymise at ingest"). Checked by scanning every byte under ALLIANCE_HOME."""
    upload(signed_in("east"))
    upload(signed_in("nat"), b"a,b\n1,2\n", "wrong.csv")  # refused files are removed too
    for raw in (b"9434765919", b"9434765918"):
        holders = [p for p in web_home.rglob("*") if p.is_file() and raw in p.read_bytes()]
        assert holders == [], f"raw NHS number {raw.decode()} in {holders}"


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
