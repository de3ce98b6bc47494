"""Stratification protocols as versioned YAML files: load, validate, decide (issue 11, item 1).

A protocol names the pathway for a patient finishing treatment (supported self-management unless a
clinician-led criterion holds), the surveillance plan (NICE NG101: annual mammography for 5 years,
then yearly to 50 or the NHS Breast Screening Programme) and the review conditions the worklist uses.
The default protocol ships in `protocols/breast-default.yaml`; a trust edits a copy. Every decision
records the protocol id, its version and the reasons (stratified follow-up: NHS Long Term Plan, NICE NG101).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from cancer_alliance.errors import AllianceError
from cancer_alliance.reference import code_list
from cancer_alliance.schemas import schema

#: Where a trust's own protocol file is configured for the web and the demo.
PROTOCOL_VARIABLE = "ALLIANCE_FOLLOWUP_PROTOCOL"
DEFAULT_PROTOCOL = "breast-default.yaml"
CANDIDATE_TABLE = "breast_followup_candidate"
PATHWAYS = ("supported_self_management", "clinician_led")
TESTS = ("equals", "in", "at_least", "at_most", "missing")
HANDOVERS = ("nhsbsp", "discharge")
_TOP_KEYS = {
    "protocol",
    "version",
    "title",
    "cancer",
    "sources",
    "default_pathway",
    "clinician_led_if",
    "surveillance",
    "review",
}
_SURVEILLANCE_KEYS = {"test", "interval_months", "years", "continue_annually_until_age", "then"}
_REVIEW_KEYS = {
    "open_access_years",
    "due_soon_days",
    "result_review_days",
    "lost_to_follow_up_days",
    "concern_triage_days",
    "personalised_care_days",
}


class ProtocolError(AllianceError):
    """A protocol file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Criterion:
    """One clinician-led criterion: `field` compared by `test` with `value`."""

    id: str
    reason: str
    field: str
    test: str
    value: Any

    def holds(self, patient: Mapping[str, Any]) -> bool:
        value = patient.get(self.field)
        if self.test == "missing":
            return (value is None) == bool(self.value)
        if value is None:
            return False  # an unknown item never triggers a criterion; `missing` tests for it
        if self.test == "equals":
            return value == self.value
        if self.test == "in":
            return value in self.value
        if self.test == "at_least":
            return value >= self.value
        return value <= self.value  # at_most


@dataclass(frozen=True)
class Surveillance:
    test: str
    interval_months: int
    years: int
    continue_annually_until_age: int
    then: str


@dataclass(frozen=True)
class Review:
    open_access_years: int
    due_soon_days: int
    result_review_days: int
    lost_to_follow_up_days: int
    concern_triage_days: int
    personalised_care_days: int


@dataclass(frozen=True)
class Protocol:
    id: str
    version: str
    title: str
    sources: tuple[str, ...]
    default_pathway: str
    clinician_led_if: tuple[Criterion, ...]
    surveillance: Surveillance
    review: Review
    path: str


@dataclass(frozen=True)
class Decision:
    """What a protocol decided for one patient, and why."""

    pathway: str
    reasons: tuple[str, ...]
    protocol_id: str
    protocol_version: str
    test: str
    surveillance_due: tuple[dt.date, ...]
    surveillance_ends: dt.date
    handover: str
    open_access_end_date: dt.date


def default_protocol_path() -> Path:
    """The protocol in force: `ALLIANCE_FOLLOWUP_PROTOCOL` if set, else the packaged default."""
    configured = os.environ.get(PROTOCOL_VARIABLE)
    if configured:
        return Path(configured)
    return Path(str(resources.files(__package__).joinpath("protocols", DEFAULT_PROTOCOL)))


