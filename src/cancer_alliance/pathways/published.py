"""Timed-pathway results as a viewer may see them (docs/decisions/0035): compliance, steps, the
bottleneck and the monthly trend after disclosure control, every rate and Wilson interval from the
same published counts, and no SPC over rounded or withheld counts (`cwt.published.SPC_WITHHELD`
gives the reason pages and the board pack show)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, publish
from cancer_alliance.stats.intervals import wilson

COMPLIANCE_COUNTS = ("met", "breached", "overdue", "open", "decided")
COMPLIANCE = Rate(name="compliance", numerator="met", denominator="decided")
#: The SPC columns of `pathway_trend`, worked out over exact counts by the pipeline.
SPC_COLUMNS = ("mean", "lpl", "upl", "point_type")
#: Day figures of a step: shown only beside a published count of its pathways.
STEP_DAYS = ("median_days", "p90_days", "mean_days_lost", "share_over")


def published(
    table: pd.DataFrame, policy: DisclosurePolicy | None, counts: tuple[str, ...], rates: tuple[Rate, ...]
) -> pd.DataFrame:
    """The table as the viewer under `policy` may see it (None: as computed). Published, its SPC
    columns are null: limits over exact counts beside rounded ones would contradict them, and the
    exact mean pins down withheld months."""
    if policy is None or not policy.enabled or table.empty:
        return table
    out = publish(table, [c for c in counts if c in table], list(rates), policy)
    for column in SPC_COLUMNS:
        if column in out:
            out[column] = None
    return out


def with_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """Wilson intervals from the same (possibly published) met and decided as the compliance."""
    lower, upper = wilson(table["met"], table["decided"])
    return table.assign(compliance_lower_95=lower, compliance_upper_95=upper)


def published_steps(table: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """Steps with `pathways` published; the day figures of a withheld group hidden with it."""
    out = published(table, policy, ("pathways",), ())
    if out is not table and not out.empty:
        hidden = out["pathways"].isna()
        for column in STEP_DAYS:
            out[column] = out[column].where(~hidden, np.nan)
    return out
