import pytest

from cancer_alliance.cwt import evaluate

pytestmark = pytest.mark.over_connect  # also over Spark Connect (docs/decisions/0034)

title = "Clock start (day 0) to first definitive treatment, within iff days <= 62, by route"

solo = {"provider_first_seen": "RD1", "provider_treatment": "RD1", "decision_to_treat_date": "2023-01-20"}


def test_every_route_has_a_62_day_row_from_its_own_clock_start(spec_test):
    """Measure table, CWT clock starts and stops [S1, S22]: usc, breast symptomatic and screening from the referral, upgrade from
    the consultant upgrade date; a routine referral never upgraded has none (31d only)."""
    spec_test("""
        record_id | priority_type | source_of_referral | referral_type | consultant_upgrade_date
        ----------+---------------+--------------------+---------------+------------------------
        usc       | 3             | 03                 | 01            |
        breast    | 3             | 03                 | 16            |
        screen    | 2             | 17                 |               |
        upgrade   | 1             | 03                 |               | 2023-01-12
        routine   | 1             | 03                 |               |
    """, evaluate, """
        record_id | route              | clock_start | clock_stop | days | within | reporting_month | provider | share | allocation | scenario
        ----------+--------------------+-------------+------------+------+--------+-----------------+----------+-------+------------+---------
        usc       | usc                | 2023-01-02  | 2023-03-01 | 58   | T      | 2023-03         | RD1      | 1     | solo       |
        breast    | breast_symptomatic | 2023-01-02  | 2023-03-01 | 58   | T      | 2023-03         | RD1      | 1     | solo       |
        screen    | screening          | 2023-01-02  | 2023-03-01 | 58   | T      | 2023-03         | RD1      | 1     | solo       |
        upgrade   | upgrade            | 2023-01-12  | 2023-03-01 | 48   | T      | 2023-03         | RD1      | 1     | solo       |
    """, defaults={**solo, "referral_received_date": "2023-01-02", "treatment_start_date": "2023-03-01"},
        measure="62d")


def test_only_first_definitive_treatments_stop_the_62_day_clock(spec_test):
    """CWT treatment codes [S19, S44] [IMPL S40]: event types 01, 07 and 12; a subsequent treatment (02) has no 62d row, and
    a referral not yet treated is an open pathway with none either."""
    spec_test("""
        record_id | treatment_event_type | treatment_start_date
        ----------+----------------------+---------------------
        first01   | 01                   | 2023-03-01
        first07   | 07                   | 2023-03-01
        first12   | 12                   | 2023-03-01
        second    | 02                   | 2023-03-01
        open      | 01                   |
    """, evaluate, """
        record_id | measure
        ----------+--------
        first01   | 62d
        first07   | 62d
        first12   | 62d
    """, defaults={**solo, "referral_received_date": "2023-01-02"}, measure="62d")


def test_e10_day_62_in_a_leap_year_and_in_a_common_year(spec_test):
    """E10: referral 1 Feb 2024, day 62 = 3 Apr 2024; referral 1 Feb 2023, day 62 = 4 Apr 2023."""
    spec_test("""
        record_id | referral_received_date | decision_to_treat_date | treatment_start_date
        ----------+------------------------+------------------------+---------------------
        leap62    | 2024-02-01             | 2024-03-20             | 2024-04-03
        leap63    | 2024-02-01             | 2024-03-20             | 2024-04-04
        common62  | 2023-02-01             | 2023-03-20             | 2023-04-04
        common63  | 2023-02-01             | 2023-03-20             | 2023-04-05
    """, evaluate, """
        record_id | days | within
        ----------+------+-------
        leap62    | 62   | T
        leap63    | 63   | F
        common62  | 62   | T
        common63  | 63   | F
    """, defaults=solo, measure="62d")


def test_e31_the_quoted_62_day_deadline_is_two_days_early(spec_test):
    """E31 [SECONDARY S43, quoted but wrong]: referred 1 March, "no later than 30 April" is day 60;
    the latest compliant treatment is 2 May (day 62); 3 May is a breach."""
    spec_test("""
        record_id | referral_received_date | treatment_start_date
        ----------+------------------------+---------------------
        apr30     | 2023-03-01             | 2023-04-30
        may02     | 2023-03-01             | 2023-05-02
        may03     | 2023-03-01             | 2023-05-03
    """, evaluate, """
        record_id | days | within
        ----------+------+-------
        apr30     | 60   | T
        may02     | 62   | T
        may03     | 63   | F
    """, defaults={**solo, "decision_to_treat_date": "2023-04-20"}, measure="62d")


def test_e33_twelve_days_left_after_a_decision_on_day_50(spec_test):
    """E33 [SECONDARY S42]: referred on day 0 (1 Jan 2019), listed for a procedure on day 50
    (20 Feb): 62 - 50 = 12 days left, so treatment on day 62 (4 Mar) is within on both the 62-day
    and the 31-day measure, and on day 63 a 62-day breach (31-day still within)."""
    spec_test("""
        record_id | treatment_start_date
        ----------+---------------------
        day62     | 2019-03-04
        day63     | 2019-03-05
    """, evaluate, """
        record_id | measure | days | within
        ----------+---------+------+-------
        day62     | 31d     | 12   | T
        day62     | 62d     | 62   | T
        day63     | 31d     | 13   | T
        day63     | 62d     | 63   | F
    """, defaults={**solo, "referral_received_date": "2019-01-01", "decision_to_treat_date": "2019-02-20"},
        measure=("31d", "62d"))
