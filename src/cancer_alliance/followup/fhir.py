"""FHIR R4 test results: a Bundle of DiagnosticReport resources read as rows of
`breast_followup_test_result`, which then go through the same validation as a CSV (issue 11, item 3).

The mapping is DERIVED (no national FHIR profile for surveillance mammography results was found):

| column | from the DiagnosticReport |
|---|---|
| result_id | `identifier[0].value`, else the resource `id` |
| episode_id | `basedOn[0].identifier.value` (the follow-up episode the test was requested under) |
| nhs_number | `subject.identifier.value` with system `https://fhir.nhs.uk/Id/nhs-number` |
| trust_code | `performer[].identifier.value` with system `https://fhir.nhs.uk/Id/ods-organization-code` |
| test_type | `mammogram` when `code.coding` has SNOMED CT 71651007 (mammography), else the first code |
| test_date | `effectiveDateTime` (or `effectivePeriod.start`), the date part |
| reported_date | `issued`, the date part |
| result | `conclusionCode` (v3 ObservationInterpretation): N -> normal; A, AA, H, HH, L, LL -> abnormal |
|  | no conclusion and status registered, partial or preliminary -> awaiting |

Entries of other resource types are counted, not read. A report that maps badly (no episode, an
unknown code) becomes a row with that field blank or as given, so the ingest quarantines it naming
the row (the report's position among the bundle's DiagnosticReports) and the field.
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
    rows, others = [], 0
    for entry in bundle.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "DiagnosticReport":
            others += 1
            continue
        rows.append(report_row(resource))
    return rows, others


def _identifier(items: Any, system: str) -> str:
    for item in items if isinstance(items, list) else [items]:
        identifier = (item or {}).get("identifier", item) if isinstance(item, dict) else None
        if isinstance(identifier, dict) and identifier.get("system") == system:
            return str(identifier.get("value") or "")
    return ""


def _date(value: Any) -> str:
    return str(value)[:10] if value else ""


def report_row(report: dict[str, Any]) -> dict[str, str]:
    identifiers = report.get("identifier") or []
    result_id = str(identifiers[0].get("value") or "") if identifiers else str(report.get("id") or "")
    based_on = report.get("basedOn") or [{}]
    codings = (report.get("code") or {}).get("coding") or []
    if any(c.get("system") == SNOMED and c.get("code") == MAMMOGRAPHY for c in codings):
        test_type = "mammogram"
    else:
        test_type = str(codings[0].get("code") or "") if codings else ""
    interpretations = {
        coding.get("code")
        for concept in report.get("conclusionCode") or []
        for coding in concept.get("coding") or []
        if coding.get("system") == INTERPRETATION
    }
    if interpretations & ABNORMAL:
        result = "abnormal"
    elif interpretations & NORMAL:
        result = "normal"
    elif report.get("status") in PENDING:
        result = "awaiting"
    else:
        result = ""
    effective = report.get("effectiveDateTime") or (report.get("effectivePeriod") or {}).get("start")
    return {
        "result_id": result_id,
        "episode_id": str(((based_on[0] or {}).get("identifier") or {}).get("value") or ""),
        "nhs_number": _identifier(report.get("subject"), NHS_NUMBER),
        "trust_code": _identifier(report.get("performer"), ODS_CODE),
        "test_type": test_type,
        "test_date": _date(effective),
        "result": result,
        "reported_date": _date(report.get("issued")),
    }
