"""`alliance lung programme` end to end: attendances imported with `alliance ingest` (validated,
pseudonymised), metrics by CCG from the lake with the uptake from the imported invitations, and
"no data" (empty) for the uptake before any invitation is imported."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the commands)
)
from cancer_alliance.schemas import schema

from .spec.test_programme import ROWS

pytestmark = pytest.mark.cli


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_rows(path, table: str, rows: list[dict]) -> str:
    """`rows` as a CSV of `table`; 9434765919 is the NHS Data Dictionary's worked example, not a patient."""
    columns = schema(table).column_names
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({name: text({**row, "nhs_number": "9434765919"}.get(name)) for name in columns})
    return str(path)


def by_ccg(runner: CliRunner, out) -> dict[str, dict[str, str]]:
    result = runner.invoke(app, ["lung", "programme", "--by", "ccg", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        return {row["ccg"]: row for row in csv.DictReader(handle)}


def test_metrics_by_ccg_from_the_lake(alliance_home, tmp_path):
    runner = CliRunner()
    imported = runner.invoke(
        app, ["ingest", "lung_health_check", write_rows(tmp_path / "lhc.csv", "lung_health_check", ROWS)]
    )
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "by_ccg.csv"
    before = by_ccg(runner, out)["E38000001"]
    assert (before["attended"], before["invited"], before["uptake"]) == ("5", "", "")
    invitations = [
        {"invitation_id": f"i{i}", "invitation_date": "2019-01-07", "ccg_code": code}
        for i, code in enumerate(["E38000001"] * 10 + ["E38000002"] * 4)
    ]
    path = write_rows(tmp_path / "invited.csv", "lung_health_check_invitation", invitations)
    imported = runner.invoke(app, ["ingest", "lung_health_check_invitation", path])
    assert imported.exit_code == 0, imported.output
    first = by_ccg(runner, out)["E38000001"]
    assert (first["attended"], first["eligible"], first["cancers"], first["invited"]) == (
        "5",
        "4",
        "2",
        "10",
    )
    assert float(first["uptake"]) == pytest.approx(0.5)
    assert float(first["early_stage_share"]) == pytest.approx(0.5)
    bad = runner.invoke(app, ["lung", "programme", "--by", "postcode", "-o", str(out)])
    assert bad.exit_code == 2 and "choose from alliance, ccg, trust, month" in bad.output
