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

Literal references (`Patient/1`, or an entry's `fullUrl` such as `urn:uuid:...`) to a Patient,
Organization, ServiceRequest or Observation of the same source are resolved (issue 20, item 6): the
NHS number, ODS code and episode id are then read from the referenced resource's identifiers. A
source is a Bundle (`.json`), a folder of search-result pages (a file set, ordered by their `next`
links; a linked page missing from the folder refuses the set), or bulk-export NDJSON (`.ndjson`).
Malformed or too deeply nested JSON is an InputError naming the file (and line), never a traceback.
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
#: Resources read only as the targets of references (not counted as other entries).
REFERENCED = {"Observation", "Patient", "Organization", "ServiceRequest"}


def _json(path: Path, text: str, where: str = "") -> Any:
    """Parsed JSON, or an InputError naming the file (and line) for malformed or too deeply nested
    JSON, never a traceback."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{path}{where}: not JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    except RecursionError:
        raise InputError(f"{path}{where}: the JSON is nested too deeply to be a FHIR resource") from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None


def _bundle(path: Path) -> dict[str, Any]:
    bundle = _json(path, _read(path))
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InputError(f"{path}: resourceType: expected a FHIR Bundle")
    return bundle


def _link(bundle: dict[str, Any], relation: str) -> str | None:
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == relation and link.get("url"):
            return str(link["url"])
    return None


def _pages(folder: Path) -> list[dict[str, Any]]:
    """The Bundles of a folder of search-result pages, in the order their `next` links give (pages
    no link reaches follow in name order); a `next` page missing from the folder refuses the set."""
    bundles = [_bundle(p) for p in sorted(folder.glob("*.json"))]
    by_self = {url: b for b in bundles if (url := _link(b, "self"))}
    missing = sorted({url for b in bundles if (url := _link(b, "next")) and url not in by_self})
    if missing:
        raise InputError(f"{folder}: the pages link to a next page that is not in the folder: {missing[0]}")
    reached = {id(by_self[url]) for b in bundles if (url := _link(b, "next"))}
    ordered: list[dict[str, Any]] = []
    for first in [b for b in bundles if id(b) not in reached]:
        page: dict[str, Any] | None = first
        while page is not None and all(page is not seen for seen in ordered):
            ordered.append(page)
            url = _link(page, "next")
            page = by_self.get(url) if url else None
    return ordered + [b for b in bundles if all(b is not seen for seen in ordered)]


def read_entries(path: Path) -> list[Any]:
    """The entries of a FHIR R4 source: a Bundle (`.json`), a folder of Bundle pages (a file set, read
    as one), or a bulk-export NDJSON file (`.ndjson`: one resource per line, each an entry)."""
    if path.is_dir():
        return [entry for bundle in _pages(path) for entry in bundle.get("entry") or []]
    if path.suffix.lower() == ".ndjson":
        return [
            {"resource": _json(path, line, f" line {number}")}
            for number, line in enumerate(_read(path).splitlines(), start=1)
            if line.strip()
        ]
    return list(_bundle(path).get("entry") or [])


def bundle_rows(path: Path) -> tuple[list[dict[str, str]], int]:
    """Rows for `breast_followup_test_result` from a FHIR R4 source (`read_entries`), and how many
    other entries it had. Literal references to Patient, Organization, ServiceRequest and Observation
    resources of the same source (`Type/id` or an entry's `fullUrl`) are resolved."""
    raw = read_entries(path)
    entries = [entry for entry in raw if isinstance(entry, dict)]
    index = _index(entries)
    observations = {k: v for k, v in index.items() if v.get("resourceType") == "Observation"}
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
            rows.append(
                result_row(report, report.get("conclusionCode"), _listed(report, observations), index)
            )
        elif kind == "Observation" and id(entry["resource"]) not in listed:
            observation = entry["resource"]
            rows.append(result_row(observation, observation.get("interpretation"), [], index))
        elif kind not in REFERENCED:
            others += 1
    others += len(raw) - len(entries)
    return rows, others


def _kind(entry: dict[str, Any]) -> str | None:
    resource = entry.get("resource")
    return resource.get("resourceType") if isinstance(resource, dict) else None


def _index(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The source's resources by the literal references that may point to them: `<Type>/<id>` and
    the entry's `fullUrl`."""
    found: dict[str, dict[str, Any]] = {}
    for entry in entries:
        kind = _kind(entry)
        if kind is None:
            continue
        resource = entry["resource"]
        if resource.get("id"):
            found[f"{kind}/{resource['id']}"] = resource
        if entry.get("fullUrl"):
            found[str(entry["fullUrl"])] = resource
    return found


def _resolved(item: Any, index: dict[str, dict[str, Any]]) -> Any:
    """A Reference's target within the source when it is a literal reference to one, else the item."""
    if isinstance(item, dict) and isinstance(item.get("reference"), str) and item["reference"] in index:
        return index[item["reference"]]
    return item


def _listed(report: dict[str, Any], observations: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    references = [item.get("reference") for item in report.get("result") or [] if isinstance(item, dict)]
    return [observations[r] for r in references if r in observations]


def _identifier(items: Any, system: str, index: dict[str, dict[str, Any]]) -> str:
    """The value of the first identifier with `system` among References (a logical `identifier`, or
    the identifiers of the resource a literal `reference` resolves to)."""
    for item in items if isinstance(items, list) else [items]:
        item = _resolved(item, index)
        found = (item or {}).get("identifier", item) if isinstance(item, dict) else None
        for identifier in found if isinstance(found, list) else [found]:
            if isinstance(identifier, dict) and identifier.get("system") == system:
                return str(identifier.get("value") or "")
    return ""


def _episode(based_on: Any, index: dict[str, dict[str, Any]]) -> str:
    """The episode id: `basedOn[0].identifier.value`, or the first identifier of the ServiceRequest
    `basedOn[0]` references."""
    first = _resolved((based_on or [{}])[0], index)
    identifier = (first or {}).get("identifier") if isinstance(first, dict) else None
    if isinstance(identifier, list):
        identifier = identifier[0] if identifier else None
    return str((identifier or {}).get("value") or "") if isinstance(identifier, dict) else ""


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


def result_row(
    resource: dict[str, Any],
    interpretation: Any,
    parts: list[dict[str, Any]],
    index: dict[str, dict[str, Any]] | None = None,
) -> dict[str, str]:
    """One row from a DiagnosticReport (`interpretation` its conclusionCode, `parts` the Observations it
    lists) or a stand-alone Observation (its own interpretation, no parts); `index` resolves literal
    references (`_index`)."""
    index = index or {}
    identifiers = resource.get("identifier") or []
    result_id = str(identifiers[0].get("value") or "") if identifiers else str(resource.get("id") or "")
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
        "episode_id": _episode(resource.get("basedOn"), index),
        "nhs_number": _identifier(resource.get("subject"), NHS_NUMBER, index),
        "trust_code": _identifier(resource.get("performer"), ODS_CODE, index),
        "test_type": test_type,
        "test_date": _date(effective),
        "result": result,
        "reported_date": _date(resource.get("issued")),
    }
