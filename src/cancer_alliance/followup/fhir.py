"""FHIR R4 test results: a Bundle of DiagnosticReport and Observation resources read as rows of
`breast_followup_test_result`, which then go through the same validation as a CSV (issue 11, item 3).

The mapping is DERIVED (no national FHIR profile for surveillance mammography results was found).
A DiagnosticReport is one result; an Observation is one result unless a report in the bundle lists it
in `result` (then it is part of that report):

| column | from the DiagnosticReport or stand-alone Observation |
|---|---|
| result_id | `identifier[0].value`, else the resource `id` |
| episode_id | `basedOn[0].identifier.value` (the follow-up episode the test was requested under) |
| nhs_number | `subject.identifier.value` with system `https://fhir.nhs.uk/Id/nhs-number` |
| trust_code | `performer[].identifier.value` with system `https://fhir.nhs.uk/Id/ods-organization-code` |
| test_type | `mammogram` when `code.coding` has SNOMED CT 71651007 (mammography), else the first code |
| test_date | `effectiveDateTime` (or `effectivePeriod.start`), the date part |
| reported_date | `issued`, the date part |
| result | v3 ObservationInterpretation codes: N -> normal; A, AA, H, HH, L, LL -> abnormal. A report's come |
|  | from `conclusionCode`, else from the `interpretation` of the Observations it lists (any abnormal |
|  | -> abnormal, else any normal -> normal); an Observation's from its `interpretation` |
|  | none, and status registered, partial or preliminary -> awaiting |

A listed Observation is found by `Observation/<id>` or by the entry's `fullUrl` (`urn:uuid:...`).
Entries of other resource types are counted, not read. A result that maps badly (no episode, an
unknown code) becomes a row with that field blank or as given, so the ingest quarantines it naming
the row (the result's position among the bundle's results, in bundle order) and the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cancer_alliance.errors import InputError

NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
ODS_CODE = "https://fhir.nhs.uk/Id/ods-organization-code"
SNOMED = "http://snomed.info/sct"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
MAMMOGRAPHY = "71651007"
NORMAL = {"N"}
ABNORMAL = {"A", "AA", "H", "HH", "L", "LL"}
PENDING = {"registered", "partial", "preliminary"}


def bundle_rows(path: Path) -> tuple[list[dict[str, str]], int]:
    """Rows for `breast_followup_test_result` from a FHIR R4 Bundle, and how many other entries it had."""
    try:
        bundle = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not JSON ({error})") from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InputError(f"{path}: resourceType: expected a FHIR Bundle")
    entries = [entry for entry in bundle.get("entry") or [] if isinstance(entry, dict)]
    observations = _observations(entries)
    listed = {
        id(observation)
        for entry in entries
        if _kind(entry) == "DiagnosticReport"
        for observation in _listed(entry["resource"], observations)
    }
    rows, others = [], 0
    for entry in entries:
        kind = _kind(entry)
        if kind == "DiagnosticReport":
            report = entry["resource"]
            rows.append(result_row(report, report.get("conclusionCode"), _listed(report, observations)))
        elif kind == "Observation" and id(entry["resource"]) not in listed:
            observation = entry["resource"]
            rows.append(result_row(observation, observation.get("interpretation"), []))
        elif kind != "Observation":
            others += 1
    others += len(bundle.get("entry") or []) - len(entries)
    return rows, others


def _kind(entry: dict[str, Any]) -> str | None:
    resource = entry.get("resource")
    return resource.get("resourceType") if isinstance(resource, dict) else None


def _observations(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The bundle's Observations by the references a report may use: `Observation/<id>` and `fullUrl`."""
    found: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if _kind(entry) == "Observation":
            resource = entry["resource"]
            if resource.get("id"):
                found[f"Observation/{resource['id']}"] = resource
            if entry.get("fullUrl"):
                found[str(entry["fullUrl"])] = resource
    return found


def _listed(report: dict[str, Any], observations: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    references = [item.get("reference") for item in report.get("result") or [] if isinstance(item, dict)]
    return [observations[r] for r in references if r in observations]


def _identifier(items: Any, system: str) -> str:
    for item in items if isinstance(items, list) else [items]:
        identifier = (item or {}).get("identifier", item) if isinstance(item, dict) else None
        if isinstance(identifier, dict) and identifier.get("system") == system:
            return str(identifier.get("value") or "")
    return ""


def _date(value: Any) -> str:
    return str(value)[:10] if value else ""


def _codes(concepts: Any) -> set[str]:
    return {
        str(coding.get("code"))
        for concept in concepts or []
        if isinstance(concept, dict)
        for coding in concept.get("coding") or []
        if coding.get("system") == INTERPRETATION
    }


def result_row(resource: dict[str, Any], interpretation: Any, parts: list[dict[str, Any]]) -> dict[str, str]:
    """One row from a DiagnosticReport (`interpretation` its conclusionCode, `parts` the Observations it
    lists) or a stand-alone Observation (its own interpretation, no parts)."""
    identifiers = resource.get("identifier") or []
    result_id = str(identifiers[0].get("value") or "") if identifiers else str(resource.get("id") or "")
    based_on = resource.get("basedOn") or [{}]
    codings = (resource.get("code") or {}).get("coding") or []
    if any(c.get("system") == SNOMED and c.get("code") == MAMMOGRAPHY for c in codings):
        test_type = "mammogram"
    else:
        test_type = str(codings[0].get("code") or "") if codings else ""
    interpretations = _codes(interpretation)
    if not interpretations:
        interpretations = set().union(*(_codes(part.get("interpretation")) for part in parts))
    if interpretations & ABNORMAL:
        result = "abnormal"
    elif interpretations & NORMAL:
        result = "normal"
    elif resource.get("status") in PENDING:
        result = "awaiting"
    else:
        result = ""
    effective = resource.get("effectiveDateTime") or (resource.get("effectivePeriod") or {}).get("start")
    return {
        "result_id": result_id,
        "episode_id": str(((based_on[0] or {}).get("identifier") or {}).get("value") or ""),
        "nhs_number": _identifier(resource.get("subject"), NHS_NUMBER),
        "trust_code": _identifier(resource.get("performer"), ODS_CODE),
        "test_type": test_type,
        "test_date": _date(effective),
        "result": result,
        "reported_date": _date(resource.get("issued")),
    }
