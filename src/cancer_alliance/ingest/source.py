"""The one reader of canonical-table files (docs/decisions/0027): a CSV, Parquet or XML file
(`xml_records.py`), a folder of several files (`extract.py`) or rows already read as text (`TextInput`:
a URI or catalogue table the engine read, docs/decisions/0050) into DuckDB as text, one table
`source_rows`: `row_number` (1 = the first data row; in a CSV that is line 2 unless a quoted value
spans lines; in XML the record's number) and every schema column as canonical text (`_tidy`), fed through
the file's mapping profile (`mapping.py`), plus any derived columns the caller asks for, computed in
the same pass. Missing optional columns are all missing; headers that feed nothing are listed in
the mapping; a missing required column or a repeated column makes the file unprocessable
(InputError)."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from cancer_alliance.errors import InputError
from cancer_alliance.ingest import extract, pseudonym, values, xml_records
from cancer_alliance.ingest.mapping import Mapping, map_header
from cancer_alliance.ingest.profiles import load_profile, profiles_for
from cancer_alliance.reference import code_list
from cancer_alliance.reference.organisations import CODINGS
from cancer_alliance.schemas import TableSchema

FORMATS = {".csv": "csv", ".parquet": "parquet", ".xml": "xml"}
_BLOCK_BYTES = 16 * 1024 * 1024
_PROBLEM_COLUMNS = (extract.SOURCE_PROBLEM, extract.SOURCE_FIELD, extract.SOURCE_CHECK)
_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_SAFE_DETAILS = [
    re.compile(text)
    for text in (
        r"Expected Number of Columns: \d+ Found: \d+",
        r"Value with unterminated quote found",
        r"Invalid unicode \(byte sequence mismatch\) detected",
        r"Maximum line size of \d+ bytes exceeded",
        r"The CSV Parser state machine reached an invalid state",
    )
]


def quote(name: str) -> str:
    """A DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def file_format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise InputError(f"{path}: unknown file type {path.suffix!r}; use .csv, .parquet or .xml") from None


def read_header(path: Path, fmt: str) -> list[str]:
    """Column names as the file has them (a CSV's first line; a Parquet file's schema)."""
    if fmt == "parquet":
        try:
            return list(pq.read_schema(path).names)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{path}: not a readable Parquet file ({type(error).__name__})") from None
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path}: cannot read the header ({type(error).__name__})") from None
    if not header:
        raise InputError(f"{path}: the file is empty; the first line must name the columns")
    return header


def _repeated(path: Path, header: list[str], table: TableSchema) -> None:
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise InputError(
            f"{path}: cannot ingest as table {table.name}: repeated columns: {', '.join(duplicated)}"
        )


@dataclass(frozen=True)
class TextInput:
    """Rows already read as text by someone else (a URI or table the engine read), named for messages:
    row N is the Nth row as read."""

    name: str
    data: pa.Table

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Source:
    """A file ready to load: its format, its header and how the header feeds the table, and for a
    source read whole to find its header (XML, `TextInput`) its text."""

    path: Path | TextInput
    format: str
    header: list[str]
    mapping: Mapping
    text: pa.Table | None = None


def open_source(path: Path | TextInput, table: TableSchema, profile: str | Path | None = None) -> Source:
    """The file's format, header and mapping through `profile` (given or detected), once its
    columns are known to fit `table` (else InputError naming every problem). A folder is a source
    of several files (`extract.py`)."""
    if isinstance(path, TextInput):
        header = list(path.data.column_names)
        _repeated(path, header, table)
        return Source(path, "text", header, map_header(path, header, table, profile), path.data)
    if path.is_dir():
        return _open_extract(path, table, profile)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    fmt = file_format(path)
    if fmt == "xml":
        return _open_xml(path, table, profile)
    header = read_header(path, fmt)
    _repeated(path, header, table)
    return Source(path, fmt, header, map_header(path, header, table, profile))


