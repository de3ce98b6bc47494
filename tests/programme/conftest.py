"""Programme fixtures: the store tests run on SQLite and PostgreSQL with the store's own fixtures."""

from __future__ import annotations

import pytest
import tests.store.conftest as store_fixtures
import tests.web.conftest as web_fixtures

from cancer_alliance.store import Role, UserAccount

# The store tests' fixtures, shared: every programme store test runs on SQLite and PostgreSQL.
backend = store_fixtures.backend
database_url = store_fixtures.database_url
new_database = store_fixtures.new_database
postgres_admin = store_fixtures.postgres_admin
store = store_fixtures.store
unique = store_fixtures.unique
# The web tests' fixtures (a results folder and a store with one user per role), for the page tests.
template_home = web_fixtures.template_home
web_home = web_fixtures.web_home
settings = web_fixtures.settings
app = web_fixtures.app
client = web_fixtures.client
signed_in = web_fixtures.signed_in
audit_events = web_fixtures.audit_events

EAST = "E56000009"  # East of England (2018/19)
NORTH_EAST = "E56000017"  # North East and Cumbria (2018/19)


@pytest.fixture
def make_account(store, unique):
    """A committed account (no password needed: these tests never sign in); returns its id."""

    def make(role: Role = Role.alliance, organisation_code: str | None = EAST) -> int:
        with store.begin() as session:
            user = UserAccount(
                username=unique("user"),
                display_name="Test user",
                password_hash="not-a-hash",
                role=role,
                organisation_code=organisation_code,
            )
            session.add(user)
            session.flush()
            return user.id

    return make
