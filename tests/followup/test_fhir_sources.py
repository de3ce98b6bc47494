"""FHIR R4 sources (issue 20, item 6): literal references to Patient, Organization and ServiceRequest
entries of the same bundle resolved; a folder of search-result pages read as one set in the order
of its `next` links; bulk-export NDJSON; malformed or deeply nested JSON a clear InputError."""

from __future__ import annotations

import json

import pytest

from cancer_alliance.errors import InputError
from cancer_alliance.followup.fhir import NHS_NUMBER, ODS_CODE, bundle_rows

from .test_fhir import interpretation, report

PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "identifier": [{"system": NHS_NUMBER, "value": "9434765919"}],
}
TRUST = {"resourceType": "Organization", "id": "o1", "identifier": [{"system": ODS_CODE, "value": "RGT"}]}
REQUEST = {"resourceType": "ServiceRequest", "id": "s1", "identifier": [{"value": "EP1"}]}
EXPECTED = {
    "result_id": "R-d",
    "episode_id": "EP1",
    "nhs_number": "9434765919",
    "trust_code": "RGT",
    "test_type": "mammogram",
    "test_date": "2019-03-21",
    "result": "abnormal",
    "reported_date": "2019-03-22",
}


def referencing(key: str = "d", patient: str = "Patient/p1") -> dict:
    """A report whose subject, performer and basedOn are literal references, not identifiers."""
    return report(
        key,
        conclusionCode=interpretation("A"),
        subject={"reference": patient},
        performer=[{"reference": "urn:uuid:trust"}],
        basedOn=[{"reference": "ServiceRequest/s1"}],
    )


def bundle(*entries: dict, links: dict[str, str] | None = None) -> dict:
    found = {"resourceType": "Bundle", "type": "searchset", "entry": list(entries)}
    if links:
        found["link"] = [{"relation": relation, "url": url} for relation, url in links.items()]
    return found


def test_literal_references_within_a_bundle_are_resolved(tmp_path):
    path = tmp_path / "bundle.json"
    entries = [
        {"resource": referencing()},
        {"fullUrl": "urn:uuid:trust", "resource": TRUST},
        {"resource": PATIENT},
        {"resource": REQUEST},
    ]
    path.write_text(json.dumps(bundle(*entries)))
    assert bundle_rows(path) == ([EXPECTED], 0)


def test_a_reference_to_a_resource_outside_the_bundle_leaves_the_field_blank(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(
        json.dumps(bundle({"resource": referencing(patient="Patient/elsewhere")}, {"resource": TRUST}))
    )
    [row], _ = bundle_rows(path)
    assert row["nhs_number"] == ""  # the ingest then quarantines the row for its missing NHS number


def test_search_result_pages_are_read_as_one_set_in_next_link_order(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    first = bundle(
        {"resource": referencing("d")}, {"resource": PATIENT}, links={"self": "p?page=1", "next": "p?page=2"}
    )
    second = bundle(
        {"resource": referencing("e")},
        {"fullUrl": "urn:uuid:trust", "resource": TRUST},
        {"resource": REQUEST},
        links={"self": "p?page=2"},
    )
    (folder / "a-last.json").write_text(json.dumps(second))
    (folder / "b-first.json").write_text(json.dumps(first))
    rows, _ = bundle_rows(folder)
    assert rows == [EXPECTED, EXPECTED | {"result_id": "R-e"}]  # references resolve across pages


def test_a_page_set_missing_a_linked_page_is_refused(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "one.json").write_text(json.dumps(bundle(links={"self": "p?page=1", "next": "p?page=2"})))
    with pytest.raises(InputError, match="a next page that is not in the folder: p\\?page=2"):
        bundle_rows(folder)


def test_bulk_export_ndjson_is_read_one_resource_per_line(tmp_path):
    path = tmp_path / "export.ndjson"
    resources = [referencing(), PATIENT, REQUEST, TRUST | {"id": "o1"}]
    resources[0]["performer"] = [{"reference": "Organization/o1"}]
    path.write_text("\n".join(json.dumps(r) for r in resources) + "\n\n")
    assert bundle_rows(path) == ([EXPECTED], 0)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.ndjson", '{"resourceType": "Patient"}\n{"resourceType": ', "bad.ndjson line 2: not JSON"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("broken.json", '{"resourceType": "Bundle", }', "broken.json: not JSON"),
    ],
)
def test_malformed_or_deep_json_is_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        bundle_rows(path)
