"""BTS 2015 nodule management (BTS 2015, Callister et al., Thorax 2015) with the Brock model (Brock, McWilliams et al., NEJM 2013): the bands at
their edges, growth at 25% volume change, the volume doubling time, and B1's action."""

from __future__ import annotations

import math

import pytest

from cancer_alliance.lung.nodules import Action, Nodule, manage, volume_doubling_time

from ..cases import BROCK

title = "Nodule management"

B1 = BROCK[0].inputs


@pytest.mark.parametrize(
    ("diameter", "action"),
    [
        (4.9, Action.discharge),
        (5.0, Action.ct_12_months),
        (5.9, Action.ct_12_months),
        (6.0, Action.ct_3_months),
        (7.9, Action.ct_3_months),
    ],
)
def test_solid_nodule_by_diameter(diameter, action):
    assert manage(Nodule("solid", diameter_mm=diameter)).action == action


@pytest.mark.parametrize(
    ("volume", "action"), [(79.0, Action.discharge), (80.0, Action.ct_3_months), (299.0, Action.ct_3_months)]
)
def test_solid_nodule_by_volume_uses_the_bts_cut_offs_not_sphere_conversions(volume, action):
    """BTS's 80 and 300 mm³ are not the 65 and 268 mm³ of 5 and 8 mm spheres (BTS 2015, Callister et al., Thorax 2015)."""
    assert manage(Nodule("solid", diameter_mm=5.5, volume_mm3=volume)).action == action


def test_b1_10_mm_brock_2_5_percent_goes_to_ct_surveillance():
    """Brock, McWilliams et al., NEJM 2013: B1 (10 mm, Brock 2.51%) -> Brock < 10% -> CT surveillance."""
    decision = manage(Nodule("solid", diameter_mm=10, brock=B1))
    assert decision.action == Action.ct_surveillance
    assert decision.brock_risk == pytest.approx(0.025100, abs=5e-7)
    assert decision.reasons == ("Solid, 10 mm: at least 8 mm, so Brock risk", "Brock risk 2.51%: under 10%")


def test_a_large_spiculated_upper_lobe_nodule_goes_to_pet_ct():
    nodule = {**B1, "nodule_size_mm": 25, "spiculation": 1, "upper_lobe": 1, "sex": "F"}
    decision = manage(Nodule("solid", diameter_mm=25, brock=nodule))
    assert decision.action == Action.pet_ct and decision.brock_risk >= 0.10
    assert manage(Nodule("solid", volume_mm3=300, brock_risk=0.1)).action == Action.pet_ct


def test_volume_doubling_time_is_the_modified_schwartz_formula():
    assert volume_doubling_time(100, 200, 300) == pytest.approx(300)
    assert volume_doubling_time(100, 130, 365) == pytest.approx(math.log(2) * 365 / math.log(1.3))
    assert volume_doubling_time(100, 100, 90) == math.inf


@pytest.mark.parametrize(
    ("v2", "days", "action"),
    [
        (200.0, 300, Action.investigate),  # +100%, VDT 300 days
        (200.0, 500, Action.biopsy_or_surveillance),  # VDT 500
        (200.0, 600, Action.biopsy_or_surveillance),  # VDT 600, the edge
        (130.0, 365, Action.consider_discharge),  # +30%, VDT 964
        (124.9, 90, Action.ct_12_months),  # +24.9%: not growth, stable at 3 months
        (110.0, 365, Action.discharge),  # stable at a year on volumetry
    ],
)
def test_growth_at_25_percent_and_the_vdt_bands(v2, days, action):
    decision = manage(Nodule("solid", volume_mm3=v2, previous_volume_mm3=100.0, days_since_previous=days))
    assert decision.action == action, decision.reasons
    assert decision.vdt_days == pytest.approx(volume_doubling_time(100.0, v2, days))


def test_subsolid_nodules_are_rescanned_then_brock_decides():
    assert manage(Nodule("non_solid", diameter_mm=12)).action == Action.ct_3_months
    persistent = Nodule("part_solid", volume_mm3=400, previous_volume_mm3=390, days_since_previous=90,
                        brock_risk=0.04)
    assert manage(persistent).action == Action.subsolid_surveillance
    assert manage(Nodule("part_solid", volume_mm3=400, previous_volume_mm3=390, days_since_previous=90,
                         brock_risk=0.2)).action == Action.discuss_subsolid


def test_benign_features_discharge_and_missing_inputs_are_errors():
    assert manage(Nodule("solid", diameter_mm=12, benign_features=True)).action == Action.discharge
    with pytest.raises(ValueError, match="brock"):
        manage(Nodule("solid", diameter_mm=12))
    with pytest.raises(ValueError, match="nodule_type"):
        manage(Nodule("ground_glass", diameter_mm=12))
