"""Synthetic tumour registrations (canonical table `tumour_registration`): one per cancer patient of the
year, treated or not, carrying the site, stage and route to diagnosis drawn in `patients.py`.

The diagnosis date is the date the patient was told (the FDS pathway end) where the CWT record has one,
else shortly before the decision to treat; untreated cancers are spread over the year. Patients whose
pathway is still open at the census are not yet registered. Deprivation leans towards the most deprived
quintile for emergency presentations (ASSUMPTION, in line with Routes to Diagnosis findings).
"""

from __future__ import annotations

import numpy as np

from cancer_alliance.synth.calibration import MONTHS, STAGE_CODES, Calibration
from cancer_alliance.synth.cwt import CwtResult
from cancer_alliance.synth.patients import ROUTES_TO_DIAGNOSIS, RTD, Patients
from cancer_alliance.synth.sampling import categorical, dates_in_months
from cancer_alliance.synth.tables import NULL

#: Deprivation quintile (1 = most deprived) mix of emergency presentations and of other routes.
DEPRIVATION = {True: np.array([0.26, 0.22, 0.19, 0.17, 0.16]), False: np.array([0.19, 0.2, 0.2, 0.2, 0.21])}


def site_codes(cal: Calibration) -> np.ndarray:
    """cancer_site code of each NDRS site group ('Head and neck' -> 'head_and_neck')."""
    return np.array([name.lower().replace(" ", "_") for name in cal.sites.names])


def ccg_of(rng: np.random.Generator, cal: Calibration, alliance: np.ndarray) -> np.ndarray:
    """A CCG of each person's alliance (equal chance; CCG populations are not in the reference data)."""
    result = np.full(len(alliance), "", dtype="<U9")
    for a in np.unique(alliance):
        rows = np.flatnonzero(alliance == a)
        ccgs = cal.alliances.ccgs[a]
        result[rows] = ccgs[rng.integers(0, len(ccgs), len(rows))] if len(ccgs) else ""
    return result


def generate_registrations(
    cal: Calibration, patients: Patients, numbers: np.ndarray, cwt: CwtResult, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    first = np.flatnonzero(cwt.kind == 0)
    owner = cwt.patient[first]
    fds = cwt.columns["fds_end_date"][first]
    dtt = cwt.columns["decision_to_treat_date"][first]
    treated_on = cwt.columns["treatment_start_date"][first]
    diagnosed = np.full(len(patients), NULL, dtype=np.int64)
    told = np.where(fds != NULL, fds, dtt - rng.integers(0, 15, len(first)))
    in_year = (treated_on != NULL) & (patients.month[owner] < len(MONTHS))
    diagnosed[owner[in_year]] = np.where(dtt[in_year] == NULL, NULL, told[in_year])
    untreated = np.flatnonzero(~patients.treated)
    diagnosed[untreated] = dates_in_months(rng, MONTHS, rng.integers(0, len(MONTHS), len(untreated)))
    rows = np.flatnonzero(diagnosed != NULL)

    emergency = patients.route_to_diagnosis[rows] == RTD["emergency_presentation"]
    deprivation = (
        np.where(
            emergency, categorical(rng, DEPRIVATION[True], rows), categorical(rng, DEPRIVATION[False], rows)
        )
        + 1
    )
    return {
        "nhs_number": numbers[rows],
        "diagnosis_date": diagnosed[rows],
        "icd10": patients.icd10[rows],
        "cancer_site": site_codes(cal)[patients.site[rows]],
        "stage": np.array(STAGE_CODES)[patients.stage[rows]],
        "route_to_diagnosis": np.array(ROUTES_TO_DIAGNOSIS)[patients.route_to_diagnosis[rows]],
        "sex": patients.sex[rows],
        "age_at_diagnosis": patients.age[rows],
        "deprivation_quintile": deprivation,
        "ccg_code": ccg_of(rng, cal, patients.alliance[rows]),
        "trust_code": cal.trusts.codes[patients.trust[rows]],
        "alliance_code": cal.alliances.codes[patients.alliance[rows]],
    }
