"""A disclosure step's complements file (`results.complements.ComplementsFile`, docs/decisions/0051):
written by the refresh, read from the generation, and for a generation written before the step existed
decided from the same files once, so that an upgraded server never shows the public a table without
its complements."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cancer_alliance.results import catalogue
from cancer_alliance.results.complements import ComplementsFile

SOURCE = "pathway_compliance"
CHOSEN = pd.DataFrame(
    {
        "level": ["trust"],
        "code": ["RGT"],
        "tumour": ["lung"],
        "milestone": ["m1"],
        "month": [""],
        "count": ["met"],
    }
)


@pytest.fixture
def decisions() -> list[Path]:
    return []


@pytest.fixture
def file(decisions: list[Path]) -> ComplementsFile:
    def decide(folder: Path, *, workers: int = 1) -> pd.DataFrame:
        decisions.append(folder)
        pd.read_parquet(catalogue.path(folder, SOURCE))  # decided from the source, which must be there
        return CHOSEN.assign(count=f"met x{workers}")

    return ComplementsFile("pathways_withheld", (SOURCE,), decide)


def _generation(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    pd.DataFrame({"level": ["trust"]}).to_parquet(catalogue.path(folder, SOURCE))
    return folder


def test_the_refresh_writes_the_file_and_readers_take_it_without_deciding_again(tmp_path, file, decisions):
    folder = _generation(tmp_path, "g1")
    written = file.write(folder, workers=2)
    assert written["count"].tolist() == ["met x2"]  # the step's options reach the decision
    assert catalogue.path(folder, "pathways_withheld").exists()
    pd.testing.assert_frame_equal(file.read(folder), written)
    assert decisions == [folder]


def test_an_older_generation_gets_its_complements_decided_once(tmp_path, file, decisions):
    folder = _generation(tmp_path, "g2")
    link = tmp_path / "results"
    link.symlink_to(folder)
    first = file.read(folder)
    again = file.read(link)  # the `results` link names the same generation
    assert first["count"].tolist() == again["count"].tolist() == ["met x1"]
    assert decisions == [folder]
    assert not catalogue.path(folder, "pathways_withheld").exists()  # readers never write a generation


def test_a_generation_without_the_domains_results_has_no_complements(tmp_path, file, decisions):
    folder = tmp_path / "empty"
    folder.mkdir()
    found = file.read(folder)
    assert found.empty
    assert list(found.columns) == list(catalogue.entry("pathways_withheld").columns)
    assert decisions == []


def test_an_older_steps_file_with_fewer_columns_is_decided_again(tmp_path, file, decisions):
    folder = _generation(tmp_path, "g3")
    CHOSEN.drop(columns=["count"]).to_parquet(catalogue.path(folder, "pathways_withheld"))
    assert file.read(folder)["count"].tolist() == ["met x1"]
    assert decisions == [folder]
