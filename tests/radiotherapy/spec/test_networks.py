"""Every provider in exactly one network; every network one lead provider."""

import datetime as dt

from tests.radiotherapy.spec.conftest import networks

title = "Networks and lead providers"
text = (
    "From April 2019 radiotherapy is delivered through 11 networks, each with a single lead provider "
    "contractually accountable to NHS England (NHS England service specification B01/S/a, VERIFIED secondary)."
)

COURSES = """
    course_id | provider_code | start_date
    ----------+---------------+-----------
    x         | PE            | 2019-03-01
"""


def test_a_provider_in_two_networks_or_none_and_a_network_with_two_leads_or_none(check):
    """PB sits in N1 and N2 (not met); PE treats patients but is in no network (0, not met); N2 has
    two leads and N3 none (not met). The denominator is blank: these are counts, value = numerator."""
    check(
        """
        level    | code | requirement_id    | numerator | denominator | value | threshold | status
        ---------+------+-------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | one_network       | 1         |             | 1     | 1         | met
        provider | PB   | one_network       | 2         |             | 2     | 1         | not_met
        provider | PC   | one_network       | 1         |             | 1     | 1         | met
        provider | PD   | one_network       | 1         |             | 1     | 1         | met
        provider | PE   | one_network       | 0         |             | 0     | 1         | not_met
        network  | N1   | one_lead_provider | 1         |             | 1     | 1         | met
        network  | N2   | one_lead_provider | 2         |             | 2     | 1         | not_met
        network  | N3   | one_lead_provider | 0         |             | 0     | 1         | not_met
        """,
        as_of=dt.date(2019, 4, 1),
        courses=COURSES,
        members=networks(
            ("N1", "PA", "lead"), ("N1", "PB", "member"), ("N2", "PB", "lead"), ("N2", "PC", "lead"),
            ("N3", "PD", "member"),
        ),
        network_codes=["N1", "N2", "N3"],
        requirement_ids=["one_network", "one_lead_provider"],
    )


def test_before_the_networks_began_nothing_is_checked(check):
    """The network requirements are in force from 2019-04-01; on 2019-03-31 there is no row."""
    check(
        """
        level | code | requirement_id | status
        ------+------+----------------+-------
        """,
        as_of=dt.date(2019, 3, 31),
        courses=COURSES,
        members=networks(("N1", "PA", "lead")),
        network_codes=["N1"],
        requirement_ids=["one_network", "one_lead_provider"],
    )
