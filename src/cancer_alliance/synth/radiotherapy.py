"""Synthetic radiotherapy courses (canonical table `radiotherapy_course`): one per CWT record whose
treatment is radiotherapy (modality 04, 05, 06), so the course's decision to treat and start date are the
CWT record's and its centre is the radiotherapy centre that treated the patient.

Intent, technique and schedule (dose, fractions) follow the site and stage with common UK schedules of
2018/19, e.g. breast 40 Gy in 15 fractions (NICE NG101; 26 Gy in 5 came later), prostate 60 Gy in 20,
palliative 8 Gy single fraction or 20 Gy in 5; shares are ASSUMPTIONS (clinical-models §8 lists the
service specification's checks; its numeric targets were NOT FOUND). Fractions are given on weekdays.
"""

from __future__ import annotations

import numpy as np

from cancer_alliance.synth.calibration import REFERENCE_DATE, Calibration
from cancer_alliance.synth.cwt import CwtResult
from cancer_alliance.synth.patients import Patients
from cancer_alliance.synth.sampling import EPOCH, categorical
from cancer_alliance.synth.tables import NULL

RADIOTHERAPY_MODALITIES = ("04", "05", "06")
CENSUS = int((REFERENCE_DATE - EPOCH).astype(np.int64))
#: (dose Gy, fractions, weight) by ICD-10 prefix for radical courses; palliative for all sites.
RADICAL = {
    "C50": ((40.0, 15, 0.7), (50.0, 25, 0.2), (26.0, 5, 0.1)),
    "C61": ((60.0, 20, 0.6), (74.0, 37, 0.3), (36.25, 5, 0.1)),
    "C34": ((55.0, 20, 0.5), (60.0, 30, 0.3), (54.0, 3, 0.2)),
    "C0": ((70.0, 35, 0.8), (65.0, 30, 0.2)),
    "C1": ((50.0, 25, 0.5), (45.0, 25, 0.5)),
    "C2": ((45.0, 25, 0.6), (50.4, 28, 0.4)),
    "C5": ((45.0, 25, 0.7), (50.4, 28, 0.3)),
    "": ((50.0, 25, 0.4), (55.0, 20, 0.3), (60.0, 30, 0.3)),
}
PALLIATIVE = ((8.0, 1, 0.4), (20.0, 5, 0.4), (30.0, 10, 0.2))
TECHNIQUES = (("imrt", 0.6), ("conventional", 0.35), ("other", 0.05))


def _schedule(
    rng: np.random.Generator, icd10: np.ndarray, palliative: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    dose = np.zeros(len(icd10))
    fractions = np.zeros(len(icd10), dtype=np.int64)
    assigned = np.zeros(len(icd10), dtype=bool)
    groups = [(p, RADICAL[p], ~palliative & np.char.startswith(icd10, p)) for p in RADICAL if p]
    groups += [("", RADICAL[""], ~palliative), ("palliative", PALLIATIVE, palliative)]
    for _, options, mask in groups:
        rows = np.flatnonzero(mask & ~assigned)
        chosen = categorical(rng, np.array([w for *_, w in options]), rows)
        dose[rows] = np.array([d for d, *_ in options])[chosen]
        fractions[rows] = np.array([f for _, f, _ in options])[chosen]
        assigned[rows] = True
    return dose, fractions


def generate_radiotherapy(
    cal: Calibration, patients: Patients, cwt: CwtResult, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    c = cwt.columns
    rows = np.flatnonzero(
        np.isin(c["treatment_modality"], RADIOTHERAPY_MODALITIES) & (c["treatment_start_date"] != NULL)
    )
    n = len(rows)
    owner = cwt.patient[rows]
    linked = owner >= 0
    icd10 = c["primary_diagnosis_icd10"][rows].astype(str)
    late = np.where(linked, patients.stage[np.maximum(owner, 0)] == 3, False)
    subsequent = cwt.kind[rows] == 2
    palliative = rng.random(n) < np.select([late, subsequent], [0.7, 0.55], 0.2)
    intent = np.where(palliative, "palliative", np.where(rng.random(n) < 0.03, "other", "radical"))
    dose, fractions = _schedule(rng, icd10, palliative)
    technique = np.array([t for t, _ in TECHNIQUES])[
        categorical(rng, np.array([w for _, w in TECHNIQUES]), np.arange(n))
    ]
    stereotactic = ~palliative & np.char.startswith(icd10, "C34") & (fractions <= 5)
    technique = np.where(stereotactic, "sabr", technique)
    technique = np.where(c["treatment_modality"][rows] == "06", "brachytherapy", technique)
    start = c["treatment_start_date"][rows]
    end = start + np.rint((fractions - 1) * 7 / 5).astype(np.int64)
    provider = c["provider_treatment"][rows].astype(str)
    alliance_of = dict(zip(cal.trusts.codes, cal.alliances.codes[cal.trusts.alliance], strict=True))
    age = np.where(linked, patients.age[np.maximum(owner, 0)], rng.integers(45, 90, n))
    return {
        "nhs_number": c["nhs_number"][rows],
        "provider_code": provider,
        "alliance_code": np.array([alliance_of[p] for p in provider]) if n else np.array([], dtype=str),
        "age": age,
        "icd10": icd10,
        "intent": intent,
        "technique": technique,
        "decision_to_treat_date": c["decision_to_treat_date"][rows],
        "start_date": start,
        "end_date": np.where(end > CENSUS, NULL, end),
        "prescribed_dose_gy": dose,
        "fractions": fractions,
        "linac_id": np.char.add(np.char.add(provider, "-LA"), rng.integers(1, 7, n).astype(str)),
    }
