"""`check`: generated versus published figures, side by side, for a folder written by `generate`.

CWT: every 2018/19 standard over the twelve reporting months, computed by the platform's own rules
(`cancer_alliance.cwt.evaluate` and `performance`, standards "2018") on the valid rows (the rows listed
in invalid_rows.csv are left out, as ingest would quarantine them), against the national annual figures
(cwt_national_2018_19.csv). Early diagnosis: stage 1-4 shares of staged registrations against NDRS 2018
England, and the emergency presentation share of registrations with a known route against Routes to
Diagnosis 2018. Published targets of the issue: CWT within 1.5 points, stage and emergency presentation
within 2 points.
"""

from __future__ import annotations

import csv
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cancer_alliance.errors import InputError
from cancer_alliance.synth.calibration import MONTHS, STAGE_CODES, calibration
from cancer_alliance.synth.generate import FILES, INVALID_FILE, METADATA_FILE

CWT_TOLERANCE_PP = 1.5
EARLY_DIAGNOSIS_TOLERANCE_PP = 2.0
#: Standard errors of sampling noise allowed on top at small scales (about 3 in 1,000 figures exceed 3).
SAMPLING_SE = 3.0


@dataclass(frozen=True)
class Comparison:
    """One published figure and its generated counterpart (percentages)."""

    group: str  # "cwt" or "early_diagnosis"
    measure: str
    published: float
    generated: float | None
    count: float  # denominator of the generated share (patients; CWT totals may be halves)
    published_count: float | None
    tolerance_pp: float

    @property
    def difference_pp(self) -> float | None:
        return None if self.generated is None else self.generated - self.published

    @property
    def standard_error_pp(self) -> float:
        """Binomial standard error of a share of `count` at the published rate, in points: the
        sampling noise a generated figure of this size carries."""
        p = self.published / 100
        return 100 * float(np.sqrt(p * (1 - p) / max(self.count, 1)))

    @property
    def allowed_pp(self) -> float:
        """The tolerance, widened to SAMPLING_SE standard errors for small (low-scale) samples."""
        return max(self.tolerance_pp, SAMPLING_SE * self.standard_error_pp)

    @property
    def ok(self) -> bool:
        return self.difference_pp is not None and abs(self.difference_pp) <= self.allowed_pp


@dataclass(frozen=True)
class CheckReport:
    folder: Path
    scale: float
    comparisons: list[Comparison]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.comparisons)


def _valid_table(folder: Path, table: str) -> pa.Table:
    path = folder / FILES[table][0]
    if not path.exists():
        raise InputError(f"{path}: not found; run `alliance synth generate` first")
    data = pq.read_table(path)
    invalid = folder / INVALID_FILE
    if invalid.exists():
        with invalid.open(encoding="utf-8") as handle:
            keys = [row["key"] for row in csv.DictReader(handle) if row["table"] == table]
        key = data.schema.names[0]
        data = data.filter(pc.invert(pc.is_in(data[key], value_set=pa.array(keys, type=pa.string()))))
    return data


def _cwt(folder: Path, engine_name: str | None, scale: float) -> list[Comparison]:
    from cancer_alliance.cwt import evaluate
    from cancer_alliance.cwt.performance import performance
    from cancer_alliance.engine import open_engine

    cal = calibration()
    engine = open_engine(engine_name)
    months = {str(m) for m in MONTHS}
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "records.parquet"
        pq.write_table(_valid_table(folder, "cwt"), path)
        facts = evaluate(engine.read_parquet(path))
        rows = engine.rows(performance(facts, by=["month"], standards="2018"))
    totals: dict[str, list[float]] = {}
    for row in rows:
        if row["reporting_month"] in months:
            total, within = totals.setdefault(row["standard_id"], [0.0, 0.0])
            totals[row["standard_id"]] = [
                total + float(row["total"] or 0),
                within + float(row["within"] or 0),
            ]
    result = []
    for standard in cal.standards.values():
        total, within = totals.get(standard.standard_id, [0.0, 0.0])
        result.append(
            Comparison(
                "cwt",
                standard.standard_id,
                100 * standard.annual_performance,
                100 * within / total if total else None,
                total,
                standard.annual_total * scale,
                CWT_TOLERANCE_PP,
            )
        )
    return result


def _early_diagnosis(folder: Path) -> list[Comparison]:
    cal = calibration()
    data = _valid_table(folder, "tumour_registration")
    stage = np.asarray(data["stage"].to_numpy(zero_copy_only=False), dtype=object)
    route = np.asarray(data["route_to_diagnosis"].to_numpy(zero_copy_only=False), dtype=object)
    published_counts = cal.sites.england_counts[:, :4].sum(axis=0)
    staged = np.isin(stage, STAGE_CODES[:4])
    result = []
    for i, code in enumerate(STAGE_CODES[:4]):
        result.append(
            Comparison(
                "early_diagnosis",
                f"stage {code} of staged",
                100 * published_counts[i] / published_counts.sum(),
                100 * float((stage == code).sum()) / max(staged.sum(), 1),
                float(staged.sum()),
                float(published_counts.sum()),
                EARLY_DIAGNOSIS_TOLERANCE_PP,
            )
        )
    early = np.isin(stage, ["1", "2"]).sum()
    result.append(
        Comparison(
            "early_diagnosis",
            "stage 1-2 of staged",
            100 * published_counts[:2].sum() / published_counts.sum(),
            100 * float(early) / max(staged.sum(), 1),
            float(staged.sum()),
            float(published_counts.sum()),
            EARLY_DIAGNOSIS_TOLERANCE_PP,
        )
    )
    known = (route != "unknown") & (route != None)  # noqa: E711  (null routes count as unknown)
    emergency = (route == "emergency_presentation").sum()
    result.append(
        Comparison(
            "early_diagnosis",
            "emergency presentation of known route",
            100 * cal.emergency_presentation_published,
            100 * float(emergency) / max(known.sum(), 1),
            float(known.sum()),
            None,
            EARLY_DIAGNOSIS_TOLERANCE_PP,
        )
    )
    return result


def check(folder: Path | str, engine: str | None = None) -> CheckReport:
    """Compare a generated folder with the published figures (module docstring)."""
    folder = Path(folder)
    metadata = folder / METADATA_FILE
    if not metadata.exists():
        raise InputError(f"{metadata}: not found; is {folder} a folder written by `alliance synth generate`?")
    scale = float(json.loads(metadata.read_text(encoding="utf-8"))["scale"])
    return CheckReport(folder, scale, _cwt(folder, engine, scale) + _early_diagnosis(folder))
