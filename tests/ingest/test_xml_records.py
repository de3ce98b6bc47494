"""The national CWT XML bulk-upload format (issue 20; docs/decisions/0050): records read as a stream
through the `cwt-national` profile's `[xml]` setting give the same accepted rows as the same records
under the item names in CSV; a record that gives a field twice is quarantined by record number and
field; a DTD or entity, malformed XML or a wrong record element refuse the file with the reason."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pyarrow.parquet as pq
import pytest

from cancer_alliance.errors import InputError
from cancer_alliance.ingest import ingest_file, xml_records
from cancer_alliance.ingest.profiles import load_profile
from cancer_alliance.ingest.validate import validate_file
from cancer_alliance.ingest.xml_records import element_key

from .conftest import read_quarantine
from .test_profiles import ROWS, national_rows, write

RECORD = load_profile("cwt-national").xml_record
#: Data set groups (NHS Data Dictionary, National Cancer Waiting Times Monitoring Data Set): structure only.
GROUPS = ("PatientAndPathwayIdentification", "OutpatientServices", "CancerTreatment")


def camel(item: str) -> str:
    """An item name as an element name: `DATE FIRST SEEN` -> `DateFirstSeen`."""
    return "".join(word.capitalize() for word in re.split(r"[^0-9A-Za-z]+", item) if word)


def national_xml(path: Path, rows: list[dict[str, str]], *, namespace: str = "", extra: str = "") -> Path:
    """`rows` (item names -> values) as an upload file: one record element per row, fields spread over
    group elements, blank values left out, codes as a `code` attribute every other field."""
    ns = f' xmlns="{namespace}"' if namespace else ""
    parts = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<CancerWaitingTimes{ns}>',
        f"<Header><Count>{len(rows)}</Count></Header>",
    ]
    for row in rows:
        fields = [(camel(k), v) for k, v in row.items() if v]
        groups = [fields[i :: len(GROUPS)] for i in range(len(GROUPS))]
        body = "".join(
            f"<{group}>"
            + "".join(
                f"<{name} code={quoteattr(value)}/>" if i % 2 else f"<{name}>{escape(value)}</{name}>"
                for i, (name, value) in enumerate(found)
            )
            + f"</{group}>"
            for group, found in zip(GROUPS, groups, strict=True)
        )
        parts.append(f"<{RECORD}>{body}{extra}</{RECORD}>")
    parts.append("</CancerWaitingTimes>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def accepted_rows(path: Path, tmp_path: Path, **options: str) -> list[dict]:
    out = tmp_path / f"{path.stem}.parquet"
    validated = validate_file("cwt", path, out, **options)
    assert validated.accepted + validated.rejected_rows == validated.rows_in
    return sorted(pq.read_table(out).to_pylist(), key=lambda row: row["record_id"])


def test_element_names_match_item_names_by_letters_and_digits():
    assert element_key("ORGANISATION SITE IDENTIFIER (OF TREATMENT)") == element_key(
        "OrganisationSiteIdentifierOfTreatment"
    )
    assert element_key("TREATMENT START DATE (CANCER)") == element_key("TreatmentStartDateCancer")


@pytest.mark.parametrize("namespace", ["", "http://example.org/cwt"])
def test_an_upload_file_gives_the_rows_of_the_same_records_in_csv(home, tmp_path, namespace):
    rows, header = national_rows(ROWS)
    csv_rows = accepted_rows(write(tmp_path / "national.csv", rows, header), tmp_path)
    xml = national_xml(tmp_path / "national.xml", rows, namespace=namespace)
    assert accepted_rows(xml, tmp_path) == csv_rows  # record ids too: they are built from the same items
    summary = ingest_file("cwt", xml)
    assert (summary.profile, summary.profile_detected) == ("cwt-national", True)
    assert (summary.rows_in, summary.accepted, summary.quarantined) == (4, 3, 1)  # ZZ, as in CSV


def test_a_field_given_twice_quarantines_its_record_by_number_and_field(home, tmp_path):
    rows, _ = national_rows(ROWS[:3])
    xml = national_xml(tmp_path / "twice.xml", rows)
    text = xml.read_text(encoding="utf-8").replace(
        f"</{RECORD}>", "<DateFirstSeen>2019-06-11</DateFirstSeen></" + RECORD + ">", 1
    )
    xml.write_text(text, encoding="utf-8")
    summary = ingest_file("cwt", xml)
    assert (summary.rows_in, summary.accepted, summary.quarantined) == (3, 2, 1)
    [problem] = read_quarantine(summary.quarantine_path)
    assert (problem["file"], problem["row_number"], problem["field"], problem["check"]) == (
        str(xml),
        "1",
        "DateFirstSeen",
        "repeated_element",
    )
    assert "2019-06-11" not in problem["reason"]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<r><CancerWaitingTimesRecord><DateFirstSeen>&b;</DateFirstSeen></CancerWaitingTimesRecord></r>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<r><CancerWaitingTimesRecord><DateFirstSeen>&x;</DateFirstSeen></CancerWaitingTimesRecord></r>"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BILLION_LAUGHS, "line 2 declares a document type or entity"),
        (EXTERNAL, "line 2 declares a document type or entity"),
        ("<r><CancerWaitingTimesRecord><DateFirstSeen>x</r>", "line 1 is not well-formed XML"),
        (
            "<r><Submission><A>1</A></Submission></r>",
            "no <CancerWaitingTimesRecord> records .* the root holds <Submission>",
        ),
        ("", "is not well-formed XML"),
    ],
)
def test_unsafe_or_malformed_files_are_refused_with_the_reason(home, tmp_path, text, message):
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        ingest_file("cwt", path)


def test_the_record_element_is_a_setting_of_the_profile(home, tmp_path):
    rows, _ = national_rows(ROWS[:1])
    xml = national_xml(tmp_path / "other.xml", rows).read_text(encoding="utf-8")
    path = tmp_path / "renamed.xml"
    path.write_text(xml.replace(RECORD, "Pathway"), encoding="utf-8")
    national = resources.files("cancer_alliance.ingest.profiles").joinpath("cwt-national.toml")
    own = tmp_path / "mine.toml"
    own.write_text(
        national.read_text(encoding="utf-8").replace(f'record = "{RECORD}"', 'record = "Pathway"'),
        encoding="utf-8",
    )
    assert len(accepted_rows(path, tmp_path, profile=str(own))) == 1


def test_records_read_in_batches_keep_fields_that_appear_late(tmp_path, monkeypatch):
    monkeypatch.setattr(xml_records, "_BATCH", 2)
    records = "".join(f"<R><A>{i}</A>{'<B>late</B>' if i == 4 else ''}</R>" for i in range(1, 6))
    path = tmp_path / "late.xml"
    path.write_text(f"<root>{records}</root>", encoding="utf-8")
    found = xml_records.read(path, "R")
    assert found.data.to_pydict() == {"A": ["1", "2", "3", "4", "5"], "B": [None, None, None, "late", None]}
    assert found.problems == [None] * 5


@pytest.mark.cli
def test_cwt_evaluate_reads_an_upload_file_as_it_reads_the_same_records_in_csv(home, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cancer_alliance.cli import app, commands  # noqa: F401  (registers the commands)

    monkeypatch.chdir(tmp_path)
    rows, header = national_rows(ROWS)
    write(tmp_path / "national.csv", rows, header)
    national_xml(tmp_path / "national.xml", rows)
    for name in ("national.csv", "national.xml"):  # a relative name, as typed
        result = CliRunner().invoke(app, ["cwt", "evaluate", name, "-o", f"{name}.facts.csv"])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "national.xml.facts.csv").read_bytes() == (
        tmp_path / "national.csv.facts.csv"
    ).read_bytes()
