"""Canonical table schemas, kept as data (one TOML file per table) so that ingest, the engines and
the docs all read the same definition (docs/data-model.md)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

#: Column types a schema may use, and the Spark SQL type each is stored as.
#: `code` is a string from a named code list; `nhs_number` is validated by modulus 11 and
#: replaced by a keyed pseudonym at ingest, so it is stored as a string.
STORAGE_TYPES: dict[str, str] = {
    "string": "string",
    "code": "string",
    "nhs_number": "string",
    "date": "date",
    "integer": "int",
    "number": "double",
    "boolean": "boolean",
}


@dataclass(frozen=True)
class Column:
    """One column: name, type, whether it must be present, its code list or pattern."""

    name: str
    type: str
    required: bool = False
    codes: str | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""
    also_accepts: str | None = None  # another coding read and stored in this column's form

    @property
    def storage_type(self) -> str:
        return STORAGE_TYPES[self.type]


@dataclass(frozen=True)
class DateOrder:
    """A check that one date is on or after another, when both are present."""

    earlier: str
    later: str
    reason: str


@dataclass(frozen=True)
class Condition:
    """`column` is required when `when_column` equals `equals`, and must be blank otherwise."""

    column: str
    when_column: str
    equals: str
    reason_missing: str
    reason_extra: str


@dataclass(frozen=True)
class Requirement:
    """`column` is required when `when_column` is one of `values` and any of `if_present` is given
    (e.g. a referral date for a two week wait referral that has a first-seen date)."""

    column: str
    when_column: str
    values: tuple[str, ...]
    if_present: tuple[str, ...]
    reason: str
    source: str


@dataclass(frozen=True)
class EventLog:
    """A table of dated events grouped into episodes (e.g. the events of one pathway), checked
    across rows at ingest: each start event at most once per group, no event dated before the
    group's earliest start event, and the `same_in_group` columns equal to the first start event's."""

    group: str
    event: str
    date: str
    start_events: tuple[str, ...]
    same_in_group: tuple[str, ...] = ()


#: Kinds of organisation code an owner column may hold.
OWNER_KINDS = ("trust", "ccg")


@dataclass(frozen=True)
class Owner:
    """Which organisations a row belongs to, for import scope (docs/decisions/0025-import-scope.md):
    `columns` hold `kind` codes (trust ODS codes, a site code rolling up through its trust; or CCG ONS
    codes); a row belongs to every organisation named in them."""

    kind: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    """A canonical table: its columns in order, its key and its cross-field checks."""

    name: str
    title: str
    description: str
    source: str
    key: str
    columns: tuple[Column, ...]
    date_orders: tuple[DateOrder, ...] = field(default=())
    conditions: tuple[Condition, ...] = field(default=())
    requirements: tuple[Requirement, ...] = field(default=())
    event_log: EventLog | None = None
    owner: Owner | None = None

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")

    def ddl(self) -> str:
        """Spark DDL schema string, e.g. "record_id string, referral_received_date date"."""
        return ", ".join(f"{c.name} {c.storage_type}" for c in self.columns)


def _parse(data: dict) -> TableSchema:
    columns = tuple(Column(**column) for column in data.pop("columns"))
    orders = tuple(DateOrder(**order) for order in data.pop("date_orders", []))
    conditions = tuple(Condition(**condition) for condition in data.pop("conditions", []))
    requirements = tuple(
        Requirement(**{**r, "values": tuple(r["values"]), "if_present": tuple(r["if_present"])})
        for r in data.pop("requirements", [])
    )
    if "event_log" in data:
        log = data.pop("event_log")
        data["event_log"] = EventLog(
            **{
                **log,
                "start_events": tuple(log["start_events"]),
                "same_in_group": tuple(log.get("same_in_group", ())),
            }
        )
    if "owner" in data:
        owner = data.pop("owner")
        data["owner"] = Owner(kind=owner["kind"], columns=tuple(owner["columns"]))
        if data["owner"].kind not in OWNER_KINDS:
            raise ValueError(f"schema {data['name']}: unknown owner kind {owner['kind']!r}")
        unknown = set(data["owner"].columns) - {column.name for column in columns}
        if unknown:
            raise ValueError(f"schema {data['name']}: owner columns {sorted(unknown)} are not columns")
    for column in columns:
        if column.type not in STORAGE_TYPES:
            raise ValueError(f"schema {data['name']}: column {column.name} has unknown type {column.type!r}")
    return TableSchema(
        columns=columns, date_orders=orders, conditions=conditions, requirements=requirements, **data
    )


@cache
def table_names() -> tuple[str, ...]:
    """Names of every canonical table, e.g. ('cwt', ...)."""
    files = resources.files(__package__).iterdir()
    return tuple(sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml")))


@cache
def schema(name: str) -> TableSchema:
    """The schema of canonical table `name` (see `table_names()`)."""
    if name not in table_names():
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(table_names())}")
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return _parse(tomllib.loads(text))
