"""The web tests' fixtures (a results folder, a SQLite store with a user per role, signed-in
clients), plus the store of the app under test and a signed-in clinical nurse at RGT."""

from __future__ import annotations

import pytest
from tests.followup.web.helpers import grant_clinical
from tests.web.conftest import (  # noqa: F401  (fixtures used by the follow-up page tests)
    app,
    audit_events,
    settings,
    signed_in,
    template_home,
    web_home,
)


@pytest.fixture
def store(app):  # noqa: F811  (the app fixture)
    return app.state.context.store


@pytest.fixture
def nurse(store, signed_in):  # noqa: F811  (the signed_in fixture)
    grant_clinical(store, "rgt")
    return signed_in("rgt")
