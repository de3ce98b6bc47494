from cancer_alliance.pathways import unevaluated

title = "Pathways that cannot be evaluated are listed, never dropped"


def test_no_start_event_and_no_definition_in_force_are_listed_with_their_reasons(spec_test):
    """n1 has no start event; n2 starts before the first definition (April 2018); p1 is evaluated."""
    spec_test("""
        pathway_id | event             | event_date | outcome
        -----------+-------------------+------------+--------
        n1         | ct                | 2020-03-05 |
        n2         | referral_received | 2018-03-30 |
        p1         | referral_received | 2020-03-02 |
    """, """
        pathway_id | reason
        -----------+-------------------------------------------------------------------------------
        n1         | no referral_received or consultant_upgrade event on or before the as-of date
        n2         | no pathway definition of this tumour in force on day 0
    """, as_of="2020-03-20", rule=unevaluated)
