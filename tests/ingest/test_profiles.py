"""Mapping profiles and canonical values (issue 20, items 1-2; docs/decisions/0026): spreadsheet- and
SQL-shaped versions of a canonical file import to the same lake rows; the national data set's item
names import through `cwt-national` with a stable built record_id; ambiguous dates refuse the file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cancer_alliance.errors import InputError
from cancer_alliance.ingest import ingest_file, snapshot_paths
from cancer_alliance.ingest.profiles import load_profile, profile_names
from cancer_alliance.ingest.validate import validate_file

from .conftest import CWT, record

ROWS = [
    record(record_id="a"),
    record(record_id="b", treatment_event_type="07", source_of_referral="17", date_first_seen="2019-06-13"),
    record(record_id="c", treatment_modality="02", referral_type="16", adjustment_first_seen_reason="3"),
    record(record_id="d", treatment_event_type="ZZ"),  # quarantined on every path
]
DATES = [c.name for c in CWT.columns if c.type == "date"]
CODES = [c.name for c in CWT.columns if c.type == "code"]


def write(path: Path, rows: list[dict[str, str]], columns: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return path


def accepted(path: Path, tmp_path: Path, profile: str | None = None) -> list[dict]:
    """The rows `validate_file` accepts (typed, pseudonymised), by record_id."""
    out = tmp_path / f"{path.stem}-accepted.parquet"
    validated = validate_file("cwt", path, out, profile=profile)
    assert validated.accepted + validated.rejected_rows == validated.rows_in
    return sorted(pq.read_table(out).to_pylist(), key=lambda row: row["record_id"])


def without_id(rows: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in row.items() if k != "record_id"} for row in rows), key=repr)


def british(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day}/{day.month:02d}/{day.year}"


def test_the_shipped_profiles_load():
    assert {"canonical", "cwt-national"} <= set(profile_names())
    national = load_profile("cwt-national")
    assert national.table == "cwt" and national.record_id is not None
    assert set(national.columns.values()) <= set(CWT.column_names)


@pytest.mark.parametrize(
    ("name", "header", "value"),
    [
        ("upper-case headers as SQL tools export them", str.upper, lambda c, v: v),
        ("spaced headers", lambda h: h.replace("_", " ").title(), lambda c, v: v),
        ("dd/mm/yyyy dates", str, lambda c, v: british(v) if c in DATES and v else v),
        ("ISO date-times at midnight", str, lambda c, v: f"{v} 00:00:00" if c in DATES and v else v),
        ("codes without leading zeros", str, lambda c, v: v.lstrip("0") if c in CODES and v != "ZZ" else v),
    ],
)
def test_mangled_canonical_files_give_the_same_rows(home, tmp_path, name, header, value):
    canonical = accepted(write(tmp_path / "canonical.csv", ROWS, CWT.column_names), tmp_path)
    mangled_rows = [{header(c): value(c, v) for c, v in row.items()} for row in ROWS]
    mangled = write(tmp_path / "mangled.csv", mangled_rows, [header(c) for c in CWT.column_names])
    assert accepted(mangled, tmp_path) == canonical
    assert len(canonical) == 3


def test_parquet_timestamps_read_as_dates(home, tmp_path):
    canonical = accepted(write(tmp_path / "canonical.csv", ROWS, CWT.column_names), tmp_path)
    table = pa.Table.from_pylist([{k: (v or None) for k, v in row.items()} for row in ROWS])
    for name in DATES:
        stamps = [None if v is None else dt.datetime.fromisoformat(v) for v in table.column(name).to_pylist()]
        table = table.set_column(
            table.schema.get_field_index(name), name, pa.array(stamps, pa.timestamp("us"))
        )
    pq.write_table(table, tmp_path / "stamped.parquet")
    assert accepted(tmp_path / "stamped.parquet", tmp_path) == canonical


def test_columns_nothing_uses_are_listed_not_refused(home, tmp_path):
    path = write(tmp_path / "extra.csv", ROWS, [*CWT.column_names, "postcode", "Notes"])
    summary = ingest_file("cwt", path)
    assert summary.ignored_columns == ("postcode", "Notes")
    assert (summary.profile, summary.profile_detected) == ("canonical", True)
    assert (summary.accepted, summary.quarantined) == (3, 1)


def test_month_first_dates_refuse_the_file_with_the_reason(home, tmp_path):
    rows = [record(record_id="a", date_first_seen="06/13/2019"), record(record_id="b")]
    path = write(tmp_path / "us.csv", rows, CWT.column_names)
    with pytest.raises(InputError, match="column date_first_seen: the dates read only as month/day/year"):
        ingest_file("cwt", path)
    assert snapshot_paths("cwt") == [] and not (home / "quarantine").exists()


def test_a_time_of_day_is_not_a_date(home, tmp_path):
    path = write(tmp_path / "timed.csv", [record(date_first_seen="2019-06-10 09:30:00")], CWT.column_names)
    validated = validate_file("cwt", path, tmp_path / "out.parquet")
    assert validated.problems.to_pylist()[0]["field"] == "date_first_seen"


def national_rows(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[str]]:
    """The rows under the national data set's item names, keyed by pathway identifier and issuer."""
    inverse = {canonical: source for source, canonical in load_profile("cwt-national").columns.items()}
    header = [
        "PATIENT PATHWAY IDENTIFIER",
        "ORGANISATION IDENTIFIER (PATIENT PATHWAY IDENTIFIER ISSUER)",
        *inverse.values(),
    ]
    out = []
    for row in rows:
        mapped = {inverse[c]: v for c, v in row.items() if c in inverse}
        out.append({header[0]: f"PPI{row['record_id']}", header[1]: "RAA", **mapped})
    return out, header


