"""Programme fixtures: the store tests run on SQLite and PostgreSQL with the store's own fixtures."""

from __future__ import annotations

import pytest
import tests.store.conftest as store_fixtures

from cancer_alliance.store import Role, UserAccount

# The store tests' fixtures, shared: every programme store test runs on SQLite and PostgreSQL.
backend = store_fixtures.backend
database_url = store_fixtures.database_url
new_database = store_fixtures.new_database
postgres_admin = store_fixtures.postgres_admin
store = store_fixtures.store
unique = store_fixtures.unique

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
