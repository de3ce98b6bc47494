"""Emergency presentation: registrations whose Routes to Diagnosis route is emergency_presentation,
out of those with a known route (Routes to Diagnosis, Elliss-Brookes et al., Br J Cancer 2012; code list `route_to_diagnosis`: "unknown"
is excluded from the denominator, a DERIVED convention). Runs on every engine."""

import pytest

title = "Emergency presentation"

pytestmark = pytest.mark.spec


def test_unknown_and_blank_routes_are_outside_the_denominator(count_registrations):
    got = count_registrations(
        """
        tumour_id | route_to_diagnosis
        ----------+-----------------------
        r1        | emergency_presentation
        r2        | two_week_wait
        r3        | gp_referral
        r4        | screen_detected
        r5        | death_certificate_only
        r6        | unknown
        r7        |
        """,
        [],
        ["registrations", "emergency", "route_known"],
    )
    assert got == [{"registrations": 7, "emergency": 1, "route_known": 5}]


def test_emergency_presentations_do_not_need_a_stage_site(count_registrations):
    got = count_registrations(
        """
        cancer_site | route_to_diagnosis
        ------------+-----------------------
                    | emergency_presentation
        lung        | emergency_presentation
        """,
        [],
        ["emergency", "route_known", "stageable"],
    )
    assert got == [{"emergency": 2, "route_known": 2, "stageable": 1}]
