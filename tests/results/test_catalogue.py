"""The catalogue names every results file once and every pipeline step writes catalogued files."""

from __future__ import annotations

import ast
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


#: Literals that equal a results file name but name something else: the synthetic CWT source file
#: that `alliance synth` writes for `alliance ingest` (an input, not a result).
NOT_RESULTS = {("synth/generate.py", "cwt_records.parquet")}
#: Calls that look a results file up in the catalogue by its name (a name with its suffix, such as
#: `radiotherapy.json`, is asked for by spelling it there).
LOOKUPS = {"entry", "path", "result_path"}


def _lookup_arguments(tree: ast.AST) -> set[int]:
    """ids of the string constants passed straight to a catalogue lookup."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in LOOKUPS:
                found |= {id(arg) for arg in node.args if isinstance(arg, ast.Constant)}
    return found


def results_file_literals(source: str) -> list[tuple[int, str]]:
    """(line, literal) of each string literal in `source` that spells a results file name, outside a
    catalogue lookup."""
    filenames = {entry.filename for entry in catalogue.CATALOGUE.values()}
    tree = ast.parse(source)
    allowed = _lookup_arguments(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in filenames and id(node) not in allowed
    ]


def test_no_module_outside_the_catalogue_spells_a_results_file_name():
    """Issue #19 item 1: writers, readers, the board pack and the CLI take each results file's name from
    the catalogue, so renaming a file is one edit."""
    offenders = [
        f"{path.relative_to(SRC)}:{line}: {literal}"
        for path in sorted(SRC.rglob("*.py"))
        if path != SRC / "results" / "catalogue.py"
        for line, literal in results_file_literals(path.read_text(encoding="utf-8"))
        if (str(path.relative_to(SRC)), literal) not in NOT_RESULTS
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('open("fit_bands.parquet")', [(1, "fit_bands.parquet")]),
        ('FILES = {"ccg": "lung_programme_ccg.parquet"}', [(1, "lung_programme_ccg.parquet")]),
        ('folder / "radiotherapy.json"', [(1, "radiotherapy.json")]),
        ('catalogue.path(folder, "fit_bands")', []),
        ('catalogue.entry("radiotherapy.json").filename', []),
        ('scratch / "counts.parquet"', []),
    ],
)
def test_the_scan_finds_spelled_names_and_passes_lookups(source, found):
    assert results_file_literals(source) == found
