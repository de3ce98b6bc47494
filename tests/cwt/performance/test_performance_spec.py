# ruff: noqa: E501  (spec tables are wider than a code line)
"""Performance against the published standards (NHS England CWT statistics [S30], CWT standards [S1, S30], breach allocation [S31],
CWT reporting conventions [S1, S31], docs/deviations.md): each test is one paragraph of the rule, with its source or worked example."""

from __future__ import annotations

import pytest

from cancer_alliance.cwt.performance import performance

title = "Performance tables: selections over the per-record facts, halves summed exactly"


def repeated(counts):
    """Each row of `counts` repeated `n` times, numbered in column `copy` (for national-size totals)."""
    from cancer_alliance.engine import functions

    F = functions(counts)
    return counts.select("*", F.explode(F.sequence(F.lit(1), F.col("n"))).alias("copy"))


def test_halves_are_summed_exactly(facts, expect):
    """total = Σ share, within = Σ share where within, breaches = total − within (breach allocation [S31], "Published
    standards as data"): 0.5 + 0.5 + 1 within of 2.5 is 2 of 2.5 = 0.8."""
    rows = facts(
        """
        record_id | share | within
        ----------+-------+-------
        a         | 0.5   | T
        b         | 0.5   | T
        c         | 1     | T
        d         | 0.5   | F
        """,
        measure="62d",
        route="usc",
        reporting_month="2019-05",
        provider="RA7",
    )
    expect(
        performance(rows, ["month"]),
        """
        standard_id | reporting_month | total | within | breaches | performance | threshold | meets_threshold
        ------------+-----------------+-------+--------+----------+-------------+-----------+----------------
        62d_usc     | 2019-05         | 2.5   | 2      | 0.5      | 0.8         | 0.85      | F
        """,
    )


def test_a_group_with_no_patients_has_no_performance(facts, expect):
    """performance is None when total = 0 (docs/deviations.md): a provider that received share 0 of a
    shared pathway (scenario 3, breach allocation [S6, S40]) keeps its row with total 0."""
    rows = facts(
        """
        record_id | provider | share | within | scenario
        ----------+----------+-------+--------+---------
        s3        | TA       | 0     | T      | 3
        s3        | TB       | 1     | T      | 3
        """,
        measure="62d",
        route="usc",
        reporting_month="2019-05",
        allocation="six_scenario",
    )
    expect(
        performance(rows, ["provider"]),
        """
        standard_id | provider | total | within | breaches | performance | threshold | meets_threshold
        ------------+----------+-------+--------+----------+-------------+-----------+----------------
        62d_usc     | TA       | 0     | 0      | 0        |             | 0.85      |
        62d_usc     | TB       | 1     | 1      | 0        | 1           | 0.85      | T
        """,
    )


def test_october_2023_reconciliation_as_halves(engine):
    """docs/deviations.md, breach allocation [S31] [OFFICIAL-DATA S30, S31]: England 62-day combined, October 2023,
    15,375.5 within of 24,371.5 = 63.09%: 15,375 whole patients and one half within, 8,996 breaches."""
    from cancer_alliance.engine import functions

    counts = engine.session.createDataFrame(
        [(15375, 1.0, True, "RA7"), (1, 0.5, True, "RBK"), (8996, 1.0, False, "RA7")],
        schema="n int, share double, within boolean, provider string",
    )
    F = functions(counts)
    rows = repeated(counts).select(
        F.col("copy").cast("string").alias("record_id"),
        F.lit("62d").alias("measure"),
        F.lit("usc").alias("route"),
        F.lit(None).cast("string").alias("treatment_stage"),
        F.lit(None).cast("string").alias("modality_group"),
        "within",
        F.lit("2023-10").alias("reporting_month"),
        "provider",
        "share",
    )
    [row] = engine.rows(performance(rows, ["month"], "2023"))
    assert (row["standard_id"], row["total"], row["within"], row["breaches"]) == (
        "62d_combined",
        24371.5,
        15375.5,
        8996.0,
    )
    assert row["performance"] == 15375.5 / 24371.5
    assert f"{row['performance']:.2%}" == "63.09%"
    assert (row["threshold"], row["meets_threshold"]) == (0.85, False)


