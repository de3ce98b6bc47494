"""Radiotherapy compliance and course mix as a viewer may see them (docs/decisions/0035): the one place
that turns the radiotherapy results into published figures for the `/radiotherapy` pages, their API
and the board pack.

- Requirements counted from courses or CWT records (patients) have their numerator and denominator
  controlled (`stats.disclosure.publish`: 1 to 7 withheld, the rest rounded to 5); the value, its
  Wilson 95% interval and the status (met or not met against the threshold) are then worked out
  from the published counts, so a status never says more than the figures beside it (a "met" beside
  a withheld count would narrow it). A requirement whose counts are withheld has status `withheld`.
- Linac counts and ages are not about patients and are shown as they are.
- Courses by month, technique or schedule are counts of patients' courses: controlled the same way.
"""

from __future__ import annotations

import pandas as pd

from cancer_alliance.radiotherapy.compliance import EPSILON
from cancer_alliance.reference.radiotherapy_networks import requirements
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, publish
from cancer_alliance.stats.intervals import wilson

#: Requirements counted from courses or CWT records (patients), by the start of their id.
PATIENT_COUNTS = ("imrt_share", "hypofractionation_breast", "hypofractionation_prostate", "rt_31d_")
WITHHELD = "withheld"


def is_patient_count(requirement_id: str) -> bool:
    return any(requirement_id.startswith(prefix) for prefix in PATIENT_COUNTS)


def _status(value: float, threshold: float, comparison: str | None) -> str:
    """The compliance rule's judgement (`compliance._judge`) of one published value."""
    if pd.isna(value) or pd.isna(threshold) or comparison is None:
        return "no_data"
    if comparison == "eq":
        meets = abs(value - threshold) < EPSILON
    elif comparison == "ge":
        meets = value >= threshold - EPSILON
    else:
        meets = value <= threshold + EPSILON
    return "met" if meets else "not_met"


def published_compliance(table: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """Compliance rows (`radiotherapy_compliance` results) as the viewer under `policy` sees them
    (None or disabled: exact), with `numerator_suppressed` and `denominator_suppressed` flags."""
    if policy is None or not policy.enabled or table.empty:
        return table
    patients = table["requirement_id"].map(is_patient_count)
    controlled = publish(
        table[patients], ["numerator", "denominator"], [Rate("value", "numerator", "denominator")], policy
    )
    rate = controlled["ci_lower"].notna()  # rates with a denominator (`files.with_intervals`)
    lower, upper = wilson(controlled["numerator"].where(rate), controlled["denominator"].where(rate))
    controlled["ci_lower"], controlled["ci_upper"] = lower, upper
    comparisons = {r.requirement_id: r.comparison for r in requirements()}
    withheld = controlled["numerator_suppressed"] | controlled["denominator_suppressed"]
    controlled["status"] = [
        WITHHELD if hidden else _status(value, threshold, comparisons.get(requirement))
        for hidden, value, threshold, requirement in zip(
            withheld, controlled["value"], controlled["threshold"], controlled["requirement_id"], strict=True
        )
    ]
    rest = table[~patients].assign(numerator_suppressed=False, denominator_suppressed=False)
    return pd.concat([rest, controlled]).sort_index()


def published_courses(frame: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """Courses by month and category (`courses`) as the viewer under `policy` sees them."""
    if policy is None or not policy.enabled or frame.empty:
        return frame
    return publish(frame, ["courses"], [], policy)
