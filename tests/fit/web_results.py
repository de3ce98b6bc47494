"""FIT results for the web tests, computed by the real pipeline (`fit.files.write_results`) from a small
generated set of episodes, as `tests/web/conftest.build_home` and the FIT web tests need them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cancer_alliance.engine import open_engine
from cancer_alliance.fit.files import write_results
from cancer_alliance.synth import tables
from cancer_alliance.synth.calibration import calibration
from cancer_alliance.synth.fit import generate_fit

#: Generated episodes for the web tests: enough for every alliance and most CCGs.
EPISODES = 40_000


def write_fit_results(results: Path) -> None:
    """Write the fit_*.parquet results of EPISODES generated episodes (seed 13) into `results`."""
    columns = generate_fit(calibration(), 4_000_000_000 + np.arange(EPISODES), np.random.default_rng(13))
    columns["episode_id"] = tables.ids("F", EPISODES)
    source = results / "fit_episodes_for_tests.parquet"
    results.mkdir(parents=True, exist_ok=True)
    tables.write("fit_screening_episode", tables.to_arrow("fit_screening_episode", columns), source)
    write_results(open_engine("duckdb").read_parquet(source), results)
    source.unlink()
