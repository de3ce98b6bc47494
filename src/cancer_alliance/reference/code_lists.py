"""Code lists of the NHS data items the canonical tables use, one CSV per list under `codes/`
(columns code, label, source; some lists carry extra columns, e.g. the CWT treatment tables)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from cancer_alliance.reference._files import boolean, parse_rows, read_rows

_FOLDER = "codes"


@cache
def code_list_names() -> tuple[str, ...]:
    """Names of every code list, e.g. ('adjustment_first_seen_reason', 'cwt_route', ...)."""
    folder = resources.files(__package__).joinpath(_FOLDER)
    return tuple(sorted(f.name.removesuffix(".csv") for f in folder.iterdir() if f.name.endswith(".csv")))


@cache
def _code_list(name: str) -> tuple[tuple[str, str], ...]:
    if name not in code_list_names():
        raise KeyError(f"unknown code list {name!r}; known code lists: {', '.join(code_list_names())}")
    return tuple((row["code"], row["label"]) for row in read_rows(f"{_FOLDER}/{name}.csv"))


def code_list(name: str) -> dict[str, str]:
    """Code -> label for code list `name` (codes are strings, leading zeros kept)."""
    return dict(_code_list(name))


@dataclass(frozen=True)
class TreatmentEventType:
    """A CANCER TREATMENT EVENT TYPE and whether it starts a first or a subsequent treatment
    (first = 01, 07, 12 [IMPL S40]; CWT treatment codes [S19, S44])."""

    code: str
    label: str
    treatment_stage: str


@dataclass(frozen=True)
class TreatmentModality:
    """A CANCER TREATMENT MODALITY, its published modality group and whether it counts in the
    31- and 62-day measures (98 'all treatment declined' does not [IMPL S40]; CWT treatment codes [S19,
    S44])."""

    code: str
    label: str
    modality_group: str
    counts_in_31_62: bool


@cache
def _event_types() -> tuple[TreatmentEventType, ...]:
    return tuple(
        parse_rows(
            f"{_FOLDER}/treatment_event_type.csv",
            lambda r: TreatmentEventType(r["code"], r["label"], r["treatment_stage"]),
        )
    )


@cache
def _modalities() -> tuple[TreatmentModality, ...]:
    return tuple(
        parse_rows(
            f"{_FOLDER}/treatment_modality.csv",
            lambda r: TreatmentModality(
                r["code"], r["label"], r["modality_group"], boolean(r["counts_in_31_62"])
            ),
        )
    )


def treatment_event_types() -> list[TreatmentEventType]:
    """Every treatment event type, 01-12, with its treatment stage."""
    return list(_event_types())


def treatment_modalities() -> list[TreatmentModality]:
    """Every treatment modality with its modality group (NCL grouping, CWT treatment codes [S19, S44])."""
    return list(_modalities())
