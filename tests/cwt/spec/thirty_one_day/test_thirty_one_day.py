from cancer_alliance.cwt import evaluate

title = "Decision to treat (day 0) to treatment start, within iff days <= 31, at the treating provider"

# A usc referral received 2 Jan 2023 (the 31-day clock does not read it).
treated_at = {"provider_treatment": "RC1", "referral_received_date": "2023-01-02"}


def test_e7_boundary_day_31_is_within_and_day_32_a_breach(spec_test):
    """E7: DTT 1 Mar 2023; surgery 1 Apr (31 days, within) or 2 Apr (32, breach); month of the
    treatment, route blank, share 1."""
    spec_test(
        """
        record_id | decision_to_treat_date | treatment_start_date
        ----------+------------------------+---------------------
        apr1      | 2023-03-01             | 2023-04-01
        apr2      | 2023-03-01             | 2023-04-02
    """,
        evaluate,
        """
        record_id | route | treatment_stage | modality_group | clock_start | clock_stop | days | within | reporting_month | provider | share
        ----------+-------+-----------------+----------------+-------------+------------+------+--------+-----------------+----------+------
        apr1      |       | first           | surgery        | 2023-03-01  | 2023-04-01 | 31   | T      | 2023-04         | RC1      | 1
        apr2      |       | first           | surgery        | 2023-03-01  | 2023-04-02 | 32   | F      | 2023-04         | RC1      | 1
    """,
        defaults=treated_at,
        measure="31d",
    )


def test_e8_a_subsequent_treatment_runs_from_its_ecad(spec_test):
    """E8 (ECAD rule [OFFICIAL S1]): adjuvant radiotherapy decided 10 Apr 2023 with ECAD 15 May
    (recorded as the treatment period start), starting 12 Jun: 28 days, within (63 from 10 Apr);
    stage subsequent, modality group radiotherapy."""
    spec_test(
        """
        record_id | treatment_event_type | treatment_modality | decision_to_treat_date | treatment_start_date
        ----------+----------------------+--------------------+------------------------+---------------------
        e8        | 02                   | 05                 | 2023-05-15             | 2023-06-12
    """,
        evaluate,
        """
        record_id | treatment_stage | modality_group | days | within | reporting_month
        ----------+-----------------+----------------+------+--------+----------------
        e8        | subsequent      | radiotherapy   | 28   | T      | 2023-06
    """,
        defaults=treated_at,
        measure="31d",
    )


def test_e29_active_monitoring_agreed_is_a_first_treatment(spec_test):
    """E29 [SECONDARY S45; date rule UNVERIFIED]: prostate cancer, active monitoring (modality 08)
    agreed and started 5 May 2023: 31-day wait 0, and the 62-day clock stops that day (the DTT
    also ends the FDS pathway, FDS [S1, S17])."""
    spec_test(
        """
        record_id | treatment_modality | referral_received_date | decision_to_treat_date | treatment_start_date
        ----------+--------------------+------------------------+------------------------+---------------------
        e29       | 08                 | 2023-03-20             | 2023-05-05             | 2023-05-05
    """,
        evaluate,
        """
        record_id | measure | treatment_stage | modality_group | clock_stop | days | within
        ----------+---------+-----------------+----------------+------------+------+-------
        e29       | fds     |                 |                | 2023-05-05 | 46   | F
        e29       | 31d     | first           | other          | 2023-05-05 | 0    | T
        e29       | 62d     |                 |                | 2023-05-05 | 46   | T
    """,
        defaults=treated_at,
    )


def test_e30_neoadjuvant_chemotherapy_is_the_first_treatment(spec_test):
    """E30 [SECONDARY S46]: chemotherapy from 1 Feb 2022 is the first definitive treatment (31d
    first, drug, and the 62d clock stop); surgery on 1 May 2022 is a subsequent treatment on the
    31-day surgery measure from its own DTT, with no 62d row."""
    spec_test(
        """
        record_id | treatment_event_type | treatment_modality | referral_received_date | decision_to_treat_date | treatment_start_date
        ----------+----------------------+--------------------+------------------------+------------------------+---------------------
        chemo     | 01                   | 02                 | 2021-12-20             | 2022-01-20             | 2022-02-01
        surgery   | 02                   | 23                 | 2021-12-20             | 2022-04-10             | 2022-05-01
    """,
        evaluate,
        """
        record_id | measure | treatment_stage | modality_group | days | within
        ----------+---------+-----------------+----------------+------+-------
        chemo     | 31d     | first           | drug           | 12   | T
        chemo     | 62d     |                 |                | 43   | T
        surgery   | 31d     | subsequent      | surgery        | 21   | T
    """,
        defaults=treated_at,
        measure=("31d", "62d"),
    )


