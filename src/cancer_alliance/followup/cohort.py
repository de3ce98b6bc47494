"""Breast patients finishing treatment: the denominator of the share on a stratified pathway (issue 11,
item 4: "share of breast patients finishing treatment who are on a stratified pathway").

Every patient in the follow-up store has been stratified, so the store alone cannot say who was not.
The denominator comes from the cancer registrations instead (`tumour_registration`, site group
`breast`): the patients diagnosed in the 12 months that end `FINISHED_AFTER_DAYS` before the date,
by the diagnosing trust. By then most have finished initial treatment (surgery, then adjuvant
chemotherapy or radiotherapy; endocrine therapy goes on for years and counts as follow-up, stratified
follow-up: NHS Long Term Plan, NICE NG101). The
numerator is those of them, matched by pseudonym (ingest uses one key for every table), who were
stratified on or before the date, whichever trust follows them up.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from cancer_alliance.engine import Engine, open_engine
from cancer_alliance.ingest.lake import current_table, snapshot_dirs
from cancer_alliance.results import catalogue

#: Days from diagnosis by which initial treatment has usually finished (ASSUMPTION: surgery within
#: 62 days of referral, then about three to four months of adjuvant treatment); a setting of the metric.
FINISHED_AFTER_DAYS = 183
WINDOW_DAYS = 365
TABLE = "tumour_registration"
COLUMNS = ("patient_pseudonym", "trust_code", "alliance_code", "diagnosis_date")
#: The results table the demo writes and the web reads (patient-level pseudonyms, like the PTL).
RESULTS_TABLE = "followup_cohort"
RESULTS_FILE = catalogue.entry(RESULTS_TABLE).filename


def breast_registrations(registrations: Any) -> pd.DataFrame:
    """The breast cancer registrations of an engine frame of `tumour_registration`, as `COLUMNS`."""
    breast = registrations.filter(registrations.cancer_site == "breast").select(
        registrations.nhs_number.alias("patient_pseudonym"), "trust_code", "alliance_code", "diagnosis_date"
    )
    frame = breast.toArrow().to_pandas()
    frame["diagnosis_date"] = pd.to_datetime(frame["diagnosis_date"]).dt.date
    return frame[list(COLUMNS)]


def lake_registrations(engine: Engine | None = None) -> pd.DataFrame | None:
    """The breast registrations of the lake's current `tumour_registration` (pseudonymised with the
    same key as the follow-up imports), or None before any has been imported."""
    if not snapshot_dirs(TABLE):
        return None
    return breast_registrations(current_table(engine or open_engine(), TABLE))


def write_cohort(registrations: Any, results: Path) -> Path:
    """Write the breast registrations to `results/RESULTS_FILE` for the metrics page."""
    path = results / RESULTS_FILE
    breast_registrations(registrations).to_parquet(path, index=False)
    return path


def window(as_of: dt.date, finished_after_days: int = FINISHED_AFTER_DAYS) -> tuple[dt.date, dt.date]:
    """First and last diagnosis date of the patients finishing treatment by `as_of`."""
    end = as_of - dt.timedelta(days=finished_after_days)
    return end - dt.timedelta(days=WINDOW_DAYS - 1), end


def finishing_treatment(
    registrations: pd.DataFrame, as_of: dt.date, finished_after_days: int = FINISHED_AFTER_DAYS
) -> pd.DataFrame:
    """The registrations diagnosed in the `WINDOW_DAYS` ending `finished_after_days` before `as_of`
    (both ends included), one row per patient (a second breast tumour is the same patient: the first
    diagnosis in the window, and its trust, counts)."""
    start, end = window(as_of, finished_after_days)
    dates = registrations["diagnosis_date"]
    within = registrations[(dates >= start) & (dates <= end)]
    return within.sort_values("diagnosis_date", kind="stable").drop_duplicates("patient_pseudonym")
