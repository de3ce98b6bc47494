# ruff: noqa: E501  (spec tables are wider than a code line)
"""The patient tracking list (CWT reporting conventions [S1, S31], "PTL / management information" [OFFICIAL S13, S14]; CWT day counting [S1],
CWT adjustments [S16, S24]): which pathways are open at the census, their wait, band, flags, breach dates and next milestone."""

from __future__ import annotations

import datetime as dt

from cancer_alliance.cwt.ptl import ptl, summary

SUMMARY_COUNTS = {"over_62_backlog": "int", "over_104": "int"}

title = "Patient tracking list"

USC = {"priority_type": "3", "referral_type": "01", "source_of_referral": "03", "provider_first_seen": "RA7"}


def test_bands_and_flags_at_their_edges(records, expect):
    """CANPTL bands since 30 May 2022: 0-28, 29-62, 63-104, >104 [OFFICIAL S14]; over 62 days = day 63
    on and over 104 = day 105 on (CWT reporting conventions [S1, S31], DERIVED). Census Monday 3 June 2024."""
    rows = records(
        """
        record_id | referral_received_date
        ----------+-----------------------
        d28       | 2024-05-06
        d29       | 2024-05-05
        d62       | 2024-04-02
        d63       | 2024-04-01
        d104      | 2024-02-20
        d105      | 2024-02-19
        """,
        **USC,
    )
    expect(
        ptl(rows, dt.date(2024, 6, 3)),
        """
        record_id | days_waited | band   | over_62_backlog | over_104
        ----------+-------------+--------+-----------------+---------
        d28       | 28          | 0-28   | F               | F
        d29       | 29          | 29-62  | F               | F
        d62       | 62          | 29-62  | F               | F
        d63       | 63          | 63-104 | T               | F
        d104      | 104         | 63-104 | T               | F
        d105      | 105         | >104   | T               | T
        """,
    )


def test_each_pathway_says_whether_it_passed_day_28_62_or_104_in_the_last_7_days(records, expect):
    """Issue 3 item 3, "patients who crossed day 28/62/104 in the last 7 days" (CANPTL day 28
    [OFFICIAL S14], NCL PTL days 62 and 104 [IMPL S40]): at most N days waited seven days before the
    census and more than N on it, i.e. N+1 to N+7 days on the census (CWT reporting conventions [S1, S31], DERIVED). Census 3 June 2024."""
    rows = records(
        """
        record_id | referral_received_date
        ----------+-----------------------
        d28       | 2024-05-06
        d29       | 2024-05-05
        d35       | 2024-04-29
        d36       | 2024-04-28
        d62       | 2024-04-02
        d63       | 2024-04-01
        d69       | 2024-03-26
        d70       | 2024-03-25
        d105      | 2024-02-19
        d111      | 2024-02-13
        d112      | 2024-02-12
        """,
        **USC,
    )
    expect(
        ptl(rows, dt.date(2024, 6, 3)),
        """
        record_id | days_waited | passed_day_28_last_7_days | passed_day_62_last_7_days | passed_day_104_last_7_days
        ----------+-------------+---------------------------+---------------------------+---------------------------
        d28       | 28          | F                         | F                         | F
        d29       | 29          | T                         | F                         | F
        d35       | 35          | T                         | F                         | F
        d36       | 36          | F                         | F                         | F
        d62       | 62          | F                         | F                         | F
        d63       | 63          | F                         | T                         | F
        d69       | 69          | F                         | T                         | F
        d70       | 70          | F                         | F                         | F
        d105      | 105         | F                         | F                         | T
        d111      | 111         | F                         | F                         | T
        d112      | 112         | F                         | F                         | F
        """,
    )


def test_bands_before_30_may_2022(records, expect):
    """Before 30 May 2022 the first two bands were 0-33 and 34-62 [OFFICIAL S14]: census 29 May 2022."""
    rows = records(
        """
        record_id | referral_received_date
        ----------+-----------------------
        d33       | 2022-04-26
        d34       | 2022-04-25
        """,
        **USC,
    )
    expect(
        ptl(rows, dt.date(2022, 5, 29)),
        """
        record_id | days_waited | band
        ----------+-------------+------
        d33       | 33          | 0-33
        d34       | 34          | 34-62
        """,
    )


