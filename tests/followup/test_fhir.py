"""FHIR R4 results (issue 11, item 3: "FHIR R4 DiagnosticReport/Observation bundles"): each bundle
shape read into `breast_followup_test_result` rows by the DERIVED mapping of `followup/fhir.py`
(v3 ObservationInterpretation: N normal; A, AA, H, HH, L, LL abnormal; no interpretation and status
registered, partial or preliminary: awaiting)."""

from __future__ import annotations

import json

import pytest

from cancer_alliance.errors import InputError
from cancer_alliance.followup.fhir import (
    INTERPRETATION,
    MAMMOGRAPHY,
    NHS_NUMBER,
    ODS_CODE,
    SNOMED,
    bundle_rows,
)


def interpretation(code: str) -> list[dict]:
    return [{"coding": [{"system": INTERPRETATION, "code": code}]}]


def resource(kind: str, key: str, **changes) -> dict:
    return {
        "resourceType": kind,
        "id": key,
        "identifier": [{"value": f"R-{key}"}],
        "basedOn": [{"identifier": {"value": "EP1"}}],
        "status": "final",
        "code": {"coding": [{"system": SNOMED, "code": MAMMOGRAPHY}]},
        "subject": {"identifier": {"system": NHS_NUMBER, "value": "9434765919"}},
        "performer": [{"identifier": {"system": ODS_CODE, "value": "RGT"}}],
        "effectiveDateTime": "2019-03-21T10:15:00Z",
        "issued": "2019-03-22T16:00:00Z",
    } | changes


def report(key: str, **changes) -> dict:
    return resource("DiagnosticReport", key, **changes)


def observation(key: str, **changes) -> dict:
    return resource("Observation", key, **changes)


def read(tmp_path, *entries: dict) -> tuple[list[dict], int]:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": list(entries)}))
    return bundle_rows(path)


@pytest.mark.parametrize(
    ("entries", "results"),
    [
        pytest.param(
            [{"resource": report("d", conclusionCode=interpretation("A"))}],
            {"R-d": "abnormal"},
            id="report-conclusion",
        ),
        pytest.param(
            [
                {
                    "resource": report(
                        "d", result=[{"reference": "Observation/o1"}, {"reference": "Observation/o2"}]
                    )
                },
                {"resource": observation("o1", interpretation=interpretation("N"))},
                {"resource": observation("o2", interpretation=interpretation("HH"))},
            ],
            {"R-d": "abnormal"},
            id="report-lists-observations-one-abnormal",
        ),
        pytest.param(
            [
                {
                    "fullUrl": "urn:uuid:0d1",
                    "resource": observation("o1", interpretation=interpretation("N")),
                },
                {"resource": report("d", result=[{"reference": "urn:uuid:0d1"}])},
            ],
            {"R-d": "normal"},
            id="report-lists-an-observation-by-full-url",
        ),
        pytest.param(
            [{"resource": observation("o", interpretation=interpretation("N"))}],
            {"R-o": "normal"},
            id="observation-alone",
        ),
        pytest.param(
            [{"resource": observation("o", status="preliminary")}],
            {"R-o": "awaiting"},
            id="observation-pending",
        ),
        pytest.param(
            [
                {
                    "resource": report(
                        "d", conclusionCode=interpretation("N"), result=[{"reference": "Observation/x"}]
                    )
                }
            ],
            {"R-d": "normal"},
            id="conclusion-wins-and-an-unresolved-reference-is-ignored",
        ),
        pytest.param(
            [{"resource": report("d")}], {"R-d": ""}, id="final-without-interpretation-is-left-blank"
        ),
    ],
)
def test_each_bundle_shape_gives_one_row_per_result(tmp_path, entries, results):
    rows, others = read(tmp_path, *entries)
    assert {row["result_id"]: row["result"] for row in rows} == results
    assert others == 0


def test_a_row_carries_episode_patient_trust_type_and_dates(tmp_path):
    [row], _ = read(tmp_path, {"resource": observation("o", interpretation=interpretation("N"))})
    assert row == {
        "result_id": "R-o",
        "episode_id": "EP1",
        "nhs_number": "9434765919",
        "trust_code": "RGT",
        "test_type": "mammogram",
        "test_date": "2019-03-21",
        "result": "normal",
        "reported_date": "2019-03-22",
    }


def test_other_resources_are_counted_not_read(tmp_path):
    rows, others = read(tmp_path, {"resource": {"resourceType": "Encounter", "id": "e"}}, "not an entry")
    assert (rows, others) == ([], 2)
    # Patients, Organizations and ServiceRequests are read as reference targets (issue 20), not counted
    assert read(tmp_path, {"resource": {"resourceType": "Patient", "id": "p"}}) == ([], 0)


def test_a_file_that_is_not_a_bundle_is_refused_naming_it(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"resourceType": "Observation"}))
    with pytest.raises(InputError, match="x.json: resourceType: expected a FHIR Bundle"):
        bundle_rows(path)
