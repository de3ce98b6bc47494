"""The best-practice library in the store: moderation, who sees what, optimistic locking and search, on
SQLite and PostgreSQL (issue 15 item 2; decision records 0018 and 0019)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from cancer_alliance.programme.access import NotAllowed
from cancer_alliance.programme.case_studies import (
    CaseStudyConflict,
    CaseStudyInput,
    CaseStudyNotFound,
    InvalidCaseStudy,
    add_case_study,
    get_case_study,
    moderate,
    search,
    submit,
    update_case_study,
)
from cancer_alliance.store import Auditor, Role
from cancer_alliance.store.programme import CaseStudy, CaseStudyStatus

from .conftest import EAST, NORTH_EAST

pytestmark = pytest.mark.store


def study(title: str, **fields) -> CaseStudyInput:
    values = {
        "title": title,
        "summary": "A one-stop diagnostic clinic for vague symptoms.",
        "intervention": "GPs refer straight to a same-day CT and bloods clinic.",
        "priorities": ("pathways",),
    } | fields
    return CaseStudyInput(**values)


def add(store, data, alliance=EAST, actor=None):
    with store.begin() as session:
        auditor = Auditor(session, actor_id=actor, job_id=None if actor else "test")
        return add_case_study(
            session, auditor, alliance, data, role=Role.alliance, organisation_code=alliance
        ).id


def published(store, study_id):
    with store.begin() as session:
        moderate(session, Auditor(session, job_id="national"), study_id, publish=True, role=Role.national)


def ids(store, words, role=Role.national, code=None, **filters):
    with store.begin() as session:
        return [s.id for s in search(session, words, role=role, organisation_code=code, **filters)]


def test_a_draft_is_seen_by_its_alliance_and_national_users_only(store, unique):
    word = unique("zqdraft").replace("-", "")
    study_id = add(store, study(f"Draft {word}"))
    assert ids(store, word, Role.alliance, EAST) == [study_id]
    assert ids(store, word, Role.national) == [study_id]
    assert ids(store, word, Role.alliance, NORTH_EAST) == []
    assert ids(store, word, Role.trust, "RGT") == []
    assert ids(store, word, None) == []
    with pytest.raises(CaseStudyNotFound), store.begin() as session:
        get_case_study(session, study_id, role=Role.alliance, organisation_code=NORTH_EAST)


def test_submitted_then_published_by_a_national_user_every_signed_in_role_and_the_public_find_it(
    store, unique
):
    word = unique("zqpub").replace("-", "")
    study_id = add(store, study(f"Faster lung pathway {word}"))
    with store.begin() as session:
        submit(session, Auditor(session, job_id="east"), study_id, role=Role.alliance, organisation_code=EAST)
    assert ids(store, word, Role.alliance, NORTH_EAST) == []
    with pytest.raises(NotAllowed), store.begin() as session:
        moderate(session, Auditor(session, job_id="east"), study_id, publish=True, role=Role.alliance)
    published(store, study_id)
    for role, code in [(Role.alliance, NORTH_EAST), (Role.trust, "RGT"), (None, None)]:
        assert ids(store, word, role, code) == [study_id]
    with store.begin() as session:
        stored = session.get(CaseStudy, study_id)
        assert stored.status is CaseStudyStatus.published and stored.published_at is not None


def test_only_the_alliance_and_national_users_edit_and_a_stale_edit_is_refused(store, unique):
    study_id = add(store, study(unique("Edit me")))
    with pytest.raises(CaseStudyNotFound), store.begin() as session:  # another alliance's draft
        update_case_study(
            session,
            Auditor(session, job_id="ne"),
            study_id,
            1,
            study("Taken over"),
            role=Role.alliance,
            organisation_code=NORTH_EAST,
        )
    with pytest.raises(NotAllowed), store.begin() as session:
        add_case_study(
            session,
            Auditor(session, job_id="ne"),
            EAST,
            study("x"),
            role=Role.alliance,
            organisation_code=NORTH_EAST,
        )
    with store.begin() as session:
        update_case_study(
            session,
            Auditor(session, job_id="a"),
            study_id,
            1,
            study("First edit"),
            role=Role.national,
            organisation_code=None,
        )
    with pytest.raises(CaseStudyConflict), store.begin() as session:
        update_case_study(
            session,
            Auditor(session, job_id="b"),
            study_id,
            1,
            study("Second edit"),
            role=Role.alliance,
            organisation_code=EAST,
        )
    with store.begin() as session:
        assert session.get(CaseStudy, study_id).title == "First edit"


def test_a_trust_user_cannot_add_a_case_study(store):
    with pytest.raises(NotAllowed), store.begin() as session:
        add_case_study(
            session, Auditor(session, job_id="t"), EAST, study("No"), role=Role.trust, organisation_code="RGT"
        )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"priorities": ()}, "priorities"),
        ({"priorities": ("not_a_priority",)}, "priorities"),
        ({"metric_key": "cwt:62d_usc"}, "change_month"),
        ({"metric_key": "cwt:62d_usc", "change_month": "2019-3"}, "change_month"),
    ],
)
def test_invalid_case_studies_are_refused_naming_the_field(store, change, field):
    with pytest.raises(InvalidCaseStudy) as raised:
        add(store, study(**({"title": "Bad"} | change)))
    assert field in [e.field for e in raised.value.errors]


def test_search_matches_every_word_as_a_prefix_across_title_summary_and_intervention(store, unique):
    tag = unique("zqtag").replace("-", "")
    a = add(
        store,
        study(f"Café-style {tag} prehabilitation", intervention="Exercise before surgery, 62-day pathway"),
    )
    b = add(store, study(f"{tag} navigators", summary="Patient navigators chase 2WW appointments."))
    assert sorted(ids(store, tag)) == sorted([a, b])
    assert ids(store, f"{tag} cafe") == [a]  # accents folded on both engines
    assert ids(store, f"{tag} prehab") == [a]  # a prefix
    assert ids(store, f"{tag} 62 day") == [a]
    assert ids(store, f"{tag} navigator 2ww") == [b]
    assert ids(store, f"{tag} surgery navigators") == []
    assert ids(store, f'{tag} "quoted" AND OR * :') == []  # search syntax is only ever words
    assert sorted(ids(store, f"{tag}", priority="pathways")) == sorted([a, b])
    assert ids(store, f"{tag}", priority="screening") == []


def test_editing_a_case_study_updates_the_search_index(store, unique):
    old, new = unique("zqold").replace("-", ""), unique("zqnew").replace("-", "")
    study_id = add(store, study(f"Title {old}"))
    with store.begin() as session:
        update_case_study(
            session,
            Auditor(session, job_id="e"),
            study_id,
            1,
            study(f"Title {new}"),
            role=Role.alliance,
            organisation_code=EAST,
        )
    assert ids(store, old) == []
    assert ids(store, new) == [study_id]
    with store.begin() as session:
        session.execute(delete(CaseStudy).where(CaseStudy.id == study_id))
    assert ids(store, new) == []