FDS_MONTHS = """
    record_id | reporting_month | within
    ----------+-----------------+-------
    a         | 2021-09         | T
    b         | 2021-10         | T
    c         | 2026-02         | T
    d         | 2026-03         | F
    e         | 2026-03         | T
    f         | 2026-03         | T
    g         | 2026-03         | T
    g         | 2026-03         | T
"""


def test_threshold_is_the_one_in_force_in_the_reporting_month(facts, expect):
    """FDS 75% from Q3 2021/22 (2021-10-01) and 80% from March 2026 (FDS [S1, S17] [OFFICIAL-DATA S30; OFFICIAL
    S1]): September 2021 has no threshold; October 2021 and February 2026 have 0.75; March 2026 has 0.80,
    which 4 of 5 (0.80, compared unrounded) meets."""
    rows = facts(FDS_MONTHS, measure="fds", route="usc", provider="RA7", share=1.0)
    expect(
        performance(rows, ["month"], "2023"),
        """
        standard_id | reporting_month | total | within | performance | threshold | meets_threshold
        ------------+-----------------+-------+--------+-------------+-----------+----------------
        fds         | 2021-09         | 1     | 1      | 1           |           |
        fds         | 2021-10         | 1     | 1      | 1           | 0.75      | T
        fds         | 2026-02         | 1     | 1      | 1           | 0.75      | T
        fds         | 2026-03         | 5     | 4      | 0.8         | 0.8       | T
        """,
    )


def test_threshold_over_several_months_only_when_the_same_throughout(facts, expect):
    """Without month in the grouping, a threshold is shown only if one threshold was in force in every
    month of the group (CWT reporting conventions [S1, S31]; DERIVED): 2021-09 (none) with 2021-10 (0.75) has none."""
    rows = facts(FDS_MONTHS, measure="fds", route="usc", provider="RA7", share=1.0)
    expect(
        performance(rows.where("reporting_month < '2022-01'"), [], "2023"),
        """
        standard_id | total | within | threshold | meets_threshold
        ------------+-------+--------+-----------+----------------
        fds         | 2     | 2      |           |
        """,
    )
    expect(
        performance(rows.where("reporting_month >= '2021-10' and reporting_month < '2026-03'"), [], "2023"),
        """
        standard_id | total | within | threshold | meets_threshold
        ------------+-------+--------+-----------+----------------
        fds         | 2     | 2      | 0.75      | T
        """,
    )


def test_compare_unrounded_with_the_threshold(engine):
    """Compare to thresholds unrounded; round only for display (CWT reporting conventions [S1, S31], docs/deviations.md): 9,296 of 10,000 is
    93.0% to 1 dp but below the 93% 2WW standard."""
    from cancer_alliance.engine import functions

    counts = engine.session.createDataFrame([(9296, True), (704, False)], schema="n int, within boolean")
    F = functions(counts)
    rows = repeated(counts).select(
        F.col("copy").cast("string").alias("record_id"),
        F.lit("2ww").alias("measure"),
        F.lit("usc").alias("route"),
        F.lit(None).cast("string").alias("treatment_stage"),
        F.lit(None).cast("string").alias("modality_group"),
        "within",
        F.lit("2019-01").alias("reporting_month"),
        F.lit("RA7").alias("provider"),
        F.lit(1.0).alias("share"),
    )
    [row] = engine.rows(performance(rows, ["month"]))
    assert f"{row['performance']:.1%}" == "93.0%"
    assert (row["threshold"], row["meets_threshold"]) == (0.93, False)


SELECTIONS = """
    record_id | measure | route              | treatment_stage | modality_group | within
    ----------+---------+--------------------+-----------------+----------------+-------
    u1        | 2ww     | usc                |                 |                | T
    b1        | 2ww     | breast_symptomatic |                 |                | F
    f1        | 31d     |                    | first           | surgery        | T
    s1        | 31d     |                    | subsequent      | surgery        | T
    s2        | 31d     |                    | subsequent      | drug           | F
    s3        | 31d     |                    | subsequent      | radiotherapy   | T
    s4        | 31d     |                    | subsequent      | other          | T
    p1        | 62d     | usc                |                 |                | T
    p2        | 62d     | breast_symptomatic |                 |                | F
    p3        | 62d     | screening          |                 |                | T
    p4        | 62d     | upgrade            |                 |                | F
    d1        | fds     | screening          |                 |                | T
"""


