"""Timed diagnostic pathway definitions as versioned data (issue 12 item 1; NHS England timed diagnostic
pathways (2018)).

`reference/pathways/definitions.csv` holds, per tumour and version (effective from/to, by the date
of day 0), the start event and the ordered milestones: each with the events that reach it, its
target day, source and whether the target is verified. Only lung CT by day 3, diagnosis
communicated by day 28 and lung first treatment by day 49 are verified; every other target is an
UNVERIFIED placeholder a trust edits, either in a copy of the file (`load_definitions`,
`--definitions`) or one target at a time (`with_targets`, `--target lung.pet_ct=10`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from cancer_alliance.errors import InputError
from cancer_alliance.reference import code_list
from cancer_alliance.reference._files import boolean, optional_date, read_rows, words

REFERENCE_FILE = "pathways/definitions.csv"
COLUMNS = (
    "tumour",
    "version",
    "effective_from",
    "effective_to",
    "start_event",
    "sequence",
    "milestone",
    "events",
    "target_day",
    "verified",
    "source",
)
#: The start events: day 0 is the referral, or the consultant upgrade when that is later (issue 12 item 2).
START_EVENTS = ("referral_received", "consultant_upgrade")
#: The milestone whose `ruled_out` outcome makes every later milestone not applicable (issue 12 item 3).
DIAGNOSIS = "diagnosis_communicated"


@dataclass(frozen=True)
class Milestone:
    """One milestone: reached on the first date of any of `events`; met when its day <= `target_day`."""

    sequence: int
    name: str
    events: tuple[str, ...]
    target_day: int
    verified: bool
    source: str


@dataclass(frozen=True)
class PathwayDefinition:
    """One version of a tumour's timed pathway, in force for pathways whose day 0 falls in
    [effective_from, effective_to] (a blank end is open)."""

    tumour: str
    version: str
    effective_from: date | None
    effective_to: date | None
    start_event: str
    milestones: tuple[Milestone, ...]

    def in_force(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )

    def after_diagnosis(self, milestone: Milestone) -> bool:
        """Whether `milestone` comes after diagnosis communicated (not applicable when ruled out)."""
        diagnosis = [m.sequence for m in self.milestones if m.name == DIAGNOSIS]
        return bool(diagnosis) and milestone.sequence > diagnosis[0]

    def milestone(self, name: str) -> Milestone:
        for milestone in self.milestones:
            if milestone.name == name:
                return milestone
        raise KeyError(f"{self.tumour} {self.version} has no milestone {name!r}")


def _build(rows: Iterable[tuple[int, dict[str, str]]], where: str) -> tuple[PathwayDefinition, ...]:
    """Definitions from CSV rows (line number, row); any problem is an InputError naming the line."""
    tumours, events = code_list("pathway_tumour"), code_list("pathway_event")
    grouped: dict[tuple[str, str], list[tuple[int, dict[str, str]]]] = {}
    for line, row in rows:
        missing = [name for name in COLUMNS if name not in row or row[name] is None]
        if missing:
            raise InputError(f"{where} line {line}: missing columns {', '.join(missing)}")
        grouped.setdefault((row["tumour"], row["version"]), []).append((line, row))
    definitions = []
    for (tumour, version), members in grouped.items():
        line, first = members[0]
        if tumour not in tumours:
            raise InputError(f"{where} line {line}, tumour: not one of {', '.join(tumours)}")
        milestones = []
        for line, row in members:
            try:
                for name in ("effective_from", "effective_to", "start_event"):
                    if row[name] != first[name]:
                        raise ValueError(f"{name} differs from line {members[0][0]} of the same version")
                milestone_events = words(row["events"])
                unknown = [e for e in milestone_events if e not in events]
                if not milestone_events or unknown:
                    raise ValueError(f"events must be codes of the pathway_event list, not {row['events']!r}")
                target = int(row["target_day"])
                if target < 0:
                    raise ValueError("target_day must be 0 or more")
                milestones.append(
                    Milestone(
                        int(row["sequence"]),
                        row["milestone"],
                        milestone_events,
                        target,
                        boolean(row["verified"]),
                        row["source"],
                    )
                )
                start, end = optional_date(row["effective_from"]), optional_date(row["effective_to"])
            except ValueError as error:
                raise InputError(f"{where} line {line}: {error}") from None
        if first["start_event"] != START_EVENTS[0]:
            raise InputError(
                f"{where} line {members[0][0]}, start_event: only referral_received is supported"
            )
        milestones.sort(key=lambda m: m.sequence)
        names = [m.name for m in milestones]
        if len(set(names)) != len(names) or len({m.sequence for m in milestones}) != len(milestones):
            raise InputError(f"{where}: {tumour} {version} repeats a milestone or a sequence number")
        definitions.append(
            PathwayDefinition(tumour, version, start, end, first["start_event"], tuple(milestones))
        )
    _check_versions(definitions, where)
    return tuple(definitions)


def _check_versions(definitions: list[PathwayDefinition], where: str) -> None:
    """The versions of one tumour must not overlap: one definition is in force on any day."""
    by_tumour: dict[str, list[PathwayDefinition]] = {}
    for definition in definitions:
        by_tumour.setdefault(definition.tumour, []).append(definition)
    for tumour, versions in by_tumour.items():
        versions.sort(key=lambda d: d.effective_from or date.min)
        for earlier, later in zip(versions, versions[1:], strict=False):
            if earlier.effective_to is None or (later.effective_from or date.min) <= earlier.effective_to:
                raise InputError(f"{where}: {tumour} versions {earlier.version} and {later.version} overlap")


@cache
def default_definitions() -> tuple[PathwayDefinition, ...]:
    """The packaged definitions (`reference/pathways/definitions.csv`)."""
    return _build(enumerate(read_rows(REFERENCE_FILE), start=2), f"reference/{REFERENCE_FILE}")


def load_definitions(text: str, name: str) -> tuple[PathwayDefinition, ...]:
    """Definitions from CSV `text`, an edited copy of the reference file (same columns) read from `name`
    (the CLI reads it wherever it lives, `engine.io.read_csv_text`)."""
    return _build(enumerate(csv.DictReader(io.StringIO(text)), start=2), name)


def with_targets(
    definitions: tuple[PathwayDefinition, ...], targets: Mapping[str, int]
) -> tuple[PathwayDefinition, ...]:
    """`definitions` with some targets changed, keyed `tumour.milestone` (every version of the tumour);
    a changed target is marked unverified and its source says it is a local setting."""
    known = {f"{d.tumour}.{m.name}" for d in definitions for m in d.milestones}
    unknown = sorted(set(targets) - known)
    if unknown:
        raise InputError(f"unknown milestone {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    if any(day < 0 for day in targets.values()):
        raise InputError("a target day must be 0 or more")
    changed = []
    for definition in definitions:
        milestones = tuple(
            replace(
                m,
                target_day=day,
                verified=False,
                source=f"local setting (was day {m.target_day}: {m.source})",
            )
            if (day := targets.get(f"{definition.tumour}.{m.name}")) is not None and day != m.target_day
            else m
            for m in definition.milestones
        )
        changed.append(replace(definition, milestones=milestones))
    return tuple(changed)


def parse_target(text: str) -> tuple[str, int]:
    """`lung.pet_ct=10` -> ("lung.pet_ct", 10)."""
    name, _, day = text.partition("=")
    try:
        return name.strip(), int(day)
    except ValueError:
        raise InputError(f"--target {text!r}: write TUMOUR.MILESTONE=DAYS, e.g. lung.pet_ct=10") from None


def definition_rows(definitions: tuple[PathwayDefinition, ...]) -> list[dict[str, object]]:
    """One row per milestone, in the columns of the reference file."""
    return [
        {
            "tumour": d.tumour,
            "version": d.version,
            "effective_from": d.effective_from.isoformat() if d.effective_from else "",
            "effective_to": d.effective_to.isoformat() if d.effective_to else "",
            "start_event": d.start_event,
            "sequence": m.sequence,
            "milestone": m.name,
            "events": " ".join(m.events),
            "target_day": m.target_day,
            "verified": "true" if m.verified else "false",
            "source": m.source,
        }
        for d in definitions
        for m in d.milestones
    ]
