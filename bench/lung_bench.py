"""Lung risk benchmark (issue #10 item 7): score 1,000,000 generated people with PLCOm2012 and with
LLPv2 on DuckDB. Target: both models in under 5 s together, for the scoring: the DataFrame rule
`add_risk` from the Parquet file to the risk column in memory, query building included. Also printed,
not gated: the whole `alliance lung risk` path (`score_file`: read, type, score, write Parquet).
Prints the figures; run by `make bench` (never a timed unit test). Generated data only (.bench/)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cancer_alliance.engine import open_engine
from cancer_alliance.lung.files import score_file
from cancer_alliance.lung.models import add_risk

PEOPLE = 1_000_000
TARGET_SECONDS = 5.0
CACHE = Path(__file__).resolve().parent.parent / ".bench"


def people(seed: int = 0) -> pa.Table:
    """Ever-smokers aged 55-74 with the inputs of both models (distributions as synth/lung.py's)."""
    rng = np.random.default_rng(seed)
    n = PEOPLE
    age = rng.integers(55, 75, n)
    current = rng.random(n) < 0.45
    started = rng.integers(13, 25, n)
    quit_years = np.where(current, 0.0, np.minimum(rng.gamma(2.0, 6.0, n).round(), age - started - 1))
    onset = np.array(["none", "early", "late"])[rng.choice(3, n, p=[0.83, 0.05, 0.12])]
    return pa.table(
        {
            "person_id": pa.array(np.char.add("p", np.arange(n).astype(str))),
            "age": age,
            "race": np.array(["white", "black", "asian"])[rng.choice(3, n, p=[0.9, 0.04, 0.06])],
            "education_level": rng.integers(1, 7, n),
            "bmi": np.round(np.clip(rng.normal(27.8, 5.2, n), 15, 60), 1),
            "copd": (rng.random(n) < 0.2).astype(np.int8),
            "personal_cancer_history": (rng.random(n) < 0.08).astype(np.int8),
            "family_history_lung_cancer": (onset != "none").astype(np.int8),
            "smoking_status": np.where(current, "current", "former"),
            "cigarettes_per_day": np.round(np.clip(rng.lognormal(np.log(14), 0.5, n), 2, 80)),
            "smoking_duration_years": np.maximum(age - started - quit_years, 1).astype(float),
            "years_since_quit": quit_years,
            "sex": np.where(rng.random(n) < 0.52, "M", "F"),
            "pneumonia": (rng.random(n) < 0.12).astype(np.int8),
            "asbestos": (rng.random(n) < 0.1).astype(np.int8),
            "prior_malignancy": (rng.random(n) < 0.08).astype(np.int8),
            "family_history_onset": onset,
        }
    )


def main() -> int:
    CACHE.mkdir(exist_ok=True)
    source = CACHE / "lung_people_1m.parquet"
    if not source.exists():
        pq.write_table(people(), source)
    engine = open_engine("duckdb")
    scoring, building, end_to_end = {}, {}, {}
    cpu_started = time.process_time()
    for model in ("plcom2012", "llp_v2"):
        started = time.perf_counter()
        planned = add_risk(engine.read_parquet(source), model).select("risk")
        building[model] = time.perf_counter() - started  # SQLFrame building the plan (issue 26)
        risks = planned.toArrow().column("risk")
        scoring[model] = time.perf_counter() - started
        values = risks.to_numpy(zero_copy_only=False)
        print(
            f"lung {model}: scored {len(values):,} people in {scoring[model]:.2f} s (building the plan "
            f"{building[model]:.2f} s, DuckDB {scoring[model] - building[model]:.2f} s); "
            f"mean risk {np.nanmean(values):.4f}, not scored {int(np.isnan(values).sum())}"
        )
    cpu = time.process_time() - cpu_started
    for model in ("plcom2012", "llp_v2"):
        started = time.perf_counter()
        summary = score_file(source, CACHE / f"lung_scored_{model}.parquet", model, engine="duckdb")
        end_to_end[model] = time.perf_counter() - started
        print(
            f"lung {model}: alliance lung risk path (Parquet in and out), {summary.rows:,} rows in "
            f"{end_to_end[model]:.2f} s"
        )
    total = sum(scoring.values())
    met = total < TARGET_SECONDS
    print(
        f"lung: PLCOm2012 + LLPv2 scoring {PEOPLE:,} people in {total:.2f} s ({cpu:.2f} CPU s; "
        f"load {os.getloadavg()[0]:.1f}) (target < {TARGET_SECONDS:.0f} s: "
        f"{'ok' if met else 'SLOWER THAN TARGET'}); whole CLI path {sum(end_to_end.values()):.2f} s"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
