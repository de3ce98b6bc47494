"""A source held as several files (a Somerset Cancer Register extract: referrals, demographics,
definitive treatments), imported as one unit: a folder with one CSV or Parquet file per table its
profile names (`[[files]]`), joined into one text table whose headers are `<file>.<column>`
(docs/decisions/0026).

The first file drives: one record per row of it. A `lookup` file (e.g. demographics by PATIENT_ID)
adds its columns to every row with its key and must hold each key once (else the folder is
refused: a repeated key would copy records). A `rows` file (e.g. definitive treatments by CARE_ID)
gives one record per row joined to its driving row; a driving row without any keeps one record, and
a row whose key the driving file lacks is still a row, with the driving file's columns blank and
`SOURCE_PROBLEM` saying so, and the checks quarantine it (`unjoined`) rather than drop it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from cancer_alliance.errors import InputError
from cancer_alliance.ingest.profiles import Profile, SourceFile

SUFFIXES = (".csv", ".parquet")
#: The column of the joined table naming why a row has no driving row (the checks quarantine it).
#: Other readers of a source (`xml_records.py`) use it too, with the field and check beside it.
SOURCE_PROBLEM = "_source_problem"
SOURCE_FIELD = "_source_field"  # the field a source problem is about (default: the table's key)
SOURCE_CHECK = "_source_check"  # the check it fails (default: `unjoined`)
#: Columns `_row:<file>` of the joined table: the row's number in each file (blank where it has none).
ROW_PREFIX = "_row:"

#: Reads one file as text: (connection, path, format, header) -> table.
ReadText = Callable[[duckdb.DuckDBPyConnection, Path, str, list[str]], pa.Table]
#: Reads one file's header: (path, format) -> names.
ReadHeader = Callable[[Path, str], list[str]]


def files(folder: Path, profile: Profile) -> list[tuple[SourceFile, Path]]:
    """Each file the profile names, found in `folder` by name (any case, .csv or .parquet)."""
    present = {p.stem.lower(): p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES}
    found, missing = [], []
    for wanted in profile.files:
        path = present.get(wanted.name.lower())
        if path is None:
            missing.append(wanted.name)
        else:
            found.append((wanted, path))
    if missing:
        raise InputError(
            f"{folder}: profile {profile.name} needs the files {', '.join(missing)} (.csv or .parquet)"
        )
    return found


def fits(folder: Path, profile: Profile) -> bool:
    """Whether `folder` holds every file of a multi-file `profile`."""
    present = {p.stem.lower() for p in folder.iterdir() if p.suffix.lower() in SUFFIXES}
    return bool(profile.files) and all(f.name.lower() in present for f in profile.files)


def header(folder: Path, profile: Profile, read_header: ReadHeader) -> list[str]:
    """The joined table's headers: `<file>.<column>` for every column of every file."""
    return [
        f"{wanted.name}.{name}"
        for wanted, path in files(folder, profile)
        for name in read_header(path, path.suffix.lower().lstrip("."))
    ]


def read(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    profile: Profile,
    read_header: ReadHeader,
    read_text: ReadText,
) -> pa.Table:
    """The files joined as the module docstring says, every column text, in driving-file order."""
    found = files(folder, profile)
    for index, (wanted, path) in enumerate(found):
        fmt = path.suffix.lower().lstrip(".")
        names = read_header(path, fmt)
        text = read_text(con, path, fmt, names).rename_columns([f"{wanted.name}.{n}" for n in names])
        text = text.append_column(f"_row_{index}", pa.array(range(1, text.num_rows + 1), pa.int64()))
        con.register(f"extract_{index}", text)
        con.execute(f"CREATE TEMP TABLE file_{index} AS SELECT * FROM extract_{index}")
        con.unregister(f"extract_{index}")
    driving = found[0][0].name
    joins, order, unjoined = [], ["_row_0"], []
    for index, (wanted, _) in enumerate(found[1:], start=1):
        mine, theirs = _column(wanted.name, wanted.join), _column(driving, wanted.join)
        if wanted.kind == "lookup":
            repeated = con.execute(
                f"SELECT count(*) FROM (SELECT {mine} FROM file_{index} WHERE {mine} IS NOT NULL "
                f"GROUP BY {mine} HAVING count(*) > 1)"
            ).fetchall()[0][0]
            if repeated:
                raise InputError(
                    f"{folder}: {wanted.name} holds {repeated} {wanted.join} values more than once; "
                    "each must be once so that no record is copied"
                )
            joins.append(f"LEFT JOIN file_{index} ON trim({theirs}) = trim({mine})")
        else:
            joins.append(f"FULL JOIN file_{index} ON trim({theirs}) = trim({mine})")
            order.append(f"_row_{index}")
            reason = (
                f"row ' || _row_{index} || ' of {wanted.name} has no {driving} row with its {wanted.join}"
            )
            unjoined.append(f"WHEN _row_0 IS NULL AND _row_{index} IS NOT NULL THEN '{reason}'")
    rows = ", ".join(f"_row_{i}" for i in range(len(found)))
    numbers = ", ".join(f'_row_{i} AS "{ROW_PREFIX}{wanted.name}"' for i, (wanted, _) in enumerate(found))
    problem = f"CASE {' '.join(unjoined)} END" if unjoined else "NULL"
    return con.sql(
        f"SELECT * EXCLUDE ({rows}), {numbers}, {problem} AS {SOURCE_PROBLEM} FROM file_0 {' '.join(joins)} "
        f"ORDER BY {', '.join(order)} NULLS LAST"
    ).to_arrow_table()


def positions(folder: Path, profile: Profile, sources: dict[str, str]) -> tuple[str, str]:
    """SQL over a problem `p` and its row `s` of `source_rows`: the name of the file a problem's field
    comes from (by the header feeding it, when the row has a row of that file; else the first file it
    has a row of) and that file's row number (1 = its first data row), so that a quarantine names the
    row an analyst can find."""
    names = {wanted.name: path.name for wanted, path in files(folder, profile)}
    by_field = {column: header.split(".", 1)[0] for column, header in sources.items()}

    def row_of(file: str) -> str:
        return (
            f"CASE {file} "
            + " ".join(f"WHEN {_text(n)} THEN s.{_quoted(ROW_PREFIX + n)}" for n in names)
            + " END"
        )

    fed = (
        "CASE p.field "
        + " ".join(f"WHEN {_text(c)} THEN {_text(n)}" for c, n in by_field.items() if n in names)
        + " END"
    )
    first = (
        "CASE "
        + " ".join(f"WHEN s.{_quoted(ROW_PREFIX + n)} IS NOT NULL THEN {_text(n)}" for n in names)
        + " END"
    )
    chosen = f"(CASE WHEN {row_of(fed)} IS NOT NULL THEN {fed} ELSE {first} END)"
    shown = (
        "CASE " + " ".join(f"WHEN {chosen} = {_text(n)} THEN {_text(d)}" for n, d in names.items()) + " END"
    )
    return shown, row_of(chosen)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _column(file: str, name: str) -> str:
    return '"' + f"{file}.{name}".replace('"', '""') + '"'
