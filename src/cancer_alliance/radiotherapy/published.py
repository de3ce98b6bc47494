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
- A network's patient counts are the sums of its providers' (`compliance`), and both are public, so the
  refresh (`radiotherapy_disclosure`, docs/decisions/0058) withholds further counts as complements until
  no withheld count can be narrowed by differencing; `published_compliance` withholds them too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cancer_alliance.radiotherapy.compliance import EPSILON
from cancer_alliance.reference.radiotherapy_networks import (
    Membership,
    memberships,
    memberships_on,
    requirements,
)
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, marked_counts, publish, withhold
from cancer_alliance.stats.intervals import wilson
from cancer_alliance.stats.secondary_suppression import (
    Nested,
    Relation,
    Row,
    code_text,
    protect_nested,
    small,
)

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


# The public table and its secondary suppression (docs/decisions/0058). A signed-out visitor reads each
# patient-count requirement's numerator and denominator for every network (`/radiotherapy`) and every
# provider (their pages, the API, the board pack), each under primary control, and knows a network's
# counts are the sums of its providers' where they add up (the networks of service specification
# B01/S/a). Each requirement is a table of its own: its numerator is within its denominator, so each
# row splits into group 0 (counted in the numerator) and group 1 (the rest of the denominator).
# Complements are decided once per refresh (Hundepool et al., *Statistical Disclosure Control*, 2012,
# chapter 4; GSS, *Statistical Disclosure Control* guidance; NHS Digital, *Disclosure control
# methodology for HES and ECDS*, 2018).

#: The controlled counts of a compliance row and the disjoint groups each is the sum of.
COUNTS = ("numerator", "denominator")
GROUPS = ((0,), (0, 1))
#: Columns of the complements file (`radiotherapy_withheld` in the results catalogue).
WITHHELD_COLUMNS = ("requirement_id", "level", "code", "count")


def public_tables(compliance: pd.DataFrame, members: Sequence[Membership]) -> dict[str, Nested]:
    """Requirement id -> the `Nested` table of its patient counts in `compliance` (the
    `radiotherapy_compliance` results), each network stated as the sum of the providers `members`
    puts in it only where the counts add up: one that does not is no relation a reader can use."""
    found: dict[str, Nested] = {}
    patients = compliance[compliance["requirement_id"].map(is_patient_count)]
    for requirement, rows in patients.groupby("requirement_id", sort=True):
        sums = {
            (level, code_text(code)): np.array([numerator, denominator], dtype=float)
            for level, code, numerator, denominator in zip(
                rows["level"], rows["code"], rows["numerator"], rows["denominator"], strict=True
            )
        }
        candidates = _relations(members)
        relations = tuple(
            r
            for r in sorted(candidates, key=lambda r: r.total)
            if r.total in sums
            and all(p in sums for p in r.parts)
            and np.array_equal(
                np.nan_to_num(sums[r.total]), np.sum([np.nan_to_num(sums[p]) for p in r.parts], axis=0)
            )
        )
        table_rows = tuple(Row(key, tuple(float(x) for x in np.nan_to_num(v))) for key, v in sums.items())
        found[str(requirement)] = Nested(COUNTS, GROUPS, table_rows, relations)
    return found


def _relations(members: Sequence[Membership]) -> set[Relation]:
    """Each network as the sum of its providers on every day a membership starts or the day after one
    ends (a reader may know any of these groupings), and over all of `members` too."""
    days = {m.effective_from for m in members if m.effective_from} | {
        m.effective_to + dt.timedelta(days=1) for m in members if m.effective_to
    }
    groupings = [list(members)] + [[m for m in members if m.in_force(day)] for day in sorted(days)]
    found: set[Relation] = set()
    for group in groupings:
        networks: dict[str, set[tuple[str, str]]] = {}
        for m in group:
            networks.setdefault(m.network_code, set()).add(("provider", m.provider_code))
        found |= {Relation(("network", n), tuple(sorted(parts))) for n, parts in networks.items()}
    return found


