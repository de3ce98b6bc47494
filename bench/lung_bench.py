"""Lung risk benchmark (issue #10 item 7): score 1,000,000 generated people with PLCOm2012 and with
LLPv2 on DuckDB through `score_file` (Parquet in, Parquet out: the path of `alliance lung risk`).
Target: both models in under 5 s together. Prints the figures; run by `make bench` (never a timed
unit test). Generated data only (cached under .bench/)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cancer_alliance.lung.files import score_file

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
    timings = {}
    cpu_started = time.process_time()
    for model in ("plcom2012", "llp_v2"):
        output = CACHE / f"lung_scored_{model}.parquet"
        started = time.perf_counter()
        summary = score_file(source, output, model, engine="duckdb")
        timings[model] = time.perf_counter() - started
        risks = pq.read_table(output, columns=["risk"]).column("risk").to_numpy()
        print(
            f"lung {model}: {summary.rows:,} people in {timings[model]:.2f} s; "
            f"mean risk {risks.mean():.4f}, null {np.isnan(risks).sum()}"
        )
    total = sum(timings.values())
    met = total < TARGET_SECONDS
    cpu = time.process_time() - cpu_started
    print(
        f"lung: PLCOm2012 + LLPv2 on {PEOPLE:,} people in {total:.2f} s ({cpu:.2f} CPU s; "
        f"load {os.getloadavg()[0]:.1f}) (target < {TARGET_SECONDS:.0f} s: "
        f"{'ok' if met else 'SLOWER THAN TARGET'})"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
