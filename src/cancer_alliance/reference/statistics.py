"""Published national statistics held as reference data (`data/`): CWT national time series,
NDRS stage at diagnosis and headline indicators, as pandas DataFrames for analysts and tests.
pandas is imported only when one of these is called, so code that needs just the code lists or
standards (the rules) never loads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cancer_alliance.reference._files import path, read_rows

if TYPE_CHECKING:
    import pandas as pd

_CWT_DTYPES = {
    "period_type": "string",
    "period": "string",
    "financial_year": "string",
    "standard": "string",
    "operational_standard": "string",
    "status": "string",
    "source": "string",
}


def _read(relative: str, dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    import pandas as pd

    with path(relative).open("rb") as handle:
        return pd.read_csv(handle, dtype=dtypes, keep_default_na=False, na_values=[""])


def _national_cwt(relative: str) -> pd.DataFrame:
    frame = _read(relative, _CWT_DTYPES)
    ids = {row["national_standard"]: row["standard_id"] for row in read_rows("cwt/national_standard_ids.csv")}
    unmapped = set(frame["standard"]) - set(ids)
    if unmapped:
        raise ValueError(
            f"reference/{relative}: standards without a standard_id: {', '.join(sorted(unmapped))}"
        )
    frame.insert(
        frame.columns.get_loc("standard") + 1, "standard_id", frame["standard"].map(ids).astype("string")
    )
    return frame


def national_cwt() -> pd.DataFrame:
    """NHS England CWT national time series (provider based), Oct 2009 - Sep 2023: one row per
    period (month, quarter, year) and standard; totals can be halves; performance is a fraction.
    `standard_id` links each row to `standards()`."""
    return _national_cwt("data/cwt_national_timeseries_2009_2023.csv")


def national_cwt_2018_19() -> pd.DataFrame:
    """The 2018/19 part of the national series: months, quarters and the year (CWT standards 2018/19 [S7,
    S30])."""
    return _national_cwt("data/cwt_national_2018_19.csv")


def stage_at_diagnosis() -> pd.DataFrame:
    """NDRS stage-at-diagnosis counts by year (2013-2022), site group and geography (England and
    each Cancer Alliance, 2023/24 geography)."""
    return _read(
        "data/stage_at_diagnosis_ndrs_2013_2022.csv", {"geography_type": "string", "geography_name": "string"}
    )


def stage_early_pct_england() -> pd.DataFrame:
    """England totals per year from the NDRS file with % stage 1-2 of staged (COMPUTED; not the
    official indicator, which uses a defined set of stageable sites)."""
    return _read("data/stage_early_pct_england_by_year.csv")


def headline_indicators() -> pd.DataFrame:
    """Published headline figures (early-stage %, emergency presentation %, ...), each with its URL."""
    return _read("data/headline_indicators.csv", {"indicator": "string", "unit": "string"})