def complements(
    compliance: pd.DataFrame, members: Sequence[Membership], policy: DisclosurePolicy | None = None
) -> pd.DataFrame:
    """The counts of the public compliance table withheld as complements (`WITHHELD_COLUMNS`), decided
    once per refresh; empty when disclosure control is off."""
    policy = policy or DisclosurePolicy()
    rows = [
        (requirement, level, code, count)
        for requirement, table in public_tables(compliance, members).items()
        for (level, code), count in protect_nested(table, policy, own_row=True).complements
    ]
    return pd.DataFrame(rows, columns=list(WITHHELD_COLUMNS)).sort_values(
        list(WITHHELD_COLUMNS), ignore_index=True
    )


def write_complements(folder: Path) -> pd.DataFrame:
    """Decide the complements of the compliance results and the course mix in `folder` and write them
    as its `radiotherapy_withheld` and `radiotherapy_courses_withheld` files (the refresh's
    `radiotherapy_disclosure` step); the compliance ones are returned."""
    from cancer_alliance.radiotherapy.results_files import META, RESULTS
    from cancer_alliance.results import catalogue

    chosen = complements(pd.read_parquet(catalogue.path(folder, RESULTS["compliance"])), memberships())
    chosen.to_parquet(catalogue.path(folder, "radiotherapy_withheld"), index=False)
    day = dt.date.fromisoformat(json.loads((folder / META).read_text(encoding="utf-8"))["as_of"])
    mixes = {mix: pd.read_parquet(catalogue.path(folder, RESULTS[mix])) for mix in MIXES}
    courses = course_complements(mixes, memberships_on(day))
    courses.to_parquet(catalogue.path(folder, "radiotherapy_courses_withheld"), index=False)
    return chosen


def read_complements(folder: Path) -> pd.DataFrame:
    """The refresh's `radiotherapy_withheld` file in `folder`, or, for results written before it
    existed, decided now from the compliance results."""
    from cancer_alliance.radiotherapy.results_files import RESULTS
    from cancer_alliance.results import catalogue

    path = catalogue.path(folder, "radiotherapy_withheld")
    if path.exists():
        return pd.read_parquet(path)
    source = catalogue.path(folder, RESULTS["compliance"])
    if not source.exists():
        return pd.DataFrame(columns=list(WITHHELD_COLUMNS))
    return complements(pd.read_parquet(source), memberships())


def published_compliance(
    table: pd.DataFrame, policy: DisclosurePolicy | None, withheld: pd.DataFrame
) -> pd.DataFrame:
    """Compliance rows (`radiotherapy_compliance` results) as the viewer under `policy` sees them
    (None or disabled: exact), with `numerator_suppressed` and `denominator_suppressed` flags; for the
    public the refresh's complements (`withheld`, `complements`) are withheld too, and every value,
    interval and status is worked out from what is left."""
    if policy is None or not policy.enabled or table.empty:
        return table
    patients = table["requirement_id"].map(is_patient_count)
    controlled = publish(
        table[patients], ["numerator", "denominator"], [Rate("value", "numerator", "denominator")], policy
    )
    chosen = set(
        zip(withheld["requirement_id"], withheld["level"], withheld["code"], withheld["count"], strict=True)
    )
    keys = list(
        zip(controlled["requirement_id"], controlled["level"], controlled["code"].map(code_text), strict=True)
    )
    controlled = withhold(controlled, table[patients], marked_counts(keys, chosen, COUNTS, controlled.index))
    hidden = controlled["numerator"].isna() | controlled["denominator"].isna()
    controlled["value"] = controlled["value"].where(~hidden)
    rate = controlled["ci_lower"].notna()  # rates with a denominator (`files.with_intervals`)
    lower, upper = wilson(controlled["numerator"].where(rate), controlled["denominator"].where(rate))
    controlled["ci_lower"], controlled["ci_upper"] = lower, upper
    comparisons = {r.requirement_id: r.comparison for r in requirements()}
    held = controlled["numerator_suppressed"] | controlled["denominator_suppressed"]
    controlled["status"] = [
        WITHHELD if hidden else _status(value, threshold, comparisons.get(requirement))
        for hidden, value, threshold, requirement in zip(
            held, controlled["value"], controlled["threshold"], controlled["requirement_id"], strict=True
        )
    ]
    rest = table[~patients].assign(numerator_suppressed=False, denominator_suppressed=False)
    return pd.concat([rest, controlled]).sort_index()


