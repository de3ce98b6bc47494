"""Early diagnosis from the lake's tumour registrations (issue 19, item 7): the share of staged cancers
diagnosed at stage 1 or 2 and the share of registrations with a known route that were emergency
presentations, with Wilson 95% intervals and stage completeness, by alliance, by CCG and by trust,
over every registration in the lake. The counts are `counts.registration_counts` (NDRS stage groups;
Routes to Diagnosis, the route of a registration as NDRS defines it: Elliss-Brookes L et al., Routes to
diagnosis for cancer, Br J Cancer 2012;107:1220-6), the proportions `metrics.metrics`.

These are the figures the pages show beside the published NDRS stage counts, which have no route to
diagnosis: each labelled with its source. The files hold exact counts (aggregates); anything public
passes `metrics.publish_metrics`, which recomputes the proportions from the controlled counts. A group
whose code is blank in the registrations (no trust, say) is kept as a row with a null code, never
dropped. `diagnosed_from` and `diagnosed_to` give the diagnosis dates the lake covers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from cancer_alliance.early_diagnosis.counts import COUNT_COLUMNS, registration_counts
from cancer_alliance.early_diagnosis.metrics import metrics
from cancer_alliance.engine import functions

#: Grouping -> its results file's catalogue name (`results.catalogue` holds the file names).
RESULTS = {by: f"early_diagnosis_{by}" for by in ("alliance", "ccg", "trust")}
PERIOD_COLUMNS = ("diagnosed_from", "diagnosed_to")


def lake_metrics(registrations: Any, by: str) -> pd.DataFrame:
    """Counts and metrics of `registrations` (engine DataFrame of `tumour_registration`) per `by`
    (alliance, ccg or trust), ordered by code, with the diagnosis period of all the registrations."""
    F = functions(registrations)
    period = registrations.agg(
        F.min("diagnosis_date").alias(PERIOD_COLUMNS[0]), F.max("diagnosis_date").alias(PERIOD_COLUMNS[1])
    )
    counts = registration_counts(registrations, [by]).crossJoin(period).toArrow().to_pandas()
    for name in COUNT_COLUMNS:
        counts[name] = counts[name].astype("int64")
    return metrics(counts).sort_values(by, na_position="last").reset_index(drop=True)


def write_results(registrations: Any, results: Path) -> list[Path]:
    """Write the three results files (RESULTS) into folder `results`; returns their paths."""
    # Imported here: the catalogue takes PERIOD_COLUMNS from this module.
    from cancer_alliance.results import catalogue

    written = []
    for by, name in RESULTS.items():
        path = catalogue.path(results, name)
        lake_metrics(registrations, by).to_parquet(path, index=False)
        written.append(path)
    return written