def test_the_2018_19_standards_select_their_rows(facts, expect):
    """The eight 2018/19 standards and the consultant upgrade with no set standard (CWT standards 2018/19 [S7, S30] [OFFICIAL-DATA
    S30]); breast symptomatic is not in the 62-day GP standard before Oct 2023 (October 2023 changes [S9, S11]); the
    'other' subsequent modality has no 2018/19 standard (October 2023 changes [S9, S11]); FDS is not in this set."""
    rows = facts(SELECTIONS, reporting_month="2019-03", provider="RA7", share=1.0)
    expect(
        performance(rows, [], "2018"),
        """
        standard_id            | total | within | threshold | meets_threshold
        -----------------------+-------+--------+-----------+----------------
        2ww                    | 1     | 1      | 0.93      | T
        2ww_breast_symptomatic | 1     | 0      | 0.93      | F
        31d_first              | 1     | 1      | 0.96      | T
        31d_sub_surgery        | 1     | 1      | 0.94      | T
        31d_sub_drug           | 1     | 0      | 0.98      | F
        31d_sub_radiotherapy   | 1     | 1      | 0.94      | T
        62d_usc                | 1     | 1      | 0.85      | T
        62d_screening          | 1     | 1      | 0.90      | T
        62d_upgrade            | 1     | 0      |           |
        """,
    )


def test_the_october_2023_standards_select_their_rows(facts, expect):
    """FDS, 31-day combined (all stages and modality groups) and 62-day combined (all four routes)
    (October 2023 standards [S9, S11] [OFFICIAL-DATA S30; OFFICIAL S9]); 2WW is no longer a standard (October 2023 changes [S9, S11])."""
    rows = facts(SELECTIONS, reporting_month="2023-11", provider="RA7", share=1.0)
    expect(
        performance(rows, [], "2023"),
        """
        standard_id  | total | within | threshold | meets_threshold
        -------------+-------+--------+-----------+----------------
        fds          | 1     | 1      | 0.75      | T
        31d_combined | 5     | 4      | 0.96      | F
        62d_combined | 4     | 2      | 0.85      | F
        """,
    )


def test_auto_picks_the_framework_by_reporting_month(facts, expect):
    """E27: treated 30 Sep 2023 counts under the old 62-day standards, treated 31 Oct 2023 under the
    62-day combined standard (85% from Q3 2023/24); FDS is reported whenever a threshold row is in
    force (from 2021-10, FDS [S1, S17]), so not in 2021-09."""
    rows = facts(
        """
        record_id | measure | route | reporting_month | within
        ----------+---------+-------+-----------------+-------
        a         | 62d     | usc   | 2023-09         | T
        b         | 62d     | usc   | 2023-10         | T
        c         | fds     | usc   | 2021-09         | T
        d         | fds     | usc   | 2021-10         | F
        """,
        provider="RA7",
        share=1.0,
    )
    expect(
        performance(rows, ["month"], "auto"),
        """
        standard_id  | reporting_month | total | threshold
        -------------+-----------------+-------+----------
        fds          | 2021-10         | 1     | 0.75
        62d_usc      | 2023-09         | 1     | 0.85
        62d_combined | 2023-10         | 1     | 0.85
        """,
    )


def test_a_retired_standard_reported_later_has_no_threshold(facts, expect):
    """2WW standards retired from 1 Oct 2023 (October 2023 changes [S9, S11]): asked for explicitly, a back-series
    figure is computed but carries no threshold."""
    rows = facts(
        "record_id | within\n--|--\na | T",
        measure="2ww",
        route="usc",
        reporting_month="2024-01",
        provider="RA7",
        share=1.0,
    )
    expect(
        performance(rows, ["month"], "2018"),
        """
        standard_id | reporting_month | total | threshold | meets_threshold
        ------------+-----------------+-------+-----------+----------------
        2ww         | 2024-01         | 1     |           |
        """,
    )


