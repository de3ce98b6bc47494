"""Follow-up pages (issue 11, item 5): the worklist and patient timeline for trust clinical users
only, their own trust only, views and actions audited; a stale action is a 409 with an error summary;
the alliance metrics page for alliance and national users."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from tests.followup.web.helpers import add_patient
from tests.web.conftest import EAST

from cancer_alliance.followup.cohort import RESULTS_FILE

pytestmark = pytest.mark.web


def form_fields(html: str, form_id: str) -> dict[str, str]:
    form = re.search(rf'<form[^>]*id="{form_id}"[^>]*>(.*?)</form>', html, re.S)
    assert form, f"no form {form_id}"
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))


def offered(html: str) -> list[str]:
    """The form ids of the actions offered, as the chooser's radios list them."""
    return re.findall(r'type="radio" value="([a-z-]+-\d+)"', html)


def open_form(client, patient: int, form: str, as_of: str = "2019-03-20") -> dict[str, str]:
    """Choose an action (a form id, or its action's prefix for the first offered) and read its form."""
    chooser = client.get(f"/followup/patients/{patient}?as_of={as_of}").text
    form_id = next(f for f in offered(chooser) if f == form or re.fullmatch(rf"{form}-\d+", f))
    page = client.get(f"/followup/patients/{patient}?as_of={as_of}&form={form_id}")
    assert offered(page.text) == [], "only the chosen action's form is shown"
    return form_fields(page.text, form_id)


def date_parts(iso: str) -> dict[str, str]:
    """A date as typed into the NHS.UK date input's three boxes."""
    day = dt.date.fromisoformat(iso)
    return {"date_day": str(day.day), "date_month": str(day.month), "date_year": str(day.year)}


def test_the_worklist_lists_an_overdue_mammogram_and_is_audited(nurse, store, audit_events):
    patient = add_patient(store, trust_code="RGT", episode_id="EP-OVERDUE")
    add_patient(store, trust_code="RTX", episode_id="EP-OTHER-TRUST")
    page = nurse.get("/followup?as_of=2019-03-20")
    assert page.status_code == 200
    assert "EP-OVERDUE" in page.text and "EP-OTHER-TRUST" not in page.text
    assert f"/followup/patients/{patient}" in page.text
    assert re.search(r"Tests overdue</a>: <strong>1</strong>", page.text)
    assert re.search(r"Care plan or needs assessment not done</a>: <strong>1</strong>", page.text)
    [event] = [e for e in audit_events() if e.object_type == "followup_worklist"]
    assert (event.action, event.object_id, event.details["items"]) == ("view", "RGT", 2)


@pytest.mark.parametrize("username", ["east", "nat"])
def test_only_trust_clinical_users_see_the_worklist(signed_in, username):
    assert signed_in(username).get("/followup").status_code == 403


def test_a_trust_user_without_the_clinical_role_is_told_how_to_get_it(signed_in, store, audit_events):
    add_patient(store, trust_code="RGT", episode_id="EP-HIDDEN")
    page = signed_in("rgt").get("/followup")
    assert page.status_code == 200
    assert "You need the clinical role" in page.text and "EP-HIDDEN" not in page.text
    assert [e for e in audit_events() if e.object_type == "followup_worklist"] == []
    assert signed_in("rgt").get("/followup/patients/1").status_code == 403


def test_another_trusts_patient_is_not_found(nurse, store):
    other = add_patient(store, trust_code="RTX")
    assert nurse.get(f"/followup/patients/{other}").status_code == 404


def test_a_nurse_records_an_abnormal_result_and_re_accesses_the_patient(nurse, store, audit_events):
    patient = add_patient(store, trust_code="RGT")
    page = nurse.get(f"/followup/patients/{patient}?as_of=2019-03-20")
    assert "Mammogram due (overdue)" in page.text
    fields = open_form(nurse, patient, "record-result")
    response = nurse.post(
        f"/followup/patients/{patient}/actions",
        data=fields | {"result": "abnormal"} | date_parts("2019-03-19"),
        follow_redirects=True,
    )
    assert response.status_code == 200, response.text
    assert "Result recorded" in response.text
    assert "Re-access requested by abnormal result: open" in response.text
    fields = open_form(nurse, patient, "reaccess")
    done = nurse.post(
        f"/followup/patients/{patient}/actions", data=fields | date_parts("2019-03-25"), follow_redirects=True
    )
    assert "re-accessed to clinic on 25 March 2019" in done.text
    audited = {(e.action, e.object_type) for e in audit_events() if e.actor_id is not None}
    assert {("update", "followup_test"), ("create", "followup_reaccess_request")} <= audited
    assert {("update", "followup_reaccess_request"), ("view", "followup_patient")} <= audited


