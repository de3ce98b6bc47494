"""The cancer patients behind the CWT first treatments and the tumour registrations: one row per
patient, with route, treatment month, trust, site, stage, route to diagnosis and first treatment.

Counts per route and month come from the national 62-day and 31-day first-treatment figures
(calibration), so every record of a patient (CWT and registration) tells one story:

* routes `usc`, `screening`, `upgrade`: the 62-day volumes of each month (a shared pathway still
  sums to one patient, so record counts equal the published totals, which count halves);
* `breast_symptomatic`: a share of breast symptomatic referrals that are cancers (Model);
* `other` (emergency admissions, routine referrals): the rest of the 31-day first treatments;
* untreated cancers: registrations without a CWT treatment, topping the year up to the NDRS count.

Sites follow each alliance's NDRS 2018 incidence; stage follows NDRS 2018 by alliance and site, tilted
towards late stage for emergency presentations with the mixture kept equal to the NDRS distribution
(NHS Long Term Plan (2019), NDRS). Haematological and other unstageable cancers never get a stage 1-4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cancer_alliance.synth.calibration import MONTHS, STAGE_COLUMNS, Calibration
from cancer_alliance.synth.sampling import categorical, stochastic_round

ROUTES = ("usc", "screening", "upgrade", "breast_symptomatic", "other")
USC, SCREENING, UPGRADE, BREAST_SYMPTOMATIC, OTHER = range(5)
#: Reporting months of the year plus the months after the census whose pathways are still open.
PATHWAY_MONTHS = np.arange("2018-04", "2019-06", dtype="datetime64[M]")
ROUTES_TO_DIAGNOSIS = (
    "two_week_wait",
    "screen_detected",
    "emergency_presentation",
    "gp_referral",
    "other_outpatient",
    "inpatient_elective",
    "death_certificate_only",
    "unknown",
)
RTD = {name: i for i, name in enumerate(ROUTES_TO_DIAGNOSIS)}
MODALITY_GROUPS = ("surgery", "drug", "radiotherapy", "other")
#: Relative chance of each NDRS stage column for an emergency presentation (ASSUMPTION: late stage
#: is over-represented among emergency presentations; the mixture is re-balanced to NDRS below).
EMERGENCY_STAGE_TILT = np.array([0.35, 0.6, 1.2, 2.2, 0.5, 1.5, 1.0, 1.2])
#: Routes to diagnosis of the `other` route when not an emergency, and of consultant upgrades.
OTHER_ROUTE_MIX = (("gp_referral", 0.5), ("other_outpatient", 0.3), ("inpatient_elective", 0.2))
UPGRADE_ROUTE_MIX = (("gp_referral", 0.55), ("other_outpatient", 0.45))
#: Stage 4 first treatments recorded as event type 12, treatment of metastatic disease (ASSUMPTION).
METASTATIC_FIRST_TREATMENT = 0.12
#: ICD-10 codes recorded without a fourth character.
NO_SUBDIVISION = {"C19", "C20", "C56", "C61", "C64", "C65", "C66", "C73", "C80"}


@dataclass(frozen=True)
class Patients:
    """Column arrays, one element per patient (see module docstring)."""

    route: np.ndarray
    month: np.ndarray  # index into PATHWAY_MONTHS; -1 for untreated
    treated: np.ndarray  # has a CWT first-treatment record
    declined: np.ndarray  # first treatment recorded as 98 'all treatment declined'
    trust: np.ndarray
    alliance: np.ndarray
    site: np.ndarray
    sex: np.ndarray  # 'M' / 'F'
    age: np.ndarray
    route_to_diagnosis: np.ndarray  # index into ROUTES_TO_DIAGNOSIS
    stage: np.ndarray  # index into STAGE_COLUMNS
    icd10: np.ndarray
    modality_group: np.ndarray
    modality: np.ndarray
    event_type: np.ndarray

    def __len__(self) -> int:
        return len(self.route)


def _route_counts(cal: Calibration, scale: float, rng: np.random.Generator) -> np.ndarray:
    """counts[route, pathway month]; the open months after the census reuse April and May volumes."""
    s = cal.standards
    proxy = np.r_[np.arange(12), 0, 1]
    usc = s["62D_GP_urgent"].monthly_total[proxy]
    screening = s["62D_screening"].monthly_total[proxy]
    upgrade = s["62D_upgrade"].monthly_total[proxy]
    breast = s["2WW_breast_symptomatic"].monthly_total[proxy] * cal.model.breast_symptomatic_conversion
    other = np.maximum(s["31D_first"].monthly_total[proxy] - usc - screening - upgrade - breast, 0)
    extra = 1 + cal.model.declined_share  # declined first treatments do not count (CWT treatment codes [S19,
    # S44]), so add them
    return stochastic_round(rng, np.stack([usc, screening, upgrade, breast, other]) * scale * extra)


def _site_weights(cal: Calibration, route_totals: np.ndarray, scale: float) -> np.ndarray:
    """weights[alliance, site] for routes other than screening and breast symptomatic, so that all
    patients together follow each alliance's incidence."""
    incidence = cal.alliances.counts.sum(axis=2) * scale
    share = cal.alliances.share[:, None]
    screening_mix = cal.sites.screening_share / cal.sites.screening_share.sum()
    expected = share * route_totals[SCREENING] * screening_mix[None, :]
    expected[:, cal.sites.index("Breast")] += share[:, 0] * route_totals[BREAST_SYMPTOMATIC]
    return np.maximum(incidence - expected, 0.1 * incidence)


