"""Funding-agreement deliverables in the store: history, audit and optimistic locking, on SQLite and
PostgreSQL (issue 15 items 1 and 5; decision record 0018)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from cancer_alliance.programme.deliverables import (
    DeliverableInput,
    EditConflict,
    InvalidDeliverable,
    add_deliverable,
    changed_fields,
    history,
    list_deliverables,
    period_months,
    update_deliverable,
)
from cancer_alliance.store import AuditEvent, Auditor
from cancer_alliance.store.programme import Deliverable, Rag

from .conftest import EAST, NORTH_EAST

pytestmark = pytest.mark.store

LINKED = DeliverableInput(
    title="Meet the 62-day standard across the alliance",
    owner="Programme manager",
    due_date=date(2019, 3, 31),
    funding=Decimal("250000.00"),
    metric_key="cwt:62d_usc",
    trajectory={"2019-01": 0.80, "2019-02": 0.82, "2019-03": 0.85},
)
MANUAL = DeliverableInput(
    title="Recruit two navigators",
    owner="Workforce lead",
    due_date=date(2019, 1, 31),
    manual_rag=Rag.amber,
    manual_rag_reason="One post filled, the other out to advert",
)


def add(store, data=LINKED, alliance=EAST, actor_id=None):
    with store.begin() as session:
        auditor = Auditor(session, actor_id=actor_id, job_id=None if actor_id else "test")
        return add_deliverable(session, auditor, alliance, "2018/19", data).id


def test_a_new_deliverable_is_stored_with_its_trajectory_history_and_audit_event(store, make_account):
    user = make_account()
    deliverable_id = add(store, actor_id=user)
    with store.begin() as session:
        stored = session.get(Deliverable, deliverable_id)
        assert (stored.alliance_code, stored.financial_year, stored.version) == (EAST, "2018/19", 1)
        assert {p.month: p.target for p in stored.trajectory} == LINKED.trajectory
        assert stored.funding == Decimal("250000.00")
        [entry] = history(session, deliverable_id)
        assert entry.actor_id == user and entry.before == {} and entry.after["metric_key"] == "cwt:62d_usc"
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "deliverable", AuditEvent.object_id == str(deliverable_id)
            )
        ).all()
        assert [(e.action.value, e.actor_id) for e in events] == [("create", user)]


def test_every_change_is_in_the_history_with_who_when_before_and_after(store, make_account):
    first, second = make_account(), make_account()
    deliverable_id = add(store, actor_id=first)
    changed = DeliverableInput(
        **{**LINKED.__dict__, "owner": "Clinical director", "trajectory": {"2019-03": 0.86}}
    )
    with store.begin() as session:
        update_deliverable(session, Auditor(session, actor_id=second), deliverable_id, 1, changed)
    with store.begin() as session:
        entries = history(session, deliverable_id)
        assert [(e.version, e.actor_id) for e in entries] == [(1, first), (2, second)]
        assert changed_fields(entries[1]) == [
            ("owner", "Programme manager", "Clinical director"),
            ("trajectory", LINKED.trajectory, {"2019-03": 0.86}),
        ]
        assert entries[1].changed_at >= entries[0].changed_at
        assert session.get(Deliverable, deliverable_id).version == 2
        [update] = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "deliverable",
                AuditEvent.object_id == str(deliverable_id),
                AuditEvent.action == "update",
            )
        ).all()
        assert update.actor_id == second and "owner" in update.details["changed"]


def test_saving_with_nothing_changed_writes_no_history(store):
    deliverable_id = add(store)
    with store.begin() as session:
        update_deliverable(session, Auditor(session, job_id="test"), deliverable_id, 1, LINKED)
    with store.begin() as session:
        assert len(history(session, deliverable_id)) == 1
        assert session.get(Deliverable, deliverable_id).version == 1


def test_a_stale_form_is_refused_and_names_who_saved_first(store, make_account):
    deliverable_id = add(store)
    with store.begin() as session:
        update_deliverable(
            session,
            Auditor(session, job_id="alice-job"),
            deliverable_id,
            1,
            DeliverableInput(**{**LINKED.__dict__, "owner": "A"}),
        )
    with pytest.raises(EditConflict, match="alice-job") as raised, store.begin() as session:
        update_deliverable(
            session,
            Auditor(session, job_id="bob-job"),
            deliverable_id,
            1,
            DeliverableInput(**{**LINKED.__dict__, "owner": "B"}),
        )
    assert raised.value.current_version == 2
    with store.begin() as session:
        assert session.get(Deliverable, deliverable_id).owner == "A"
        assert len(history(session, deliverable_id)) == 2


def test_two_users_saving_at_once_one_wins_and_the_other_is_told(store):
    """Both sessions read version 1 before either writes; the database's version check at the UPDATE
    decides. No lost update: the loser's values are nowhere, and it gets EditConflict."""
    deliverable_id = add(store)
    sessions = [store.session(), store.session()]
    for session in sessions:
        session.begin()
        session.get(Deliverable, deliverable_id)  # both read version 1
    outcomes: dict[str, object] = {}

    def save(index: int, owner: str) -> None:
        session = sessions[index]
        try:
            update_deliverable(
                session,
                Auditor(session, job_id=f"user-{index}"),
                deliverable_id,
                1,
                DeliverableInput(**{**LINKED.__dict__, "owner": owner}),
            )
            session.commit()
            outcomes[owner] = "saved"
        except EditConflict as error:
            session.rollback()
            outcomes[owner] = error
        except Exception as error:  # pragma: no cover - reported by the assertion below
            session.rollback()
            outcomes[owner] = error
        finally:
            session.close()

    save(0, "first")  # commits while the second session still holds what it read
    thread = threading.Thread(target=save, args=(1, "second"))
    thread.start()
    thread.join(timeout=30)
    assert outcomes["first"] == "saved"
    assert isinstance(outcomes["second"], EditConflict), outcomes["second"]
    with store.begin() as session:
        stored = session.get(Deliverable, deliverable_id)
        assert (stored.owner, stored.version) == ("first", 2)
        assert [e.after["owner"] for e in history(session, deliverable_id)] == ["Programme manager", "first"]


