"""Metrics over evaluated milestones (issue 12 item 4): compliance with Wilson intervals, the share
meeting every milestone, step days and the bottleneck, SPC of the main milestones. Inputs are small
milestone tables written by hand; expected values are counted by hand. The next milestone the PTL shows,
and a Hypothesis property of the compliance counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cancer_alliance.pathways import metrics as M
from cancer_alliance.pathways.results_files import next_milestones
from cancer_alliance.stats.intervals import wilson

TARGETS = {"ct": (1, 3), "diagnosis_communicated": (2, 28), "first_treatment": (3, 49)}


def _rows(pathway: str, provider: str, start: str, days: dict[str, tuple[int | None, str]]) -> list[dict]:
    return [
        {
            "pathway_id": pathway,
            "tumour": "lung",
            "milestone": name,
            "sequence": TARGETS[name][0],
            "target_day": TARGETS[name][1],
            "day": day,
            "status": status,
            "provider_code": provider,
            "start_date": dt.date.fromisoformat(start),
        }
        for name, (day, status) in days.items()
    ]


@pytest.fixture
def frame() -> pd.DataFrame:
    rows = (
        _rows(
            "p1",
            "RAA",
            "2020-03-02",
            {"ct": (2, "met"), "diagnosis_communicated": (20, "met"), "first_treatment": (40, "met")},
        )
        + _rows(
            "p2",
            "RAA",
            "2020-03-09",
            {
                "ct": (5, "breached"),
                "diagnosis_communicated": (30, "breached"),
                "first_treatment": (None, "open"),
            },
        )
        + _rows(
            "p3",
            "RAA",
            "2020-04-01",
            {
                "ct": (None, "overdue"),
                "diagnosis_communicated": (25, "met"),
                "first_treatment": (None, "not_applicable"),
            },
        )
        + _rows(
            "p4",
            "RBB",
            "2020-04-06",
            {
                "ct": (3, "met"),
                "diagnosis_communicated": (35, "breached"),
                "first_treatment": (60, "breached"),
            },
        )
    )
    return M.prepare(pd.DataFrame(rows))


def test_compliance_counts_decided_milestones_only(frame):
    table = M.compliance(frame, ["provider_code"]).set_index(["provider_code", "milestone"])
    ct = table.loc[("RAA", "ct")]
    assert (ct.met, ct.breached, ct.overdue, ct.decided) == (1, 1, 1, 3)
    assert ct.compliance == pytest.approx(1 / 3)
    lower, upper = wilson([1], [3])
    assert (ct.compliance_lower_95, ct.compliance_upper_95) == pytest.approx((lower[0], upper[0]))
    treatment = table.loc[("RAA", "first_treatment")]
    assert (treatment.met, treatment.open, treatment.not_applicable, treatment.decided) == (1, 1, 1, 1)
    assert list(M.compliance(frame)["milestone"]) == ["ct", "diagnosis_communicated", "first_treatment"]


def test_alliance_and_month_groups(frame):
    table = M.compliance(frame, ["alliance_code", "month"])
    assert set(table["month"]) == {"2020-03", "2020-04"}
    assert table["alliance_code"].notna().all()


def test_share_meeting_every_milestone_counts_decided_pathways(frame):
    table = M.all_met(frame).iloc[0]
    # p2 has an open milestone: not decided. p1 meets all; p3 (overdue CT) and p4 do not.
    assert (table.pathways, table.all_met) == (3, 1)
    assert table.share_all_met == pytest.approx(1 / 3)


def test_steps_between_consecutive_reached_milestones(frame):
    steps = M.steps(frame).set_index(["pathway_id", "step"])
    assert steps.loc[("p1", "day 0 to ct"), ["days", "allowed", "lost"]].tolist() == [2, 3, -1]
    assert steps.loc[("p1", "ct to diagnosis_communicated"), ["days", "allowed", "lost"]].tolist() == [
        18,
        25,
        -7,
    ]
    assert steps.loc[
        ("p4", "diagnosis_communicated to first_treatment"), ["days", "allowed", "lost"]
    ].tolist() == [25, 21, 4]
    assert ("p3", "ct to diagnosis_communicated") not in steps.index  # the CT was not reached
    summary = M.step_summary(M.steps(frame)).set_index("step")
    ct = summary.loc["day 0 to ct"]
    assert (ct.pathways, ct.median_days, ct.mean_days_lost) == (3, 3.0, pytest.approx(2 / 3))


def test_bottleneck_is_the_step_losing_most_days(frame):
    rows = []
    for n in range(6):  # six pathways at RCC: CT 1 day late, diagnosis 10 days late after it
        rows += _rows(
            f"q{n}", "RCC", "2020-03-02", {"ct": (4, "breached"), "diagnosis_communicated": (39, "breached")}
        )
    many = M.prepare(
        pd.concat([frame, pd.DataFrame(rows)], ignore_index=True).drop(columns=["alliance_code", "month"])
    )
    result = M.bottleneck(M.step_summary(M.steps(many), ["provider_code"]))
    assert result[["provider_code", "step", "mean_days_lost"]].values.tolist() == [
        ["RCC", "ct to diagnosis_communicated", 10.0]
    ]  # RAA and RBB have fewer than five pathways per step


def test_spc_of_the_main_milestones_by_month(frame):
    points = M.compliance_spc(frame)
    assert set(points["milestone"]) == {"ct", "diagnosis_communicated", "first_treatment"}
    assert {"mean", "lpl", "upl", "point_type"} <= set(points.columns)


def test_next_milestone_is_the_first_still_to_reach_and_flags_any_overdue(frame):
    upcoming = next_milestones(frame.assign(due_date=None)).set_index("pathway_id")
    # p1 met everything and p4 reached everything: nothing to wait for. p2 waits for first treatment
    # (open); p3's next is the CT, overdue (its first treatment does not apply).
    assert sorted(upcoming.index) == ["p2", "p3"]
    assert upcoming.loc["p2", ["pathway_milestone", "milestone_overdue"]].tolist() == [
        "first_treatment",
        False,
    ]
    assert upcoming.loc["p3", ["pathway_milestone", "milestone_overdue"]].tolist() == ["ct", True]
    rows = _rows("p5", "RAA", "2020-04-01", {"ct": (None, "open"), "first_treatment": (None, "overdue")})
    later = next_milestones(M.prepare(pd.DataFrame(rows)).assign(due_date=None)).iloc[0]
    assert (later.pathway_milestone, later.milestone_overdue) == ("ct", True)  # a later one is overdue


_STATUS = st.sampled_from(M.STATUS_COUNTS)
_MILESTONE = st.sampled_from(sorted(TARGETS))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["RAA", "RBB", None]), _MILESTONE, _STATUS, st.sampled_from(["03", "04"])),
        min_size=1,
        max_size=40,
    )
)
def test_compliance_counts_every_milestone_once_in_its_group(picked):
    """Each row counts once under its provider, milestone and status; groups are those present, in
    order of provider (blank first), tumour and sequence."""
    rows = [
        {
            "pathway_id": f"p{n}",
            "tumour": "lung",
            "milestone": name,
            "sequence": TARGETS[name][0],
            "target_day": TARGETS[name][1],
            "day": None,
            "status": status,
            "provider_code": provider,
            "start_date": dt.date.fromisoformat(f"2020-{month}-01"),
        }
        for n, (provider, name, status, month) in enumerate(picked)
    ]
    table = M.compliance(M.prepare(pd.DataFrame(rows)), ["provider_code"])
    expected: dict[tuple[str, str], dict[str, int]] = {}
    for provider, name, status, _ in picked:
        counts = expected.setdefault((provider or "", name), dict.fromkeys(M.STATUS_COUNTS, 0))
        counts[status] += 1
    got = {
        (row["provider_code"], row["milestone"]): {status: row[status] for status in M.STATUS_COUNTS}
        for row in table.to_dict("records")
    }
    assert got == expected
    assert (table["decided"] == table["met"] + table["breached"] + table["overdue"]).all()
    order = [(p, TARGETS[m][0]) for p, m in zip(table["provider_code"], table["milestone"], strict=True)]
    assert order == sorted(order)