def _icd10(rng: np.random.Generator, cal: Calibration, site: np.ndarray, stage: np.ndarray) -> np.ndarray:
    """ICD-10 code per patient: one of the site's codes; for the NDRS 'Other' group the code depends on
    the stage, so leukaemias, myeloma, brain and unknown primary are never staged."""
    codes = np.empty(len(site), dtype="<U3")
    other = cal.sites.index("Other")
    for s, site_codes in enumerate(cal.sites.icd10):
        rows = np.flatnonzero(site == s)
        if s == other:
            table = cal.other_sites
            stageable = np.array([r["stageable"] == "true" for r in table])
            weight = np.array([float(r["weight"]) for r in table])
            options = np.array([r["icd10"] for r in table])
            staged = stage[rows] <= 5
            unstaged = stage[rows] == 6
            for mask, w in (
                (staged, weight * stageable),
                (unstaged, weight * ~stageable),
                (~staged & ~unstaged, weight),
            ):
                chosen = rows[mask]
                codes[chosen] = options[categorical(rng, w, chosen)]
        else:
            codes[rows] = np.array(site_codes)[rng.integers(0, len(site_codes), len(rows))]
    fourth = rng.integers(0, 10, len(site)).astype(str)
    plain = np.isin(codes, list(NO_SUBDIVISION))
    return np.where(plain, codes, codes.astype(str) + np.char.add(".", fourth)).astype(str)


def _modality(rng: np.random.Generator, cal: Calibration, site: np.ndarray, group: np.ndarray) -> np.ndarray:
    """CANCER TREATMENT MODALITY code for each first treatment, consistent with the site (ASSUMPTION mix):
    surgery 01; drug 02 chemotherapy, 03 hormone (breast, prostate, uterus), 15 immunotherapy;
    radiotherapy 05 teletherapy, 04 chemoradiotherapy (head and neck, cervix, anus, oesophagus), 06
    brachytherapy; other 08 active monitoring (prostate), 07/09 palliative care, 10 RFA, 97 other."""
    names = cal.sites.names[site]
    hormone = np.isin(names, ["Breast", "Prostate", "Uterus"])
    chemoradio = np.isin(names, ["Head and neck", "Cervix", "Anus", "Oesophagus"])
    prostate = names == "Prostate"
    n = len(site)
    pick = lambda options, weights: np.array(options)[categorical(rng, np.array(weights), np.arange(n))]  # noqa: E731
    drug = np.where(hormone, pick(["03", "02"], [0.6, 0.4]), pick(["02", "15"], [0.85, 0.15]))
    radio = np.where(
        chemoradio, pick(["04", "05", "06"], [0.6, 0.35, 0.05]), pick(["05", "04", "06"], [0.8, 0.15, 0.05])
    )
    other = np.where(prostate, "08", pick(["07", "09", "10", "97"], [0.4, 0.3, 0.1, 0.2]))
    return np.select([group == 0, group == 1, group == 2], ["01", drug, radio], other)


def _solve_emergency_scale(relative: np.ndarray, needed: float) -> float:
    """f such that sum(min(1, f * relative)) = needed (bisection; relative > 0)."""
    low, high = 0.0, 1.0 / relative.min()
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if np.minimum(1, mid * relative).sum() < needed else (low, mid)
    return (low + high) / 2


def _stage_tables(cal: Calibration, emergency_share: np.ndarray) -> np.ndarray:
    """probabilities[alliance, site, emergency (0/1), stage column]: emergency presentations tilted to
    late stage, the rest re-balanced so the mixture equals the NDRS distribution of the alliance."""
    q = cal.alliances.counts + 0.5  # a little smoothing for small cells
    q = q / q.sum(axis=2, keepdims=True)
    tilted = q * EMERGENCY_STAGE_TILT
    tilted /= tilted.sum(axis=2, keepdims=True)
    e = np.clip(emergency_share, 0, 0.95)[None, :, None]
    rest = np.clip((q - e * tilted) / (1 - e), 0, None)
    rest /= rest.sum(axis=2, keepdims=True)
    return np.stack([rest, tilted], axis=2)