def test_national_item_names_import_through_cwt_national_with_stable_ids(home, tmp_path):
    canonical = accepted(write(tmp_path / "canonical.csv", ROWS, CWT.column_names), tmp_path)
    rows, header = national_rows(ROWS)
    path = write(tmp_path / "national.csv", rows, header)
    summary = ingest_file("cwt", path)
    assert (summary.profile, summary.profile_detected, summary.ignored_columns) == ("cwt-national", True, ())
    assert (summary.accepted, summary.quarantined) == (3, 1)
    national = accepted(path, tmp_path)
    ids = [row["record_id"] for row in national]
    assert all(i.startswith("cwt-") and len(i) == 36 for i in ids) and len(set(ids)) == 3
    assert without_id(national) == without_id(canonical)
    # A second treatment of one pathway is a record of its own; dates given another way change nothing
    second = rows[0] | {"TREATMENT START DATE (CANCER)": "2019-09-02", "CANCER TREATMENT EVENT TYPE": "02"}
    more = accepted(write(tmp_path / "more.csv", [rows[0], second], header), tmp_path)
    assert len({row["record_id"] for row in more}) == 2 and set(ids) & {row["record_id"] for row in more}
    event = "CANCER TREATMENT EVENT TYPE"
    british_rows = [
        r | {"TREATMENT START DATE (CANCER)": "15/07/2019", event: r[event].lstrip("0")} for r in rows
    ]
    assert sorted(
        r["record_id"] for r in accepted(write(tmp_path / "uk.csv", british_rows, header), tmp_path)
    ) == sorted(ids)
    again = write(tmp_path / "again.csv", list(reversed(rows)), list(reversed(header)))
    assert sorted(row["record_id"] for row in accepted(again, tmp_path)) == sorted(ids)


def test_a_profile_for_another_table_or_an_unknown_name_is_refused(home, tmp_path):
    path = write(tmp_path / "in.csv", ROWS, CWT.column_names)
    with pytest.raises(InputError, match="profile cwt-national maps files to table cwt, not linac"):
        ingest_file("linac", path, profile="cwt-national")
    with pytest.raises(InputError, match="unknown profile 'nope'"):
        ingest_file("cwt", path, profile="nope")


def test_an_analysts_own_profile_file(home, tmp_path):
    own = tmp_path / "mine.toml"
    own.write_text(
        'name = "mine"\ntable = "cwt"\ntitle = "t"\nsource = "local extract"\n'
        'ignore = ["Comment"]\n[columns]\nRef = "record_id"\nNHSNo = "nhs_number"\n'
        'Route = "priority_type"\n[translations.priority_type]\n2WW = "3"\n',
        encoding="utf-8",
    )
    path = write(tmp_path / "own.csv", [{"Ref": "x1", "NHSNo": "9434765919", "Route": "2WW", "Comment": "-"}],
                 ["Ref", "NHSNo", "Route", "Comment"])  # fmt: skip
    out = tmp_path / "own.parquet"
    validated = validate_file("cwt", path, out, profile=str(own))
    assert validated.accepted == 1
    assert pq.read_table(out).column("priority_type").to_pylist() == ["3"]


_HEADERS = st.sampled_from([str, str.upper, lambda h: h.replace("_", " "), lambda h: h.title()])
_DATE_FORMS = st.sampled_from(["iso", "british", "midnight", "T-midnight"])


@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failing example is shown as found
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    header=_HEADERS,
    forms=st.fixed_dictionaries({name: _DATE_FORMS for name in DATES}),
    stripped=st.sets(st.sampled_from(CODES)),
    extra=st.lists(st.sampled_from(["postcode", "Notes", "LOCAL ID"]), unique=True),
    order=st.randoms(use_true_random=False),
)
def test_mangled_variants_import_to_the_same_rows(home, tmp_path, header, forms, stripped, extra, order):
    """Hypothesis: case, date form, lost leading zeros, extra columns and column order change nothing."""
    canonical = accepted(write(tmp_path / "canonical.csv", ROWS, CWT.column_names), tmp_path)
    shown = {
        "iso": lambda v: v,
        "british": british,
        "midnight": lambda v: f"{v} 00:00:00",
        "T-midnight": lambda v: f"{v}T00:00:00",
    }

    def mangle(column: str, value: str) -> str:
        if not value:
            return value
        if column in forms:
            return shown[forms[column]](value)
        if column in stripped and value != "ZZ":
            return value.lstrip("0") or "0"
        return value

    columns = [*CWT.column_names, *extra]
    order.shuffle(columns)
    rows = [{header(c): mangle(c, row.get(c, "x" if c in extra else "")) for c in columns} for row in ROWS]
    path = write(tmp_path / "variant.csv", rows, [header(c) for c in columns])
    assert accepted(path, tmp_path) == canonical


def test_a_header_the_profile_ignores_is_never_read(home, tmp_path):
    own = tmp_path / "canonical-but.toml"
    own.write_text(
        'name = "canonical-but"\ntable = "cwt"\ntitle = "t"\nsource = "s"\nignore = ["PRIORITY_TYPE"]\n',
        encoding="utf-8",
    )
    path = write(tmp_path / "in.csv", ROWS[:1], CWT.column_names)
    summary = ingest_file("cwt", path, profile=str(own))
    assert summary.ignored_columns == ("priority_type",) and summary.accepted == 1
