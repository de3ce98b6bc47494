"""31-day waits for radiotherapy, by the CWT engine (cwt.evaluate, then its performance tables)."""

import datetime as dt

import pytest
from tests.cwt.spec.baseline import BASELINE
from tests.cwt.spec.tables import RECORD_TYPES, parse_table, typed
from tests.radiotherapy.spec.conftest import networks

from cancer_alliance.cwt import evaluate
from cancer_alliance.schemas import schema

pytestmark = pytest.mark.over_connect  # also over Spark Connect (docs/decisions/0034)

title = "Radiotherapy 31-day waits"
text = (
    "The 31-day standards for radiotherapy as first or subsequent treatment, computed by the CWT engine "
    "over the treatments of the 12 months before the as-of day (as_of - 12 months <= treatment < as_of, "
    "as for courses), each measured against the threshold in force on the as-of day "
    "(reference/cwt/standards.csv). From 1 October 2023 the combined 31-day standard (NHS England, "
    "'Changes to cancer waiting times standards from 1 October 2023') replaces the first and subsequent "
    "ones; the 31-day wait itself did not change, so the combined standard is measured over the whole "
    "window, months before October 2023 included (decision 0030)."
)

#: The CWT spec baseline, referred on 1 December 2018 (the 31-day clock does not read the referral).
BASE = {k: typed(v, RECORD_TYPES[k]) for k, v in (BASELINE | {"referral_received_date": "2018-12-01"}).items()}
RECORDS = """
    record_id | treatment_event_type | treatment_modality | decision_to_treat_date | treatment_start_date | provider_treatment
    ----------+----------------------+--------------------+------------------------+----------------------+-------------------
    f31       | 01                   | 05                 | 2019-01-01             | 2019-02-01           | PA
    f32       | 01                   | 05                 | 2019-01-01             | 2019-02-02           | PA
    s1        | 02                   | 06                 | 2019-03-01             | 2019-03-20           | PA
    surgery   | 01                   | 23                 | 2019-01-01             | 2019-03-20           | PA
    late      | 01                   | 05                 | 2019-03-20             | 2019-04-02           | PA
"""


def test_first_and_subsequent_radiotherapy_waits_by_provider_and_network(check, engine):
    """As of 2019-04-01 (reporting months April 2018 to March 2019): first treatments by teletherapy at
    day 31 (within) and day 32 (breach): 1 of 2, below 96%; a subsequent brachytherapy within 31 days:
    1 of 1, 94% met. Surgery is not radiotherapy; the April 2019 treatment is outside the months."""
    facts = evaluate(engine.frame(schema("cwt"), parse_table(RECORDS, RECORD_TYPES, base=BASE)))
    check(
        """
        level    | code | requirement_id    | numerator | denominator | value | threshold | status
        ---------+------+-------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | rt_31d_first      | 1         | 2           | 0.5   | 0.96      | not_met
        provider | PA   | rt_31d_subsequent | 1         | 1           | 1     | 0.94      | met
        network  | N1   | rt_31d_first      | 1         | 2           | 0.5   | 0.96      | not_met
        network  | N1   | rt_31d_subsequent | 1         | 1           | 1     | 0.94      | met
        """,
        as_of=dt.date(2019, 4, 1),
        members=networks(("N1", "PA", "lead")),
        network_codes=["N1"],
        requirement_ids=["rt_31d_first", "rt_31d_subsequent", "rt_31d_combined"],
        cwt_facts=facts,
    )


def test_without_cwt_records_the_waits_have_no_data(check):
    """No CWT records given: each wait is 0 of 0, no data (never a silent pass)."""
    check(
        """
        level    | code | requirement_id    | numerator | denominator | value | threshold | status
        ---------+------+-------------------+-----------+-------------+-------+-----------+--------
        network  | N1   | rt_31d_first      | 0         | 0           |       | 0.96      | no_data
        network  | N1   | rt_31d_subsequent | 0         | 0           |       | 0.94      | no_data
        provider | PA   | rt_31d_first      | 0         | 0           |       | 0.96      | no_data
        provider | PA   | rt_31d_subsequent | 0         | 0           |       | 0.94      | no_data
        """,
        as_of=dt.date(2019, 4, 1),
        members=networks(("N1", "PA", "lead")),
        network_codes=["N1"],
        requirement_ids=["rt_31d_first", "rt_31d_subsequent"],
    )


