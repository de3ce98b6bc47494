from cancer_alliance.cwt import evaluate

title = "Which wait subtracts which adjustment"

# Referral 1 Jan 2019 (day 0), first seen 20 Jan (adjustment first seen 5 days), FDS end 25 Jan,
# decision to treat 10 Feb, treatment 1 Mar (adjustment treatment 3 days), all at RE1.
pathway = {
    "referral_received_date": "2019-01-01",
    "date_first_seen": "2019-01-20",
    "provider_first_seen": "RE1",
    "adjustment_first_seen_days": "5",
    "fds_end_date": "2019-01-25",
    "provider_fds_end": "RE1",
    "decision_to_treat_date": "2019-02-10",
    "treatment_start_date": "2019-03-01",
    "adjustment_treatment_days": "3",
    "provider_treatment": "RE1",
}


def test_each_measure_subtracts_the_adjustments_of_its_row(spec_test):
    """CWT adjustments [S16, S24]: 2ww 19 - 5 = 14; fds 24 - 5 = 19; 31d 19 - 3 = 16; 62d (usc) 59 - 5 - 3 = 51."""
    spec_test(
        """
        record_id
        ---------
        usc
    """,
        evaluate,
        """
        record_id | measure | clock_start | clock_stop | days
        ----------+---------+-------------+------------+-----
        usc       | 2ww     | 2019-01-01  | 2019-01-20 | 14
        usc       | fds     | 2019-01-01  | 2019-01-25 | 19
        usc       | 31d     | 2019-02-10  | 2019-03-01 | 16
        usc       | 62d     | 2019-01-01  | 2019-03-01 | 51
    """,
        defaults=pathway,
    )


def test_a_consultant_upgrade_after_first_seen_keeps_the_first_seen_days(spec_test):
    """CWT adjustments [S16, S24] upgrade branches: from the upgrade date, the first-seen adjustment is subtracted when the
    upgrade is on or before the date first seen (15 Jan: 45 - 5 - 3 = 37; on the day, 20 Jan:
    40 - 5 - 3 = 32) and not when it comes after (25 Jan: 35 - 3 = 32). With no date first seen
    the first branch applies (DERIVED, docs/deviations.md)."""
    spec_test(
        """
        record_id | consultant_upgrade_date | date_first_seen
        ----------+-------------------------+----------------
        before    | 2019-01-15              | 2019-01-20
        sameday   | 2019-01-20              | 2019-01-20
        after     | 2019-01-25              | 2019-01-20
        unseen    | 2019-01-25              |
    """,
        evaluate,
        """
        record_id | route   | clock_start | days
        ----------+---------+-------------+-----
        before    | upgrade | 2019-01-15  | 37
        sameday   | upgrade | 2019-01-20  | 32
        after     | upgrade | 2019-01-25  | 32
        unseen    | upgrade | 2019-01-25  | 27
    """,
        defaults={**pathway, "priority_type": "1"},
        measure="62d",
    )


def test_adjustments_move_a_wait_across_the_boundary(spec_test):
    """CWT adjustments [S16, S24]: the 62-day wait is within only after both adjustments: 66 days less 2 + 2 = 62."""
    spec_test(
        """
        record_id | adjustment_first_seen_days | adjustment_treatment_days
        ----------+----------------------------+--------------------------
        both      | 2                          | 2
        one       | 2                          |
        none      |                            |
    """,
        evaluate,
        """
        record_id | days | within
        ----------+------+-------
        both      | 62   | T
        one       | 64   | F
        none      | 66   | F
    """,
        defaults={**pathway, "treatment_start_date": "2019-03-08"},
        measure="62d",
    )