def _open_xml(path: Path, table: TableSchema, profile: str | Path | None) -> Source:
    """An XML file through a profile with an `[xml] record` (given, or the only one of `table`): its
    elements renamed to the profile's headers they match by letters and digits."""
    if profile is not None:
        chosen = load_profile(profile)
    else:
        readers = [p for p in profiles_for(table.name) if p.xml_record]
        if len(readers) != 1:
            raise InputError(
                f"{path}: give --profile: an XML file is read through a profile with [xml] record"
            )
        chosen = readers[0]
    if not chosen.xml_record:
        raise InputError(f"{path}: profile {chosen.name} has no [xml] record, so it cannot read XML")
    found = xml_records.read(path, chosen.xml_record)
    known = [*chosen.columns, *(chosen.record_id.columns if chosen.record_id else ()), *table.column_names]
    by_key = {xml_records.element_key(name): name for name in reversed(known)}
    header = [by_key.get(xml_records.element_key(name), name) for name in found.data.column_names]
    _repeated(path, header, table)
    problems = found.problems
    text = found.data.rename_columns(header)
    text = text.append_column(extract.SOURCE_PROBLEM, pa.array([p and p[1] for p in problems], pa.string()))
    text = text.append_column(extract.SOURCE_FIELD, pa.array([p and p[0] for p in problems], pa.string()))
    checks = [p and "repeated_element" for p in problems]
    text = text.append_column(extract.SOURCE_CHECK, pa.array(checks, pa.string()))
    mapping = map_header(path, header, table, chosen.path or chosen.name)
    return Source(path, "xml", header, replace(mapping, detected=profile is None), text)


def _open_extract(path: Path, table: TableSchema, profile: str | Path | None) -> Source:
    if profile is not None:
        chosen = load_profile(profile)
        if not chosen.files:
            raise InputError(
                f"{path}: a folder is read through a profile of several files; {chosen.name} has one"
            )
    else:
        fitting = [p for p in profiles_for(table.name) if extract.fits(path, p)]
        if not fitting:
            raise InputError(f"{path}: no profile of several files names this folder's files; give --profile")
        chosen = fitting[0]
    header = extract.header(path, chosen, read_header)
    mapping = map_header(path, header, table, chosen.path or chosen.name)
    return Source(path, "extract", header, replace(mapping, detected=profile is None))


def load(
    con: duckdb.DuckDBPyConnection,
    path: Path | TextInput,
    table: TableSchema,
    derived: Sequence[str] = (),
    profile: str | Path | None = None,
) -> Loaded:
    """Create table `source_rows` from the file, with the `derived` columns (SQL over the text
    columns) computed in the same pass; returns the number of data rows and the mapping used."""
    opened = open_source(path, table, profile)
    if opened.text is not None:
        raw = opened.text
    elif opened.format == "extract":
        raw = extract.read(con, path, opened.mapping.profile, read_header, _read_text)
    else:
        raw = _read_text(con, path, opened.format, opened.header)
    text = _tidy(raw, table, opened)
    con.register("source_text", text)
    try:
        con.execute(f"CREATE TABLE source_rows AS SELECT {', '.join(['*', *derived])} FROM source_text")
    finally:
        con.unregister("source_text")
    position = None
    if opened.format == "extract" and isinstance(path, Path):
        position = extract.positions(path, opened.mapping.profile, opened.mapping.sources)
    return Loaded(text.num_rows, opened.mapping, position)


@dataclass(frozen=True)
class Loaded:
    """What `load` read: the number of data rows and the mapping of the file's header, and where a
    problem's row is in the source (SQL over a problem `p` and its `source_rows` row `s`): the file
    (`name` for a single file) and its row number (`row_number`; for a source of several files the
    row of the file the problem's field comes from, `extract.positions`)."""

    rows: int
    mapping: Mapping
    position: tuple[str, str] | None = None

    def file_and_row(self, name: str) -> tuple[str, str]:
        """The file (`name`, or `name/<file>` in a source of several files) and row, as SQL."""
        if self.position is None:
            return literal(name), "p.row_number"
        file, row = self.position
        return f"{literal(name + '/')} || {file}", row