def load_protocol(path: Path | str | None = None) -> Protocol:
    """Read and validate a protocol file (default: `default_protocol_path()`)."""
    path = Path(path) if path else default_protocol_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ProtocolError(f"{path}: cannot read the protocol ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise ProtocolError(f"{path}: not valid YAML ({error})") from None
    return parse_protocol(data, str(path))


def parse_protocol(data: Any, name: str) -> Protocol:
    """Validate a protocol's parsed YAML; `name` (the file) starts every error message."""

    def fail(key: str, message: str) -> ProtocolError:
        return ProtocolError(f"{name}: {key}: {message}")

    if not isinstance(data, dict):
        raise ProtocolError(f"{name}: a protocol is a mapping of keys to values")
    _only(data, _TOP_KEYS, "", fail)
    for key in ("protocol", "version", "title", "default_pathway"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise fail(key, "required, as text")
    if data["default_pathway"] not in PATHWAYS:
        raise fail("default_pathway", f"must be one of {', '.join(PATHWAYS)}")
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        raise fail("sources", "required: a list of the sources the protocol cites")
    criteria = data.get("clinician_led_if", [])
    if not isinstance(criteria, list):
        raise fail("clinician_led_if", "must be a list of criteria")
    parsed = tuple(_criterion(item, f"clinician_led_if[{i}]", fail) for i, item in enumerate(criteria))
    ids = [criterion.id for criterion in parsed]
    if len(set(ids)) != len(ids):
        raise fail("clinician_led_if", "criterion ids must be unique")
    surveillance = _section(data, "surveillance", _SURVEILLANCE_KEYS, fail)
    for key in ("interval_months", "years", "continue_annually_until_age"):
        _positive_int(surveillance, f"surveillance.{key}", key, fail)
    if surveillance["test"] not in code_list("surveillance_test"):
        raise fail("surveillance.test", f"unknown test {surveillance['test']!r}")
    if surveillance["then"] not in HANDOVERS:
        raise fail("surveillance.then", f"must be one of {', '.join(HANDOVERS)}")
    review = _section(data, "review", _REVIEW_KEYS, fail)
    for key in _REVIEW_KEYS:
        _positive_int(review, f"review.{key}", key, fail)
    return Protocol(
        id=data["protocol"],
        version=data["version"],
        title=data["title"],
        sources=tuple(sources),
        default_pathway=data["default_pathway"],
        clinician_led_if=parsed,
        surveillance=Surveillance(**surveillance),
        review=Review(**review),
        path=name,
    )


def _only(data: dict, allowed: set[str], prefix: str, fail: Any) -> None:
    for key in data:
        if key not in allowed:
            raise fail(f"{prefix}{key}", f"unknown key; expected one of {', '.join(sorted(allowed))}")


def _section(data: dict, key: str, keys: set[str], fail: Any) -> dict:
    section = data.get(key)
    if not isinstance(section, dict):
        raise fail(key, "required, as a mapping")
    _only(section, keys, f"{key}.", fail)
    for needed in sorted(keys):
        if needed not in section:
            raise fail(f"{key}.{needed}", "required")
    return section


def _positive_int(section: dict, key: str, name: str, fail: Any) -> None:
    value = section[name]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise fail(key, f"must be a whole number above 0, not {value!r}")


def _criterion(item: Any, key: str, fail: Any) -> Criterion:
    if not isinstance(item, dict):
        raise fail(key, "a criterion is a mapping with id, reason, field and one test")
    _only(item, {"id", "reason", "field", *TESTS}, f"{key}.", fail)
    for needed in ("id", "reason", "field"):
        if not isinstance(item.get(needed), str) or not item[needed].strip():
            raise fail(f"{key}.{needed}", "required, as text")
    tests = [test for test in TESTS if test in item]
    if len(tests) != 1:
        raise fail(key, f"needs exactly one test of {', '.join(TESTS)}")
    test, value = tests[0], item[tests[0]]
    candidate = schema(CANDIDATE_TABLE)
    if item["field"] not in candidate.column_names:
        raise fail(f"{key}.field", f"unknown field {item['field']!r}; see table {CANDIDATE_TABLE}")
    column = candidate.column(item["field"])
    values = value if test == "in" else [value]
    if test == "in" and (not isinstance(value, list) or not value):
        raise fail(f"{key}.in", "must be a non-empty list")
    if test == "missing":
        if not isinstance(value, bool):
            raise fail(f"{key}.missing", "must be true or false")
    else:
        for one in values:
            problem = _value_problem(column.type, column.codes, one)
            if problem:
                raise fail(f"{key}.{test}", f"{problem} for field {item['field']}")
        if test in ("at_least", "at_most") and column.type not in ("integer", "number", "date"):
            raise fail(f"{key}.{test}", f"field {item['field']} is not a number or date")
    return Criterion(item["id"], item["reason"], item["field"], test, value)


def _value_problem(kind: str, codes: str | None, value: Any) -> str | None:
    if kind == "boolean":
        return None if isinstance(value, bool) else f"{value!r} is not true or false"
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else f"{value!r} is not a whole number"
    if kind == "date":
        return None if isinstance(value, dt.date) else f"{value!r} is not a date (yyyy-mm-dd)"
    if kind == "code" and codes:
        known = code_list(codes)
        return None if value in known else f"{value!r} is not a code of {codes}"
    return None if isinstance(value, str) else f"{value!r} is not text"


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def surveillance_plan(
    protocol: Protocol, diagnosis_date: dt.date, age_at_diagnosis: int
) -> tuple[tuple[dt.date, ...], dt.date]:
    """Due dates of the surveillance tests and the date surveillance ends (NICE NG101: every
    `interval_months` for `years` from diagnosis; then, if under `continue_annually_until_age` at
    diagnosis, yearly until that age; then the handover)."""
    plan = protocol.surveillance
    end = add_years(diagnosis_date, plan.years)
    if age_at_diagnosis < plan.continue_annually_until_age:
        end = max(end, add_years(diagnosis_date, plan.continue_annually_until_age - age_at_diagnosis))
    due, step = [], 1
    while (day := add_months(diagnosis_date, step * plan.interval_months)) <= end:
        due.append(day)
        step += 1
    return tuple(due), end


def stratify(protocol: Protocol, patient: Mapping[str, Any]) -> Decision:
    """The protocol's decision for one patient (a row of `breast_followup_candidate`)."""
    reasons = tuple(criterion.reason for criterion in protocol.clinician_led_if if criterion.holds(patient))
    pathway = "clinician_led" if reasons else protocol.default_pathway
    if not reasons:
        reasons = (f"No clinician-led criterion of {protocol.id} {protocol.version} holds",)
    diagnosed = patient["diagnosis_date"]
    age = patient.get("age_at_diagnosis")  # unknown: no yearly extension to 50 (recorded as a reason)
    due, ends = surveillance_plan(
        protocol, diagnosed, protocol.surveillance.continue_annually_until_age if age is None else int(age)
    )
    if age is None:
        reasons = (*reasons, "Age at diagnosis not known: surveillance for the plan's years only")
    return Decision(
        pathway=pathway,
        reasons=reasons,
        protocol_id=protocol.id,
        protocol_version=protocol.version,
        test=protocol.surveillance.test,
        surveillance_due=due,
        surveillance_ends=ends,
        handover=protocol.surveillance.then,
        open_access_end_date=add_years(diagnosed, protocol.review.open_access_years),
    )
