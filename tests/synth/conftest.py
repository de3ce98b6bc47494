"""One small generated year shared by the synth tests (generation is the slow part)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cancer_alliance.synth import FILES, INVALID_FILE, generate

#: Small enough for the suite (a few seconds), large enough for every route and table to appear.
SCALE = 0.02
SEED = 7


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "year"
    generate("2018/19", scale=SCALE, seed=SEED, out=out)
    return out


@pytest.fixture(scope="session")
def invalid(generated: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """table -> key -> (defect, field) of the deliberately invalid rows."""
    result: dict[str, dict[str, tuple[str, str]]] = {table: {} for table in FILES}
    with (generated / INVALID_FILE).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            result[row["table"]][row["key"]] = (row["defect"], row["field"])
    return result


def valid_rows(folder: Path, table: str, invalid: dict[str, dict[str, tuple[str, str]]]) -> pd.DataFrame:
    """The table as pandas, without its deliberately invalid rows."""
    frame = pq.read_table(folder / FILES[table][0]).to_pandas()
    return frame[~frame.iloc[:, 0].isin(set(invalid[table]))]
