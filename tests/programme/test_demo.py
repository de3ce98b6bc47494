"""The demo adds funding agreements and case studies once, so `make demo` shows the programme (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest

from cancer_alliance.programme.case_studies import search
from cancer_alliance.programme.deliverables import list_deliverables, rag_of
from cancer_alliance.programme.demo import CASE_STUDIES, seed_demo_programme
from cancer_alliance.store import Role, migrate, open_store

from .results import EAST, write_performance

pytestmark = pytest.mark.store


def test_the_demo_programme_is_added_once_with_every_kind_of_rag(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    migrate(url)
    store = open_store(url)
    write_performance(tmp_path)
    try:
        first = seed_demo_programme(store, date(2019, 3, 31), demo_alliance=EAST)
        again = seed_demo_programme(store, date(2019, 3, 31), demo_alliance=EAST)
        assert first.deliverables == 19 * 4 and first.case_studies == len(CASE_STUDIES)
        assert (again.deliverables, again.case_studies) == (0, 0)
        with store.begin() as session:
            east = list_deliverables(session, EAST, "2018/19")
            rags = {d.title: rag_of(d, tmp_path, "2019-03").rag for d in east}
            assert rags["Recover the 62-day standard"] is not None  # 83% against 85%: amber
            assert rags["Recover the 62-day standard"].value == "amber"
            public = search(session, "", role=None, organisation_code=None)
            assert len(public) == 3  # the published ones
            assert [
                s.alliance_code
                for s in search(session, "lung straight", role=Role.trust, organisation_code="RGT")
            ] == [EAST]
    finally:
        store.close()
