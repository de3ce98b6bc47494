"""Done when (issue 20): fixture files built from the published item names and from spreadsheet and
SQL exports import with the same accepted rows and give the same CWT facts as the canonical file of
the same records, on DuckDB and on Spark; every row of every fixture is accounted for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cancer_alliance.cwt.evaluate import evaluate
from cancer_alliance.ingest.validate import check_file

from .conftest import CWT, record
from .test_profiles import CODES, DATES, british, national_rows, write

#: Records on several routes (2ww, breast symptomatic, screening, upgrade, subsequent treatment), and
#: two that every path refuses (an unknown code; a two week wait seen without a referral date).
ROWS = [
    record(record_id="usc"),
    record(record_id="breast", referral_type="16", date_first_seen="2019-06-20", treatment_modality="02"),
    record(record_id="screen", source_of_referral="17", priority_type="2", treatment_event_type="07"),
    record(
        record_id="upgrade",
        priority_type="1",
        consultant_upgrade_date="2019-06-12",
        provider_consultant_upgrade="RAA",
        treatment_start_date="2019-08-20",
    ),
    record(
        record_id="later",
        treatment_event_type="02",
        treatment_modality="05",
        decision_to_treat_date="2019-07-20",
        treatment_start_date="2019-08-01",
    ),
    record(record_id="zz", treatment_modality="ZZ"),
    record(record_id="nodate", referral_received_date=""),
]


def excel_mangled(path: Path) -> Path:
    """Upper-case spaced headers, dd/mm/yyyy dates, codes without their leading zeros, a notes column."""

    def mangle(column: str, value: str) -> str:
        if column in DATES and value:
            return british(value)
        return value.lstrip("0") if column in CODES and value.isdigit() else value

    rows = [
        {c.replace("_", " ").upper(): mangle(c, v) for c, v in row.items()} | {"NOTES": "x"} for row in ROWS
    ]
    return write(path, rows, [c.replace("_", " ").upper() for c in CWT.column_names] + ["NOTES"])


def timestamp_parquet(path: Path) -> Path:
    table = pa.Table.from_pylist([{k: (v or None) for k, v in row.items()} for row in ROWS])
    for name in DATES:
        stamps = [None if v is None else dt.datetime.fromisoformat(v) for v in table.column(name).to_pylist()]
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, pa.array(stamps, pa.timestamp("ms")))
    pq.write_table(table, path)
    return path


def national(path: Path) -> Path:
    rows, header = national_rows(ROWS)
    return write(path, rows, header)


FIXTURES = {
    "excel-mangled.csv": excel_mangled,
    "timestamps.parquet": timestamp_parquet,
    "national.csv": national,
}


def facts(engine, path: Path, scratch: Path) -> tuple[list[tuple], list[str]]:
    """The CWT facts of the rows `path` accepts (record ids replaced by the row's position) and the
    keys of its rejected rows; rows in = accepted + rejected."""
    checked = check_file("cwt", path)
    assert checked.rows.num_rows + checked.rejected_rows == checked.rows_in == len(ROWS)
    staged = scratch / f"{path.name}.parquet"
    pq.write_table(checked.rows, staged)
    position = {rid: i for i, rid in enumerate(checked.rows.column("record_id").to_pylist())}
    found = evaluate(engine.read_parquet(staged)).toArrow().to_pylist()
    rows = sorted(
        tuple(str(position[row.pop("record_id")])) + tuple(str(v) for v in row.values()) for row in found
    )
    rejected = sorted({str(row) for row in checked.problems.column("row_number").to_pylist()})
    return rows, rejected


@pytest.mark.parametrize("fixture", list(FIXTURES))
def test_fixtures_give_the_canonical_files_facts(engine, home, tmp_path, fixture):
    canonical = facts(engine, write(tmp_path / "canonical.csv", ROWS, CWT.column_names), tmp_path)
    assert len(canonical[0]) > len(ROWS) and canonical[1] == ["6", "7"]
    assert facts(engine, FIXTURES[fixture](tmp_path / fixture), tmp_path) == canonical