#: Referred in 2022, so that every treatment below has a consistent pathway.
EARLY = {k: typed(v, RECORD_TYPES[k]) for k, v in (BASELINE | {"referral_received_date": "2022-01-01"}).items()}
KNOWN = networks(("N1", "PA", "lead"))
WINDOW = """
    record_id | treatment_event_type | treatment_modality | decision_to_treat_date | treatment_start_date | provider_treatment
    ----------+----------------------+--------------------+------------------------+----------------------+-------------------
    before    | 01                   | 05                 | 2022-09-01             | 2022-09-30           | PA
    first_day | 01                   | 05                 | 2022-09-01             | 2022-10-01           | PA
    breach    | 02                   | 05                 | 2022-11-01             | 2022-12-15           | PA
    september | 02                   | 06                 | 2023-09-01             | 2023-09-30           | PA
    last_day  | 01                   | 05                 | 2023-12-01             | 2023-12-31           | PA
    as_of_day | 01                   | 05                 | 2023-12-01             | 2024-01-01           | PA
"""


def test_the_window_boundaries_and_the_combined_standard_across_october_2023(check, engine):
    """PA is a member of a network, so it has rows (a provider known only from CWT records has none).
    As of 2023-10-01 the window is 2022-10-01 to 2023-09-30 and the combined standard is in force:
    all three radiotherapy treatments of the window count (first day within, a 44-day breach, the last
    September day within), not none as when only months from October 2023 counted: 2 of 3 against 96%.
    The treatment of 2022-09-30 is before the window."""
    facts = evaluate(engine.frame(schema("cwt"), parse_table(WINDOW, RECORD_TYPES, base=EARLY)))
    check(
        """
        level    | code | requirement_id  | numerator | denominator | value              | threshold | status
        ---------+------+-----------------+-----------+-------------+--------------------+-----------+--------
        provider | PA   | rt_31d_combined | 2         | 3           | 0.6666666666666666 | 0.96      | not_met
        """,
        as_of=dt.date(2023, 10, 1),
        members=KNOWN,
        network_codes=[],
        requirement_ids=["rt_31d_first", "rt_31d_subsequent", "rt_31d_combined"],
        cwt_facts=facts,
    )


def test_the_last_day_counts_and_the_as_of_day_does_not(check, engine):
    """As of 2024-01-01 the window is 2023-01-01 to 2023-12-31: the September treatment (a 2018/19
    standard's month) and the one of 2023-12-31 count, the one on the as-of day does not: 2 of 2. As of
    2023-09-30 the 2018/19 standards are in force; the window 2022-09-30 to 2023-09-29 has the treatment
    of its first day (2022-09-30) and the October one as first treatments (2 of 2) and the December
    breach as a subsequent one (0 of 1)."""
    facts = evaluate(engine.frame(schema("cwt"), parse_table(WINDOW, RECORD_TYPES, base=EARLY)))
    check(
        """
        level    | code | requirement_id  | numerator | denominator | value | threshold | status
        ---------+------+-----------------+-----------+-------------+-------+-----------+--------
        provider | PA   | rt_31d_combined | 2         | 2           | 1     | 0.96      | met
        """,
        as_of=dt.date(2024, 1, 1),
        members=KNOWN,
        network_codes=[],
        requirement_ids=["rt_31d_combined"],
        cwt_facts=facts,
    )
    check(
        """
        level    | code | requirement_id    | numerator | denominator | value | threshold | status
        ---------+------+-------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | rt_31d_first      | 2         | 2           | 1     | 0.96      | met
        provider | PA   | rt_31d_subsequent | 0         | 1           | 0     | 0.94      | not_met
        """,
        as_of=dt.date(2023, 9, 30),
        members=KNOWN,
        network_codes=[],
        requirement_ids=["rt_31d_first", "rt_31d_subsequent", "rt_31d_combined"],
        cwt_facts=facts,
    )
