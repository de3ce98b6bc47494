title = "Open or overdue at the as-of date"

# Issue 12 item 3: not reached and as-of day <= target is open; as-of day > target is overdue.
# Referral 2020-03-02 (day 0); CT target day 3 = 2020-03-05.


def test_not_reached_by_the_target_day_is_open(spec_test):
    """As of day 3, no CT yet: open."""
    spec_test("""
        pathway_id | event             | event_date | outcome
        -----------+-------------------+------------+--------
        a1         | referral_received | 2020-03-02 |
    """, """
        pathway_id | milestone | target_day | day | status | due_date
        -----------+-----------+------------+-----+--------+-----------
        a1         | ct        | 3          |     | open   | 2020-03-05
    """, as_of="2020-03-05")


def test_not_reached_after_the_target_day_is_overdue(spec_test):
    """As of day 4, no CT yet: overdue."""
    spec_test("""
        pathway_id | event             | event_date | outcome
        -----------+-------------------+------------+--------
        a1         | referral_received | 2020-03-02 |
    """, """
        pathway_id | milestone | target_day | day | status
        -----------+-----------+------------+-----+--------
        a1         | ct        | 3          |     | overdue
    """, as_of="2020-03-06")


def test_events_after_the_as_of_date_are_not_yet_known(spec_test):
    """A CT on day 5 is in the file, but as of day 2 it has not happened: open, no day."""
    spec_test("""
        pathway_id | event             | event_date | outcome
        -----------+-------------------+------------+--------
        a2         | referral_received | 2020-03-02 |
        a2         | ct                | 2020-03-07 |
    """, """
        pathway_id | milestone | target_day | day | status
        -----------+-----------+------------+-----+-------
        a2         | ct        | 3          |     | open
    """, as_of="2020-03-04")
