"""`alliance programme ...` and `alliance report board` (issue 15 items 1, 3 and 4): thin commands, exit
code 2 with the file, row and field on bad input."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from cancer_alliance.cli import app, commands  # noqa: F401  (registers the commands)

from .results import EAST, write_performance

pytestmark = pytest.mark.cli

SECTION_TITLES = [
    "Waiting times: scorecard with SPC",
    "Early diagnosis",
    "Rapid diagnostic pathways",
    "Breast stratified follow-up",
    "Bowel screening (FIT)",
    "Lung health checks",
    "Radiotherapy service specification",
    "Funding-agreement deliverables",
]


def run(*args):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def home(alliance_home, monkeypatch):
    monkeypatch.delenv("ALLIANCE_DATABASE_URL", raising=False)
    write_performance(alliance_home)
    return alliance_home


def add_linked(trajectory="2019-01=0.80; 2019-02=0.82; 2019-03=0.85"):
    return run(
        "programme",
        "add-deliverable",
        "--alliance",
        EAST,
        "--year",
        "2018/19",
        "--title",
        "62-day recovery",
        "--owner",
        "Programme manager",
        "--due",
        "2019-03-31",
        "--funding",
        "250,000",
        "--metric",
        "cwt:62d_usc",
        "--trajectory",
        trajectory,
    )


def test_a_linked_deliverable_gets_its_rag_from_the_results(home):
    assert add_linked().exit_code == 0
    listed = run("programme", "deliverables", "--alliance", EAST, "--month", "2019-03")
    assert listed.exit_code == 0, listed.output
    # March 2019: 83% against a trajectory of 85%: within the 5-point tolerance
    assert "\tamber\t62-day recovery" in listed.output
    february = run("programme", "deliverables", "--alliance", EAST, "--month", "2019-02")
    assert "\tgreen\t" in february.output  # 82% on a trajectory of 82%
    assert add_linked("2019-03=0.90").exit_code == 0
    listed = run("programme", "deliverables", "--alliance", EAST, "--month", "2019-03")
    assert "2\tv1\tred\t" in listed.output  # 83% against 90%: more than 5 points below


def test_bad_options_exit_2_naming_the_field(home):
    result = add_linked(trajectory="2019-1=0.8")
    assert result.exit_code == 2 and "MONTH=TARGET" in result.output
    result = run(
        "programme",
        "add-deliverable",
        "--alliance",
        EAST,
        "--year",
        "2018/19",
        "--title",
        "x",
        "--owner",
        "y",
        "--due",
        "2019-03-31",
    )
    assert result.exit_code == 2 and "manual_rag" in result.output


def test_export_edit_and_import_round_trip_with_history(home, tmp_path):
    assert add_linked().exit_code == 0
    exported = tmp_path / "deliverables.csv"
    assert run("programme", "export", "-o", str(exported)).exit_code == 0
    text = exported.read_text()
    assert text.splitlines()[0].startswith("deliverable_id,version,alliance_code,financial_year,title")
    edited = tmp_path / "edited.csv"
    lines = text.splitlines()
    lines[1] = lines[1].replace("Programme manager", "Clinical director")
    lines.append(f",,{EAST},2018/19,Recruit navigators,Workforce lead,2019-01-31,,,,green,Both posts filled")
    edited.write_text("\n".join(lines) + "\n")
    result = run("programme", "import", str(edited))
    assert result.exit_code == 0, result.output
    assert "1 added, 1 updated, 0 unchanged" in result.output
    history = run("programme", "history", "1")
    assert "owner: 'Programme manager' -> 'Clinical director'" in history.output
    again = run("programme", "import", str(edited).replace("edited", "edited"))  # same file, stale versions
    assert again.exit_code == 2 and "edited.csv row 2, version" in again.output


def test_an_invalid_csv_is_refused_whole_naming_file_row_and_field(home, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "deliverable_id,version,alliance_code,financial_year,title,owner,due_date,funding,metric_key,trajectory,"
        "manual_rag,manual_rag_reason\n"
        f",,{EAST},2018/19,Good row,Lead,2019-01-31,,,,green,Fine\n"
        f",,{EAST},2018/19,Bad date,Lead,31/01/2019,,,,green,Fine\n"
        f",,{EAST},2018/19,Bad metric,Lead,2019-01-31,,cwt:nope,2019-01=0.8,,\n"
        f",,{EAST},2018/19,Bad rag,Lead,2019-01-31,lots,,,purple,\n"
    )
    result = run("programme", "import", str(bad))
    assert result.exit_code == 2
    for expected in (
        "bad.csv row 3, due_date",
        "bad.csv row 4, metric_key",
        "bad.csv row 5, funding",
        "bad.csv row 5, manual_rag",
    ):
        assert expected in result.output.replace("\n", " ")
    listed = run("programme", "deliverables", "--alliance", EAST, "--month", "2019-01")
    assert "Good row" not in listed.output  # all or nothing


def write_domain_results(home) -> None:
    """The domains' own test results (as the web test home) and breast follow-up records for an East
    of England trust, so every page of the pack has data."""
    from tests.fit.web_results import write_fit_results
    from tests.lung.web_results import write_lung_results
    from tests.pathways.web_results import write_pathway_results
    from tests.programme.test_board_sections import add_patients
    from tests.radiotherapy.web_results import write_radiotherapy_results

    from cancer_alliance.store import database_url, open_store

    scratch = home / "pathway-scratch"  # the pathway helper joins onto a PTL: an empty one, set aside
    scratch.mkdir()
    pd.DataFrame({"record_id": pd.Series(dtype=str)}).to_parquet(scratch / "ptl.parquet")
    write_pathway_results(scratch)
    for path in scratch.glob("pathway_*.parquet"):
        shutil.move(path, home / "results" / path.name)
    write_fit_results(home / "results")
    write_lung_results(home)
    write_radiotherapy_results(home / "results")
    store = open_store(database_url())
    try:
        add_patients(store, "RGT", EAST, 20, 10)
    finally:
        store.close()


def test_the_board_pack_pdf_names_the_alliance_the_month_and_every_section(home, tmp_path):
    assert add_linked().exit_code == 0
    write_domain_results(home)
    output = tmp_path / "pack.pdf"
    result = run("report", "board", "--alliance", EAST, "--month", "2019-03", "-o", str(output))
    assert result.exit_code == 0, result.output
    reader = PdfReader(str(output))
    pages = [page.extract_text() for page in reader.pages]
    text = " ".join(" ".join(pages).split())
    assert "East of England" in text and "March 2019" in text
    for title in SECTION_TITLES:
        assert title in text
    assert len(pages) >= 1 + len(SECTION_TITLES)  # a cover, then a page per priority
    # the deliverable reads the published 62-day figure (83 of 100 published as 85 of 100), as the
    # waiting-times page does: never the exact 83.0% beside a published 85.0% (issue 22)
    assert "62-day recovery" in text and "85.0% against 85.0% in 2019-03 Green" in text
    assert "83.0%" not in text
    assert all(
        abs(page.mediabox.width - 595.3) < 1 and abs(page.mediabox.height - 841.9) < 1
        for page in reader.pages
    )
    assert "No data for this priority yet" not in text  # every page is filled
    for filled in (
        "Timed pathways: milestones met within target",  # pathways
        "Supported self-management",  # follow-up
        "Uptake (screened of invited)",  # FIT
        "Attended a lung health check",  # lung health checks
        "Radiotherapy service specification, East of England",  # radiotherapy
    ):
        assert filled in text


def test_the_board_pack_html_and_bad_arguments(home, tmp_path):
    output = tmp_path / "pack.html"
    assert run("report", "board", "--alliance", EAST, "--month", "2019-03", "-o", str(output)).exit_code == 0
    assert "Board pack: East of England, March 2019" in output.read_text()
    assert run("report", "board", "--alliance", "E99", "--month", "2019-03", "-o", str(output)).exit_code == 2
    assert run("report", "board", "--alliance", EAST, "--month", "March", "-o", str(output)).exit_code == 2
    assert run("report", "board", "--alliance", EAST, "--month", "2019-03", "-o", "pack.doc").exit_code == 2


def test_a_board_pack_for_a_month_without_results_exits_2_with_the_reason(home, tmp_path):
    result = run("report", "board", "--alliance", EAST, "--month", "2030-01", "-o", str(tmp_path / "p.html"))
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "no data for 2030-01" in output and "2018-04 to 2019-03" in output
    assert not (tmp_path / "p.html").exists()


def test_case_studies_are_added_submitted_published_and_found(home):
    added = run(
        "programme",
        "add-case-study",
        "--alliance",
        EAST,
        "--title",
        "Straight-to-test lung",
        "--summary",
        "Same-day CT",
        "--intervention",
        "CT booked at triage",
        "--priority",
        "pathways",
        "--submit",
    )
    assert added.exit_code == 0 and "(submitted)" in added.output, added.output
    study_id = added.output.split()[2]
    assert "is published" in run("programme", "publish", study_id).output
    found = run("programme", "case-studies", "--search", "straight lung")
    assert f"{study_id}\tpublished\t{EAST}\tStraight-to-test lung" in found.output
    bad = run(
        "programme",
        "add-case-study",
        "--alliance",
        EAST,
        "--title",
        "x",
        "--summary",
        "y",
        "--intervention",
        "z",
        "--priority",
        "nonsense",
    )
    assert bad.exit_code == 2 and "priorities" in bad.output