def test_concurrent_writers_on_separate_threads_never_lose_an_update(store):
    """Eight writers race from version 1: exactly one succeeds, the rest are told."""
    deliverable_id = add(store)
    results: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def writer(index: int) -> None:
        session = store.session()
        try:
            session.begin()
            session.get(Deliverable, deliverable_id)
            barrier.wait()
            update_deliverable(
                session,
                Auditor(session, job_id=f"w{index}"),
                deliverable_id,
                1,
                DeliverableInput(**{**LINKED.__dict__, "owner": f"writer {index}"}),
            )
            session.commit()
            outcome = "saved"
        except EditConflict:
            session.rollback()
            outcome = "conflict"
        except Exception as error:  # SQLite may report a busy database: also a refusal, never a lost update
            session.rollback()
            outcome = "conflict" if "locked" in str(error) else f"error: {error}"
        finally:
            session.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["conflict"] * 7 + ["saved"]
    with store.begin() as session:
        stored = session.get(Deliverable, deliverable_id)
        assert stored.version == 2
        assert len(history(session, deliverable_id)) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"metric_key": "cwt:no_such_standard"}, "metric_key"),
        ({"trajectory": {}}, "trajectory"),
        ({"trajectory": {"2019-13": 0.8}}, "trajectory"),
        ({"funding": Decimal("-1")}, "funding"),
        ({"manual_rag": Rag.red}, "manual_rag"),
    ],
)
def test_invalid_linked_deliverables_are_refused_naming_the_field(store, change, field):
    with pytest.raises(InvalidDeliverable) as raised:
        add(store, DeliverableInput(**{**LINKED.__dict__, **change}))
    assert field in [error.field for error in raised.value.errors]


def test_a_manual_rag_needs_its_reason_and_no_trajectory(store):
    deliverable_id = add(store, MANUAL, alliance=NORTH_EAST)
    with store.begin() as session:
        assert session.get(Deliverable, deliverable_id).manual_rag is Rag.amber
    with pytest.raises(InvalidDeliverable, match="manual_rag_reason"):
        add(store, DeliverableInput(**{**MANUAL.__dict__, "manual_rag_reason": ""}))
    with pytest.raises(InvalidDeliverable, match="trajectory"):
        add(store, DeliverableInput(**{**MANUAL.__dict__, "trajectory": {"2019-01": 0.5}}))


def test_unknown_alliances_and_financial_years_are_refused(store):
    with pytest.raises(InvalidDeliverable, match="alliance_code"):
        add(store, alliance="E99999999")
    with pytest.raises(InvalidDeliverable, match="financial_year"), store.begin() as session:
        add_deliverable(session, Auditor(session, job_id="t"), EAST, "2018/20", LINKED)


def test_deliverables_are_listed_by_alliance_and_year(store):
    mine = add(store, alliance=NORTH_EAST)
    with store.begin() as session:
        listed = [d.id for d in list_deliverables(session, NORTH_EAST, "2018/19")]
        assert mine in listed
        assert all(d.alliance_code == NORTH_EAST for d in list_deliverables(session, NORTH_EAST))


@pytest.mark.parametrize(
    ("year", "first", "last"),
    [("2018/19", "2018-04", "2019-03"), ("2019/20", "2019-04", "2020-03"), ("1999/00", "1999-04", "2000-03")],
)
def test_a_financial_year_runs_april_to_march(year, first, last):
    # NHS financial year: 1 April to 31 March (HM Treasury, Government Financial Reporting Manual)
    months = period_months(year)
    assert (months[0], months[-1], len(months), len(set(months))) == (first, last, 12, 12)


def test_a_financial_year_not_written_like_2018_19_is_refused():
    with pytest.raises(InvalidDeliverable, match="not a financial year"):
        period_months("2018/20")
