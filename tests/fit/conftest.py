"""FIT fixtures: the web fixtures of tests/web, whose results home holds FIT results computed by the real
pipeline from generated episodes (tests/fit/web_results.py, called by build_home)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.conftest import (  # noqa: F401  (fixtures re-used by the FIT web tests)
    app,
    client,
    settings,
    signed_in,
    template_home,
    web_home,
)


@pytest.fixture
def fit_home(web_home) -> Path:  # noqa: F811
    """The web test home, FIT results included."""
    return web_home
