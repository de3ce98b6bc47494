from cancer_alliance.cwt import evaluate, rejected

title = "Blank codes count, a DTT-stopped FDS row counts for the investigating provider, a treatment needs a provider"
text = (
    "A blank source of referral or referral type is neither screening (17) nor breast symptomatic (16), "
    "so a two week wait referral stays on the usc route; a blank treatment modality is in the 'other' "
    "group and counts in the 31- and 62-day measures. An FDS pathway ends at diagnosis, ruling out or "
    "the decision to treat, whichever is first (NHS Data Dictionary, Faster Diagnosis Standard); one "
    "stopped by the decision to treat alone counts for the FDS end provider if recorded, else for the "
    "investigating provider. A treated record with no treating provider is rejected with that reason, "
    "and a rejected record lists the measures it would have counted in (decision 0031)."
)

pathway = {
    "referral_received_date": "2019-06-03",
    "date_first_seen": "2019-06-10",
    "provider_first_seen": "RA1",
    "decision_to_treat_date": "2019-07-01",
    "treatment_start_date": "2019-07-15",
    "provider_treatment": "RA1",
}


def test_a_blank_source_of_referral_and_referral_type_count_on_the_usc_route(spec_test):
    """A two week wait referral with a blank source of referral and referral type has its 2ww, FDS,
    31d and 62d rows like a coded one (an implementation that compares blanks by SQL equality puts it
    on no route and drops all but the 31d row: about 1.8% of 2ww rows on clean synthetic data)."""
    spec_test(
        """
        record_id | source_of_referral | referral_type
        ----------+--------------------+--------------
        blank     |                    |
        coded     | 03                 | 01
    """,
        evaluate,
        """
        record_id | measure | route | days | provider
        ----------+---------+-------+------+---------
        blank     | 2ww     | usc   | 7    | RA1
        blank     | fds     | usc   | 28   | RA1
        blank     | 31d     |       | 14   | RA1
        blank     | 62d     | usc   | 42   | RA1
        coded     | 2ww     | usc   | 7    | RA1
        coded     | fds     | usc   | 28   | RA1
        coded     | 31d     |       | 14   | RA1
        coded     | 62d     | usc   | 42   | RA1
    """,
        defaults=pathway,
    )


def test_a_blank_treatment_modality_counts_in_the_other_group(spec_test):
    """A first treatment with no modality recorded is in the 'other' group on the 31-day and the 62-day
    measures, like an unlisted code; only modality 98 (all treatment declined) leaves them."""
    spec_test(
        """
        record_id | treatment_modality
        ----------+-------------------
        blank     |
        declined  | 98
    """,
        evaluate,
        """
        record_id | measure | treatment_stage | modality_group | days | within
        ----------+---------+-----------------+----------------+------+-------
        blank     | 31d     | first           | other          | 14   | T
        blank     | 62d     |                 |                | 42   | T
    """,
        defaults=pathway,
        measure=("31d", "62d"),
    )


def test_an_fds_pathway_stopped_by_the_decision_to_treat_counts_for_the_investigating_provider(spec_test):
    """No FDS end date or provider: the clock stops at the decision to treat (2019-07-01, 28 days,
    within). The row counts for the FDS end provider when one is recorded (RC1), else the investigating
    provider: the accountable investigating provider (RD1), else the first-seen provider (RA1)."""
    spec_test(
        """
        record_id | provider_fds_end | accountable_investigating_provider | transfer_to_treatment_date
        ----------+------------------+------------------------------------+---------------------------
        fdsend    | RC1              |                                    |
        accountbl |                  | RD1                                | 2019-06-20
        firstseen |                  |                                    |
    """,
        evaluate,
        """
        record_id | clock_stop | days | within | reporting_month | provider
        ----------+------------+------+--------+-----------------+---------
        fdsend    | 2019-07-01 | 28   | T      | 2019-07         | RC1
        accountbl | 2019-07-01 | 28   | T      | 2019-07         | RD1
        firstseen | 2019-07-01 | 28   | T      | 2019-07         | RA1
    """,
        defaults=pathway,
        measure="fds",
    )


NO_TREATING_PROVIDER = """
    record_id | provider_treatment | decision_to_treat_date | treatment_start_date
    ----------+--------------------+------------------------+---------------------
    none      |                    | 2019-07-01             | 2019-07-15
    untreated |                    |                        |
"""


def test_a_treated_record_with_no_treating_provider_is_rejected(spec_test):
    """Its 31- and 62-day rows would count for no provider: the record is rejected with the reason, and
    lists the measures it loses (its 2ww and FDS rows too: a rejected record has no facts). A record
    not yet treated needs no treating provider."""
    spec_test(
        NO_TREATING_PROVIDER,
        rejected,
        """
        record_id | reason                                                   | measures
        ----------+----------------------------------------------------------+---------------
        none      | treatment_start_date recorded without provider_treatment | 2ww fds 31d 62d
    """,
        defaults=pathway,
    )
    spec_test(
        NO_TREATING_PROVIDER,
        evaluate,
        """
        record_id | measure | provider
        ----------+---------+---------
        untreated | 2ww     | RA1
    """,
        defaults=pathway,
    )


def test_a_rejected_record_lists_only_the_measures_it_had(spec_test):
    """A treatment recorded before its decision to treat: the record had 2ww, FDS (stopped by the
    decision to treat), 31d and 62d clocks, all left out; a record seen before its referral, not yet
    treated, loses its 2ww row only."""
    spec_test(
        """
        record_id | date_first_seen | decision_to_treat_date | treatment_start_date
        ----------+-----------------+------------------------+---------------------
        dttlate   | 2019-06-10      | 2019-07-20             | 2019-07-15
        seenearly | 2019-06-01      |                        |
    """,
        rejected,
        """
        record_id | reason                                      | measures
        ----------+---------------------------------------------+----------------
        dttlate   | treatment before the decision to treat      | 2ww fds 31d 62d
        seenearly | first seen before the referral was received | 2ww
    """,
        defaults=pathway,
    )