def test_e31_the_quoted_31_day_deadline_is_a_day_late(spec_test):
    """E31 [SECONDARY S43, quoted but wrong]: a DTT on 30 July must be treated by 30 August (day
    31), not "no later than 31 August", which is day 32, a breach."""
    spec_test(
        """
        record_id | decision_to_treat_date | treatment_start_date
        ----------+------------------------+---------------------
        aug30     | 2023-07-30             | 2023-08-30
        aug31     | 2023-07-30             | 2023-08-31
    """,
        evaluate,
        """
        record_id | days | within
        ----------+------+-------
        aug30     | 31   | T
        aug31     | 32   | F
    """,
        defaults=treated_at,
        measure="31d",
    )


def test_event_types_give_the_stage_and_modalities_the_group(spec_test):
    """CWT treatment codes [S19, S44] [IMPL S40] via the reference code lists: event types 01, 07, 12 are first treatments,
    02-06 and 08-11 subsequent; modalities 01/23/24 surgery, 02/03/14/15 drug, 04/05/06/13
    radiotherapy, anything else (or blank) other. Subsequent treatments have no 62d row."""
    spec_test(
        """
        record_id | treatment_event_type | treatment_modality
        ----------+----------------------+-------------------
        t01       | 01                   | 01
        t07       | 07                   | 24
        t12       | 12                   | 03
        t02       | 02                   | 14
        t05       | 05                   | 15
        t08       | 08                   | 04
        t11       | 11                   | 13
        t03       | 03                   | 06
        t04       | 04                   | 97
        t06       | 06                   | 10
        t09       | 09                   |
        t10       | 10                   | 02
    """,
        evaluate,
        """
        record_id | measure | treatment_stage | modality_group
        ----------+---------+-----------------+---------------
        t01       | 31d     | first           | surgery
        t01       | 62d     |                 |
        t07       | 31d     | first           | surgery
        t07       | 62d     |                 |
        t12       | 31d     | first           | drug
        t12       | 62d     |                 |
        t02       | 31d     | subsequent      | drug
        t05       | 31d     | subsequent      | drug
        t08       | 31d     | subsequent      | radiotherapy
        t11       | 31d     | subsequent      | radiotherapy
        t03       | 31d     | subsequent      | radiotherapy
        t04       | 31d     | subsequent      | other
        t06       | 31d     | subsequent      | other
        t09       | 31d     | subsequent      | other
        t10       | 31d     | subsequent      | drug
    """,
        defaults={
            **treated_at,
            "referral_received_date": "2023-01-02",
            "decision_to_treat_date": "2023-02-01",
            "treatment_start_date": "2023-02-10",
        },
        measure=("31d", "62d"),
    )


def test_modality_98_all_treatment_declined_is_excluded(spec_test):
    """CWT treatment codes [S19, S44] [IMPL S40]: modality 98 counts in neither the 31-day nor the 62-day measure (the
    referral's 2ww and fds rows stand)."""
    spec_test(
        """
        record_id | treatment_modality
        ----------+-------------------
        declined  | 98
    """,
        evaluate,
        """
        record_id | measure
        ----------+--------
        declined  | 2ww
        declined  | fds
    """,
        defaults={
            **treated_at,
            "referral_received_date": "2023-01-02",
            "date_first_seen": "2023-01-10",
            "provider_first_seen": "RC1",
            "decision_to_treat_date": "2023-02-01",
            "treatment_start_date": "2023-02-10",
        },
    )


def test_the_treatment_adjustment_is_subtracted_and_open_pathways_have_no_row(spec_test):
    """CWT adjustments [S16, S24]: 31d = treatment start - DTT - adjustment (treatment). A decision to treat without a
    treatment yet is an open pathway: no 31d row."""
    spec_test(
        """
        record_id | decision_to_treat_date | treatment_start_date | adjustment_treatment_days
        ----------+------------------------+----------------------+--------------------------
        adjusted  | 2023-03-01             | 2023-04-05           | 6
        open      | 2023-03-01             |                      |
    """,
        evaluate,
        """
        record_id | days | within
        ----------+------+-------
        adjusted  | 29   | T
    """,
        defaults=treated_at,
        measure="31d",
    )
