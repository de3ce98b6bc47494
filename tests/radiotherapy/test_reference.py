"""The radiotherapy reference data: 11 networks, each provider a real trust of the reference data in one
network, one lead each, every unverified row saying so (issue #14 item 1; decision 0017)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from cancer_alliance import reference
from cancer_alliance.reference import radiotherapy_networks as rt
from cancer_alliance.schemas import schema

START = dt.date(2019, 4, 1)


def test_eleven_networks_from_april_2019():
    assert len(rt.networks()) == 11
    assert all(n.effective_from == START for n in rt.networks())
    assert len({n.name for n in rt.networks()}) == 11


def test_every_provider_is_a_reference_trust_in_exactly_one_network_and_each_network_has_one_lead():
    trusts = {t.ods_code for t in reference.trusts("2018/19")}
    members = rt.memberships_on(START)
    assert {m.provider_code for m in members} <= trusts
    assert max(Counter(m.provider_code for m in members).values()) == 1
    leads = Counter(m.network_code for m in members if m.role == "lead")
    assert leads == Counter({n.code: 1 for n in rt.networks()})


def test_the_synthetic_radiotherapy_centres_are_the_network_providers():
    from cancer_alliance.synth.calibration import calibration

    trusts = calibration().trusts
    assert set(trusts.codes[trusts.radiotherapy]) == set(rt.radiotherapy_providers())


@pytest.mark.parametrize("rows", [rt.networks, rt.memberships, rt.requirements, rt.schedules])
def test_every_row_has_a_source_and_unverified_rows_say_so(rows):
    for row in rows():
        assert row.source
        if not row.verified:
            assert any(word in row.source for word in ("UNVERIFIED", "NOT FOUND")), row


def test_requirements_cover_the_issue():
    ids = {r.requirement_id for r in rt.requirements()}
    assert ids >= {
        "one_network",
        "one_lead_provider",
        "linac_replacement_due",
        "linac_upgrade_due",
        "network_imrt",
        "network_igrt",
        "network_sabr",
        "imrt_share",
        "hypofractionation_breast",
        "hypofractionation_prostate",
        "rt_31d_first",
        "rt_31d_subsequent",
    }
    schedules = {(s.requirement_id, s.prescribed_dose_gy, s.fractions) for s in rt.schedules()}
    assert ("hypofractionation_breast", 26.0, 5) in schedules
    assert ("hypofractionation_prostate", 60.0, 20) in schedules
    assert next(r for r in rt.requirements() if r.requirement_id == "linac_replacement_due").parameter == 10


def test_a_users_requirements_file_changes_a_setting_and_a_bad_row_is_named(tmp_path):
    source = reference._files.path("radiotherapy/requirements.csv").read_text(encoding="utf-8")
    mine = tmp_path / "mine.csv"
    mine.write_text(
        source.replace(
            "imrt_share,Radical courses delivered by IMRT,provider network,rate,ge,0.24",
            "imrt_share,Radical courses delivered by IMRT,provider network,rate,ge,0.5",
        ),
        encoding="utf-8",
    )
    assert (
        next(
            r
            for r in rt.requirements(mine.read_text(encoding="utf-8"), str(mine))
            if r.requirement_id == "imrt_share"
        ).threshold
        == 0.5
    )
    mine.write_text(source.replace(",count,eq,1,", ",count,about,1,", 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"mine.csv line 2: comparison must be one of eq, ge, le"):
        rt.requirements(mine.read_text(encoding="utf-8"), str(mine))


def test_the_linac_table_is_equipment_with_the_issue_columns():
    table = schema("linac")
    assert table.key == "linac_id" and "nhs_number" not in table.column_names
    assert {
        "linac_id",
        "provider_code",
        "commissioned_date",
        "last_upgrade_date",
        "decommissioned_date",
    } <= set(table.column_names)