def test_breach_dates_in_and_out_of_a_leap_year(records, expect):
    """E10: referral 1 Feb 2024, day 62 = 3 Apr 2024, so the 62-day breach date (day 63, CWT day counting [S1]: within
    iff days <= 62) is 4 Apr 2024; referral 1 Feb 2023 breaches on 5 Apr 2023. 2WW breaches on day 15,
    FDS on day 29 (29 Feb 2024 is day 28)."""
    rows = records(
        """
        record_id | referral_received_date
        ----------+-----------------------
        leap      | 2024-02-01
        common    | 2023-02-01
        """,
        **USC,
    )
    expect(
        ptl(rows.where("record_id = 'leap'"), dt.date(2024, 2, 10)),
        """
        record_id | days_waited | breach_date_2ww | breach_date_fds | breach_date_62d | next_milestone | next_milestone_date
        ----------+-------------+-----------------+-----------------+-----------------+----------------+--------------------
        leap      | 9           | 2024-02-16      | 2024-03-01      | 2024-04-04      | 2ww            | 2024-02-16
        """,
    )
    expect(
        ptl(rows.where("record_id = 'common'"), dt.date(2023, 2, 10)),
        """
        record_id | breach_date_2ww | breach_date_fds | breach_date_62d
        ----------+-----------------+-----------------+----------------
        common    | 2023-02-16      | 2023-03-02      | 2023-04-05
        """,
    )


def test_adjustments_recorded_so_far_move_the_clock(records, expect):
    """Days waited = census − clock start − adjustments recorded so far (CWT reporting conventions [S1, S31], DERIVED); breach date =
    clock start + adjustments + N + 1. E2: DNA adjustment of 9 days (reason 3) on a referral of
    1 Apr 2019, seen 22 Apr 2019; census 1 May 2019."""
    rows = records(
        """
        record_id | date_first_seen | adjustment_first_seen_days | adjustment_first_seen_reason
        ----------+-----------------+----------------------------+-----------------------------
        dna       | 2019-04-22      | 9                          | 3
        none      | 2019-04-22      |                            |
        """,
        referral_received_date="2019-04-01",
        **USC,
    )
    expect(
        ptl(rows, dt.date(2019, 5, 1)),
        """
        record_id | days_waited | breach_date_2ww | breach_date_fds | breach_date_62d | next_milestone
        ----------+-------------+-----------------+-----------------+-----------------+---------------
        dna       | 21          |                 | 2019-05-09      | 2019-06-12      | fds
        none      | 30          |                 | 2019-04-30      | 2019-06-03      | 62d
        """,
    )


def test_upgrades_start_at_the_upgrade_and_have_only_a_62_day_breach_date(records, expect):
    """Consultant upgrade: clock starts at the upgrade date (CWT clock starts and stops [S1, S22]); no 2WW or FDS (FDS [S1, S17]: upgrades are
    not in FDS); the first-seen adjustment is not subtracted when the upgrade came after first seen (CWT adjustments [S16, S24])."""
    rows = records(
        """
        record_id | date_first_seen | consultant_upgrade_date | adjustment_first_seen_days
        ----------+-----------------+-------------------------+---------------------------
        after     | 2019-04-10      | 2019-04-20              | 5
        before    | 2019-04-22      | 2019-04-20              | 5
        """,
        priority_type="1",
        referral_received_date="2019-04-01",
        provider_first_seen="RA7",
        provider_consultant_upgrade="RBK",
    )
    expect(
        ptl(rows, dt.date(2019, 5, 20)),
        """
        record_id | route   | provider | days_waited | breach_date_2ww | breach_date_fds | breach_date_62d
        ----------+---------+----------+-------------+-----------------+-----------------+----------------
        after     | upgrade | RBK      | 30          |                 |                 | 2019-06-22
        before    | upgrade | RBK      | 25          |                 |                 | 2019-06-27
        """,
    )


