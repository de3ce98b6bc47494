"""What the generator is calibrated to: the published 2018/19 figures it reproduces, and the
modelling choices (named, with their basis) that fill the gaps the publications leave.

Published targets, from the packaged reference data (`cancer_alliance/reference/data`, README there):

* national monthly CWT totals and within-standard counts for every 2018/19 standard
  (`cwt_national_2018_19.csv`, NHS England national time series [OFFICIAL-DATA S30]);
* cancer incidence and stage by alliance and site group, 2018 (`stage_at_diagnosis_ndrs_2013_2022.csv`,
  NDRS), mapped from the 2023/24 geography of that file to the 19 alliances of 2018/19 by
  `synth/data/alliance_ndrs_geography.csv` (DERIVED; UCLH Cancer Collaborative = North Central + North
  East London);
* emergency presentation share 2018 (`headline_indicators.csv`, NHS Digital Routes to Diagnosis 2018);
* trusts and CCGs of each 2018/19 alliance (`alliance_trusts.csv`, `alliance_ccgs.csv`).

Everything in `Model` is an ASSUMPTION chosen to look like England (no published figure was found);
each is a parameter so a better-informed value is a one-line change.
"""

from __future__ import annotations

import csv
import io
import zlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from cancer_alliance import reference
from cancer_alliance.reference._files import read_rows
from cancer_alliance.reference.radiotherapy_networks import radiotherapy_providers

if TYPE_CHECKING:
    import pandas as pd

YEAR = "2018/19"
VERSION = "2018/19"
#: The twelve reporting months of the financial year 2018/19.
MONTHS = np.arange("2018-04", "2019-04", dtype="datetime64[M]")
#: Census date of the generated extract: the last day of the year; later events are not yet known.
REFERENCE_DATE = np.datetime64("2019-03-31")

#: NDRS stage columns, in the order the generator codes them (0..7).
STAGE_COLUMNS = (
    "stage_1",
    "stage_2",
    "stage_3",
    "stage_4",
    "staged_other_early",
    "staged_other_advanced",
    "unstageable",
    "missing_stage",
)
STAGE_CODES = ("1", "2", "3", "4", "other_early", "other_advanced", "unstageable", "missing")


@dataclass(frozen=True)
class Model:
    """Modelling choices (ASSUMPTIONS; see module docstring). Shares are fractions."""

    #: 62-day pathways investigated at one trust and treated at another (inter-provider transfer).
    ipt_share: float = 0.16
    #: IPT pathways whose accountable investigating provider is left blank (-> 50:50 fallback, E25).
    ipt_accountable_missing: float = 0.08
    #: 2WW referrals with a DNA before first seen (adjustment reason 3).
    dna_share: float = 0.035
    #: Breast symptomatic referrals that turn out to be cancer and are treated.
    breast_symptomatic_conversion: float = 0.02
    #: First treatments with a treatment adjustment (patient declined a reasonable offer).
    treatment_adjustment_share: float = 0.02
    #: Routes to diagnosis of untreated cancers (emergency, death certificate only, GP referral, unknown).
    untreated_routes: tuple[tuple[str, float], ...] = (
        ("emergency_presentation", 0.55),
        ("death_certificate_only", 0.05),
        ("gp_referral", 0.15),
        ("unknown", 0.25),
    )
    #: Cancers whose first treatment is recorded as 98 'all treatment declined' (excluded from 31/62, CWT
    #: treatment codes [S19, S44]).
    declined_share: float = 0.005
    #: Trust-to-trust spread of performance (sd on the logit scale) by measure family.
    trust_sd: dict[str, float] = field(default_factory=lambda: {"2ww": 0.7, "31d": 0.7, "62d": 0.45})
    #: Month-to-month noise of a trust's performance (sd on the logit scale).
    month_sd: float = 0.15
    #: FDS (not published for 2018/19): share of pathways ending within 28 days, by route.
    fds_within: dict[str, float] = field(
        default_factory=lambda: {"usc": 0.76, "breast_symptomatic": 0.84, "screening": 0.62}
    )
    #: Screening referrals (e.g. positive bowel screening) where cancer is ruled out, per screening cancer.
    screening_non_cancer: float = 3.5
    #: 2WW referrals still waiting to be seen at the census: those of the last `open_2ww_days` days,
    #: `open_2ww_waiting` of that period's volume (the rest were seen and are in the year's figures).
    open_2ww_days: int = 12
    open_2ww_waiting: float = 0.6
    #: Share of a 2WW record's optional fields left blank (messiness).
    missing_optional: float = 0.02


