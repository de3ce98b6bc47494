"""`score_file`: the library function behind `alliance lung risk --model MODEL INPUT -o OUTPUT`.

INPUT is CSV or Parquet with the model's input columns (a local path, a URI or, on Spark, a catalogue
table read by the engine) (docs/sources.md 'Interface';
`inputs.input_columns(model)`), other columns allowed. OUTPUT (a local path, a URI or, on Spark, a
table) is INPUT unchanged (every column, every row, in order) plus `risk`, the model's probability 0..1,
unrounded; optionally `model_version` and `coefficient_source` (Appendix A); a local Parquet output
records both in its file metadata always (Spark writes no Arrow metadata: ask for the columns).

A value that is not a number where one is needed, or is outside the model's domain, stops the run
with an InputError naming the file, the data row (1 = first row after the header) and the field,
never the value, and nothing is written.
"""

from __future__ import annotations

import csv
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from cancer_alliance.engine import Engine, EngineName, open_engine
from cancer_alliance.engine.io import (
    Kind,
    Location,
    check_engine,
    local_frame,
    location,
    output_location,
    read_engine_input,
    write_output,
)
from cancer_alliance.errors import InputError
from cancer_alliance.lung.coefficients import Model
from cancer_alliance.lung.inputs import Field, ModelInputError, fields, missing_columns
from cancer_alliance.lung.models import add_risk, info
from cancer_alliance.lung.settings import DEFAULT_SETTINGS, LungSettings
from cancer_alliance.table_files import file_format

ROW = "_row"
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
FLAG_WORDS = {"true": "1", "false": "0", "TRUE": "1", "FALSE": "0", "True": "1", "False": "0"}


@dataclass(frozen=True)
class ScoreSummary:
    """What `score_file` wrote."""

    model: str
    version: str
    rows: int
    output: Location


def score_file(
    input: Path | str,
    output: Path | str,
    model: Model | str,
    *,
    engine: EngineName | str | None = None,
    settings: LungSettings = DEFAULT_SETTINGS,
    brock_2a: bool = False,
    with_provenance: bool = False,
) -> ScoreSummary:
    """Score every row of `input` with `model` on the engine and write `output` (see module doc)."""
    where, output, model = location(input), output_location(output), Model(model)
    session = open_engine(engine)
    check_engine(session, where)
    check_engine(session, output)
    source = where.path if where.kind == Kind.path else where
    original = read_input(source, model) if where.kind == Kind.path else _engine_input(session, where, model)
    staged = _typed(source, original, fields(model)).append_column(
        ROW, pa.array(range(1, original.num_rows + 1))
    )
    with tempfile.TemporaryDirectory(prefix="alliance-lung-") as scratch:
        people = local_frame(session, staged, Path(scratch), "input")
        scored = add_risk(people, model, settings, brock_2a=brock_2a).select(ROW, "risk", "risk_problem")
        result = scored.toArrow()
    result = result.sort_by(ROW)
    problems = result.filter(pc.is_valid(result.column("risk_problem")))
    if problems.num_rows:
        field, problem = problems.column("risk_problem")[0].as_py().split(": ", 1)
        raise ModelInputError(field, problem, row=problems.column(ROW)[0].as_py(), source=str(source))
    described = info(model, brock_2a=brock_2a)
    table = original.append_column("risk", result.column("risk").cast(pa.float64()))
    if with_provenance:
        table = table.append_column("model_version", pa.array([described.version] * table.num_rows))
        table = table.append_column("coefficient_source", pa.array([described.source] * table.num_rows))
    if output.format == ".parquet":
        table = table.replace_schema_metadata(
            {
                **(table.schema.metadata or {}),
                b"model_version": described.version.encode(),
                b"coefficient_source": described.source.encode(),
            }
        )
    write_output(session, table, output)
    return ScoreSummary(model=model.value, version=described.version, rows=table.num_rows, output=output)


def read_input(path: Path, model: Model) -> pa.Table:
    """The input as read (CSV: every column as text; Parquet: as stored), with the model's columns."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        if file_format(path) == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                names = next(csv.reader(handle), [])
            table = pa_csv.read_csv(
                path,
                convert_options=pa_csv.ConvertOptions(
                    column_types={name: pa.string() for name in names}, strings_can_be_null=False
                ),
            )
        else:
            table = pq.read_table(path)
    except (OSError, UnicodeDecodeError, csv.Error, pa.ArrowException) as error:
        raise InputError(f"{path}: cannot be read as {path.suffix} ({type(error).__name__})") from None
    missing = missing_columns(model, table.column_names)
    if missing:
        raise InputError(f"{path}: missing columns for {model.value}: {', '.join(missing)}")
    return table


def _engine_input(session: Engine, where: Location, model: Model) -> pa.Table:
    """A URI or table as the engine reads it (a CSV as text, Parquet and tables as stored), collected
    here in the engine's read order, with the model's columns."""
    table = read_engine_input(session, where).toArrow()
    missing = missing_columns(model, table.column_names)
    if missing:
        raise InputError(f"{where}: missing columns for {model.value}: {', '.join(missing)}")
    return table


def _typed(path: Path | Location, table: pa.Table, model_fields: tuple[Field, ...]) -> pa.Table:
    """The model's columns typed for the engine: numbers and 0/1 flags as double, codes as text."""
    columns = {}
    for field in model_fields:
        values = table.column(field.name)
        if field.kind == "code":
            values = values.cast(pa.string())
            columns[field.name] = pc.if_else(pc.equal(pc.utf8_trim_whitespace(values), ""), None, values)
        else:
            columns[field.name] = _numbers(path, field, values)
    return pa.table(columns)


def _numbers(path: Path | Location, field: Field, values: pa.ChunkedArray) -> pa.ChunkedArray:
    if (
        pa.types.is_boolean(values.type)
        or pa.types.is_integer(values.type)
        or pa.types.is_floating(values.type)
    ):
        return values.cast(pa.float64())
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        raise InputError(f"{path}, {field.name}: a column of {values.type} where numbers are needed")
    text = pc.utf8_trim_whitespace(values)
    if field.kind == "flag":
        for word, digit in FLAG_WORDS.items():
            text = pc.if_else(pc.equal(text, word), digit, text)
    text = pc.if_else(pc.equal(text, ""), None, text)
    good = pc.or_kleene(pc.is_null(text), pc.match_substring_regex(text, NUMBER.pattern))
    if not pc.all(good).as_py():
        row = pc.index(good, False).as_py() + 1
        raise ModelInputError(field.name, "not a number", row=row, source=str(path))
    return text.cast(pa.float64())