def test_a_second_nurse_acting_on_a_changed_item_gets_a_409_with_an_error_summary(nurse, store, signed_in):
    patient = add_patient(store, trust_code="RGT")
    fields = open_form(nurse, patient, f"suspend-{patient}")
    contact = open_form(nurse, patient, f"contact-{patient}")
    assert (
        nurse.post(f"/followup/patients/{patient}/actions", data=fields, follow_redirects=False).status_code
        == 303
    )
    stale = nurse.post(f"/followup/patients/{patient}/actions", data=contact)
    assert stale.status_code == 409
    assert "There is a problem" in stale.text and "Someone else changed" in stale.text


def test_a_repeated_post_is_done_once(nurse, store):
    patient = add_patient(store, trust_code="RGT")
    fields = open_form(nurse, patient, f"request-reaccess-{patient}")
    for _ in range(2):
        assert (
            nurse.post(
                f"/followup/patients/{patient}/actions", data=fields, follow_redirects=False
            ).status_code
            == 303
        )
    after = nurse.get(f"/followup/patients/{patient}?as_of=2019-03-20")
    assert after.text.count("Re-access requested by the patient") == 1


def test_a_missing_result_is_a_400_naming_the_field(nurse, store):
    patient = add_patient(store, trust_code="RGT")
    response = nurse.post(
        f"/followup/patients/{patient}/actions", data=open_form(nurse, patient, "record-result")
    )
    assert response.status_code == 400
    assert "Select the result" in response.text


def test_the_metrics_page_covers_the_viewers_alliance_or_own_trust(signed_in, store):
    """Alliance users see their alliance's trusts; trust users (their clinical leads) their own trust
    only, in the page and the API (issue 23, "Navigation")."""
    for n in range(10):
        add_patient(store, trust_code="RGT", in_clinical_trial=n < 3)
        add_patient(store, trust_code="RGN", in_clinical_trial=False)
    east = signed_in("east").get("/followup/metrics?as_of=2019-03-31")
    assert east.status_code == 200
    assert "RGT" in east.text and "RGN" in east.text and "70%" in east.text
    assert "the breast cancer registrations have not been loaded" in east.text
    for user, own, other in (("rgt", "RGT", "RGN"), ("rtx", "RTX", "RGT")):
        client = signed_in(user)
        page = client.get("/followup/metrics?as_of=2019-03-31")
        assert page.status_code == 200
        assert other not in page.text
        rows = client.get("/api/followup/metrics?as_of=2019-03-31").json()["rows"]
        assert {row["trust_code"] for row in rows} - {None} <= {own}


def test_the_share_stratified_of_patients_finishing_treatment(app, signed_in, store):
    """Issue 11 item 4: 20 breast patients diagnosed at RGT in the window, 15 of them stratified: 75%
    for the trust and for the alliance in total; the JSON and CSV carry the same figures."""
    pseudonyms = [f"pseudo-cohort-{n}" for n in range(20)]
    for n, pseudonym in enumerate(pseudonyms[:15]):
        add_patient(
            store, trust_code="RGT", alliance_code=EAST, nhs_number=pseudonym, in_clinical_trial=n < 5
        )
    cohort = pd.DataFrame(
        {
            "patient_pseudonym": pseudonyms,
            "trust_code": "RGT",
            "alliance_code": EAST,
            "diagnosis_date": dt.date(2018, 6, 1),
        }
    )
    cohort.to_parquet(app.state.context.results.folder / RESULTS_FILE, index=False)
    page = signed_in("east").get("/followup/metrics?as_of=2019-03-31")
    assert (
        "75.0% (95% interval 53.1 to 88.8)" in page.text
        and "from 30 September 2017 to 29 September 2018" in page.text
    )
    assert "data-vega-spec" in page.text
    rows = signed_in("east").get("/api/followup/metrics?as_of=2019-03-31").json()["rows"]
    trust, alliance = [r for r in rows if r["trust_code"] == "RGT"][0], rows[-1]
    for row in (trust, alliance):
        assert (row["finished_treatment"], row["stratified"], row["stratified_pct"]) == (20, 15, 75.0)
        assert row["self_managing_pct"] == round(1000 / 15, 2)
    assert alliance["trust_code"] is None and alliance["alliance_code"] == EAST
    csv_text = signed_in("nat").get("/api/followup/metrics?as_of=2019-03-31&format=csv").text
    assert csv_text.splitlines()[0].startswith("trust_code,alliance_code,finished_treatment,stratified,")