@dataclass(frozen=True)
class Standard:
    """One 2018/19 standard's published national figures: monthly (12) and annual."""

    key: str
    standard_id: str
    monthly_total: np.ndarray
    monthly_within: np.ndarray
    annual_total: float
    annual_within: float

    @property
    def annual_performance(self) -> float:
        return self.annual_within / self.annual_total

    @property
    def monthly_performance(self) -> np.ndarray:
        return self.monthly_within / self.monthly_total


@dataclass(frozen=True)
class Trusts:
    """Trusts that reported CWT activity in 2018/19, assigned to an alliance and not low-activity."""

    codes: np.ndarray  # ODS codes (str)
    alliance: np.ndarray  # index into Alliances
    weight: np.ndarray  # relative activity (sums to 1 within the alliance times the alliance share)
    radiotherapy: np.ndarray  # bool: a radiotherapy centre


@dataclass(frozen=True)
class Alliances:
    """The 19 alliances of 2018/19 with their incidence (NDRS 2018) by site and stage."""

    codes: np.ndarray
    names: np.ndarray
    #: counts[alliance, site, stage column] (STAGE_COLUMNS), NDRS 2018.
    counts: np.ndarray
    ccgs: tuple[np.ndarray, ...]  # CCG codes (ONS E38...) per alliance

    @property
    def share(self) -> np.ndarray:
        totals = self.counts.sum(axis=(1, 2))
        return totals / totals.sum()


@dataclass(frozen=True)
class Sites:
    """NDRS site groups and the clinical profile the generator gives each (synth/data/sites.csv)."""

    names: np.ndarray
    icd10: tuple[tuple[str, ...], ...]
    referral_type: np.ndarray
    male_share: np.ndarray
    age_mean: np.ndarray
    age_sd: np.ndarray
    ep_relative: np.ndarray
    first_modality: np.ndarray  # [site, group] surgery, drug, radiotherapy, other
    subsequent_modality: np.ndarray  # [site, group] surgery, drug, radiotherapy
    screening_share: np.ndarray
    england_counts: np.ndarray  # [site, stage column] NDRS 2018 England

    def index(self, name: str) -> int:
        return int(np.flatnonzero(self.names == name)[0])


@dataclass(frozen=True)
class Calibration:
    standards: dict[str, Standard]
    trusts: Trusts
    alliances: Alliances
    sites: Sites
    other_sites: list[dict[str, str]]
    suspected_types: list[dict[str, str]]
    emergency_presentation_published: float
    early_stage_published: float
    model: Model


def _synth_rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _standards() -> dict[str, Standard]:
    """The nine 2018/19 standards, keyed by the national series' name (e.g. '62D_GP_urgent')."""
    frame = reference.national_cwt_2018_19()
    frame = frame[frame["financial_year"] == YEAR]
    result = {}
    for key, rows in frame.groupby("standard", sort=False):
        months = rows[rows["period_type"] == "month"].sort_values("period")
        year = rows[rows["period_type"] == "year"]
        if len(months) != 12 or len(year) != 1:
            raise ValueError(
                f"cwt_national_2018_19.csv: {key} has {len(months)} months and {len(year)} years"
            )
        result[str(key)] = Standard(
            str(key),
            str(year["standard_id"].iloc[0]),
            months["total"].to_numpy(dtype=float),
            months["within_standard"].to_numpy(dtype=float),
            float(year["total"].iloc[0]),
            float(year["within_standard"].iloc[0]),
        )
    return result


def _trust_weight(code: str, sites: int) -> float:
    """Relative activity of a trust: its number of hospital sites (at least 1) times a fixed lognormal
    factor seeded by its ODS code, so trust sizes differ but do not change with the run's seed."""
    factor = np.random.default_rng(zlib.crc32(code.encode())).lognormal(0.0, 0.45)
    return max(sites, 1) ** 0.6 * factor


