"""The web and the CLI do every follow-up action alike (issue #23, item 7): both read the one table,
`followup.actions.ACTIONS`, so for the same item, inputs and day they both refuse or both do the same
thing, with the same date default. Each case runs the action on two identical patients, one through
the web form and one through `alliance followup act`, and compares the stored rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import inspect, select
from tests.followup.web.helpers import add_patient
from tests.followup.web.test_pages import date_parts, open_form
from typer.testing import CliRunner

from cancer_alliance.cli import app as cli_app
from cancer_alliance.cli import commands  # noqa: F401  (registers the commands)
from cancer_alliance.followup import actions
from cancer_alliance.store import Auditor
from cancer_alliance.store.followup import (
    FollowupAction,
    FollowupPatient,
    FollowupTest,
    PatientConcern,
    ReaccessRequest,
)

pytestmark = pytest.mark.web
DAY = dt.date(2019, 3, 20)
MODELS = {
    "test": FollowupTest,
    "request": ReaccessRequest,
    "concern": PatientConcern,
    "patient": FollowupPatient,
}
#: Columns that differ between two patients or between a nurse and a CLI job, by design.
IGNORED = {"id", "episode_id", "patient_pseudonym", "reviewed_by_id", "closed_by_id"}


@dataclass(frozen=True)
class Case:
    """An action, how to bring a fresh patient to where it is allowed, and a full set of inputs."""

    action: str
    setup: str | None
    chosen: dict[str, str]
    date: str | None = None


CASES = [
    Case("record_result", None, {"result": "normal"}, "2019-03-18"),
    Case("book", None, {}, "2019-04-02"),
    Case("review", "resulted", {}),
    Case("reaccess", "reaccess_requested", {}, "2019-03-25"),
    Case("report_concern", None, {"route": "phone", "category": "pain"}),
    Case("triage_concern", "concern", {"outcome": "advice_given"}),
    Case("contact", None, {}),
    Case("request_reaccess", None, {}),
    Case("discharge_to_screening", None, {}),
    Case("suspend", None, {}),
    Case("reactivate", "suspended", {}),
    Case("record_care", None, {"record": "hna_date"}, "2019-03-18"),
]
#: What is left out of the full inputs: nothing, the date (where the defaults differed), everything.
VARIANTS = ("full", "no date", "blank")


def test_every_action_in_the_table_has_a_case():
    assert sorted(case.action for case in CASES) == sorted(actions.ACTIONS)


def _prepare(store, setup: str | None) -> tuple[int, int]:
    """A fresh RGT patient brought to `setup`; returns (patient id, the first test's id)."""
    patient = add_patient(store, trust_code="RGT")
    with store.begin() as session:
        auditor = Auditor(session, job_id="test-setup")
        test = session.scalar(select(FollowupTest).where(FollowupTest.patient_id == patient))
        common = {"expected_version": None, "trust_code": "RGT"}
        if setup == "resulted":
            actions.record_result(
                session,
                auditor,
                test.id,
                result="normal",
                performed_date=DAY,
                reported_date=DAY,
                action_key=f"setup-{patient}",
                **common,
            )
        elif setup in ("reaccess_requested", "suspended"):
            action = "request_reaccess" if setup == "reaccess_requested" else "suspend"
            actions.patient_action(
                session, auditor, patient, action, action_key=f"setup-{patient}", on=DAY, **common
            )
        elif setup == "concern":
            actions.report_concern(
                session,
                auditor,
                patient,
                route="phone",
                category="pain",
                summary=None,
                action_key=f"setup-{patient}",
                on=DAY,
                **common,
            )
        return patient, test.id


def _item(store, target: str, patient: int) -> Any:
    """The item an action on `patient` targets (its first test, open request or open concern)."""
    model = MODELS[target]
    with store.session() as session:
        if target == "patient":
            return session.get(model, patient)
        return session.scalars(select(model).where(model.patient_id == patient).order_by(model.id)).first()


def _state(store, target: str, patient: int) -> dict[str, Any]:
    """The target's stored columns and the actions logged, without what differs by design."""
    item = _item(store, target, patient)
    columns = {
        c.key: getattr(item, c.key)
        for c in inspect(MODELS[target]).columns
        if c.key not in IGNORED and not c.key.endswith("_id")
    }
    with store.session() as session:
        logged = session.scalars(
            select(FollowupAction).where(FollowupAction.patient_id == patient).order_by(FollowupAction.id)
        ).all()
        columns["logged"] = [(a.action, a.action_date) for a in logged]
    return columns


def _inputs(case: Case, variant: str) -> tuple[dict[str, str], str | None]:
    if variant == "blank":
        return {}, None
    return dict(case.chosen), None if variant == "no date" else case.date


def _by_web(nurse, store, case: Case, variant: str) -> tuple[bool, int]:
    patient, _ = _prepare(store, case.setup)
    item = _item(store, actions.ACTIONS[case.action].target, patient)
    fields = open_form(nurse, patient, f"{case.action.replace('_', '-')}-{item.id}")
    chosen, date = _inputs(case, variant)
    data = fields | chosen | (date_parts(date) if date else {})
    response = nurse.post(f"/followup/patients/{patient}/actions", data=data, follow_redirects=False)
    assert response.status_code in (303, 400), response.text
    return response.status_code == 303, patient


def _by_cli(store, case: Case, variant: str) -> tuple[bool, int]:
    patient, _ = _prepare(store, case.setup)
    item = _item(store, actions.ACTIONS[case.action].target, patient)
    chosen, date = _inputs(case, variant)
    words = [case.action, str(item.id), "--version", str(item.version), "--on", DAY.isoformat()]
    words += ["--trust", "RGT", "--database-url", store.engine.url.render_as_string(hide_password=False)]
    for name, value in chosen.items():
        words += [f"--{name}", value]
    if date:
        words += ["--date", date]
    result = CliRunner().invoke(cli_app, ["followup", "act", *words])
    assert result.exit_code in (0, 2), result.output
    return result.exit_code == 0, patient


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.action)
def test_the_web_and_the_cli_agree(nurse, store, case, variant):
    web_done, web_patient = _by_web(nurse, store, case, variant)
    cli_done, cli_patient = _by_cli(store, case, variant)
    spec = actions.ACTIONS[case.action]
    expected = variant == "full" or (
        not spec.choices and (spec.date is None or not spec.date.required)
        if variant == "blank"
        else spec.date is None or not spec.date.required
    )
    assert (web_done, cli_done) == (expected, expected)
    assert _state(store, spec.target, web_patient) == _state(store, spec.target, cli_patient)
