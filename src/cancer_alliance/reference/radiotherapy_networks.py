"""Radiotherapy reference data (`reference/radiotherapy/`): the 11 radiotherapy networks of April
2019, each provider's network and the network's lead provider (dated), the measurable requirements of
service specification B01/S/a as data, and the fractionation schedules the hypofractionation checks
count. Every row carries its source and a `verified` flag; what the sources did not settle says
UNVERIFIED or NOT FOUND (NHS England service specification B01/S/a)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from functools import cache

from cancer_alliance.reference._files import Dated, boolean, optional_date, optional_float, parse_rows, words

LEVELS = ("provider", "network")
KINDS = ("count", "rate")
COMPARISONS = ("eq", "ge", "le")


@dataclass(frozen=True)
class Network(Dated):
    """A radiotherapy network (operational delivery network) and the days it existed."""

    code: str
    name: str
    effective_from: date | None
    effective_to: date | None
    verified: bool
    source: str


@dataclass(frozen=True)
class Membership(Dated):
    """A provider (trust ODS code) in a network over a period, as `lead` or `member`."""

    network_code: str
    provider_code: str
    role: str
    effective_from: date | None
    effective_to: date | None
    verified: bool
    source: str


@dataclass(frozen=True)
class Requirement(Dated):
    """One measurable check: `count` compares the numerator with the threshold, `rate` compares
    numerator / denominator. `parameter` is the check's own setting (e.g. an age in years);
    `standard_id` names the CWT standard whose dated threshold applies when `threshold` is blank."""

    requirement_id: str
    title: str
    levels: tuple[str, ...]
    kind: str
    comparison: str
    threshold: float | None
    parameter: float | None
    standard_id: str | None
    verified: bool
    effective_from: date | None
    effective_to: date | None
    source: str


@dataclass(frozen=True)
class Schedule:
    """A (dose, fractions) schedule that counts as hypofractionated for a requirement and site."""

    requirement_id: str
    icd10_prefix: str
    prescribed_dose_gy: float
    fractions: int
    verified: bool
    source: str


def _network(row: dict[str, str]) -> Network:
    return Network(
        code=row["network_code"],
        name=row["network_name"],
        effective_from=optional_date(row["effective_from"]),
        effective_to=optional_date(row["effective_to"]),
        verified=boolean(row["verified"]),
        source=row["source"],
    )


def _membership(row: dict[str, str]) -> Membership:
    if row["role"] not in ("lead", "member"):
        raise ValueError(f"role must be lead or member, not {row['role']!r}")
    return Membership(
        network_code=row["network_code"],
        provider_code=row["provider_code"],
        role=row["role"],
        effective_from=optional_date(row["effective_from"]),
        effective_to=optional_date(row["effective_to"]),
        verified=boolean(row["verified"]),
        source=row["source"],
    )


def requirement_from_row(row: dict[str, str]) -> Requirement:
    """A requirement from a CSV row (the packaged file or a user's copy with other settings)."""
    levels = words(row["levels"])
    if not levels or set(levels) - set(LEVELS):
        raise ValueError(f"levels must be among {', '.join(LEVELS)}, not {row['levels']!r}")
    if row["kind"] not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {row['kind']!r}")
    if row["comparison"] not in COMPARISONS:
        raise ValueError(f"comparison must be one of {', '.join(COMPARISONS)}, not {row['comparison']!r}")
    threshold = optional_float(row["threshold"])
    standard_id = row["standard_id"] or None
    if (threshold is None) == (standard_id is None):
        raise ValueError("give either a threshold or a standard_id (whose dated threshold applies)")
    return Requirement(
        requirement_id=row["requirement_id"],
        title=row["title"],
        levels=levels,
        kind=row["kind"],
        comparison=row["comparison"],
        threshold=threshold,
        parameter=optional_float(row["parameter"]),
        standard_id=standard_id,
        verified=boolean(row["verified"]),
        effective_from=optional_date(row["effective_from"]),
        effective_to=optional_date(row["effective_to"]),
        source=row["source"],
    )


def _schedule(row: dict[str, str]) -> Schedule:
    return Schedule(
        requirement_id=row["requirement_id"],
        icd10_prefix=row["icd10_prefix"],
        prescribed_dose_gy=float(row["prescribed_dose_gy"]),
        fractions=int(row["fractions"]),
        verified=boolean(row["verified"]),
        source=row["source"],
    )


@cache
def networks() -> tuple[Network, ...]:
    """The 11 radiotherapy networks (codes RTN01-RTN11 are the project's, not NHS England's)."""
    return tuple(parse_rows("radiotherapy/networks.csv", _network))


@cache
def memberships() -> tuple[Membership, ...]:
    """Every dated provider-network row, leads included."""
    return tuple(parse_rows("radiotherapy/network_providers.csv", _membership))


def memberships_on(day: date) -> list[Membership]:
    """The provider-network rows in force on `day`."""
    return [m for m in memberships() if m.in_force(day)]


def radiotherapy_providers() -> tuple[str, ...]:
    """ODS codes of every trust that is a member of a radiotherapy network at any time, sorted."""
    return tuple(sorted({m.provider_code for m in memberships()}))


def network_names() -> dict[str, str]:
    """Network code -> name."""
    return {n.code: n.name for n in networks()}


@cache
def _packaged_requirements() -> tuple[Requirement, ...]:
    return tuple(parse_rows("radiotherapy/requirements.csv", requirement_from_row))


def requirements(text: str | None = None, name: str = "requirements") -> tuple[Requirement, ...]:
    """The requirements: the packaged file, or CSV `text` read from `name` with the same columns, whose
    thresholds, parameters and dates are the user's settings (a bad row raises ValueError naming `name`
    and the line; `radiotherapy.files` reads the file wherever it lives)."""
    if text is None:
        return _packaged_requirements()
    parsed = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            parsed.append(requirement_from_row(row))
        except (KeyError, ValueError, TypeError) as error:
            raise ValueError(f"{name} line {line}: {error}") from None
    return tuple(parsed)


@cache
def schedules() -> tuple[Schedule, ...]:
    """The hypofractionated schedules each hypofractionation requirement counts."""
    return tuple(parse_rows("radiotherapy/fractionation_schedules.csv", _schedule))
