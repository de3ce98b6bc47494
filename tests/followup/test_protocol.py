"""Protocols as data (issue 11 item 1): the default breast protocol's decisions and surveillance plan
(stratified follow-up: NHS Long Term Plan, NICE NG101: NICE NG101 annual mammography for 5 years, then yearly
to 50 or NHSBSP), and
clear errors naming the file and key for a protocol that cannot be used."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from tests.followup.conftest import candidate

from cancer_alliance.followup.protocol import (
    ProtocolError,
    add_years,
    default_protocol_path,
    load_protocol,
    stratify,
    surveillance_plan,
)


@pytest.mark.parametrize(
    ("changes", "pathway", "reason"),
    [
        ({}, "supported_self_management", "No clinician-led criterion"),
        ({"stage": "4"}, "clinician_led", "Stage 4"),
        ({"in_clinical_trial": True}, "clinician_led", "clinical trial"),
        ({"ongoing_treatment": True}, "clinician_led", "ongoing treatment"),
        ({"able_to_self_manage": False}, "clinician_led", "unable to self-manage"),
        ({"patient_preference": "clinician_led"}, "clinician_led", "prefers clinician-led"),
        ({"patient_preference": "supported_self_management"}, "supported_self_management", "No clinician"),
        ({"able_to_self_manage": None, "stage": None}, "supported_self_management", "No clinician"),
    ],
)
def test_the_default_protocol_decides_the_pathway_and_records_why(protocol, changes, pathway, reason):
    decision = stratify(protocol, candidate(**changes))
    assert decision.pathway == pathway
    assert any(reason in text for text in decision.reasons)
    assert (decision.protocol_id, decision.protocol_version) == ("breast-psfu-default", "2026.1")


def test_every_criterion_that_holds_is_a_reason(protocol):
    decision = stratify(protocol, candidate(stage="4", in_clinical_trial=True))
    assert len(decision.reasons) == 2


@pytest.mark.parametrize(
    ("age", "tests", "ends"),
    [
        (58, 5, dt.date(2023, 3, 1)),  # NICE NG101: annual for 5 years, then NHSBSP
        (50, 5, dt.date(2023, 3, 1)),  # 50 at diagnosis: screening age, 5 years
        (47, 5, dt.date(2023, 3, 1)),  # 52 after 5 years: no yearly extension
        (44, 6, dt.date(2024, 3, 1)),  # North Devon: yearly until 50
        (38, 12, dt.date(2030, 3, 1)),
    ],
)
def test_the_surveillance_plan_is_annual_for_five_years_then_to_fifty(protocol, age, tests, ends):
    due, end = surveillance_plan(protocol, dt.date(2018, 3, 1), age)
    assert len(due) == tests
    assert due[0] == dt.date(2019, 3, 1)
    assert due[-1] == end == ends


def test_a_leap_day_diagnosis_is_followed_up_on_28_february():
    assert add_years(dt.date(2016, 2, 29), 1) == dt.date(2017, 2, 28)


def test_the_default_protocol_ships_in_the_package_and_cites_its_sources(protocol):
    assert default_protocol_path().name == "breast-default.yaml"
    assert any("NICE NG101" in source for source in protocol.sources)
    assert "EDIT ME" in default_protocol_path().read_text(encoding="utf-8")


def test_a_trusts_own_protocol_is_configured_by_the_environment(tmp_path, monkeypatch):
    data = yaml.safe_load(default_protocol_path().read_text(encoding="utf-8"))
    data["version"] = "local-3"
    data["clinician_led_if"] = [{"id": "grade_3", "reason": "Grade 3", "field": "grade", "at_least": 3}]
    own = tmp_path / "ours.yaml"
    own.write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setenv("ALLIANCE_FOLLOWUP_PROTOCOL", str(own))
    protocol = load_protocol()
    assert protocol.version == "local-3"
    assert stratify(protocol, candidate(grade=3)).pathway == "clinician_led"
    assert stratify(protocol, candidate(stage="4")).pathway == "supported_self_management"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("version"), "version: required"),
        (lambda d: d.update(colour="blue"), "colour: unknown key"),
        (lambda d: d.update(default_pathway="sometimes"), "default_pathway: must be one of"),
        (lambda d: d["clinician_led_if"][0].update(field="shoe_size"), "clinician_led_if[0].field: unknown"),
        (
            lambda d: d["clinician_led_if"][0].update({"in": ["9"]}),
            "clinician_led_if[0].in: '9' is not a code",
        ),
        (
            lambda d: d["clinician_led_if"][1].update(equals="yes"),
            "clinician_led_if[1].equals: 'yes' is not true",
        ),
        (lambda d: d["clinician_led_if"][1].pop("equals"), "clinician_led_if[1]: needs exactly one test"),
        (lambda d: d["surveillance"].update(years=0), "surveillance.years: must be a whole number above 0"),
        (lambda d: d["review"].pop("due_soon_days"), "review.due_soon_days: required"),
        (
            lambda d: d["review"].update(concern_triage_days=0),
            "review.concern_triage_days: must be a whole number above 0, not 0",
        ),
        (
            lambda d: d["review"].update(personalised_care_days="3 months"),
            "review.personalised_care_days: must be a whole number above 0",
        ),
        (lambda d: d["review"].pop("personalised_care_days"), "review.personalised_care_days: required"),
        (lambda d: d.update(sources=[]), "sources: required"),
    ],
)
def test_a_protocol_that_cannot_be_used_is_refused_naming_file_and_key(tmp_path, edit, message):
    data = yaml.safe_load(default_protocol_path().read_text(encoding="utf-8"))
    edit(data)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ProtocolError) as raised:
        load_protocol(bad)
    assert str(raised.value).startswith(f"{bad}: ")
    assert message in str(raised.value)


def test_a_missing_or_broken_file_is_named(tmp_path):
    with pytest.raises(ProtocolError, match="missing.yaml: cannot read"):
        load_protocol(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("protocol: [unclosed", encoding="utf-8")
    with pytest.raises(ProtocolError, match="broken.yaml: not valid YAML"):
        load_protocol(broken)
