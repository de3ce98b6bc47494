"""Breakdowns: year, quarter (calendar), alliance, CCG, trust and age band (bands in
`early_diagnosis/data/age_bands.csv`)."""

import pytest

from cancer_alliance.early_diagnosis.counts import registration_counts

title = "Breakdowns of the early diagnosis counts"

pytestmark = pytest.mark.spec


def test_year_and_quarter_of_the_diagnosis_date(count_registrations):
    got = count_registrations(
        """
        diagnosis_date
        --------------
        2018-03-31
        2018-04-01
        2018-12-31
        2019-01-01
        """,
        ["year", "quarter"],
        ["registrations"],
    )
    assert got == [
        {"year": 2018, "quarter": "2018-Q1", "registrations": 1},
        {"year": 2018, "quarter": "2018-Q2", "registrations": 1},
        {"year": 2018, "quarter": "2018-Q4", "registrations": 1},
        {"year": 2019, "quarter": "2019-Q1", "registrations": 1},
    ]


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "0-49"), (49, "0-49"), (50, "50-59"), (69, "60-69"), (79, "70-79"), (80, "80+"), (120, "80+")],
)
def test_age_bands_at_their_edges(count_registrations, age, band):
    got = count_registrations(f"age_at_diagnosis\n----\n{age}", ["age_band"], ["registrations"])
    assert got == [{"age_band": band, "registrations": 1}]


def test_organisations(count_registrations):
    got = count_registrations(
        """
        alliance_code | ccg_code  | trust_code
        --------------+-----------+-----------
        E56000005     | E38000001 | RAA
        E56000005     | E38000002 | RAB
        """,
        ["alliance", "ccg", "trust"],
        ["registrations"],
    )
    assert [row["ccg"] for row in got] == ["E38000001", "E38000002"]
    assert {row["alliance"] for row in got} == {"E56000005"}


def test_an_unknown_group_is_refused():
    with pytest.raises(ValueError, match="unknown group 'postcode'"):
        registration_counts(None, ["postcode"])