def _alliances_and_trusts(sites: np.ndarray, model: Model) -> tuple[Alliances, Trusts]:
    mapping = _synth_rows("alliance_ndrs_geography.csv")
    codes = np.array([m["alliance_code"] for m in mapping])
    stage = _stage_2018()
    counts = np.zeros((len(mapping), len(sites), len(STAGE_COLUMNS)))
    site_index = {s: i for i, s in enumerate(sites)}
    for a, m in enumerate(mapping):
        for geography in m["ndrs_geography"].split("|"):
            found = stage[
                (stage["geography_type"] == "Cancer Alliance") & (stage["geography_name"] == geography)
            ]
            if found.empty:
                raise ValueError(f"stage_at_diagnosis_ndrs_2013_2022.csv: no 2018 rows for {geography!r}")
            for site, values in zip(
                found["site"], found[list(STAGE_COLUMNS)].to_numpy(dtype=float), strict=True
            ):
                counts[a, site_index[site]] += values
    ccg_list = reference.ccgs(VERSION)
    ccgs = tuple(np.array(sorted(c.ons_code for c in ccg_list if c.alliance_code == code)) for code in codes)
    alliances = Alliances(codes, np.array([m["alliance_name"] for m in mapping]), counts, ccgs)

    # membership from reference.trusts(); activity flags and site counts are columns the Trust record
    # does not carry, so they are read from the same packaged file
    extra = {r["trust_ods_code"]: r for r in read_rows("data/alliance_trusts.csv") if r["version"] == VERSION}
    members_2018 = sorted(
        (
            t
            for t in reference.trusts(VERSION)
            if t.alliance_code and extra[t.ods_code]["low_cancer_activity"] == "False"
        ),
        key=lambda t: t.ods_code,
    )
    alliance_of = {c: i for i, c in enumerate(codes)}
    t_codes = np.array([t.ods_code for t in members_2018])
    t_alliance = np.array([alliance_of[t.alliance_code] for t in members_2018])
    raw = np.array(
        [_trust_weight(t.ods_code, int(extra[t.ods_code]["n_nhs_sites_2018"] or 0)) for t in members_2018]
    )
    weight = np.zeros(len(raw))
    # radiotherapy centres: the trusts of the radiotherapy networks (reference data, issue #14)
    centres = np.array(radiotherapy_providers())
    radiotherapy = np.zeros(len(raw), dtype=bool)
    for a in range(len(codes)):
        members = t_alliance == a
        if not members.any():
            raise ValueError(f"alliance_trusts.csv: no active trust in alliance {codes[a]}")
        weight[members] = raw[members] / raw[members].sum() * alliances.share[a]
        radiotherapy[members] = np.isin(t_codes[members], centres)
        if not radiotherapy[members].any():
            raise ValueError(f"network_providers.csv: no radiotherapy centre in alliance {codes[a]}")
    return alliances, Trusts(t_codes, t_alliance, weight, radiotherapy)


def _sites() -> Sites:
    rows = _synth_rows("sites.csv")
    stage = _stage_2018()
    england = stage[stage["geography_name"] == "England"]
    by_site = dict(zip(england["site"], england[list(STAGE_COLUMNS)].to_numpy(dtype=float), strict=True))
    f = lambda col: np.array([float(r[col]) for r in rows])  # noqa: E731
    return Sites(
        names=np.array([r["site"] for r in rows]),
        icd10=tuple(tuple(r["icd10"].split()) for r in rows),
        referral_type=np.array([r["referral_type"] for r in rows]),
        male_share=f("male_share"),
        age_mean=f("age_mean"),
        age_sd=f("age_sd"),
        ep_relative=f("ep_relative"),
        first_modality=np.stack([f("surgery"), f("drug"), f("radiotherapy"), f("other")], axis=1),
        subsequent_modality=np.stack(
            [f("subsequent_surgery"), f("subsequent_drug"), f("subsequent_radiotherapy")], axis=1
        ),
        screening_share=f("screening_share"),
        england_counts=np.array([by_site[r["site"]] for r in rows]),
    )


def _headline(indicator: str, year: str) -> float:
    frame = reference.headline_indicators()
    row = frame[(frame["indicator"] == indicator) & (frame["year"].astype(str) == year)]
    return float(row["value"].iloc[0]) / 100


def _stage_2018() -> pd.DataFrame:
    """NDRS counts of 2018 (England and each alliance of the 2023/24 geography), blanks as 0."""
    frame = reference.stage_at_diagnosis()
    return frame[frame["year"] == 2018].fillna({c: 0 for c in STAGE_COLUMNS})


def calibration(model: Model | None = None) -> Calibration:
    """Everything the generator reads; loaded once for the default model."""
    return _default() if model is None else _build(model)


@cache
def _default() -> Calibration:
    return _build(Model())


def _build(model: Model) -> Calibration:
    sites = _sites()
    alliances, trusts = _alliances_and_trusts(sites.names, model)
    return Calibration(
        standards=_standards(),
        trusts=trusts,
        alliances=alliances,
        sites=sites,
        other_sites=_synth_rows("other_sites.csv"),
        suspected_types=_synth_rows("suspected_types.csv"),
        emergency_presentation_published=_headline("emergency_presentation_pct", "2018"),
        early_stage_published=_headline("early_stage_pct", "2018"),
        model=model,
    )
