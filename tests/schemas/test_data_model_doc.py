"""docs/data-model.md is generated from the schemas and must not go stale (style guide §4)."""

from __future__ import annotations

from pathlib import Path

from cancer_alliance.reference import code_list
from cancer_alliance.schemas import schema, table_names
from cancer_alliance.schemas.docs import MARKER, render_markdown, render_table, update

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"


def test_committed_doc_matches_the_schemas():
    text = DOC.read_text(encoding="utf-8")
    assert MARKER in text, "docs/data-model.md lost its generated-section marker"
    assert text.split(MARKER, 1)[1] == render_markdown().split(MARKER, 1)[1], (
        "docs/data-model.md is stale: run .venv/bin/python -m cancer_alliance.schemas.docs docs/data-model.md"
    )


def test_every_table_and_column_is_documented():
    text = render_markdown()
    for name in table_names():
        assert f"## `{name}`:" in text
        for column in schema(name).column_names:
            assert f"| `{column}` |" in text, f"{name}.{column}"


def test_short_code_lists_are_listed_and_long_ones_named():
    cwt = render_table(schema("cwt"))
    assert "`priority_type`: `1`, `2`, `3`" in cwt
    assert f"`source_of_referral` ({len(code_list('source_of_referral'))} codes" in cwt


def test_update_keeps_the_introduction(tmp_path):
    doc = tmp_path / "data-model.md"
    doc.write_text("# Intro\n\nhand-written\n\n" + MARKER + "\nold generated text\n", encoding="utf-8")
    update(doc)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Intro\n\nhand-written\n\n") and "old generated text" not in text
    assert text.endswith(render_markdown())