def test_providers_roll_up_to_alliances(facts, expect):
    """Provider → alliance through the reference data (2018/19 trusts); a site code takes its trust's
    alliance (ODS parent = first three characters, CWT record layout [S15, S40], DERIVED); an unknown provider goes to
    'UNKNOWN' and is never dropped. RA7 and RVJ are in Somerset, Wiltshire, Avon and Gloucestershire
    (E56000015); RBK in the West Midlands (E56000007)."""
    rows = facts(
        """
        record_id | provider | share | within
        ----------+----------+-------+-------
        a         | RA7      | 0.5   | T
        a         | RBK      | 0.5   | T
        b         | RVJ01    | 1     | F
        c         | XX9      | 1     | T
        d         |          | 1     | F
        """,
        measure="62d",
        route="usc",
        reporting_month="2019-05",
    )
    expect(
        performance(rows, ["month", "alliance"]),
        """
        standard_id | reporting_month | alliance  | total | within | breaches
        ------------+-----------------+-----------+-------+--------+---------
        62d_usc     | 2019-05         | E56000015 | 1.5   | 0.5    | 1
        62d_usc     | 2019-05         | E56000007 | 0.5   | 0.5    | 0
        62d_usc     | 2019-05         | UNKNOWN   | 2     | 1      | 1
        """,
    )


def test_group_by_route(facts, expect):
    """Published breakdowns by route (October 2023 standards [S9, S11] [OFFICIAL S11; OFFICIAL-DATA S31])."""
    rows = facts(SELECTIONS, reporting_month="2023-11", provider="RA7", share=1.0)
    expect(
        performance(rows.where("measure = '62d'"), ["route"], "2023"),
        """
        standard_id  | route              | total | within
        -------------+--------------------+-------+-------
        62d_combined | usc                | 1     | 1
        62d_combined | breast_symptomatic | 1     | 0
        62d_combined | screening          | 1     | 1
        62d_combined | upgrade            | 1     | 0
        """,
    )


def test_group_by_tumour_type_joins_the_diagnosis_back(engine, facts, expect):
    """Treated cancer type from the record's ICD-10 diagnosis (tumour classification note [S29] categories [OFFICIAL-DATA S29];
    the code mapping is DERIVED, `cwt/data/tumour_types.csv`); blank → 'Missing or Invalid'."""
    from cancer_alliance.schemas import schema

    rows = facts(
        """
        record_id | within
        ----------+-------
        a         | T
        b         | F
        c         | T
        d         | T
        """,
        measure="62d",
        route="usc",
        reporting_month="2019-05",
        provider="RA7",
        share=1.0,
    )
    records = engine.frame(
        schema("cwt"),
        [
            {"record_id": "a", "nhs_number": "x", "primary_diagnosis_icd10": "C34.1"},
            {"record_id": "b", "nhs_number": "x", "primary_diagnosis_icd10": "C61"},
            {"record_id": "c", "nhs_number": "x", "primary_diagnosis_icd10": "c34"},
            {"record_id": "d", "nhs_number": "x"},
        ],
    )
    expect(
        performance(rows, ["tumour_type"], records=records),
        """
        standard_id | tumour_type           | total | within
        ------------+-----------------------+-------+-------
        62d_usc     | Lung                  | 2     | 2
        62d_usc     | Urological - Prostate | 1     | 0
        62d_usc     | Missing or Invalid    | 1     | 1
        """,
    )


def test_bad_arguments_are_refused(facts):
    rows = facts(
        "record_id | within\n--|--\na | T",
        measure="2ww",
        route="usc",
        reporting_month="2019-01",
        provider="RA7",
        share=1.0,
    )
    with pytest.raises(ValueError, match="cannot group by 'trust'"):
        performance(rows, ["trust"])
    with pytest.raises(ValueError, match="needs the records"):
        performance(rows, ["tumour_type"])
    with pytest.raises(ValueError, match="'2019' is not a valid Framework"):
        performance(rows, [], "2019")
    with pytest.raises(ValueError, match="facts lack column"):
        performance(rows.drop("share"), [])
