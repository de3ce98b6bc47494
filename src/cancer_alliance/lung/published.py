"""Lung health check programme metrics as a viewer may see them (docs/decisions/0035): the one place
that turns the journey counts (`programme_files.counts_table`) into published figures for
`/lung/programme`, its API, `alliance lung programme --public` and the board pack.

Counts pass `stats.disclosure.publish` (1 to 7 withheld, the rest rounded to 5); every rate and its
Wilson 95% interval are then worked out from the published counts (`programme_files.metrics`), so no
rate lies outside its own interval and none gives a withheld count away. The invitations count is
controlled only where there is one (a missing denominator stays "no data").
"""

from __future__ import annotations

import pandas as pd

from cancer_alliance.lung.programme import COUNT_COLUMNS
from cancer_alliance.lung.programme_files import metrics
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, publish


def publish_programme_metrics(counts: pd.DataFrame, policy: DisclosurePolicy | None = None) -> pd.DataFrame:
    """Disclosure-controlled counts (null + `<count>_suppressed`) and the rates recomputed from them."""
    present = [name for name in (*COUNT_COLUMNS, "invited") if counts[name].notna().any()]
    return metrics(publish(counts, present, policy=policy))


def as_seen(counts: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """The programme metrics as a viewer under `policy` sees them (None or disabled: exact)."""
    if policy is None or not policy.enabled:
        return metrics(counts)
    return publish_programme_metrics(counts, policy)


def published_targeting(targeting: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """The CCG targeting as a viewer under `policy` sees it. Ranked by the early-stage proxy, the share
    is worked out from the published stage counts (withheld where one is): the exact share of a few
    registrations gives its counts away (1 of 3 is 33.3%). Survival is a published statistic already."""
    if policy is None or not policy.enabled or "stage_staged" not in targeting:
        return targeting
    share = Rate("lung_early_stage_share", "stage_early", "stage_staged")
    return publish(targeting, ["stage_early", "stage_staged"], [share], policy)
