"""Full-text search gives the same case studies on SQLite (FTS5) and PostgreSQL for any text and any
query (issue 15 item 2: "same results on both"; decision record 0018)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, text

from cancer_alliance.programme.case_studies import CaseStudyInput, add_case_study, search
from cancer_alliance.store import Auditor, Role, migrate, open_store
from cancer_alliance.store.programme import CaseStudy

from .conftest import EAST

pytestmark = [pytest.mark.store, pytest.mark.property]

WORDS = [
    "lung",
    "lunge",
    "Lungs",
    "café",
    "cafe",
    "62-day",
    "62",
    "day",
    "2WW",
    "e-mail",
    "nhs.uk",
    "prehab",
    "prehabilitation",
    "the",
    "and",
    "A&E",
    "x_y",
    "naïve",
    "São",
    "straße",
    "3.5",
    "ÉCOLE",
    "o'clock",
]


@pytest.fixture(scope="module")
def stores(postgres_admin, tmp_path_factory):
    name = f"alliance_test_{uuid.uuid4().hex[:16]}"
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    urls = [
        f"sqlite:///{tmp_path_factory.mktemp('parity') / 'search.sqlite3'}",
        postgres_admin.url.set(database=name).render_as_string(hide_password=False),
    ]
    opened = []
    for url in urls:
        migrate(url)
        opened.append(open_store(url))
    yield opened
    for store in opened:
        store.close()
    with postgres_admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


phrase = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=6),
    ),
    min_size=1,
    max_size=6,
).map(" ".join)


@settings(max_examples=30)  # each example writes to two databases
@given(documents=st.lists(phrase, min_size=1, max_size=5), query=phrase)
def test_sqlite_and_postgresql_find_the_same_case_studies(stores, documents, query):
    found = []
    for store in stores:
        with store.begin() as session:
            session.execute(delete(CaseStudy))
            auditor = Auditor(session, job_id="parity")
            order = {}
            for index, document in enumerate(documents):
                data = CaseStudyInput(
                    title=f"t{index}", summary=document, intervention="-", priorities=("pathways",)
                )
                order[
                    add_case_study(
                        session, auditor, EAST, data, role=Role.national, organisation_code=None
                    ).id
                ] = index
            session.flush()
            found.append(
                sorted(
                    order[s.id] for s in search(session, query, role=Role.national, organisation_code=None)
                )
            )
    assert found[0] == found[1], (documents, query)