def test_every_follow_up_patient_level_get_writes_exactly_one_audit_event(app, nurse, store, audit_events):
    """The route walk of tests/web/test_audit.py, as a clinical nurse (the only role allowed)."""
    patient = add_patient(store, trust_code="RGT")
    paths = [
        path
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/followup") and "patient-level" in operations.get("get", {}).get("tags", [])
    ]
    assert paths == ["/followup", "/followup.csv", "/followup/patients/{patient_id}"]
    for path in paths:
        before = len(audit_events())
        assert nurse.get(path.replace("{patient_id}", str(patient))).status_code == 200, path
        [event] = audit_events()[before:]
        assert event.actor_id is not None
        assert event.action == ("export" if path.endswith(".csv") else "view")
    tags = app.openapi()["paths"]["/followup/metrics"]["get"]["tags"]
    assert "aggregates" in tags and "patient-level" not in tags


def test_the_worklist_downloads_as_csv(nurse, store):
    add_patient(store, trust_code="RGT", episode_id="EP-CSV")
    response = nurse.get("/followup.csv?as_of=2019-03-20")
    assert response.headers["content-type"].startswith("text/csv")
    header, row = response.text.splitlines()[:2]
    assert header.startswith("category,trust_code,episode_id")
    assert row.startswith("overdue,RGT,EP-CSV")


def test_a_nurse_records_a_concern_triages_it_to_re_access_and_it_is_audited(nurse, store, audit_events):
    patient = add_patient(store, trust_code="RGT")
    fields = open_form(nurse, patient, f"report-concern-{patient}")
    concern = {"route": "phone", "category": "breast_change", "summary": "lump under the arm"}
    done = nurse.post(f"/followup/patients/{patient}/actions", data=fields | concern, follow_redirects=True)
    assert done.status_code == 200, done.text
    assert "Concern recorded" in done.text
    assert "Concern reported (New lump or change in the breast or chest wall, by phone" in done.text
    fields = open_form(nurse, patient, "triage-concern")
    triaged = nurse.post(
        f"/followup/patients/{patient}/actions", data=fields | {"outcome": "reaccess"}, follow_redirects=True
    )
    assert "Concern triaged" in triaged.text
    assert "triaged on 20 March 2019: re-access to clinic" in triaged.text
    assert "Re-access requested by the patient: open" in triaged.text
    audited = [(e.action, e.object_type) for e in audit_events() if e.actor_id is not None]
    assert {("create", "followup_concern"), ("update", "followup_concern")} <= set(audited)
    assert ("create", "followup_reaccess_request") in audited
    assert all("lump" not in str(e.details) for e in audit_events())


def test_two_nurses_triage_the_same_concern_the_second_gets_a_409(nurse, store):
    patient = add_patient(store, trust_code="RGT")
    fields = open_form(nurse, patient, f"report-concern-{patient}")
    reported = nurse.post(
        f"/followup/patients/{patient}/actions",
        data=fields | {"route": "portal", "category": "pain"},
        follow_redirects=True,
    )
    assert reported.status_code == 200
    first = open_form(nurse, patient, "triage-concern")
    second = first | {"action_key": "another-nurse-key"}
    url = f"/followup/patients/{patient}/actions"
    assert (
        nurse.post(url, data=first | {"outcome": "advice_given"}, follow_redirects=False).status_code == 303
    )
    stale = nurse.post(url, data=second | {"outcome": "test_booked"})
    assert stale.status_code == 409
    assert "There is a problem" in stale.text and "Someone else changed" in stale.text
    assert 'href="#timeline"' in stale.text


