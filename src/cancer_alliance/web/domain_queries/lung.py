"""Lung health check reads shared by `/lung/programme` and `/api/lung/...`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cancer_alliance.lung.programme_files import RESULTS
from cancer_alliance.lung.published import as_seen, published_targeting
from cancer_alliance.web.queries import policy_for


def lung_table(ctx: Any, name: str, viewer: Any) -> pd.DataFrame:
    """A lung results file (`alliance`, `ccg` or `targeting`) as the viewer may see it (`lung.published`:
    for the public, counts pass disclosure control and every rate is recomputed from the published counts)."""
    frame = ctx.results.table(RESULTS[name])  # the Results cache (mtime-checked)
    if name == "targeting":
        return published_targeting(frame, policy_for(viewer))
    return as_seen(frame, policy_for(viewer))
