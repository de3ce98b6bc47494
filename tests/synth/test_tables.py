"""Every generated table: exact schema, valid codes and NHS numbers, dates in order, determinism
(issue 4, items 1 and 3; canonical schemas in cancer_alliance/schemas)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from tests.synth.conftest import SCALE, SEED, valid_rows

from cancer_alliance.ingest.nhs_number import is_valid
from cancer_alliance.reference import code_list
from cancer_alliance.schemas import schema
from cancer_alliance.synth import FILES, generate
from cancer_alliance.table_files import arrow_schema

TABLES = list(FILES)


@pytest.mark.parametrize("table", TABLES)
def test_each_file_has_exactly_the_canonical_columns_and_types(generated, table):
    written = pq.read_schema(generated / FILES[table][0])
    assert written.names == schema(table).column_names
    assert [f.type for f in written] == [f.type for f in arrow_schema(schema(table))]


@pytest.mark.parametrize("table", TABLES)
def test_valid_rows_have_known_codes_and_well_formed_values(generated, invalid, table):
    frame = valid_rows(generated, table, invalid)
    assert len(frame) > 0
    for column in schema(table).columns:
        values = frame[column.name].dropna()
        if column.required:
            assert frame[column.name].notna().all(), column.name
        if column.type == "code":
            assert set(values) <= set(code_list(column.codes)), column.name
        if column.pattern and column.type == "string":
            pattern = re.compile(column.pattern)
            assert all(pattern.fullmatch(v) for v in values), column.name
        if column.minimum is not None and column.type in ("integer", "number"):
            assert (values >= column.minimum).all(), column.name
        if column.maximum is not None and column.type in ("integer", "number"):
            assert (values <= column.maximum).all(), column.name


@pytest.mark.parametrize("table", [t for t in TABLES if "nhs_number" in schema(t).column_names])
def test_nhs_numbers_are_valid_by_modulus_11_and_in_the_999_test_range(generated, invalid, table):
    numbers = valid_rows(generated, table, invalid)["nhs_number"]
    assert numbers.str.startswith("999").all()
    assert numbers.map(is_valid).all()


@pytest.mark.parametrize("table", TABLES)
def test_dates_follow_the_schema_order(generated, invalid, table):
    frame = valid_rows(generated, table, invalid)
    for order in schema(table).date_orders:
        both = frame[[order.earlier, order.later]].dropna()
        assert (both[order.earlier] <= both[order.later]).all(), order.reason


def test_cwt_pathways_run_referral_first_seen_fds_decision_treatment(generated, invalid):
    """Clinical order of a first-treatment pathway on a 62-day route (issue 4 item 3)."""
    cwt = valid_rows(generated, "cwt", invalid)
    first = cwt[cwt["treatment_event_type"].isin(["01", "07", "12"]) & cwt["fds_end_date"].notna()]
    chain = [
        "referral_received_date",
        "date_first_seen",
        "fds_end_date",
        "decision_to_treat_date",
        "treatment_start_date",
    ]
    complete = first[chain].dropna()
    assert len(complete) > 1000
    for earlier, later in zip(chain, chain[1:], strict=False):
        assert (complete[earlier] <= complete[later]).all(), (earlier, later)


def test_nothing_happens_after_the_reference_date(generated, invalid):
    census = pd.Timestamp("2019-03-31").date()
    for table in TABLES:
        frame = valid_rows(generated, table, invalid)
        for column in schema(table).columns:
            if column.type == "date" and not column.name.endswith(("due_date", "open_access_end_date")):
                assert (frame[column.name].dropna() <= census).all(), (table, column.name)


def test_the_same_seed_and_scale_give_the_same_rows(generated, tmp_path):
    again = tmp_path / "again"
    generate("2018/19", scale=SCALE, seed=SEED, out=again)
    for name, _ in FILES.values():
        assert pq.read_table(again / name).equals(pq.read_table(generated / name)), name
    assert (again / "invalid_rows.csv").read_text() == (generated / "invalid_rows.csv").read_text()


def test_another_seed_gives_other_rows(generated, tmp_path):
    other = tmp_path / "other"
    generate("2018/19", scale=SCALE, seed=SEED + 1, out=other)
    name = FILES["cwt"][0]
    assert not pq.read_table(other / name).equals(pq.read_table(generated / name))


def test_every_file_says_it_is_synthetic(generated):
    readme = (generated / "README.txt").read_text()
    assert readme.startswith("SYNTHETIC DATA")
    assert (
        f"seed: {SEED}" in readme and f"scale: {SCALE}" in readme and "reference_date: 2019-03-31" in readme
    )
    metadata = (generated / "metadata.json").read_text()
    assert '"synthetic": true' in metadata


def test_keys_are_unique(generated):
    for table, (name, _) in FILES.items():
        keys = pq.read_table(generated / name).column(schema(table).key).to_numpy(zero_copy_only=False)
        assert len(np.unique(keys)) == len(keys), table
