"""Linac replacement (over 10 years) and upgrade (over 6 years without one) and technique availability."""

import datetime as dt

from tests.radiotherapy.spec.conftest import networks

title = "Linac age and techniques"
text = (
    "Linacs are recommended to be replaced after about 10 years and upgraded after 5-6 years "
    "(NHS England service specification B01/S/a; 10 VERIFIED secondary, 6 a setting). Networks must be able to deliver "
    "IMRT/VMAT, IGRT and SABR (candidate check 3; at least one linac in service, a setting)."
)

LINACS = """
    linac_id | provider_code | commissioned_date | last_upgrade_date | decommissioned_date | delivers_imrt | delivers_igrt | delivers_sabr
    ---------+---------------+-------------------+-------------------+---------------------+---------------+---------------+--------------
    a1       | PA            | 2009-04-01        |                   |                     | T             | T             | F
    a2       | PA            | 2009-03-31        | 2014-01-01        |                     | T             | F             | F
    a3       | PA            | 2005-01-01        |                   | 2019-04-01          | T             | T             | T
    b1       | PB            | 2013-04-01        |                   |                     | T             | T             | T
    b2       | PB            | 2013-03-31        |                   |                     | F             | T             | F
    b3       | PB            | 2019-04-02        |                   |                     | T             | T             | T
"""
MEMBERS = networks(("N1", "PA", "lead"), ("N1", "PC", "member"), ("N2", "PB", "lead"))


def test_ages_at_the_boundaries(check):
    """On 2019-04-01: a1 is exactly 10 years old (not due); a2 is 10 years and a day (due) but was
    upgraded in 2014 (not due an upgrade); a1 was never upgraded (6 years passed in 2015: due); a3
    left service that day and b3 starts the next day (neither counted); b1 is exactly 6 years old (not
    due), b2 six years and a day (due). PC has no linac: no data."""
    check(
        """
        level    | code | requirement_id        | numerator | denominator | value | threshold | status
        ---------+------+-----------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | linac_replacement_due | 1         | 2           | 1     | 0         | not_met
        provider | PA   | linac_upgrade_due     | 1         | 2           | 1     | 0         | not_met
        provider | PB   | linac_replacement_due | 0         | 2           | 0     | 0         | met
        provider | PB   | linac_upgrade_due     | 1         | 2           | 1     | 0         | not_met
        provider | PC   | linac_replacement_due | 0         | 0           |       | 0         | no_data
        provider | PC   | linac_upgrade_due     | 0         | 0           |       | 0         | no_data
        network  | N1   | linac_replacement_due | 1         | 2           | 1     | 0         | not_met
        network  | N1   | linac_upgrade_due     | 1         | 2           | 1     | 0         | not_met
        network  | N2   | linac_replacement_due | 0         | 2           | 0     | 0         | met
        network  | N2   | linac_upgrade_due     | 1         | 2           | 1     | 0         | not_met
        """,
        as_of=dt.date(2019, 4, 1),
        linacs=LINACS,
        members=MEMBERS,
        network_codes=["N1", "N2"],
        requirement_ids=["linac_replacement_due", "linac_upgrade_due"],
    )


def test_a_network_without_sabr(check):
    """N1's only SABR machine (a3) has left service: SABR not met; N2 has b1. N3 has no linac at all:
    no data. IGRT: a1 in N1, b1 and b2 in N2."""
    check(
        """
        level   | code | requirement_id | numerator | denominator | value | threshold | status
        --------+------+----------------+-----------+-------------+-------+-----------+--------
        network | N1   | network_imrt   | 2         | 2           | 2     | 1         | met
        network | N1   | network_igrt   | 1         | 2           | 1     | 1         | met
        network | N1   | network_sabr   | 0         | 2           | 0     | 1         | not_met
        network | N2   | network_imrt   | 1         | 2           | 1     | 1         | met
        network | N2   | network_igrt   | 2         | 2           | 2     | 1         | met
        network | N2   | network_sabr   | 1         | 2           | 1     | 1         | met
        network | N3   | network_imrt   | 0         | 0           |       | 1         | no_data
        network | N3   | network_igrt   | 0         | 0           |       | 1         | no_data
        network | N3   | network_sabr   | 0         | 0           |       | 1         | no_data
        """,
        as_of=dt.date(2019, 4, 1),
        linacs=LINACS,
        members=MEMBERS,
        network_codes=["N1", "N2", "N3"],
        requirement_ids=["network_imrt", "network_igrt", "network_sabr"],
    )
