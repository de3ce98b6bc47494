"""The lung programme dashboard's uptake cell (issue 19, item 6): with no invitations in the lake the
uptake is "no data", never a figure; with invitations it is attended of invited with its Wilson
interval; a rate whose counts disclosure control withheld says `[c]`, as every table does (issue #22)."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.lung.programme import COUNT_COLUMNS
from cancer_alliance.lung.programme_files import metrics
from cancer_alliance.lung.published import publish_programme_metrics
from cancer_alliance.web.presenters.lung import DASHBOARD_RATES, dashboard_rows

UPTAKE = [name for name, _ in DASHBOARD_RATES].index("uptake")


def uptake_cell(invited: float, attended: int = 40, public: bool = False) -> str:
    counts = pd.DataFrame([{"ccg": "E38000026", **dict.fromkeys(COUNT_COLUMNS, 20), "attended": attended}])
    counts["invited"] = invited
    table = publish_programme_metrics(counts) if public else metrics(counts)
    return dashboard_rows(table, {}, "ccg")[0]["rates"][UPTAKE]


@pytest.mark.parametrize(
    ("invited", "attended", "public", "expected"),
    [
        pytest.param(float("nan"), 40, False, "no data", id="no invitations in the lake"),
        pytest.param(0.0, 0, False, "none to count", id="none invited"),
        pytest.param(80.0, 40, False, "50.0% (", id="attended of invited"),
        pytest.param(80.0, 3, True, "[c]", id="a small count withheld"),
    ],
)
def test_the_uptake_cell(invited, attended, public, expected):
    assert uptake_cell(invited, attended, public).startswith(expected)
