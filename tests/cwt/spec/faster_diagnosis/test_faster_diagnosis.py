from cancer_alliance.cwt import CwtSettings, FdsExclusion, evaluate

title = "Clock stops at the earlier of the FDS end date and the decision to treat; within iff days <= 28"

ended_at = {"provider_fds_end": "RB1"}


def test_e4_boundary_day_28_is_within_and_day_29_a_breach(spec_test):
    """E4: referral received 2 Jan 2024; told 30 Jan (28 days, within) or 31 Jan (29 days,
    breach); reported in the month of the FDS end date at the FDS-end provider, share 1."""
    spec_test(
        """
        record_id | referral_received_date | fds_end_date
        ----------+------------------------+-------------
        told30    | 2024-01-02             | 2024-01-30
        told31    | 2024-01-02             | 2024-01-31
    """,
        evaluate,
        """
        record_id | route | clock_start | clock_stop | days | within | reporting_month | provider | share
        ----------+-------+-------------+------------+------+--------+-----------------+----------+------
        told30    | usc   | 2024-01-02  | 2024-01-30 | 28   | T      | 2024-01         | RB1      | 1
        told31    | usc   | 2024-01-02  | 2024-01-31 | 29   | F      | 2024-01         | RB1      | 1
    """,
        defaults=ended_at,
        measure="fds",
    )


def test_e5_a_decision_to_treat_before_the_end_date_stops_the_clock(spec_test):
    """E5 (FDS [S1, S17] [OFFICIAL S17; IMPL S40]): referral 1 Feb 2024, DTT 20 Feb, FDS end recorded 5 Mar:
    the clock stops on 20 Feb, 19 days, within (33 if the later date were used), reported in
    February 2024 (the effective clock stop, issue 3). A DTT alone also stops the clock."""
    spec_test(
        """
        record_id | referral_received_date | decision_to_treat_date | fds_end_date
        ----------+------------------------+------------------------+-------------
        e5        | 2024-02-01             | 2024-02-20             | 2024-03-05
        dttonly   | 2024-02-01             | 2024-02-20             |
    """,
        evaluate,
        """
        record_id | clock_stop | days | within | reporting_month
        ----------+------------+------+--------+----------------
        e5        | 2024-02-20 | 19   | T      | 2024-02
        dttonly   | 2024-02-20 | 19   | T      | 2024-02
    """,
        defaults=ended_at,
        measure="fds",
    )


def test_e6_consultant_upgrades_are_not_in_fds(spec_test):
    """E6 (FDS [S1, S17] [OFFICIAL S1]): a routine referral later upgraded has no FDS row, only its 62-day
    upgrade row; screening and breast symptomatic referrals are in FDS."""
    spec_test(
        """
        record_id | priority_type | source_of_referral | referral_type | consultant_upgrade_date | treatment_start_date
        ----------+---------------+--------------------+---------------+-------------------------+---------------------
        upgraded  | 1             | 03                 |               | 2024-01-10              | 2024-02-20
        screen    | 2             | 17                 |               |                         |
        breast    | 3             | 03                 | 16            |                         |
    """,
        evaluate,
        """
        record_id | measure | route
        ----------+---------+-------------------
        upgraded  | 31d     |
        upgraded  | 62d     | upgrade
        screen    | fds     | screening
        breast    | fds     | breast_symptomatic
    """,
        defaults={
            **ended_at,
            "referral_received_date": "2024-01-02",
            "fds_end_date": "2024-01-20",
            "decision_to_treat_date": "2024-02-01",
            "provider_treatment": "RB1",
        },
    )


def test_the_first_seen_adjustment_is_subtracted(spec_test):
    """CWT adjustments [S16, S24]: FDS = min(FDS end, DTT) - referral received - adjustment (first seen)."""
    spec_test(
        """
        record_id | referral_received_date | fds_end_date | adjustment_first_seen_days
        ----------+------------------------+--------------+---------------------------
        dna       | 2024-01-02             | 2024-02-05   | 7
    """,
        evaluate,
        """
        record_id | days | within
        ----------+------+-------
        dna       | 27   | T
    """,
        defaults=ended_at,
        measure="fds",
    )


def test_e31_the_quoted_fds_example_is_correct(spec_test):
    """E31 [SECONDARY S43]: 1 March to 29 March is 28 days, within."""
    spec_test(
        """
        record_id | referral_received_date | fds_end_date
        ----------+------------------------+-------------
        mar29     | 2023-03-01             | 2023-03-29
        mar30     | 2023-03-01             | 2023-03-30
    """,
        evaluate,
        """
        record_id | days | within
        ----------+------+-------
        mar29     | 28   | T
        mar30     | 29   | F
    """,
        defaults=ended_at,
        measure="fds",
    )


def test_exclusions_come_from_the_configurable_code_table(spec_test):
    """FDS [S1, S17], docs/deviations.md: the official exclusion codes were not found, so nothing is excluded by
    default; a table row (end reason, exclusion reason; blank = any) leaves matching records out
    of fds only (their other measures stand)."""
    records = """
        record_id | fds_end_reason | fds_exclusion_reason
        ----------+----------------+---------------------
        kept      | 01             |
        excl      | 03             | 01
        other     | 03             | 02
    """
    defaults = {
        **ended_at,
        "referral_received_date": "2024-01-02",
        "fds_end_date": "2024-01-20",
        "date_first_seen": "2024-01-10",
    }
    spec_test(
        records,
        evaluate,
        """
        record_id | measure
        ----------+--------
        kept      | fds
        excl      | fds
        other     | fds
    """,
        defaults=defaults,
        measure="fds",
    )
    table = CwtSettings(fds_exclusions=(FdsExclusion(fds_end_reason="03", fds_exclusion_reason="01"),))
    spec_test(
        records,
        lambda frame: evaluate(frame, table),
        """
        record_id | measure
        ----------+--------
        kept      | 2ww
        kept      | fds
        excl      | 2ww
        other     | 2ww
        other     | fds
    """,
        defaults=defaults,
    )
