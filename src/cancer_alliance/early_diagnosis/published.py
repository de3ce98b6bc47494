"""Early diagnosis as a viewer may see it (docs/decisions/0035, 0042): the one place that turns stage
and route counts (NDRS or the lake's registrations) into published figures for the pages, the API, the
board pack and the HTML report.

- Counts pass `stats.disclosure.publish`; every proportion, Wilson interval and completeness is then
  worked out from the published counts (`metrics.metrics`), so no proportion lies outside its own
  interval and none gives a withheld count away.
- SPC over the yearly early-stage proportion is worked out only over exact counts. Under a policy the
  counts are rounded to 5, so there is no SPC and `SPC_WITHHELD` says why (the rule of
  `cwt.published`; NHS England, *Making Data Count*, 2019).
"""

from __future__ import annotations

import pandas as pd

from cancer_alliance.early_diagnosis.counts import COUNT_COLUMNS
from cancer_alliance.early_diagnosis.metrics import metrics
from cancer_alliance.stats.disclosure import DisclosurePolicy, publish
from cancer_alliance.stats.spc import SpcOptions, spc, summary

#: Why a viewer who gets published counts sees no SPC of the yearly early-stage proportion.
SPC_WITHHELD = (
    "Statistical process control is not shown on published figures: the yearly counts are rounded to "
    "the nearest 5, and process limits worked out from rounded counts would show signals that are not "
    "in the data. Signed-in NHS users see it over the exact counts."
)


def publish_metrics(
    counts: pd.DataFrame, policy: DisclosurePolicy | None = None, *, national: str | None = None
) -> pd.DataFrame:
    """Disclosure-controlled counts (null + `<count>_suppressed`) and the metrics recomputed from them."""
    present = [name for name in COUNT_COLUMNS if name in counts.columns]
    return metrics(publish(counts, present, policy=policy, national=national))


def as_seen(counts: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """Counts with their metrics as a viewer under `policy` sees them (None or disabled: exact)."""
    if policy is None or not policy.enabled:
        return metrics(counts)
    return publish_metrics(counts, policy)


def yearly_spc(
    yearly: pd.DataFrame, target: float, policy: DisclosurePolicy | None
) -> tuple[pd.DataFrame, dict, str | None]:
    """(points, summary, withheld reason) of the XmR chart of `early_stage_proportion` by `year` in
    `yearly` (exact counts with metrics), higher is better, against `target`: none, with the reason,
    when the viewer under `policy` gets published (rounded) counts."""
    if policy is not None and policy.enabled:
        return pd.DataFrame(), {}, SPC_WITHHELD
    series = yearly.loc[yearly["early_stage_proportion"].notna(), ["year", "early_stage_proportion"]]
    series = pd.DataFrame(
        {"x": pd.to_datetime(series["year"].astype(str) + "-01-01"), "y": series["early_stage_proportion"]}
    ).reset_index(drop=True)
    options = SpcOptions(target=target)
    points = spc(series, options)
    return points, (summary(points, options).iloc[0].to_dict() if len(points) else {}), None
