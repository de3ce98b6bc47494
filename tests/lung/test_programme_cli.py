"""`alliance lung programme` end to end: attendances imported with `alliance ingest` (validated,
pseudonymised), metrics by CCG from the lake with the uptake from an invitations file."""

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


def test_metrics_by_ccg_from_the_lake(alliance_home, tmp_path):
    columns = schema("lung_health_check").column_names
    source = tmp_path / "lhc.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in ROWS:  # 9434765919: the NHS Data Dictionary's worked example, not a patient
            writer.writerow({name: text({**row, "nhs_number": "9434765919"}.get(name)) for name in columns})
    runner = CliRunner()
    imported = runner.invoke(app, ["ingest", "lung_health_check", str(source)])
    assert imported.exit_code == 0, imported.output
    invited = tmp_path / "invited.csv"
    invited.write_text("ccg_code,invited\nE38000001,10\nE38000002,4\n", encoding="utf-8")
    out = tmp_path / "by_ccg.csv"
    result = runner.invoke(
        app, ["lung", "programme", "--by", "ccg", "--invitations", str(invited), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = {row["ccg"]: row for row in csv.DictReader(handle)}
    first = rows["E38000001"]
    assert (first["attended"], first["eligible"], first["cancers"], first["invited"]) == ("5", "4", "2", "10")
    assert float(first["uptake"]) == pytest.approx(0.5)
    assert float(first["early_stage_share"]) == pytest.approx(0.5)
    bad = runner.invoke(app, ["lung", "programme", "--by", "postcode", "-o", str(out)])
    assert bad.exit_code == 2 and "choose from alliance, ccg, trust, month" in bad.output
