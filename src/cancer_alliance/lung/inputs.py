"""What each model accepts: its input columns (docs/sources.md 'Interface') and their domains.

A value outside a model's domain is an error naming the field (and, for a file, the row), never
scored: never-smokers and 0 cigarettes a day for PLCOm2012 (the intensity transform is undefined at 0,
Tammemägi et al., NEJM 2013; one public port silently uses 0 there, which we do not copy, Tammemägi et al.,
NEJM 2013), an LLP family history
without the relative's age at diagnosis, sex not M or F where the model needs it. The checks are
written once, like the models (`lung.ops`), and evaluated for one person or for a whole DataFrame.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from cancer_alliance.errors import InputError
from cancer_alliance.lung.coefficients import Model
from cancer_alliance.lung.ops import ColumnOps, Ops, PythonOps


class ModelInputError(InputError):
    """An input value a model cannot score; says which field (and row) and why, never the value."""

    def __init__(self, field: str, problem: str, *, row: int | None = None, source: str | None = None):
        self.field, self.problem, self.row, self.source = field, problem, row, source
        where = " ".join(part for part in (source, f"row {row}" if row is not None else None) if part)
        super().__init__(f"{where}, {field}: {problem}" if where else f"{field}: {problem}")


@dataclass(frozen=True)
class Field:
    """One input column: `number` (a float, optionally whole, in a range), `flag` (0 or 1) or `code`."""

    name: str
    kind: str
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None  # exclusive minimum
    whole: bool = False
    codes: tuple[str, ...] = ()
    why: str = ""  # appended to the problem, e.g. the reason a code is outside the domain

    def ok(self, value: Any, ops: Ops) -> Any:
        """The condition (bool or column) that a present value is in the domain."""
        conditions = []
        if self.kind == "code":
            conditions.append(reduce(lambda a, b: a | b, [value == code for code in self.codes]))
        elif self.kind == "flag":
            conditions.append((value == 0) | (value == 1))
        else:
            if self.minimum is not None:
                conditions.append(value >= self.minimum)
            if self.maximum is not None:
                conditions.append(value <= self.maximum)
            if self.above is not None:
                conditions.append(value > self.above)
            if self.whole:
                conditions.append(ops.floor(value) == value)
        return reduce(lambda a, b: a & b, conditions)

    @property
    def problem(self) -> str:
        if self.kind == "code":
            text = f"must be one of {', '.join(self.codes)}"
        elif self.kind == "flag":
            text = "must be 0 or 1"
        else:
            parts = []
            if self.above is not None:
                parts.append(f"more than {self.above:g}")
            if self.minimum is not None:
                parts.append(f"at least {self.minimum:g}")
            if self.maximum is not None:
                parts.append(f"at most {self.maximum:g}")
            text = ("must be a whole number " if self.whole else "must be ") + " and ".join(parts)
        return f"{text}{' (' + self.why + ')' if self.why else ''}"


@dataclass(frozen=True)
class CrossCheck:
    """A condition over several fields, reported against `field`."""

    field: str
    problem: str
    ok: Callable[[Mapping[str, Any]], Any]


def _flag(name: str) -> Field:
    return Field(name, "flag")


_AGE = Field("age", "number", minimum=0, maximum=120)
_PLCOM = (
    _AGE,
    Field(
        "race",
        "code",
        codes=(
            "white",
            "black",
            "hispanic",
            "asian",
            "american_indian_alaska_native",
            "native_hawaiian_pacific_islander",
        ),
        why="map UK ethnic categories first, lung settings ethnicity_race",
    ),
    Field("education_level", "number", minimum=1, maximum=6, whole=True),
    Field("bmi", "number", minimum=10, maximum=90),
    _flag("copd"),
    _flag("personal_cancer_history"),
    _flag("family_history_lung_cancer"),
    Field(
        "smoking_status",
        "code",
        codes=("current", "former"),
        why="PLCOm2012 is for ever-smokers only; never-smokers are outside the model",
    ),
    Field(
        "cigarettes_per_day",
        "number",
        above=0,
        why="the PLCOm2012 intensity transform (cigarettes per day / 10)^-1 is undefined at 0",
    ),
    Field("smoking_duration_years", "number", minimum=0, maximum=120),
    Field("years_since_quit", "number", minimum=0, maximum=120),
)
_PLCOM_CHECKS = (
    CrossCheck(
        "years_since_quit",
        "must be 0 for a current smoker",
        lambda x: (x["smoking_status"] != "current") | (x["years_since_quit"] == 0),
    ),
    CrossCheck(
        "smoking_duration_years",
        "years smoked plus years since quitting cannot exceed the age",
        lambda x: x["smoking_duration_years"] + x["years_since_quit"] <= x["age"],
    ),
)
_LLP = (
    Field("sex", "code", codes=("M", "F"), why="the LLP baseline risk depends on sex"),
    Field("age", "number", minimum=0, maximum=120, whole=True, why="age in completed years"),
    Field("smoking_duration_years", "number", minimum=0, maximum=120, why="0 = never smoked"),
    _flag("pneumonia"),
    _flag("asbestos"),
    _flag("prior_malignancy"),
    Field(
        "family_history_onset",
        "code",
        codes=("none", "early", "late"),
        why="LLP needs the relative's age at diagnosis: early under 60, late 60 or over",
    ),
)
_LLP_CHECKS = (
    CrossCheck(
        "smoking_duration_years",
        "cannot exceed the age",
        lambda x: x["smoking_duration_years"] <= x["age"],
    ),
)
_BROCK = (
    _AGE,
    Field("sex", "code", codes=("M", "F"), why="the Brock model has a female term"),
    _flag("family_history_lung_cancer"),
    _flag("emphysema"),
    Field("nodule_size_mm", "number", above=0, maximum=300),
    Field("nodule_type", "code", codes=("solid", "part_solid", "non_solid")),
    _flag("upper_lobe"),
    Field(
        "nodule_count", "number", minimum=1, whole=True, why="total nodules on the scan, this one included"
    ),
    _flag("spiculation"),
)

#: Model -> (identifier column, input fields, cross-field checks).
INPUTS: dict[Model, tuple[str, tuple[Field, ...], tuple[CrossCheck, ...]]] = {
    Model.plcom2012: ("person_id", _PLCOM, _PLCOM_CHECKS),
    Model.plcom2012_norace: ("person_id", tuple(f for f in _PLCOM if f.name != "race"), _PLCOM_CHECKS),
    Model.llp_v2: ("person_id", _LLP, _LLP_CHECKS),
    Model.llp_v3: ("person_id", _LLP, _LLP_CHECKS),
    Model.brock: ("nodule_id", _BROCK, ()),
}


def fields(model: Model | str) -> tuple[Field, ...]:
    return INPUTS[Model(model)][1]


def input_columns(model: Model | str) -> list[str]:
    """The columns an input file for `model` must have (docs/sources.md 'Interface')."""
    identifier, model_fields, _ = INPUTS[Model(model)]
    return [identifier, *(f.name for f in model_fields)]


def _number(field: Field, value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return float(value) if field.kind == "flag" else _fail(field, "must be a number")
    if isinstance(value, int | float):
        return float(value)
    return _fail(field, "must be a number")


def _fail(field: Field, problem: str) -> Any:
    raise ModelInputError(field.name, problem)


def check_person(model: Model | str, person: Mapping[str, Any]) -> dict[str, Any]:
    """The person's model inputs, typed (numbers as float, codes as str), or a ModelInputError naming
    the first field out of the model's domain."""
    _, model_fields, checks = INPUTS[Model(model)]
    ops = PythonOps()
    values: dict[str, Any] = {}
    for field in model_fields:
        raw = person.get(field.name)
        if field.kind == "code":
            value = None if raw is None or raw == "" else raw
            if value is not None and not isinstance(value, str):
                _fail(field, field.problem)
        else:
            value = _number(field, raw)
        if value is None:
            _fail(field, "missing")
        if not field.ok(value, ops):
            _fail(field, field.problem)
        values[field.name] = value
    for check in checks:
        if not check.ok(values):
            raise ModelInputError(check.field, check.problem)
    return values


def typed_columns(model: Model | str, F: Any) -> dict[str, Any]:
    """The model's input columns, typed as `check_person` types them (numbers as double, codes as text)."""
    return {
        field.name: F.col(field.name).cast("string" if field.kind == "code" else "double")
        for field in fields(model)
    }


def problem_column(x: Mapping[str, Any], model: Model | str, ops: ColumnOps) -> Any:
    """A string column: `field: problem` for the first field of a row out of the model's domain, null
    for a row the model can score (the same checks as `check_person`); `x` are the typed columns."""
    _, model_fields, checks = INPUTS[Model(model)]
    cases: list[tuple[Any, str]] = []
    for field in model_fields:
        cases.append((x[field.name].isNull(), f"{field.name}: missing"))
        cases.append((~field.ok(x[field.name], ops), f"{field.name}: {field.problem}"))
    cases.extend((~check.ok(x), f"{check.field}: {check.problem}") for check in checks)
    return ops.select(cases, ops.F.lit(None).cast("string"))


def missing_columns(model: Model | str, names: Sequence[str]) -> list[str]:
    return [name for name in input_columns(model) if name not in names]
