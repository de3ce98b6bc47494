"""The radiotherapy results the web pages read (written by the results pipeline into a generation):

radiotherapy_compliance.parquet   the compliance table with Wilson intervals (files.with_intervals)
radiotherapy_linacs.parquet       every linac with its network, age and state on the as-of day
radiotherapy_techniques.parquet   courses by month, provider and technique (mix.technique_mix)
radiotherapy_fractionation.parquet  radical breast and prostate courses by month, provider, schedule
radiotherapy.json                 the as-of day
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from cancer_alliance.radiotherapy.compliance import compliance, in_force
from cancer_alliance.radiotherapy.files import with_intervals
from cancer_alliance.radiotherapy.mix import fractionation_mix, technique_mix
from cancer_alliance.reference.radiotherapy_networks import memberships_on, requirements
from cancer_alliance.results import catalogue

#: Table -> its results file's catalogue name (`results.catalogue` holds the file names).
RESULTS = {
    "compliance": "radiotherapy_compliance",
    "linacs": "radiotherapy_linacs",
    "techniques": "radiotherapy_techniques",
    "fractionation": "radiotherapy_fractionation",
}
#: The as-of day's file.
META = catalogue.entry("radiotherapy.json").filename
YEAR_DAYS = 365.25


def linac_states(linacs: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Each linac with its network on `as_of`, age in years, whether in service and due (by the
    requirements' own parameters: replacement and upgrade ages)."""
    chosen = {r.requirement_id: r for r in in_force(as_of, requirements())}
    network = {m.provider_code: m.network_code for m in memberships_on(as_of)}
    frame = linacs.copy()
    day = pd.Timestamp(as_of)
    commissioned = pd.to_datetime(frame["commissioned_date"])
    renewed = pd.concat([commissioned, pd.to_datetime(frame["last_upgrade_date"])], axis=1).max(axis=1)
    left = pd.to_datetime(frame["decommissioned_date"])
    frame["network_code"] = frame["provider_code"].map(network)
    frame["age_years"] = ((day - commissioned).dt.days / YEAR_DAYS).round(2)
    frame["in_service"] = (commissioned <= day) & (left.isna() | (left > day))

    def over(start: pd.Series, requirement_id: str) -> pd.Series:
        r = chosen.get(requirement_id)
        if r is None or r.parameter is None:
            return pd.Series(False, index=frame.index)
        months = int(round(r.parameter * 12))
        return frame["in_service"] & (start + pd.DateOffset(months=months) < day)

    frame["replacement_due"] = over(commissioned, "linac_replacement_due")
    frame["upgrade_due"] = over(renewed, "linac_upgrade_due")
    return frame.sort_values(["provider_code", "linac_id"]).reset_index(drop=True)


def write_results(courses: Any, linacs: Any, facts: Any, folder: Path, as_of: dt.date) -> list[Path]:
    """Compute and write every radiotherapy results file (module docstring) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = requirements()
    table = compliance(courses, linacs, as_of, cwt_facts=facts, chosen=chosen).toArrow().to_pandas()
    frames = {
        "compliance": with_intervals(table, chosen),
        "linacs": linac_states(linacs.toArrow().to_pandas(), as_of),
        "techniques": technique_mix(courses).toArrow().to_pandas(),
        "fractionation": fractionation_mix(courses).toArrow().to_pandas(),
    }
    written = []
    for name, frame in frames.items():
        path = catalogue.path(folder, RESULTS[name])
        frame.to_parquet(path, index=False)
        written.append(path)
    (folder / META).write_text(json.dumps({"as_of": str(as_of)}) + "\n", encoding="utf-8")
    return [*written, folder / META]