@pytest.mark.parametrize(
    ("form", "data", "message"),
    [
        ("report-concern", {"route": "phone"}, "Select what the concern is about"),
        ("report-concern", {"category": "pain"}, "Select how the patient reported the concern"),
        ("report-concern", {"route": "phone", "category": "pain", "summary": "x" * 501}, "500 characters"),
        ("record-care", date_parts("2019-03-01"), "Select what was done"),
        ("record-care", {"record": "hna_date"}, "Enter the date it was done"),
        (
            "record-care",
            {"record": "hna_date", "date_day": "1", "date_year": "2019"},
            "Date done must include a month",
        ),
        (
            "record-care",
            {"record": "hna_date", "date_day": "30", "date_month": "2", "date_year": "2019"},
            "Date done must be a real date",
        ),
        ("book", {"date_day": "1", "date_month": "4", "date_year": "19"}, "Year must include 4 numbers"),
        (
            "record-care",
            {"record": "hna_date"} | date_parts("2019-04-01"),
            "The holistic needs assessment date is after today",
        ),
    ],
)
def test_a_concern_or_care_record_form_missing_a_choice_is_a_400_naming_it(nurse, store, form, data, message):
    patient = add_patient(store, trust_code="RGT")
    fields = open_form(nurse, patient, form)
    response = nurse.post(f"/followup/patients/{patient}/actions", data=fields | data)
    assert response.status_code == 400
    assert "There is a problem" in response.text and message in response.text


def test_a_nurse_records_the_care_plan_and_it_shows_on_the_timeline(nurse, store):
    patient = add_patient(store, trust_code="RGT")
    fields = open_form(nurse, patient, f"record-care-{patient}")
    done = nurse.post(
        f"/followup/patients/{patient}/actions",
        data=fields | {"record": "care_plan_date"} | date_parts("2019-03-18"),
        follow_redirects=True,
    )
    assert "Personalised care recorded" in done.text
    assert re.search(r"18 March 2019</strong>: Care plan recorded", done.text)
    worklist = nurse.get("/followup?as_of=2019-03-20")
    assert "no holistic needs assessment within 90 days" in worklist.text
    assert "no care plan" not in worklist.text


def test_a_nurse_cannot_act_on_another_patients_re_access_request(nurse, store):
    """Issue 21: the re-access action did not check that the request was this patient's."""
    patient = add_patient(store, trust_code="RGT", episode_id="EP-MINE")
    other = add_patient(store, trust_code="RGT", episode_id="EP-OTHER")
    fields = open_form(nurse, other, f"request-reaccess-{other}")
    nurse.post(f"/followup/patients/{other}/actions", data=fields, follow_redirects=False)
    fields = open_form(nurse, other, "reaccess")
    wrong = nurse.post(f"/followup/patients/{patient}/actions", data=fields | date_parts("2019-03-25"))
    assert wrong.status_code == 400 and "is not this patient" in wrong.text
    assert "re-accessed to clinic" not in nurse.get(f"/followup/patients/{other}?as_of=2019-03-20").text


def test_a_double_submit_racing_its_twin_is_done_once_and_logs_no_values(nurse, store, monkeypatch, caplog):
    """Issue 21: both submits passed the action-key check; the second hit the key's uniqueness, gave a
    500 and wrote the note into the log."""
    from cancer_alliance.followup import actions

    patient = add_patient(store, trust_code="RGT")
    fields = open_form(nurse, patient, f"contact-{patient}") | {"note": "Patient called back twice"}
    monkeypatch.setattr(actions, "_done", lambda *args, **kwargs: None)  # as if the twin had not committed
    first = nurse.post(f"/followup/patients/{patient}/actions", data=fields, follow_redirects=False)
    fields["version"] = str(int(fields["version"]) + 1)  # the twin saw the record before either saved
    twin = nurse.post(f"/followup/patients/{patient}/actions", data=fields, follow_redirects=False)
    assert (first.status_code, twin.status_code) == (303, 303)
    assert "called back" not in caplog.text


def test_an_nhs_number_in_a_note_is_refused(nurse, store):
    patient = add_patient(store, trust_code="RGT")
    fields = open_form(nurse, patient, f"contact-{patient}") | {"note": "re 943 476 5919"}
    refused = nurse.post(f"/followup/patients/{patient}/actions", data=fields)
    assert refused.status_code == 400 and "Remove the NHS number" in refused.text


def test_a_national_metrics_table_of_many_trusts_is_folded(signed_in, store, monkeypatch):
    """Issue #23: the national page listed every trust in a table 27,000 px long."""
    from cancer_alliance.web.pages import followup_metrics

    add_patient(store, trust_code="RGT")
    add_patient(store, trust_code="RTX")
    assert 'id="followup-metrics-folded"' not in signed_in("nat").get("/followup/metrics").text
    monkeypatch.setattr(followup_metrics, "FOLD_ROWS", 1)
    page = signed_in("nat").get("/followup/metrics?as_of=2019-03-31").text
    assert 'id="followup-metrics-folded"' in page and "Show the figures for each of the" in page