def published_courses(
    frame: pd.DataFrame,
    policy: DisclosurePolicy | None,
    withheld: pd.DataFrame,
    mix: str,
    level: str,
    code: str,
) -> pd.DataFrame:
    """Courses by month and category (`courses`, `category`: `category_of` the mix's columns) of the
    `level` `code` as the viewer under `policy` sees them, the refresh's complements of the mix
    (`course_complements`) withheld too for the public."""
    if policy is None or not policy.enabled or frame.empty:
        return frame
    published = publish(frame, ["courses"], [], policy)
    mine = withheld[(withheld["mix"] == mix) & (withheld["level"] == level) & (withheld["code"] == code)]
    chosen = set(zip(mine["month"], mine["category"], ["courses"] * len(mine), strict=True))
    keys = list(zip(frame["month"], frame["category"], strict=True))
    return withhold(published, frame, marked_counts(keys, chosen, ["courses"], frame.index))


# The course mix tables (docs/decisions/0058): each month and category (technique, or site, dose and
# fractions) is a table of its own, a network's courses the sum of its providers' (the network page sums
# them); a provider with no row has none, which the reader sees.

#: Mix -> the results file's columns that make its category.
MIXES: dict[str, tuple[str, ...]] = {
    "techniques": ("technique",),
    "fractionation": ("site", "prescribed_dose_gy", "fractions"),
}
#: Columns of the course complements file (`radiotherapy_courses_withheld` in the results catalogue).
COURSES_WITHHELD_COLUMNS = ("mix", "month", "category", "level", "code")


def category_of(frame: pd.DataFrame, mix: str) -> pd.Series:
    """The category of each row of a mix results file, as one text."""
    if frame.empty:
        return pd.Series([], index=frame.index, dtype=object)
    return frame[list(MIXES[mix])].astype(str).agg("|".join, axis=1)


def course_tables(
    frame: pd.DataFrame, mix: str, members: Sequence[Membership]
) -> dict[tuple[str, str], Nested]:
    """(month, category) -> the `Nested` table of its courses by provider and by network, a network
    the sum of its providers in `members` (those on the as-of day: what the network page sums)."""
    relations = sorted(_relations(members), key=lambda r: r.total)
    providers = {p for r in relations for _, p in r.parts}
    keyed = frame.assign(category=category_of(frame, mix))
    found: dict[tuple[str, str], Nested] = {}
    for (month, category), rows in keyed.groupby(["month", "category"], sort=True):
        courses = dict(zip(rows["provider_code"], rows["courses"].astype(float), strict=True))
        counts = {("provider", p): courses.get(p, 0.0) for p in sorted({*providers, *courses})}
        counts |= {r.total: float(sum(counts[p] for p in r.parts)) for r in relations}
        table_rows = tuple(Row(key, (value,)) for key, value in counts.items())
        found[(str(month), str(category))] = Nested(("courses",), ((0,),), table_rows, tuple(relations))
    return found


def course_complements(
    mixes: dict[str, pd.DataFrame], members: Sequence[Membership], policy: DisclosurePolicy | None = None
) -> pd.DataFrame:
    """The course counts of the public mix tables withheld as complements (`COURSES_WITHHELD_COLUMNS`;
    `mixes`: mix name -> its results file)."""
    policy = policy or DisclosurePolicy()
    rows = [
        (mix, month, category, level, code)
        for mix, frame in mixes.items()
        for (month, category), table in course_tables(frame, mix, members).items()
        if any(small(row.counts[0], policy) for row in table.rows)
        for ((level, code), _) in protect_nested(table, policy).complements
    ]
    return pd.DataFrame(rows, columns=list(COURSES_WITHHELD_COLUMNS)).sort_values(
        list(COURSES_WITHHELD_COLUMNS), ignore_index=True
    )
