"""The row checks, generated from a table's schema as DuckDB SQL, so millions of rows are checked
without a Python loop. As the file is loaded, every column is also parsed to its storage type (NULL
when it does not parse); each check is then a cheap condition on the text and typed values. Each failed
check is one problem (row_number, field, check, reason); a row with any problem is quarantined and
all its problems are reported.

Checks (issue 2, item 4; docs/sources.md, "Input: canonical CWT record"):
`missing_required`, `wrong_type` (integer, number, boolean), `bad_date` (ISO yyyy-mm-dd only, and a
real calendar date), `unknown_code` (not in the column's code list), `pattern_mismatch`,
`out_of_range` (schema minimum/maximum), `invalid_nhs_number` (ten digits, modulus 11),
`nhs_number_in_text` (a valid NHS number typed into an identifier or free-text field, which would
reach the lake unpseudonymised: `nhs_number.has_nhs_number`, the rule the web applies to notes),
`date_order` (the schema's date_orders, when both dates are valid), `conditional` (a column
required with one value of another and blank otherwise), `required_when` (the schema's
requirements: a column required when another has one of some values and any of some columns is
given) and `duplicate_key` (the
second and later rows with the same key in the file). A table with an `event_log` (events grouped
into pathways) also gets the cross-row checks `second_start_event`, `before_start` and
`differs_in_group` (`event_log_problems`). A row of a source of several files without its
driving row is `unjoined` (`extract.py`); a reader may name other problems of a row's source
(`xml_records.py`: `repeated_element`)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import duckdb

from cancer_alliance.ingest import nhs_number
from cancer_alliance.ingest.extract import SOURCE_CHECK, SOURCE_FIELD, SOURCE_PROBLEM
from cancer_alliance.ingest.source import literal, quote
from cancer_alliance.reference import code_list
from cancer_alliance.schemas import Column, TableSchema

#: Text accepted for a boolean column (compared in lower case).
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
#: yyyy-mm-dd as a GLOB pattern (several times faster than a regular expression on 3 M rows).
_ISO_DATE = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"
#: DuckDB reads year 0000 as 1 BC; the Gregorian calendar of the data starts at year 1.
_FIRST_YEAR = "'0001'"
_INTEGER = "'[+-]?[0-9]+'"
_NUMBER = r"'[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?'"


@dataclass(frozen=True)
class Check:
    """One check of one field: `fails` is a SQL condition over `source_rows`, true for a row that
    fails; `reason` a SQL expression for the message (never a patient value)."""

    field: str
    check: str
    fails: str
    reason: str


#: Column types stored as text: their typed value is the text itself, so no second column.
_TEXT_TYPES = ("string", "code")


def typed(column: Column) -> str:
    """Column of `source_rows` holding `column` in its storage type."""
    return quote(column.name if column.type in _TEXT_TYPES else f"{column.name}:typed")


def _words(words: tuple[str, ...]) -> str:
    return "(" + ", ".join(literal(w) for w in words) + ")"


def _parse(column: Column) -> str:
    """SQL parsing the text column to its storage type; NULL when missing or not parseable.
    NHS numbers become the ten-digit BIGINT (pseudonymised later)."""
    c = quote(column.name)
    if column.type == "date":
        return f"CASE WHEN {c} GLOB {_ISO_DATE} AND {c} >= {_FIRST_YEAR} THEN try_cast({c} AS DATE) END"
    if column.type == "integer":
        return f"CASE WHEN regexp_full_match({c}, {_INTEGER}) THEN try_cast({c} AS INTEGER) END"
    if column.type == "number":
        return f"CASE WHEN regexp_full_match({c}, {_NUMBER}) THEN try_cast({c} AS DOUBLE) END"
    if column.type == "boolean":
        return (
            f"CASE WHEN lower({c}) IN {_words(TRUE_WORDS)} THEN true "
            f"WHEN lower({c}) IN {_words(FALSE_WORDS)} THEN false END"
        )
    return nhs_number.sql_as_number(c)


#: The DuckDB name of `nhs_number.has_nhs_number`, registered on the connection by `find_problems`.
_HAS_NHS_NUMBER = "alliance_has_nhs_number"
#: A valid NHS number as people write it, to find the columns whose pattern would let one through.
_SAMPLE_NHS_NUMBERS = ("9434765919", "943 476 5919", "943-476-5919")


def may_hold_nhs_number(column: Column) -> bool:
    """Whether `column` is text that could hold a typed NHS number: a string without a pattern
    (free text) or with one that a written NHS number matches (identifiers such as `record_id`).
    Codes, and strings whose pattern is an organisation or CCG code, cannot."""
    if column.type != "string":
        return False
    pattern = column.pattern
    return pattern is None or any(re.fullmatch(pattern, sample) for sample in _SAMPLE_NHS_NUMBERS)


def _nhs_number_in_text(column: Column) -> Check:
    c = quote(column.name)
    fails = f"CASE WHEN {nhs_number.sql_may_have(c)} THEN {_HAS_NHS_NUMBER}({c}) ELSE false END"
    reason = literal("an NHS number in an identifier or free-text field: NHS numbers go only in nhs_number")
    return Check(column.name, "nhs_number_in_text", fails, reason)


def _column_checks(column: Column) -> list[Check]:
    c, t, name = quote(column.name), typed(column), column.name
    present = f"{c} IS NOT NULL"
    unparsed = f"{present} AND {t} IS NULL"
    checks = []
    if column.required:
        checks.append(Check(name, "missing_required", f"{c} IS NULL", literal("missing required field")))
    if column.type == "date":
        reason = (
            f"CASE WHEN {c} GLOB {_ISO_DATE} THEN 'no such date' ELSE 'not a date in the form yyyy-mm-dd' END"
        )
        checks.append(Check(name, "bad_date", unparsed, reason))
    elif column.type in ("integer", "number", "boolean"):
        expected = {
            "integer": "a whole number",
            "number": "a number",
            "boolean": f"true or false ({', '.join(TRUE_WORDS + FALSE_WORDS)})",
        }[column.type]
        checks.append(Check(name, "wrong_type", unparsed, literal(f"not {expected}")))
    elif column.type == "nhs_number":
        checks.append(
            Check(name, "invalid_nhs_number", unparsed, literal("invalid NHS number: not ten digits"))
        )
        fails = f"{t} IS NOT NULL AND NOT {nhs_number.sql_is_valid(t)}"
        checks.append(
            Check(
                name, "invalid_nhs_number", fails, literal("invalid NHS number: fails the modulus 11 check")
            )
        )
    elif column.type == "code":
        codes = ", ".join(literal(code) for code in sorted(code_list(column.codes)))
        fails = f"{present} AND {c} NOT IN ({codes})"
        checks.append(
            Check(name, "unknown_code", fails, literal(f"not a code in the {column.codes} code list"))
        )
    if column.pattern is not None:
        fails = f"{present} AND NOT regexp_full_match({c}, {literal(column.pattern)})"
        checks.append(
            Check(name, "pattern_mismatch", fails, literal(f"does not match the pattern {column.pattern}"))
        )
    if column.minimum is not None:
        fails = f"{t} < {column.minimum!r}"
        checks.append(Check(name, "out_of_range", fails, literal(f"below the minimum {column.minimum:g}")))
    if column.maximum is not None:
        fails = f"{t} > {column.maximum!r}"
        checks.append(Check(name, "out_of_range", fails, literal(f"above the maximum {column.maximum:g}")))
    return checks


def checks_for(table: TableSchema, exempt: Collection[str] = ()) -> list[Check]:
    """Every per-row check of `table`, in column order, then the date orders. Columns in `exempt`
    are not searched for NHS numbers (a `record_id` the profile builds as a keyed hash, an NHS
    number column read as text)."""
    checks = [check for column in table.columns for check in _column_checks(column)]
    checks += [
        _nhs_number_in_text(c) for c in table.columns if c.name not in exempt and may_hold_nhs_number(c)
    ]
    for order in table.date_orders:
        later, earlier = typed(table.column(order.later)), typed(table.column(order.earlier))
        fails = f"{later} < {earlier}"
        reason = literal(f"{order.reason} ({order.later} is before {order.earlier})")
        checks.append(Check(order.later, "date_order", fails, reason))
    for condition in table.conditions:
        column, when = quote(condition.column), quote(condition.when_column)
        applies = f"{when} = {literal(condition.equals)}"
        checks.append(
            Check(
                condition.column,
                "conditional",
                f"({applies}) AND {column} IS NULL",
                literal(condition.reason_missing),
            )
        )
        checks.append(
            Check(
                condition.column,
                "conditional",
                f"{when} IS NOT NULL AND {when} <> {literal(condition.equals)} AND {column} IS NOT NULL",
                literal(condition.reason_extra),
            )
        )
    for requirement in table.requirements:
        values = ", ".join(literal(v) for v in requirement.values)
        present = " OR ".join(f"{quote(name)} IS NOT NULL" for name in requirement.if_present)
        applies = f"{quote(requirement.when_column)} IN ({values}) AND ({present})"
        fails = f"{applies} AND {quote(requirement.column)} IS NULL"
        checks.append(Check(requirement.column, "required_when", fails, literal(requirement.reason)))
    return checks


def typed_columns(table: TableSchema) -> list[str]:
    """SQL for the typed column of each text column, computed once as the file is loaded."""
    return [f"{_parse(c)} AS {typed(c)}" for c in table.columns if c.type not in _TEXT_TYPES]


def find_problems(con: duckdb.DuckDBPyConnection, table: TableSchema, exempt: Collection[str] = ()) -> None:
    """Create table `problems` (row_number, field, check, reason) from `source_rows`, loaded
    with `typed_columns(table)`. The per-row checks run in one pass (a list of the failed checks
    per row, then unnested); duplicate keys need a window over the file. `exempt` as in `checks_for`."""
    _register_nhs_number_search(con)
    found = ", ".join(
        f"CASE WHEN {k.fails} THEN {{'field': {literal(k.field)}, 'check': {literal(k.check)}, "
        f"'reason': {k.reason}}} END"
        for k in checks_for(table, exempt)
    )
    key = quote(table.key)
    con.execute(f"""
        CREATE TABLE problems AS
        SELECT row_number, unnest(found, recursive := true) FROM (
            SELECT row_number, list_filter([{found}], lambda problem: problem IS NOT NULL) AS found
            FROM source_rows)
        WHERE len(found) > 0
        UNION ALL
        SELECT row_number, {literal(table.key)}, 'duplicate_key',
               'duplicate {table.key}: first in row ' || first_row
        FROM (SELECT row_number, min(row_number) OVER (PARTITION BY {key}) AS first_row
              FROM source_rows WHERE {key} IS NOT NULL)
        WHERE row_number > first_row
        UNION ALL
        SELECT row_number, coalesce({quote(SOURCE_FIELD)}, {literal(table.key)}),
               coalesce({quote(SOURCE_CHECK)}, 'unjoined'), {quote(SOURCE_PROBLEM)}
        FROM source_rows WHERE {quote(SOURCE_PROBLEM)} IS NOT NULL
    """)
    if table.event_log is not None:
        con.execute(f"INSERT INTO problems {event_log_problems(table)}")


def _register_nhs_number_search(con: duckdb.DuckDBPyConnection) -> None:
    """`has_nhs_number` as a DuckDB function on `con` (called only on the few values that
    `nhs_number.sql_may_have` lets through, so a Python call per row is no cost)."""
    try:
        con.create_function(_HAS_NHS_NUMBER, nhs_number.has_nhs_number, ["VARCHAR"], "BOOLEAN")
    except duckdb.CatalogException:
        pass  # already registered on this connection


def event_log_problems(table: TableSchema) -> str:
    """A query of the cross-row problems (row_number, field, check, reason) of a table of events
    grouped into pathways (its `event_log`). Rows are compared as the file has them: the first row
    of a start event in a group is that start; a later row of the same start event is
    `second_start_event`; an event dated before the group's earliest start event is `before_start`;
    a `same_in_group` column that differs from the group's first start row is `differs_in_group`.
    Rows with problems of their own are left out of the comparison (a broken copy of a start event
    must not make the real one a "second"). A group without a start event is not a problem here
    (its events may come in a later file). Reasons name rows, never values."""
    log = table.event_log
    if log is None:
        raise ValueError(f"table {table.name} has no event_log")
    group, event = quote(log.group), quote(log.event)
    date = typed(table.column(log.date))
    starts = "(" + ", ".join(literal(name) for name in log.start_events) + ")"
    is_start = f"{event} IN {starts}"
    whole = "OVER (PARTITION BY g)"
    same = [(name, typed(table.column(name)), quote(f"first:{name}")) for name in log.same_in_group]
    firsts = "".join(
        f", first_value({value}) OVER (PARTITION BY g ORDER BY {is_start} DESC NULLS LAST, row_number "
        f"ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS {first}"
        for _, value, first in same
    )
    differs = "".join(
        f"""
        UNION ALL
        SELECT row_number, {literal(name)}, 'differs_in_group',
               '{name} differs from the {log.group}''s start event in row ' || start_row
        FROM grouped
        WHERE start_row IS NOT NULL AND row_number <> start_row AND {value} IS NOT NULL
              AND {first} IS NOT NULL AND {value} <> {first}"""
        for name, value, first in same
    )
    return f"""
        WITH grouped AS (
            SELECT *,
                   min(CASE WHEN {is_start} THEN row_number END) {whole} AS start_row,
                   min(CASE WHEN {is_start} THEN {date} END) {whole} AS start_date,
                   arg_min(row_number, CASE WHEN {is_start} THEN {date} END) {whole} AS start_date_row,
                   min(row_number) OVER (PARTITION BY g, {event}) AS first_of_event{firsts}
            FROM (SELECT *, {group} AS g FROM source_rows WHERE {group} IS NOT NULL
                  AND row_number NOT IN (SELECT row_number FROM problems)))
        SELECT row_number, {literal(log.event)}, 'second_start_event',
               'a second ' || {event} || ' event for this {log.group}: the first is in row ' || first_of_event
        FROM grouped WHERE {is_start} AND row_number > first_of_event
        UNION ALL
        SELECT row_number, {literal(log.date)}, 'before_start',
               '{log.date} is before the {log.group}''s start event in row ' || start_date_row
        FROM grouped WHERE {date} < start_date{differs}
    """