def _read_text(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, header: list[str]) -> pa.Table:
    """Every column of the file as text, in file order."""
    if fmt == "parquet":
        return _read_parquet_text(path)
    strings = {name: pa.string() for name in header}
    try:  # fast path: Arrow's multi-threaded reader (no line breaks inside quoted values)
        return pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1, block_size=_BLOCK_BYTES),
            convert_options=pa_csv.ConvertOptions(column_types=strings),
        )
    except pa.ArrowInvalid:
        pass  # DuckDB's reader accepts line breaks in quoted values and names the line of a real error
    columns = "{" + ", ".join(f"{literal(name)}: 'VARCHAR'" for name in header) + "}"
    scan = (
        f"read_csv({literal(str(path))}, columns={columns}, header=true, auto_detect=false, "
        f"delim=',', quote='\"', escape='\"', encoding='utf-8')"
    )
    try:
        return con.sql(f"SELECT * FROM {scan}").to_arrow_table()  # file order: insertion order is kept
    except duckdb.Error as error:
        raise InputError(_describe(path, error)) from None


def _read_parquet_text(path: Path) -> pa.Table:
    try:
        data = pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{path}: not a readable Parquet file ({type(error).__name__})") from None
    columns = []
    for field in data.schema:
        try:
            columns.append(pc.cast(data.column(field.name), pa.string()))
        except pa.ArrowException:
            raise InputError(
                f"{path}: column {field.name} of type {field.type} cannot be read as text"
            ) from None
    return pa.table(columns, names=data.column_names)


def _tidy(data: pa.Table, table: TableSchema, opened: Source) -> pa.Table:
    """Row numbers first, then every schema column as canonical text (`values`): without surrounding
    ASCII white space, blank = missing, NHS numbers without display spaces, dates as yyyy-mm-dd,
    values translated by the profile, other codings (a CCG's ODS code) in the stored form, codes
    padded; schema columns the file lacks are all missing, and `record_id` is
    built when the profile says so."""
    mapping = opened.mapping
    columns: dict[str, pa.ChunkedArray | pa.Array] = {}
    for column in table.columns:
        header = mapping.sources.get(column.name)
        if header is None:
            columns[column.name] = pa.nulls(data.num_rows, pa.string())
            continue
        text = _text(data, header)
        if column.type == "nhs_number":
            text = pc.replace_substring(text, " ", "")
        if column.type == "date":
            text = values.iso_dates(text, f"{opened.path}, column {header}")
        text = values.translate(text, mapping.profile.translations.get(column.name, {}))
        if column.also_accepts is not None:
            text = values.translate(text, CODINGS[column.also_accepts]())
        if column.type == "code":
            text = values.translate(text, values.padding(list(code_list(column.codes))))
        columns[column.name] = text
    if mapping.builds_record_id:
        parts = [columns[n] if n in columns else _text(data, n) for n in mapping.record_id_sources]
        columns["record_id"] = values.built_ids(parts, pseudonym.load_key(), mapping.profile.record_id.prefix)
    given = opened.format in ("extract", "xml")  # readers that name problems of a row's source
    problems = [
        data.column(name).cast(pa.string())
        if given and name in data.column_names
        else pa.nulls(data.num_rows, pa.string())
        for name in _PROBLEM_COLUMNS
    ]
    numbers = pa.array(range(1, data.num_rows + 1), pa.int64())
    per_file = [name for name in data.column_names if name.startswith(extract.ROW_PREFIX)]
    return pa.table(
        [numbers, *(columns[c] for c in table.column_names), *problems, *(data.column(n) for n in per_file)],
        names=["row_number", *table.column_names, *_PROBLEM_COLUMNS, *per_file],
    )


def _text(data: pa.Table, header: str) -> pa.ChunkedArray:
    """A column without surrounding ASCII white space (a quarter of the cost of utf8_), blank = missing."""
    text = pc.ascii_trim_whitespace(data.column(header))
    return pc.if_else(pc.equal(pc.binary_length(text), 0), pa.scalar(None, pa.string()), text)


def _describe(path: Path, error: duckdb.Error) -> str:
    """A reader error without the offending line (it may hold an NHS number): only the line
    number and details from a list of known, value-free DuckDB messages."""
    message = str(error)
    details = [found.group(0) for pattern in _SAFE_DETAILS if (found := pattern.search(message))]
    line = _CSV_LINE.search(message)
    where = f"line {line.group(1)} is not valid CSV" if line else "cannot read as CSV"
    return f"{path}: {where} ({'; '.join(details) or 'malformed file'})"
