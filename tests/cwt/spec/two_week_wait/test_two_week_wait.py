from cancer_alliance.cwt import evaluate

title = "Referral received (day 0) to date first seen, within iff days <= 14"

seen_at = {"provider_first_seen": "RA1"}


def test_e1_boundary_day_14_is_within_and_day_15_a_breach(spec_test):
    """E1: USC referral received Mon 3 Jun 2019; first seen 17 Jun (14 days, within) or 18 Jun
    (15 days, breach), counted in June 2019 at the first-seen provider, share 1."""
    spec_test(
        """
        record_id | referral_received_date | date_first_seen
        ----------+------------------------+----------------
        seen17    | 2019-06-03             | 2019-06-17
        seen18    | 2019-06-03             | 2019-06-18
    """,
        evaluate,
        """
        record_id | route | clock_start | clock_stop | days | within | reporting_month | provider | share
        ----------+-------+-------------+------------+------+--------+-----------------+----------+------
        seen17    | usc   | 2019-06-03  | 2019-06-17 | 14   | T      | 2019-06         | RA1      | 1
        seen18    | usc   | 2019-06-03  | 2019-06-18 | 15   | F      | 2019-06         | RA1      | 1
    """,
        defaults=seen_at,
        measure="2ww",
    )


def test_e2_a_dna_adjustment_is_subtracted(spec_test):
    """E2: referral 1 Apr 2019, DNA on 10 Apr (adjustment reason 3, 9 days), seen 22 Apr: 21 - 9
    = 12, within; without the adjustment the same dates are a breach (CWT adjustments [S16, S24])."""
    spec_test(
        """
        record_id | referral_received_date | date_first_seen | adjustment_first_seen_days | adjustment_first_seen_reason
        ----------+------------------------+-----------------+----------------------------+-----------------------------
        dna       | 2019-04-01             | 2019-04-22      | 9                          | 3
        none      | 2019-04-01             | 2019-04-22      |                            |
    """,
        evaluate,
        """
        record_id | days | within
        ----------+------+-------
        dna       | 12   | T
        none      | 21   | F
    """,
        defaults=seen_at,
        measure="2ww",
    )


def test_e3_patient_choice_is_not_an_adjustment(spec_test):
    """E3 [SECONDARY S42]: Mrs Smith cannot attend on day 14 and is seen on day 17: a breach;
    declining or cancelling is a delay reason, not an adjustment (CWT adjustments [S16, S24] [OFFICIAL S16, S20])."""
    spec_test(
        """
        record_id | referral_received_date | date_first_seen
        ----------+------------------------+----------------
        smith     | 2019-05-01             | 2019-05-18
    """,
        evaluate,
        """
        record_id | days | within
        ----------+------+-------
        smith     | 17   | F
    """,
        defaults=seen_at,
        measure="2ww",
    )


def test_submitted_days_apply_whatever_the_reason_code(spec_test):
    """CWT adjustments [S16, S24] project rule: the submitted adjustment days are subtracted even with reason 9 (no
    adjustment) or a blank reason; the reason is kept for reporting, not used to veto the days."""
    spec_test(
        """
        record_id | referral_received_date | date_first_seen | adjustment_first_seen_days | adjustment_first_seen_reason
        ----------+------------------------+-----------------+----------------------------+-----------------------------
        nine      | 2019-04-01             | 2019-04-20      | 5                          | 9
        blank     | 2019-04-01             | 2019-04-20      | 5                          |
    """,
        evaluate,
        """
        record_id | days | within
        ----------+------+-------
        nine      | 14   | T
        blank     | 14   | T
    """,
        defaults=seen_at,
        measure="2ww",
    )


def test_only_usc_and_breast_symptomatic_referrals_are_measured(spec_test):
    """Measure table: priority 3 on route usc or breast_symptomatic; screening referrals (excluded
    [IMPL]), consultant upgrades and routine referrals have no 2ww row. A referral not yet seen is
    an open pathway: no row, and not rejected."""
    spec_test(
        """
        record_id | priority_type | source_of_referral | referral_type | consultant_upgrade_date | date_first_seen
        ----------+---------------+--------------------+---------------+-------------------------+----------------
        usc       | 3             | 03                 | 01            |                         | 2019-06-10
        breast    | 3             | 03                 | 16            |                         | 2019-06-10
        screen    | 2             | 17                 |               |                         | 2019-06-10
        upgrade   | 1             | 03                 |               | 2019-06-10              | 2019-06-10
        routine   | 1             | 03                 |               |                         | 2019-06-10
        open      | 3             | 03                 | 01            |                         |
    """,
        evaluate,
        """
        record_id | measure | route
        ----------+---------+-------------------
        usc       | 2ww     | usc
        breast    | 2ww     | breast_symptomatic
    """,
        defaults={**seen_at, "referral_received_date": "2019-06-03"},
        measure="2ww",
    )