def generate_patients(cal: Calibration, scale: float, rng: np.random.Generator) -> Patients:
    """All cancer patients of the year (treated and untreated) and the open pathways after the census."""
    model = cal.model
    counts = _route_counts(cal, scale, rng)
    route = np.repeat(np.tile(np.arange(5), counts.shape[1]), counts.T.ravel())
    month = np.repeat(np.repeat(np.arange(counts.shape[1]), 5), counts.T.ravel())
    treated_n = len(route)
    untreated = max(int(round(cal.alliances.counts.sum() * scale)) - int((month < len(MONTHS)).sum()), 0)
    route = np.r_[route, np.full(untreated, OTHER)]
    month = np.r_[month, np.full(untreated, -1)]
    treated = np.arange(len(route)) < treated_n
    in_year = treated & (month < len(MONTHS))
    n = len(route)

    trusts = cal.trusts
    trust = categorical(rng, trusts.weight, np.arange(n))
    alliance = trusts.alliance[trust]

    site = np.empty(n, dtype=np.int64)
    weights = _site_weights(cal, counts[:, :12].sum(axis=1), scale)
    screening_mix = cal.sites.screening_share
    site[route == SCREENING] = categorical(rng, screening_mix, np.flatnonzero(route == SCREENING))
    site[route == BREAST_SYMPTOMATIC] = cal.sites.index("Breast")
    general = (route != SCREENING) & (route != BREAST_SYMPTOMATIC)
    site[general] = categorical(rng, weights, alliance[general])

    male = rng.random(n) < cal.sites.male_share[site]
    sex = np.where(male, "M", "F")
    age = np.clip(np.rint(rng.normal(cal.sites.age_mean[site], cal.sites.age_sd[site])), 18, 99).astype(
        np.int64
    )

    rtd = np.full(n, RTD["unknown"])
    rtd[route == USC] = RTD["two_week_wait"]
    rtd[route == BREAST_SYMPTOMATIC] = RTD["two_week_wait"]
    rtd[route == SCREENING] = RTD["screen_detected"]
    upgrades = np.flatnonzero(route == UPGRADE)
    rtd[upgrades] = np.array([RTD[r] for r, _ in UPGRADE_ROUTE_MIX])[
        categorical(rng, np.array([w for _, w in UPGRADE_ROUTE_MIX]), upgrades)
    ]
    untreated_rows = np.flatnonzero(~treated)
    rtd[untreated_rows] = np.array([RTD[r] for r, _ in model.untreated_routes])[
        categorical(rng, np.array([w for _, w in model.untreated_routes]), untreated_rows)
    ]
    registered = ~treated | in_year
    other_rows = np.flatnonzero(treated & (route == OTHER))
    known = registered.sum() - (rtd[untreated_rows] == RTD["unknown"]).sum()
    needed = (
        cal.emergency_presentation_published * known
        - (rtd[untreated_rows] == RTD["emergency_presentation"]).sum()
    )
    relative = cal.sites.ep_relative[site[other_rows]]
    f = _solve_emergency_scale(relative[in_year[other_rows]], max(needed, 0))
    emergency = rng.random(len(other_rows)) < np.minimum(1, f * relative)
    rest = np.array([RTD[r] for r, _ in OTHER_ROUTE_MIX])[
        categorical(rng, np.array([w for _, w in OTHER_ROUTE_MIX]), other_rows)
    ]
    rtd[other_rows] = np.where(emergency, RTD["emergency_presentation"], rest)

    is_ep = rtd == RTD["emergency_presentation"]
    per_site = np.bincount(site[registered], minlength=len(cal.sites.names))
    ep_share = np.bincount(site[registered & is_ep], minlength=len(per_site)) / np.maximum(per_site, 1)
    tables = _stage_tables(cal, ep_share)
    flat = tables.reshape(-1, len(STAGE_COLUMNS))
    stage = categorical(rng, flat, (alliance * len(per_site) + site) * 2 + is_ep)
    icd10 = _icd10(rng, cal, site, stage)

    declined = treated & (rng.random(n) < model.declined_share / (1 + model.declined_share))
    group = categorical(rng, cal.sites.first_modality, site)
    group[declined] = 3
    modality = _modality(rng, cal, site, group)
    modality[declined] = "98"
    modality[~treated] = ""
    # 07: metastatic disease of unknown primary; 12: metastatic disease of a known primary (stage 4 only)
    metastatic = (stage == STAGE_COLUMNS.index("stage_4")) & (rng.random(n) < METASTATIC_FIRST_TREATMENT)
    event_type = np.where(np.char.startswith(icd10, "C80"), "07", np.where(metastatic, "12", "01"))
    return Patients(
        route,
        month,
        treated,
        declined,
        trust,
        alliance,
        site,
        sex,
        age,
        rtd,
        stage,
        icd10,
        group,
        modality,
        event_type,
    )
