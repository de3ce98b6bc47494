"""FIT fixtures: the web fixtures of tests/web (a results home with a store and users), plus FIT results
computed by the real pipeline (`fit.files.write_results`) from a small generated set of episodes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from tests.web.conftest import (  # noqa: F401  (fixtures re-used by the FIT web tests)
    app,
    client,
    settings,
    signed_in,
    template_home,
    web_home,
)

from cancer_alliance.engine import open_engine
from cancer_alliance.fit.files import write_results
from cancer_alliance.synth import tables
from cancer_alliance.synth.calibration import calibration
from cancer_alliance.synth.fit import generate_fit

#: Generated episodes for the web tests: enough for every alliance and most CCGs.
EPISODES = 40_000


@pytest.fixture(scope="session")
def fit_results(tmp_path_factory) -> Path:
    """Folder with the fit_*.parquet results of EPISODES generated episodes (seed 13)."""
    folder = tmp_path_factory.mktemp("fit-results")
    columns = generate_fit(calibration(), 4_000_000_000 + np.arange(EPISODES), np.random.default_rng(13))
    columns["episode_id"] = tables.ids("F", EPISODES)
    source = folder / "episodes.parquet"
    tables.write("fit_screening_episode", tables.to_arrow("fit_screening_episode", columns), source)
    write_results(open_engine("duckdb").read_parquet(source), folder / "results")
    return folder / "results"


@pytest.fixture
def fit_home(web_home, fit_results) -> Path:  # noqa: F811
    """The web test home with the FIT results added."""
    for path in fit_results.iterdir():
        shutil.copy(path, web_home / "results" / path.name)
    return web_home