def test_only_pathways_open_at_the_census_are_listed(records, expect):
    """Open = on a route (CWT route codes [S21, S40]), clock started on or before the census, no treatment by the census, not
    a subsequent treatment (CWT treatment codes [S19, S44]), not closed by cancer being ruled out (FDS end reason 01 by the
    census; UNVERIFIED code, configurable). Census 1 June 2019."""
    rows = records(
        """
        record_id | priority_type | treatment_start_date | decision_to_treat_date | fds_end_date | fds_end_reason | treatment_event_type | referral_received_date
        ----------+---------------+----------------------+------------------------+--------------+----------------+----------------------+-----------------------
        open      | 3             |                      |                        |              |                |                      | 2019-05-01
        treated   | 3             | 2019-06-01           | 2019-05-20             | 2019-05-20   | 02             | 01                   | 2019-05-01
        later     | 3             | 2019-06-02           | 2019-05-20             | 2019-05-20   | 02             | 01                   | 2019-05-01
        future    | 3             |                      |                        |              |                |                      | 2019-06-02
        ruled_out | 3             |                      |                        | 2019-05-20   | 01             |                      | 2019-05-01
        ruled_lat | 3             |                      |                        | 2019-06-05   | 01             |                      | 2019-05-01
        diagnosed | 3             |                      |                        | 2019-05-20   | 02             |                      | 2019-05-01
        subseq    | 3             |                      | 2019-05-20             |              |                | 02                   | 2019-05-01
        routine   | 1             |                      |                        |              |                |                      | 2019-05-01
        """,
        referral_type="01",
        source_of_referral="03",
        provider_first_seen="RA7",
    )
    expect(
        ptl(rows, dt.date(2019, 6, 1)),
        """
        record_id | days_waited | breach_date_fds
        ----------+-------------+----------------
        open      | 31          | 2019-05-30
        later     | 31          |
        ruled_lat | 31          | 2019-05-30
        diagnosed | 31          |
        """,
    )


def test_the_provider_responsible_follows_the_transfer(records, expect):
    """Provider currently responsible (DERIVED from the breach allocation [S6, S40] roles): the accountable investigating
    provider until the transfer date, the treating provider from it; first-seen provider when no
    accountable provider is recorded. RA7 (E56000015), RBK (E56000007), unknown XX9."""
    rows = records(
        """
        record_id | accountable_investigating_provider | transfer_to_treatment_date | provider_treatment | provider_first_seen
        ----------+------------------------------------+----------------------------+--------------------+--------------------
        before    | RA7                                | 2019-06-10                 | RBK                | RA7
        after     | RA7                                | 2019-05-25                 | RBK                | RA7
        seen      |                                    |                            |                    | XX9
        """,
        priority_type="3",
        referral_received_date="2019-05-01",
    )
    expect(
        ptl(rows, dt.date(2019, 6, 1)),
        """
        record_id | provider | alliance
        ----------+----------+----------
        before    | RA7      | E56000015
        after     | RBK      | E56000007
        seen      | XX9      | UNKNOWN
        """,
    )


def test_next_milestone_is_the_first_breach_date_after_the_census(records, expect):
    """The next of the 2WW, FDS and 62-day breach dates and day 105 (over 104) after the census;
    none once a pathway is past day 104. Referral 1 Jan 2019."""
    rows = records(
        """
        record_id | date_first_seen | fds_end_date | fds_end_reason
        ----------+-----------------+--------------+---------------
        seen      | 2019-01-10      |              |
        told      | 2019-01-10      | 2019-01-15   | 02
        """,
        referral_received_date="2019-01-01",
        **USC,
    )
    expect(
        ptl(rows, dt.date(2019, 1, 20)),
        """
        record_id | next_milestone | next_milestone_date
        ----------+----------------+--------------------
        seen      | fds            | 2019-01-30
        told      | 62d            | 2019-03-05
        """,
    )
    expect(
        ptl(rows, dt.date(2019, 3, 20)),
        """
        record_id | next_milestone | next_milestone_date
        ----------+----------------+--------------------
        seen      | 104d           | 2019-04-16
        told      | 104d           | 2019-04-16
        """,
    )
    expect(
        ptl(rows.where("record_id = 'seen'"), dt.date(2019, 4, 16)),
        """
        record_id | days_waited | next_milestone | next_milestone_date
        ----------+-------------+----------------+--------------------
        seen      | 105         |                |
        """,
    )


