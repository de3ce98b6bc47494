from cancer_alliance.cwt import evaluate

title = "Month of the clock stop, as YYYY-MM"


def test_e27_a_treatment_on_31_october_counts_in_october(spec_test):
    """E27: treated 31 Oct 2023 -> October 2023 (the 62-day combined standard applies from Q3
    2023/24, a selection made later over these facts); treated 30 Sep 2023 -> September 2023."""
    spec_test(
        """
        record_id | treatment_start_date
        ----------+---------------------
        oct31     | 2023-10-31
        sep30     | 2023-09-30
    """,
        evaluate,
        """
        record_id | measure | reporting_month
        ----------+---------+----------------
        oct31     | 31d     | 2023-10
        oct31     | 62d     | 2023-10
        sep30     | 31d     | 2023-09
        sep30     | 62d     | 2023-09
    """,
        defaults={
            "referral_received_date": "2023-08-01",
            "decision_to_treat_date": "2023-09-15",
            "provider_treatment": "RF1",
        },
        measure=("31d", "62d"),
    )


def test_each_measure_reports_in_the_month_its_own_clock_stops(spec_test):
    """Measure table, CWT reporting conventions [S1, S31]: 2ww in the month first seen, fds in the month of the earlier of the FDS
    end date and the DTT (issue 3), 31d and 62d in the month of treatment; a referral in one month
    seen in the next counts in the next."""
    spec_test(
        """
        record_id | date_first_seen | fds_end_date | decision_to_treat_date | treatment_start_date
        ----------+-----------------+--------------+------------------------+---------------------
        spread    | 2023-02-03      | 2023-03-20   | 2023-03-10             | 2023-04-02
    """,
        evaluate,
        """
        record_id | measure | clock_stop | reporting_month
        ----------+---------+------------+----------------
        spread    | 2ww     | 2023-02-03 | 2023-02
        spread    | fds     | 2023-03-10 | 2023-03
        spread    | 31d     | 2023-04-02 | 2023-04
        spread    | 62d     | 2023-04-02 | 2023-04
    """,
        defaults={
            "referral_received_date": "2023-01-28",
            "provider_first_seen": "RF1",
            "provider_fds_end": "RF1",
            "provider_treatment": "RF1",
        },
    )
