import pytest

from cancer_alliance.cwt import evaluate

pytestmark = pytest.mark.over_connect  # also over Spark Connect (docs/decisions/0034)

title = "The six 38/24-day scenarios"

# USC referral received 2020-03-02 (day 0), first seen and accountable at TA (synthetic codes),
# transferred to and treated at TB, no adjustments.
ipt = {"referral_received_date": "2020-03-02", "provider_first_seen": "TA",
       "accountable_investigating_provider": "TA", "provider_treatment": "TB", "decision_to_treat_date": "2020-03-10"}


def test_each_scenario_shares_the_patient_as_the_table_says(spec_test):
    """breach allocation [S6, S40] table (reference data `allocation_scenarios`). d38/d24/d62 in days: s1 30/20/50,
    s2 10/45/55, s3 40/18/58, s4 35/40/75, s5 55/15/70, s6 42/48/90. Both rows carry the 62-day
    outcome; a provider that gets nothing keeps a row with share 0."""
    spec_test("""
        record_id | transfer_to_treatment_date | treatment_start_date
        ----------+----------------------------+---------------------
        s1        | 2020-04-01                 | 2020-04-21
        s2        | 2020-03-12                 | 2020-04-26
        s3        | 2020-04-11                 | 2020-04-29
        s4        | 2020-04-06                 | 2020-05-16
        s5        | 2020-04-26                 | 2020-05-11
        s6        | 2020-04-13                 | 2020-05-31
    """, evaluate, """
        record_id | provider | share | days | within | allocation   | scenario
        ----------+----------+-------+------+--------+--------------+---------
        s1        | TA       | 0.5   | 50   | T      | six_scenario | 1
        s1        | TB       | 0.5   | 50   | T      | six_scenario | 1
        s2        | TA       | 0.5   | 55   | T      | six_scenario | 2
        s2        | TB       | 0.5   | 55   | T      | six_scenario | 2
        s3        | TA       | 0     | 58   | T      | six_scenario | 3
        s3        | TB       | 1     | 58   | T      | six_scenario | 3
        s4        | TA       | 0     | 75   | F      | six_scenario | 4
        s4        | TB       | 1     | 75   | F      | six_scenario | 4
        s5        | TA       | 1     | 70   | F      | six_scenario | 5
        s5        | TB       | 0     | 70   | F      | six_scenario | 5
        s6        | TA       | 0.5   | 90   | F      | six_scenario | 6
        s6        | TB       | 0.5   | 90   | F      | six_scenario | 6
    """, defaults=ipt, measure="62d")


def test_e15_e16_e21_the_worked_transfers(spec_test):
    """E15, E16, E21: referral 1 Apr 2019 at Trust A; E15 transfer day 30, treated day 52
    (scenario 1); E16 transfer day 20, treated day 60, d24 = 40 breached (scenario 2); E21
    transfer exactly on day 38 and treated exactly on day 62, so d24 = 24: all met, scenario 1."""
    spec_test("""
        record_id | transfer_to_treatment_date | treatment_start_date
        ----------+----------------------------+---------------------
        e15       | 2019-05-01                 | 2019-05-23
        e16       | 2019-04-21                 | 2019-05-31
        e21       | 2019-05-09                 | 2019-06-02
    """, evaluate, """
        record_id | provider | share | days | within | allocation   | scenario
        ----------+----------+-------+------+--------+--------------+---------
        e15       | TA       | 0.5   | 52   | T      | six_scenario | 1
        e15       | TB       | 0.5   | 52   | T      | six_scenario | 1
        e16       | TA       | 0.5   | 60   | T      | six_scenario | 2
        e16       | TB       | 0.5   | 60   | T      | six_scenario | 2
        e21       | TA       | 0.5   | 62   | T      | six_scenario | 1
        e21       | TB       | 0.5   | 62   | T      | six_scenario | 1
    """, defaults={**ipt, "referral_received_date": "2019-04-01", "decision_to_treat_date": "2019-04-15"},
        measure="62d")


def test_e33_the_transfer_day_decides_the_scenario(spec_test):
    """E33 (DERIVED answer): Mr Jones, referred 1 Jan 2019 at A, treated at B. Transferred on day 30
    and treated on day 62: scenario 2 (half within each); transferred on day 45 and treated on day
    62: scenario 3 (B gets 1 within); transferred on day 30 and treated on day 63: scenario 4
    (B gets 1 breach)."""
    spec_test("""
        record_id | transfer_to_treatment_date | treatment_start_date
        ----------+----------------------------+---------------------
        day30     | 2019-01-31                 | 2019-03-04
        day45     | 2019-02-15                 | 2019-03-04
        late      | 2019-01-31                 | 2019-03-05
    """, evaluate, """
        record_id | provider | share | within | scenario
        ----------+----------+-------+--------+---------
        day30     | TA       | 0.5   | T      | 2
        day30     | TB       | 0.5   | T      | 2
        day45     | TA       | 0     | T      | 3
        day45     | TB       | 1     | T      | 3
        late      | TA       | 0     | F      | 4
        late      | TB       | 1     | F      | 4
    """, defaults={**ipt, "referral_received_date": "2019-01-01", "date_first_seen": "2019-01-18",
                   "decision_to_treat_date": "2019-02-20"}, measure="62d")


def test_the_38_day_phase_uses_the_62_day_first_seen_adjustment(spec_test):
    """CWT adjustments [S16, S24] (38-day row, "start = CRTP or upgrade date, as above"): an upgrade after first seen drops
    the first-seen adjustment from both the 62- and the 38-day wait. Upgrade 10 Apr 2019, transfer
    18 May (day 38), treatment 11 Jun (day 62): scenario 1 even with 10 first-seen days recorded."""
    spec_test("""
        record_id | priority_type | consultant_upgrade_date | date_first_seen | adjustment_first_seen_days
        ----------+---------------+-------------------------+-----------------+---------------------------
        upgraded  | 1             | 2019-04-10              | 2019-04-05      | 10
    """, evaluate, """
        record_id | route   | provider | share | days | within | scenario
        ----------+---------+----------+-------+------+--------+---------
        upgraded  | upgrade | TA       | 0.5   | 62   | T      | 1
        upgraded  | upgrade | TB       | 0.5   | 62   | T      | 1
    """, defaults={**ipt, "referral_received_date": "2019-04-01", "transfer_to_treatment_date": "2019-05-18",
                   "treatment_start_date": "2019-06-11", "decision_to_treat_date": "2019-05-20"}, measure="62d")
