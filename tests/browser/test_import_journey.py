"""Issue #19 "Done when", in Chromium: an alliance analyst uploads a CSV holding a new pathway already past
day 62 at one of the alliance's trusts; the background job ingests it and refreshes the results; the PTL
lists the pathway, the trust's scorecard counts it and every page shows the new as-of date. A second upload
whose refresh is made to fail leaves the first results serving and the job's page says why. These tests
run their own server and home: the refreshes replace the results the other journeys read."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import serve
from tests.browser.journeys import check_page, follow_priority_link, saved_download, sign_in
from tests.ingest.conftest import record, write_csv
from tests.web.conftest import build_home

from cancer_alliance.results import pipeline
from cancer_alliance.results.pipeline import Step

pytestmark = pytest.mark.browser

#: The whole pipeline runs in the job (CWT only in the lake: the other domains come out empty).
REFRESH_TIMEOUT_MS = 600_000
#: Referred on 15 January 2019, no treatment yet; its faster diagnosis clock stopped on 2 April 2019, the
#: newest date in the lake, so the refresh is as of 2 April 2019: 77 days waited, past day 62.
#: Every provider column of a record at RGT, an East of England trust: within the analyst's import scope.
EAST_TRUST = {
    column: "RGT"
    for column in (
        "provider_first_seen",
        "provider_fds_end",
        "accountable_investigating_provider",
        "provider_treatment",
    )
}

PAST_62 = record(
    record_id="J62",
    referral_received_date="2019-01-15",
    date_first_seen="2019-01-20",
    provider_first_seen="RGT",
    fds_end_date="2019-04-02",
    provider_fds_end="RGT",
    accountable_investigating_provider="RGT",
    decision_to_treat_date="",
    treatment_start_date="",
    provider_treatment="",
    treatment_event_type="",
    treatment_modality="",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of its own, on a home with the web tests' users and an empty lake."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALLIANCE_PSEUDONYM_KEY", "journey-pseudonym-key-" + "0123456789abcdef" * 2)
        with serve(build_home(tmp_path_factory.mktemp("import-journey") / "home")) as url:
            yield url


def _upload(page, path) -> None:
    page.goto("/import")
    page.get_by_label("CWT file").set_input_files(str(path))
    page.locator("#import").click()
    expect(page).to_have_url(re.compile(r"/import/jobs/\d+$"))


def test_an_upload_past_day_62_reaches_the_ptl_and_the_scorecard_and_a_failed_refresh_changes_nothing(
    page, tmp_path, monkeypatch
):
    sign_in(page, "east")
    _upload(page, write_csv(tmp_path / "april-cwt.csv", [PAST_62]))
    expect(page.locator("#job-state")).to_contain_text("Finished", timeout=REFRESH_TIMEOUT_MS)
    expect(page.locator("#job-message")).to_contain_text("The pages now show data as of 2 April 2019")
    expect(page.locator("#data-status")).to_contain_text("Data as of 2 April 2019, refreshed")
    check_page(page, "import-job-finished")

    page.goto("/ptl")
    expect(page.locator("#ptl-table tbody a")).to_have_text(["J62"])
    expect(page.locator("#ptl-backlog")).to_contain_text("Waiting over 62 days")
    page.goto("/trusts/RGT")
    two_week_wait = page.locator(
        "#scorecard-table tbody tr", has_text="Two Week Wait From GP Urgent Referral"
    )
    # its first appointment, January 2019 (the cell carries its column's name for the phone layout)
    expect(two_week_wait.locator("td").nth(1)).to_have_text("Patients 1")
    expect(page.locator("#data-status")).to_contain_text("Data as of 2 April 2019")

    def broken(_ctx) -> None:
        raise RuntimeError("the PTL could not be written")

    monkeypatch.setattr(
        pipeline, "STEPS", (Step("ptl", "cwt", broken, ("cwt",)),)
    )  # the server is in-process
    later = record(**{**PAST_62, "record_id": "J63", "fds_end_date": "2019-04-05"})
    _upload(page, write_csv(tmp_path / "april-cwt-2.csv", [later]))
    expect(page.locator("#job-state")).to_contain_text("Failed", timeout=REFRESH_TIMEOUT_MS)
    expect(page.locator("#job-message")).to_contain_text(
        "the results refresh failed at step ptl: RuntimeError: the PTL could not be written"
    )
    expect(page.locator("#job-message")).to_contain_text("The pages still show the previous results.")
    check_page(page, "import-job-failed")
    page.goto("/ptl")
    expect(page.locator("#ptl-table tbody a")).to_have_text(["J62"])  # the first results still serve
    expect(page.locator("#data-status")).to_contain_text("Data as of 2 April 2019")


def test_an_analyst_sees_the_quarantine_reasons_and_downloads_them(page, tmp_path):
    upload = write_csv(
        tmp_path / "june-cwt.csv",
        [record(record_id="b1", **EAST_TRUST), record(record_id="b2", nhs_number="9434765918", **EAST_TRUST)],
    )  # b2 fails the modulus 11 check; both at one of the East of England analyst's own trusts
    sign_in(page, "east")
    follow_priority_link(page, "Import a file")
    page.get_by_label("CWT file").set_input_files(str(upload))
    page.locator("#import").click()
    expect(page.locator("#import-job")).to_have_text("Import of june-cwt.csv")
    expect(page.locator("#import-summary")).to_be_visible(timeout=REFRESH_TIMEOUT_MS)
    values = [text.strip() for text in page.locator(".nhsuk-summary-list__value").all_inner_texts()]
    assert values[:4] == ["2", "1", "1", "1"]  # rows, accepted, quarantined, problems
    expect(page.locator("#quarantine-reasons")).to_contain_text(
        "invalid NHS number: fails the modulus 11 check"
    )
    expect(page.locator("#job-state")).not_to_contain_text("Running", timeout=REFRESH_TIMEOUT_MS)
    check_page(page, "import-summary")
    with page.expect_download() as download:
        page.locator("#quarantine-link").click()
    lines = saved_download(download.value, tmp_path).splitlines()
    assert lines[0].startswith("file,row_number,field,check,reason")
    assert lines[1].startswith("june-cwt.csv,2,nhs_number,invalid_nhs_number,")
    assert "9434765918" not in "\n".join(lines)
