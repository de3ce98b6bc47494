from cancer_alliance.cwt import evaluate

title = "Priority type, source of referral, referral type and consultant upgrade date decide the route"

# Referral received 2019-06-03, first seen 2019-06-10 at RA1, treated 2019-07-15 at RA1 after a
# decision to treat on 2019-07-01 (first definitive surgery, baseline). Every route yields a 62d row.
pathway = {
    "referral_received_date": "2019-06-03",
    "date_first_seen": "2019-06-10",
    "provider_first_seen": "RA1",
    "decision_to_treat_date": "2019-07-01",
    "treatment_start_date": "2019-07-15",
    "provider_treatment": "RA1",
}


def test_each_combination_gets_the_route_of_the_ncl_derivation(spec_test):
    """CWT route codes [S21, S40]: usc = priority 3, type not 16, source not 17, no upgrade; breast_symptomatic the same
    with type 16; screening = priority 2 and source 17; upgrade = source not 17 with an upgrade
    date (which wins over priority 3); anything else (routine, never upgraded) is on no route."""
    spec_test(
        """
        record_id | priority_type | source_of_referral | referral_type | consultant_upgrade_date
        ----------+---------------+--------------------+---------------+------------------------
        usc       | 3             | 03                 | 01            |
        breast    | 3             | 03                 | 16            |
        screen    | 2             | 17                 |               |
        upgr      | 1             | 03                 |               | 2019-06-20
        upgr3     | 3             | 03                 | 01            | 2019-06-20
        routine   | 1             | 03                 |               |
        urgent    | 2             | 03                 | 01            |
        scr3      | 3             | 17                 | 01            |
    """,
        evaluate,
        """
        record_id | route
        ----------+-------------------
        usc       | usc
        breast    | breast_symptomatic
        screen    | screening
        upgr      | upgrade
        upgr3     | upgrade
    """,
        defaults=pathway,
        measure="62d",
    )


def test_blank_source_and_type_count_as_not_screening_and_not_breast(spec_test):
    """A blank source or type is neither 17 nor 16: the project's choice (decision 0031, docs/deviations.md)."""
    spec_test(
        """
        record_id | priority_type | source_of_referral | referral_type
        ----------+---------------+--------------------+--------------
        blank     | 3             |                    |
        nopri     |               | 03                 | 01
    """,
        evaluate,
        """
        record_id | route
        ----------+------
        blank     | usc
    """,
        defaults=pathway,
        measure="62d",
    )


def test_a_record_on_no_route_still_has_its_31_day_row(spec_test):
    """Issue 3 item 1: a routine referral never upgraded has no 2ww, fds or 62d row, but its
    treatment still counts on the 31-day measure (route blank)."""
    spec_test(
        """
        record_id | priority_type | fds_end_date
        ----------+---------------+-------------
        routine   | 1             | 2019-06-20
    """,
        evaluate,
        """
        record_id | measure | route | treatment_stage | modality_group | days | within
        ----------+---------+-------+-----------------+----------------+------+-------
        routine   | 31d     |       | first           | surgery        | 14   | T
    """,
        defaults=pathway,
    )
