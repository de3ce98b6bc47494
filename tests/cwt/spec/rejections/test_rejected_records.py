from cancer_alliance.cwt import evaluate, rejected

title = "rejected() lists each invalid record with its reasons; evaluate() leaves it out"

providers = {"provider_first_seen": "RG1", "provider_treatment": "RG1"}


def test_each_problem_is_named(spec_test):
    """Schema date orders (first seen before the referral, treatment before the DTT), a referral
    route with no referral date, a treatment with no DTT or no known event type, and a wait made
    negative by its adjustment; a record with several problems gets them all, joined by "; ". Reasons name fields, never values."""
    spec_test(
        """
        record_id | referral_received_date | date_first_seen | adjustment_first_seen_days | decision_to_treat_date | treatment_start_date | treatment_event_type
        ----------+------------------------+-----------------+----------------------------+------------------------+----------------------+---------------------
        valid     | 2023-03-01             | 2023-03-10      |                            | 2023-04-01             | 2023-04-20           | 01
        seenearly | 2023-03-01             | 2023-02-20      |                            |                        |                      | 01
        dttlate   | 2023-03-01             | 2023-03-10      |                            | 2023-04-25             | 2023-04-20           | 01
        noref     |                        | 2023-03-10      |                            |                        |                      | 01
        nodtt     | 2023-03-01             | 2023-03-10      |                            |                        | 2023-04-20           | 01
        noevent   | 2023-03-01             | 2023-03-10      |                            | 2023-04-01             | 2023-04-20           |
        badevent  | 2023-03-01             | 2023-03-10      |                            | 2023-04-01             | 2023-04-20           | 13
        bigadj    | 2023-03-01             | 2023-03-10      | 12                         |                        |                      | 01
        twice     |                        | 2023-03-10      |                            | 2023-04-25             | 2023-04-20           | 01
    """,
        rejected,
        """
        record_id | reason
        ----------+------------------------------------------------------------------------------------------------
        seenearly | first seen before the referral was received
        dttlate   | treatment before the decision to treat
        noref     | referral_received_date missing on a usc, breast symptomatic or screening referral
        nodtt     | treatment_start_date recorded without decision_to_treat_date
        noevent   | treatment_event_type missing or not a known code
        badevent  | treatment_event_type missing or not a known code
        bigadj    | 2ww wait negative after the first-seen adjustment
        twice     | treatment before the decision to treat; referral_received_date missing on a usc, breast symptomatic or screening referral
    """,
        defaults=providers,
    )


def test_invalid_records_have_no_facts_but_open_and_routeless_ones_do(spec_test):
    """Issue 3 item 1: evaluate returns facts only for valid records. A 2ww referral not yet seen
    is an open pathway, not invalid; a routine referral has no route but is not invalid and keeps
    its 31d row."""
    records = """
        record_id | priority_type | referral_received_date | date_first_seen | decision_to_treat_date | treatment_start_date
        ----------+---------------+------------------------+-----------------+------------------------+---------------------
        bad       | 3             | 2023-03-01             | 2023-02-20      | 2023-04-01             | 2023-04-20
        open      | 3             | 2023-03-01             |                 |                        |
        routine   | 1             | 2023-03-01             |                 | 2023-04-01             | 2023-04-20
    """
    spec_test(
        records,
        evaluate,
        """
        record_id | measure
        ----------+--------
        routine   | 31d
    """,
        defaults=providers,
    )
    spec_test(
        records,
        rejected,
        """
        record_id | reason
        ----------+----------------------------------------------------------------------------------------------
        bad       | first seen before the referral was received
    """,
        defaults=providers,
    )
