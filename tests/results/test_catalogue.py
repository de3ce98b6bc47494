"""The catalogue names every results file once and every pipeline step writes catalogued files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cancer_alliance.results import catalogue
from cancer_alliance.results.pipeline import STEPS

SRC = Path(__file__).resolve().parents[2] / "src" / "cancer_alliance"


def test_every_step_has_files_and_every_file_a_step():
    steps = {step.name for step in STEPS}
    assert steps == {entry.step for entry in catalogue.CATALOGUE.values()}
    for step in STEPS:
        assert all(entry.domain == step.domain for entry in catalogue.files_of(step.name)), step.name


def test_file_names_are_unique_and_resolve_with_or_without_the_suffix(tmp_path):
    names = [entry.filename for entry in catalogue.CATALOGUE.values()]
    assert len(names) == len(set(names))
    assert catalogue.path(tmp_path, "ptl") == tmp_path / "ptl.parquet"
    assert catalogue.path(tmp_path, "ptl.parquet") == tmp_path / "ptl.parquet"
    assert catalogue.path(tmp_path, "ptl.summary") == tmp_path / "ptl.summary.parquet"
    assert catalogue.path(tmp_path, "radiotherapy.json") == tmp_path / "radiotherapy.json"
    with pytest.raises(catalogue.UnknownResult, match="'ptl_v2' is not a results file"):
        catalogue.path(tmp_path, "ptl_v2")


def test_patient_level_files_are_marked():
    patient = {name for name, entry in catalogue.CATALOGUE.items() if entry.level == catalogue.Level.patient}
    assert {"ptl", "cwt_records", "cwt_facts", "pathway_milestones", "followup_cohort"} <= patient
    assert "performance_month_alliance" not in patient


def test_no_module_outside_the_results_layer_builds_the_results_folder_itself():
    """Issue #19: `home / "results"` is built in one place (`config.results_dir`)."""
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if '/ "results"' in path.read_text(encoding="utf-8") and path.name != "config.py"
    ]
    assert offenders == []


def test_nothing_in_the_results_layer_imports_the_generator():
    for path in (SRC / "results").glob("*.py"):
        assert "synth" not in path.read_text(encoding="utf-8"), path.name
