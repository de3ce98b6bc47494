"""Early-diagnosis metrics from patient-level registrations: the current lake table
`tumour_registration` (after `alliance ingest`) or a canonical file. Counting runs on the engine;
the small count table comes back to pandas for the proportions and intervals. Public by default:
counts are disclosure-controlled before any proportion is computed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cancer_alliance.early_diagnosis.counts import COUNT_COLUMNS, registration_counts
from cancer_alliance.early_diagnosis.metrics import metrics
from cancer_alliance.early_diagnosis.published import publish_metrics
from cancer_alliance.engine import Engine, open_engine
from cancer_alliance.ingest.lake import current_table
from cancer_alliance.stats.disclosure import DisclosurePolicy

TABLE = "tumour_registration"


def registration_metrics(
    registrations: Any, engine: Engine, by: Sequence[str] = (), *, policy: DisclosurePolicy | None = None
) -> pd.DataFrame:
    """Counts by `by` (names in counts.GROUPS) and the metrics, one row per group, sorted by the groups.
    `policy=DisclosurePolicy(enabled=False)` gives exact counts for internal use."""
    rows = engine.rows(registration_counts(registrations, by))
    counts = pd.DataFrame(rows, columns=[*by, *COUNT_COLUMNS])
    counts = counts.sort_values(list(by)).reset_index(drop=True) if by else counts
    policy = policy or DisclosurePolicy()
    return publish_metrics(counts, policy) if policy.enabled else metrics(counts)


def lake_metrics(
    by: Sequence[str] = (), *, engine: Engine | None = None, policy: DisclosurePolicy | None = None
) -> pd.DataFrame:
    """Metrics over the current `tumour_registration` table of the lake (ALLIANCE_HOME)."""
    engine = engine or open_engine()
    return registration_metrics(current_table(engine, TABLE), engine, by, policy=policy)


def file_metrics(
    path: Path,
    by: Sequence[str] = (),
    *,
    engine: Engine | None = None,
    policy: DisclosurePolicy | None = None,
) -> pd.DataFrame:
    """Metrics over a canonical `tumour_registration` Parquet file (e.g. from `alliance synth generate`)."""
    engine = engine or open_engine()
    return registration_metrics(engine.read_parquet(path), engine, by, policy=policy)
