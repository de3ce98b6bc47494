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
    "The 31-day standards for radiotherapy as first or subsequent treatment (clinical-models.md §8 "
    "check 5), computed by the CWT engine with the thresholds of reference/cwt/standards.csv."
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