def test_summary_counts_the_backlog_and_recent_crossings(records, expect):
    """62-day backlog and 104+ waits by provider, alliance and tumour type, and pathways that passed
    day 28, 62 and 104 in the 7 days up to the census (CANPTL "passed 28 days in the last 7 days"
    [OFFICIAL S14]; NCL PTL3 62/104 [IMPL S40]): passed day 28 means 29 to 35 days now."""
    rows = records(
        """
        record_id | referral_received_date | provider_first_seen | primary_diagnosis_icd10
        ----------+------------------------+---------------------+------------------------
        w28       | 2024-05-06             | RA7                 |
        w29       | 2024-05-05             | RA7                 |
        w35       | 2024-04-29             | RA7                 |
        w36       | 2024-04-28             | RBK                 |
        w63       | 2024-04-01             | RBK                 | C34
        w69       | 2024-03-26             | RBK                 | C34
        w70       | 2024-03-25             | RBK                 | C61
        w105      | 2024-02-19             | RBK                 | C61
        """,
        priority_type="3",
        referral_type="01",
    )
    expect(
        summary(ptl(rows, dt.date(2024, 6, 3))),
        """
        breakdown   | group_name            | open_pathways | over_62_backlog | over_104 | crossed_28_last_7_days | crossed_62_last_7_days | crossed_104_last_7_days
        ------------+-----------------------+---------------+-----------------+----------+------------------------+------------------------+------------------------
        england     | ENGLAND               | 8             | 4               | 1        | 2                      | 2                      | 1
        provider    | RA7                   | 3             | 0               | 0        | 2                      | 0                      | 0
        provider    | RBK                   | 5             | 4               | 1        | 0                      | 2                      | 1
        alliance    | E56000015             | 3             | 0               | 0        | 2                      | 0                      | 0
        alliance    | E56000007             | 5             | 4               | 1        | 0                      | 2                      | 1
        tumour_type | Breast                | 4             | 0               | 0        | 2                      | 0                      | 0
        tumour_type | Lung                  | 2             | 2               | 0        | 0                      | 2                      | 0
        tumour_type | Urological - Prostate | 2             | 2               | 1        | 0                      | 0                      | 1
        """,
        types=SUMMARY_COUNTS,
    )


def test_tumour_type_comes_from_the_suspected_cancer_type_until_a_diagnosis_is_recorded(records, expect):
    """An open pathway rarely has a diagnosis yet, so the PTL shows the suspected cancer type of its
    two-week-wait referral (TWO WEEK WAIT CANCER OR SYMPTOMATIC BREAST REFERRAL TYPE, NHS Data
    Dictionary) until one is recorded, and says which it used; a referral type that spans several
    treated cancer types (03, 04, 07) shows the group; an upgrade has no referral type (reference/cwt/suspected_tumour_types.csv,
    DERIVED). Census 3 June 2024."""
    rows = records(
        """
        record_id  | referral_type | primary_diagnosis_icd10 | priority_type | consultant_upgrade_date
        -----------+---------------+-------------------------+---------------+------------------------
        lung       | 02            |                         | 3             |
        diagnosed  | 02            | C18.7                   | 3             |
        urology    | 07            |                         | 3             |
        symptoms   | 16            |                         | 3             |
        nonspec    | 17            |                         | 3             |
        upgrade    |               |                         | 1             | 2024-05-25
        """,
        referral_received_date="2024-05-20",
        source_of_referral="03",
        provider_first_seen="RA7",
    )
    expect(
        ptl(rows, dt.date(2024, 6, 3)),
        """
        record_id  | tumour_type            | tumour_type_source
        -----------+------------------------+-------------------
        lung       | Lung                   | suspected
        diagnosed  | Lower Gastrointestinal | diagnosis
        urology    | Urological             | suspected
        symptoms   | Breast                 | suspected
        nonspec    | Non-specific symptoms  | suspected
        upgrade    | Missing or Invalid     |
        """,
    )
