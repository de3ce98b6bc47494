from cancer_alliance.cwt import CwtSettings, MissingTransferDate, evaluate, rejected

title = "Solo pathways, the 50:50 fallback and the allocation version in force"

# USC referral received 1 Apr 2019, decision to treat 10 May, treated 23 May (day 52).
pathway = {"referral_received_date": "2019-04-01", "decision_to_treat_date": "2019-05-10",
           "treatment_start_date": "2019-05-23"}


def test_one_provider_is_solo(spec_test):
    """breach allocation [S6, S40] "Solo": investigated and treated at one provider: one row, share 1. The accountable
    investigating provider decides, not where the patient was first seen."""
    spec_test("""
        record_id | provider_first_seen | accountable_investigating_provider | provider_treatment
        ----------+---------------------+------------------------------------+-------------------
        same      | TB                  |                                    | TB
        aip       | TA                  | TB                                 | TB
    """, evaluate, """
        record_id | provider | share | allocation | scenario
        ----------+----------+-------+------------+---------
        same      | TB       | 1     | solo       |
        aip       | TB       | 1     | solo       |
    """, defaults=pathway, measure="62d")


def test_e25_no_accountable_investigating_provider_shares_50_50(spec_test):
    """E25 (breach allocation [S6, S40] [IMPL fallback]): first seen at A, treated at B, no accountable investigating
    provider: 0.5 to each, both within if d62 <= 62 else both breach; the consultant-upgrade
    provider comes before the first-seen provider as the investigating provider."""
    spec_test("""
        record_id | provider_first_seen | priority_type | consultant_upgrade_date | provider_consultant_upgrade | treatment_start_date
        ----------+---------------------+---------------+-------------------------+-----------------------------+---------------------
        within    | TA                  | 3             |                         |                             | 2019-05-23
        breach    | TA                  | 3             |                         |                             | 2019-06-10
        upgraded  | TA                  | 1             | 2019-04-05              | TU                          | 2019-05-23
    """, evaluate, """
        record_id | provider | share | within | allocation  | scenario | transfer_date_missing
        ----------+----------+-------+--------+-------------+----------+----------------------
        within    | TA       | 0.5   | T      | fifty_fifty |          | F
        within    | TB       | 0.5   | T      | fifty_fifty |          | F
        breach    | TA       | 0.5   | F      | fifty_fifty |          | F
        breach    | TB       | 0.5   | F      | fifty_fifty |          | F
        upgraded  | TU       | 0.5   | T      | fifty_fifty |          | F
        upgraded  | TB       | 0.5   | T      | fifty_fifty |          | F
    """, defaults={**pathway, "provider_treatment": "TB"}, measure="62d")


def test_no_transfer_date_falls_back_to_50_50_and_is_flagged(spec_test):
    """"Canonical record and outputs" (DERIVED; configurable): an accountable investigating provider
    but no transfer date shares 50:50 with `transfer_date_missing` true; with the setting
    `missing_transfer_date=reject` the record is listed by `rejected` instead."""
    records = """
        record_id | accountable_investigating_provider | transfer_to_treatment_date
        ----------+------------------------------------+---------------------------
        notransf  | TA                                 |
    """
    defaults = {**pathway, "provider_first_seen": "TA", "provider_treatment": "TB"}
    spec_test(records, evaluate, """
        record_id | provider | share | allocation  | scenario | transfer_date_missing
        ----------+----------+-------+-------------+----------+----------------------
        notransf  | TA       | 0.5   | fifty_fifty |          | T
        notransf  | TB       | 0.5   | fifty_fifty |          | T
    """, defaults=defaults, measure="62d")
    strict = CwtSettings(missing_transfer_date=MissingTransferDate.reject)
    spec_test(records, lambda frame: rejected(frame, strict), """
        record_id | reason
        ----------+-----------------------------------------------------------------------
        notransf  | accountable_investigating_provider recorded without transfer_to_treatment_date
    """, defaults=defaults)


def test_the_allocation_version_is_chosen_by_treatment_date(spec_test):
    """breach allocation [S6, S15], docs/deviations.md: six-scenario allocation from 1 April 2018 (dataset v2.0 [OFFICIAL S15]);
    before, a shared pathway is split 50:50 (UNVERIFIED rule text; setting `allocation_versions`)."""
    spec_test("""
        record_id | referral_received_date | transfer_to_treatment_date | decision_to_treat_date | treatment_start_date
        ----------+------------------------+----------------------------+------------------------+---------------------
        march     | 2018-02-01             | 2018-03-01                 | 2018-03-10             | 2018-03-31
        april     | 2018-02-01             | 2018-03-01                 | 2018-03-10             | 2018-04-01
    """, evaluate, """
        record_id | provider | share | allocation   | scenario
        ----------+----------+-------+--------------+---------
        march     | TA       | 0.5   | fifty_fifty  |
        march     | TB       | 0.5   | fifty_fifty  |
        april     | TA       | 0.5   | six_scenario | 2
        april     | TB       | 0.5   | six_scenario | 2
    """, defaults={"provider_first_seen": "TA", "accountable_investigating_provider": "TA", "provider_treatment": "TB"},
        measure="62d")
