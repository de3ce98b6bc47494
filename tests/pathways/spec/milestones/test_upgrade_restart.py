import pytest

pytestmark = pytest.mark.over_connect  # also over Spark Connect (docs/decisions/0034)

title = "A consultant upgrade restarts the clock"

# Issue 12 item 2: the start is the referral_received event, or the consultant_upgrade when that is
# later (as in the 62-day rules, CWT clock starts and stops [S1, S22]). Referral 2020-03-02; upgrade 2020-03-10.


def test_a_later_upgrade_is_day_0(spec_test):
    """Upgraded on 2020-03-10: the CT on 2020-03-13 is day 3 from the upgrade (met), not day 11 from the referral."""
    spec_test("""
        pathway_id | event              | event_date | outcome
        -----------+--------------------+------------+--------
        u1         | referral_received  | 2020-03-02 |
        u1         | consultant_upgrade | 2020-03-10 |
        u1         | ct                 | 2020-03-13 |
    """, """
        pathway_id | milestone | target_day | day | status | start_event        | start_date | due_date
        -----------+-----------+------------+-----+--------+--------------------+------------+-----------
        u1         | ct        | 3          | 3   | met    | consultant_upgrade | 2020-03-10 | 2020-03-13
    """, as_of="2020-03-20")


def test_an_earlier_upgrade_does_not_move_day_0(spec_test):
    """An upgrade dated before the referral is not later, so the referral stays day 0."""
    spec_test("""
        pathway_id | event              | event_date | outcome
        -----------+--------------------+------------+--------
        u2         | referral_received  | 2020-03-02 |
        u2         | consultant_upgrade | 2020-03-01 |
        u2         | ct                 | 2020-03-06 |
    """, """
        pathway_id | milestone | target_day | day | status   | start_event       | start_date
        -----------+-----------+------------+-----+----------+-------------------+-----------
        u2         | ct        | 3          | 4   | breached | referral_received | 2020-03-02
    """, as_of="2020-03-20")


def test_an_upgrade_without_a_referral_starts_the_pathway(spec_test):
    """A pathway that starts with an upgrade (no urgent referral) counts from the upgrade."""
    spec_test("""
        pathway_id | event                  | event_date | outcome
        -----------+------------------------+------------+--------
        u3         | consultant_upgrade     | 2020-03-10 |
        u3         | diagnosis_communicated | 2020-04-08 | cancer
    """, """
        pathway_id | milestone              | target_day | day | status
        -----------+------------------------+------------+-----+---------
        u3         | diagnosis_communicated | 28         | 29  | breached
    """, as_of="2020-04-08")


def test_a_test_done_before_the_upgrade_counts_with_a_negative_day(spec_test):
    """The CT that led to the upgrade was done before day 0: its day is negative and the milestone is met (README, DERIVED)."""
    spec_test("""
        pathway_id | event              | event_date | outcome
        -----------+--------------------+------------+--------
        u4         | referral_received  | 2020-03-02 |
        u4         | ct                 | 2020-03-08 |
        u4         | consultant_upgrade | 2020-03-10 |
    """, """
        pathway_id | milestone | target_day | day | status
        -----------+-----------+------------+-----+-------
        u4         | ct        | 3          | -2  | met
    """, as_of="2020-03-20")
