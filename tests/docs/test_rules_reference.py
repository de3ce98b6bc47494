"""docs/rules/ is generated from the spec tests and must not go stale; every spec module and chapter
has a title (issue #25 item 9)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location("rules_reference", ROOT / "scripts" / "rules_reference.py")
assert _SPEC is not None and _SPEC.loader is not None
reference = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = reference  # dataclasses look their module up
_SPEC.loader.exec_module(reference)


def test_the_committed_reference_is_what_the_spec_tests_generate():
    folder = ROOT / "docs" / "rules"
    wanted = reference.pages()
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    stale = sorted(
        name for name in wanted.keys() | committed.keys() if wanted.get(name) != committed.get(name)
    )
    assert not stale, f"docs/rules is stale ({', '.join(stale)}): run {reference.COMMAND}"


def test_every_spec_domain_has_a_page_with_its_chapters():
    pages = reference.pages()
    for domain in ("cwt", "early_diagnosis", "fit", "lung", "pathways", "radiotherapy"):
        assert f"- [`{domain}`]({domain}.md)" in pages["README.md"]
    assert "## Edge cases the published method leaves open" in pages["cwt.md"]
    assert "### Techniques and hypofractionation" in pages["radiotherapy.md"]


def _spec_tree(tmp_path: Path, module: str, init: str = 'title = "Chapter"\n') -> Path:
    spec = tmp_path / "tests" / "domain" / "spec"
    spec.mkdir(parents=True)
    (spec / "__init__.py").write_text(init)
    (spec / "test_rule.py").write_text(module)
    return tmp_path / "tests"


def test_a_spec_module_without_a_title_fails_naming_the_file(tmp_path):
    tests = _spec_tree(tmp_path, '"""Only a docstring."""\n\n\ndef test_x():\n    pass\n')
    with pytest.raises(reference.SpecError, match=r"domain/spec/test_rule.py: no `title`"):
        reference.pages(tests)


def test_a_chapter_without_a_title_fails_naming_the_file(tmp_path):
    tests = _spec_tree(tmp_path, 'title = "Rule"\n', init="")
    with pytest.raises(reference.SpecError, match=r"domain/spec/__init__.py: no `title`"):
        reference.pages(tests)


def test_a_section_renders_its_prose_examples_and_tables(tmp_path):
    tests = _spec_tree(
        tmp_path,
        'title = "A rule"\ntext = "What it does, from its source."\n\nINPUT = """\n'
        '    a | b\n    --+--\n    1 |\n"""\n\n\ndef test_the_edge_is_within():\n'
        '    """Day 28 is within."""\n    check(INPUT, """\n        a\n        -\n        1\n    """)\n',
    )
    text = reference.pages(tests)["domain.md"]
    assert "## Chapter" in text and "### A rule" in text and "What it does, from its source." in text
    assert (
        "#### The edge is within\n\nDay 28 is within.\n\n`INPUT`:\n\n| a | b |\n|---|---|\n| 1 |   |" in text
    )
    assert "Expected:\n\n| a |\n|---|\n| 1 |" in text
