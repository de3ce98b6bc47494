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
- The IMRT share and hypofractionation counts are within course mix cells of the window's months
  (`links`), so those requirements and the mix are audited as one table (`linked_tables`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from cancer_alliance.radiotherapy.compliance import (
    DEFAULT_SETTINGS,
    EPSILON,
    EXTERNAL_BEAM,
    ComplianceSettings,
)
from cancer_alliance.reference.radiotherapy_networks import (
    Membership,
    Schedule,
    memberships,
    memberships_on,
    requirements,
    schedules,
)
from cancer_alliance.results.complements import ComplementsFile
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, marked_counts, publish, withhold
from cancer_alliance.stats.intervals import wilson
from cancer_alliance.stats.secondary_suppression import (
    Key,
    Nested,
    Protection,
    Relation,
    Row,
    code_text,
    components,
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


def decided(folder: Path) -> Decision:
    """The complements of the compliance results and the course mix in `folder`, decided together
    (they are linked)."""
    from cancer_alliance.radiotherapy.results_files import RESULTS
    from cancer_alliance.results import catalogue

    compliance = pd.read_parquet(catalogue.path(folder, RESULTS["compliance"]))
    return complements(compliance, read_mixes(folder), as_of_day(folder))


#: The results file a decision needs (its step writes the as-of day beside it; the mix files are read
#: when there: older results lack them).
_SOURCES = ("radiotherapy_compliance",)
#: The refresh's `radiotherapy_disclosure` step writes both from one decision (`decided`); the
#: public pages, the API and the board pack read them.
COMPLEMENTS = ComplementsFile("radiotherapy_withheld", _SOURCES, lambda folder: decided(folder).compliance)
COURSE_COMPLEMENTS = ComplementsFile(
    "radiotherapy_courses_withheld", _SOURCES, lambda folder: decided(folder).courses
)


def write_complements(folder: Path) -> Decision:
    """The refresh's `radiotherapy_disclosure` step: both complements files from one decision."""
    found = decided(folder)
    COMPLEMENTS.keep(folder, found.compliance)
    COURSE_COMPLEMENTS.keep(folder, found.courses)
    return found


def as_of_day(folder: Path) -> dt.date:
    """The as-of day of the radiotherapy results in `folder`."""
    from cancer_alliance.radiotherapy.results_files import META

    return dt.date.fromisoformat(json.loads((folder / META).read_text(encoding="utf-8"))["as_of"])


def read_mixes(folder: Path) -> dict[str, pd.DataFrame]:
    """Mix name -> its results file in `folder` (no rows when missing: results written before it)."""
    from cancer_alliance.radiotherapy.results_files import RESULTS
    from cancer_alliance.results import catalogue

    found = {}
    for mix, columns in MIXES.items():
        path = catalogue.path(folder, RESULTS[mix])
        empty = pd.DataFrame(columns=["month", "provider_code", *columns, "courses"])
        found[mix] = pd.read_parquet(path) if path.exists() else empty
    return found


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


# The course mix and compliance linked (docs/decisions/0058). A compliance count counted from courses is
# a sum of course mix cells of the same provider or network over the months of its window: the IMRT
# share's numerator counts courses of the technique mix's `imrt` cells, its denominator of its
# external-beam cells; a hypofractionation requirement's denominator counts courses of the
# fractionation mix's cells of its site, its numerator of those on a listed schedule. The mix counts
# more (every intent, age and, for schedules, technique; whole months where the window starts or ends
# mid-month), so each link is stated as an equality where the cells add up to the count exactly (a
# reader may know that a provider treats no children, say), and otherwise with a hidden, non-negative
# rest: the count is then at most the cells' sum, which narrows too. A linked requirement's counts and
# the mix cells of the window's months are one table, split into its independent parts (`components`)
# and audited together (Hundepool et al., 2012, section 4.3: linked tables).


@dataclass(frozen=True)
class Link:
    """A requirement whose counts are within sums of a mix's cells over the window's months:
    `numerator` and `denominator` pick the rows of the mix's results file each count is within."""

    requirement_id: str
    mix: str
    numerator: Callable[[pd.DataFrame], pd.Series]
    denominator: Callable[[pd.DataFrame], pd.Series]


def links() -> tuple[Link, ...]:
    """The IMRT share over the technique mix (`compliance`: radical external-beam courses, by IMRT),
    each hypofractionation requirement over the fractionation mix by its schedules (reference data)."""
    found = [
        Link(
            "imrt_share",
            "techniques",
            lambda frame: frame["technique"] == "imrt",
            lambda frame: frame["technique"].isin(EXTERNAL_BEAM),
        )
    ]
    listed: dict[str, list[Schedule]] = {}
    for schedule in schedules():
        listed.setdefault(schedule.requirement_id, []).append(schedule)
    for requirement, mine in sorted(listed.items()):
        found.append(Link(requirement, "fractionation", partial(_on_schedule, mine), partial(_of_site, mine)))
    return tuple(found)


def _of_site(listed: Sequence[Schedule], frame: pd.DataFrame) -> pd.Series:
    """Fractionation mix rows of the schedules' sites (the mix's site is the ICD-10 prefix)."""
    return frame["site"].isin({s.icd10_prefix for s in listed})


def _on_schedule(listed: Sequence[Schedule], frame: pd.DataFrame) -> pd.Series:
    """Fractionation mix rows on a listed schedule of their site (the dose within `EPSILON`, as
    `compliance` counts it)."""
    dose = pd.to_numeric(frame["prescribed_dose_gy"], errors="coerce")
    found = pd.Series(False, index=frame.index)
    for s in listed:
        found |= (
            (frame["site"] == s.icd10_prefix)
            & ((dose - s.prescribed_dose_gy).abs() < EPSILON)
            & (frame["fractions"] == s.fractions)
        )
    return found


def window_months(day: dt.date, settings: ComplianceSettings = DEFAULT_SETTINGS) -> set[str]:
    """The months (yyyy-mm) holding a day of the compliance window before `day` (`compliance.in_window`:
    `day` less the period, clamped to a month's end, up to the day before `day`)."""
    start = (pd.Timestamp(day) - pd.DateOffset(months=settings.period_months)).date()
    last = day - dt.timedelta(days=1)
    return {str(p) for p in pd.period_range(start, last, freq="M")}


def compliance_key(requirement: str, level: str, code: str, count: str) -> tuple[str, ...]:
    """A compliance count's key in the linked tables."""
    return ("compliance", requirement, level, code, count)


def mix_key(mix: str, month: str, category: str, level: str, code: str) -> tuple[str, ...]:
    """A course mix count's key in the linked tables."""
    return ("mix", mix, month, category, level, code)


def _mix_rows(
    link: Link, frame: pd.DataFrame, tables: dict[tuple[str, str], Nested], months: set[str]
) -> tuple[dict[str, set[tuple[str, str]]], list[Row], list[Relation]]:
    """(count name -> the (month, category) cells of the window its count is within, the rows and
    relations of those cells' tables, keyed by `mix_key`)."""
    keyed = frame.assign(category=category_of(frame, link.mix), month=frame["month"].astype(str))
    window = keyed["month"].isin(months)
    picked = {}
    for name, pick in (("numerator", link.numerator), ("denominator", link.denominator)):
        chosen = keyed[window & pick(keyed)]
        picked[name] = set(zip(chosen["month"], chosen["category"], strict=True))
    rows, relations = [], []
    for month, category in sorted(picked["numerator"] | picked["denominator"]):
        key = partial(mix_key, link.mix, month, category)
        table = tables[(month, category)]
        rows += [Row(key(*row.key), row.counts) for row in table.rows]
        relations += [Relation(key(*r.total), tuple(key(*p) for p in r.parts)) for r in table.relations]
    return picked, rows, relations


def _compliance_rows(
    link: Link, table: Nested, picked: dict[str, set[tuple[str, str]]], cells: dict[Key, Row]
) -> tuple[list[Row], list[Relation]]:
    """The rows and relations of a linked requirement's counts (`table`: its `public_tables` table):
    numerator, denominator and the hidden rest (denominator less numerator) of each row, the network
    relations for each, and each count within its mix `cells` (`picked`): equal to their sum where it
    is, else their sum less a hidden, non-negative slack; none where the cells count fewer (no link)."""
    rows: list[Row] = []
    relations: list[Relation] = []
    for row in table.rows:
        level, code = row.key
        key = partial(compliance_key, link.requirement_id, level, code)
        numerator, denominator = row.counts
        rest = ("rest", link.requirement_id, level, code)
        rows += [Row(key("numerator"), (numerator,)), Row(key("denominator"), (denominator,))]
        rows.append(Row(rest, (denominator - numerator,), shown=False))
        relations.append(Relation(key("denominator"), (key("numerator"), rest)))
        for name, value in (("numerator", numerator), ("denominator", denominator)):
            parts = tuple(
                k
                for month, category in sorted(picked[name])
                if (k := mix_key(link.mix, month, category, level, code)) in cells
            )
            total = sum(cells[k].counts[0] for k in parts)
            if not parts or total < value:
                continue
            if total == value:
                relations.append(Relation(key(name), parts))
                continue
            window, slack = ("window", *key(name)[1:]), ("slack", *key(name)[1:])
            rows += [Row(window, (total,), shown=False), Row(slack, (total - value,), shown=False)]
            relations += [Relation(window, parts), Relation(window, (key(name), slack))]
    for r in table.relations:
        for name in COUNTS:
            total = compliance_key(link.requirement_id, *r.total, name)
            relations.append(
                Relation(total, tuple(compliance_key(link.requirement_id, *p, name) for p in r.parts))
            )
        parts = tuple(("rest", link.requirement_id, *p) for p in r.parts)
        relations.append(Relation(("rest", link.requirement_id, *r.total), parts))
    return rows, relations


def linked_tables(
    requirements: dict[str, Nested],
    mixes: dict[str, pd.DataFrame],
    tables: dict[str, dict[tuple[str, str], Nested]],
    months: set[str],
) -> tuple[list[Nested], set[str], set[tuple[str, str, str]]]:
    """The independent tables of the linked requirements' counts and their mix cells (`requirements`:
    `public_tables`; `tables`: mix -> `course_tables`), with the requirements and (mix, month,
    category) tables they take in: those are audited here and not on their own."""
    cells: dict[Key, Row] = {}
    relations: list[Relation] = []
    taken: set[tuple[str, str, str]] = set()
    counted: list[tuple[Link, dict[str, set[tuple[str, str]]]]] = []
    for link in links():
        if link.requirement_id not in requirements:
            continue
        picked, rows, mine = _mix_rows(link, mixes[link.mix], tables[link.mix], months)
        cells |= {row.key: row for row in rows}
        relations += mine
        taken |= {
            (link.mix, month, category) for month, category in picked["denominator"] | picked["numerator"]
        }
        counted.append((link, picked))
    for link, picked in counted:
        rows, mine = _compliance_rows(link, requirements[link.requirement_id], picked, cells)
        cells |= {row.key: row for row in rows}
        relations += mine
    found = [
        Nested(("courses",), ((0,),), rows, linked)
        for rows, linked in components(list(cells.values()), list(dict.fromkeys(relations)))
    ]
    return found, {link.requirement_id for link, _ in counted}, taken


@dataclass(frozen=True)
class Decision:
    """The complements of the public compliance table (`WITHHELD_COLUMNS`) and course mix
    (`COURSES_WITHHELD_COLUMNS`), and the counts left exposed because nothing around them could be
    withheld (`compliance_key`, `mix_key`)."""

    compliance: pd.DataFrame
    courses: pd.DataFrame
    exposed: tuple[tuple[str, ...], ...]


def complements(
    compliance: pd.DataFrame,
    mixes: dict[str, pd.DataFrame],
    day: dt.date,
    policy: DisclosurePolicy | None = None,
) -> Decision:
    """The counts of the public compliance table and course mix (`mixes`: mix name -> its results
    file) of the as-of `day` withheld as complements, decided once per refresh: each linked
    requirement (`links`) with the mix cells of the window's months (`linked_tables`); every other
    requirement (`public_tables`) and every other month and category of a mix (`course_tables`) on its
    own. Empty when disclosure control is off."""
    policy = policy or DisclosurePolicy()
    requirements = public_tables(compliance, memberships())
    tables = {mix: course_tables(frame, mix, memberships_on(day)) for mix, frame in mixes.items()}
    linked, taken_requirements, taken_tables = linked_tables(requirements, mixes, tables, window_months(day))
    chosen: list[tuple[str, ...]] = []
    exposed: list[tuple[str, ...]] = []

    def add(protection: Protection, key: Callable[[Key, str], tuple[str, ...]]) -> None:
        chosen.extend(key(*figure) for figure in protection.complements)
        exposed.extend(key(*figure) for figure in protection.exposed)

    for requirement, table in requirements.items():
        if requirement not in taken_requirements:
            protection = protect_nested(table, policy, own_row=True)
            add(protection, lambda row, name, r=requirement: compliance_key(r, *row, name))
    for mix, by_table in tables.items():
        for (month, category), table in by_table.items():
            if (mix, month, category) not in taken_tables and _has_small(table, policy):
                protection = protect_nested(table, policy)
                add(protection, lambda row, _, m=mix, t=month, c=category: mix_key(m, t, c, *row))
    for table in linked:
        if _has_small(table, policy):
            add(protect_nested(table, policy), lambda row, _: row)
    return _decision(chosen, exposed)


def _has_small(table: Nested, policy: DisclosurePolicy) -> bool:
    """Whether primary control withholds any count the viewer sees in `table` (else none to protect)."""
    return any(row.shown and any(small(v, policy) for v in row.counts) for row in table.rows)


def _decision(chosen: list[tuple[str, ...]], exposed: list[tuple[str, ...]]) -> Decision:
    """The two complements files from the chosen keys (`compliance_key`, `mix_key`)."""
    compliance = [key[1:] for key in chosen if key[0] == "compliance"]
    courses = [key[1:] for key in chosen if key[0] == "mix"]
    return Decision(
        pd.DataFrame(compliance, columns=list(WITHHELD_COLUMNS)).sort_values(
            list(WITHHELD_COLUMNS), ignore_index=True
        ),
        pd.DataFrame(courses, columns=list(COURSES_WITHHELD_COLUMNS)).sort_values(
            list(COURSES_WITHHELD_COLUMNS), ignore_index=True
        ),
        tuple(dict.fromkeys(exposed)),
    )
