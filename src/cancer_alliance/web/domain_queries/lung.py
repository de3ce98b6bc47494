"""Lung health check reads shared by `/lung/programme` and `/api/lung/...`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cancer_alliance.lung.programme_files import RESULTS
from cancer_alliance.lung.published import (
    COMPLEMENTS,
    public_programme_metrics,
    published_targeting,
)
from cancer_alliance.results.reader import Results
from cancer_alliance.web.queries import policy_for


def lung_table(ctx: Any, name: str, viewer: Any) -> pd.DataFrame:
    """A lung results file (`alliance`, `ccg` or `targeting`) as the viewer may see it (`lung.published`:
    for the public, counts pass disclosure control and every rate is recomputed from the published counts)."""
    frame = ctx.results.table(RESULTS[name])  # the Results cache (mtime-checked)
    policy = policy_for(viewer)
    if name == "targeting":
        return published_targeting(frame, policy)
    return public_programme_metrics(frame, policy, withheld_counts(ctx.results) if policy else None, name)


def withheld_counts(results: Results) -> pd.DataFrame:
    """The public tables' complements (`lung.published.COMPLEMENTS`) of the generation served."""
    return COMPLEMENTS.served(results)
