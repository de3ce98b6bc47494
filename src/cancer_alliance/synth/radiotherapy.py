"""Synthetic radiotherapy courses (canonical table `radiotherapy_course`): one per CWT record whose
treatment is radiotherapy (modality 04, 05, 06), so the course's decision to treat and start date are the
CWT record's and its centre is the radiotherapy centre that treated the patient.

Intent, technique and schedule (dose, fractions) follow the site and stage with common UK schedules of
2018/19, e.g. breast 40 Gy in 15 fractions (NICE NG101; 26 Gy in 5 came later), prostate 60 Gy in 20,
palliative 8 Gy single fraction or 20 Gy in 5; shares are ASSUMPTIONS (NHS England service specification
B01/S/a lists the
service specification's checks; its numeric targets were NOT FOUND). Fractions are given on weekdays.

Linacs (canonical table `linac`): a fixed inventory for every radiotherapy centre (the trusts of the
radiotherapy networks, reference data): about 270 machines in England (ASSUMPTION, the order of the
2019 national fleet), shared between centres by their alliance's activity; each machine's age, upgrade,
retirement and techniques are drawn from a generator seeded by the centre's ODS code, so the inventory
is the same for every seed and scale. Each course is given on one of its centre's machines in service
on its start date (a SABR course on a SABR machine, an IMRT course on an IMRT machine, where one exists).
"""

from __future__ import annotations

import zlib

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
#: Linacs in England, to share between the centres (ASSUMPTION: order of the 2019 fleet).
NATIONAL_LINACS = 270
MIN_LINACS = 2
YEAR_DAYS = 365.25
#: Ages at the census drawn uniformly up to this many years (so some machines are over 10).
MAX_AGE_YEARS = 12.0
#: Chances (ASSUMPTIONS): upgraded once after 5-7 years; an over-age machine retired in the last year;
#: techniques by machine (IMRT less likely on machines over 9 years old).
UPGRADE_CHANCE = 0.5
RETIRE_CHANCE = 0.4
IMRT_CHANCE = (0.95, 0.6)
IGRT_CHANCE = 0.9
SABR_CHANCE = 0.15


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


def _centre_linacs(code: str, count: int) -> dict[str, np.ndarray]:
    """The inventory of one centre, from a generator seeded by its ODS code."""
    rng = np.random.default_rng(zlib.crc32(f"linac:{code}".encode()))
    age = rng.uniform(0.2, MAX_AGE_YEARS, count)
    commissioned = CENSUS - np.rint(age * YEAR_DAYS).astype(np.int64)
    upgraded = (age > 5) & (rng.random(count) < UPGRADE_CHANCE)
    upgrade_after = rng.uniform(5, 7, count)
    upgrade = np.where(
        upgraded & (upgrade_after < age),
        commissioned + np.rint(upgrade_after * YEAR_DAYS).astype(np.int64),
        NULL,
    )
    retired = (age > 10) & (rng.random(count) < RETIRE_CHANCE)
    retire = np.where(retired, CENSUS - rng.integers(1, 365, count), NULL)
    imrt = rng.random(count) < np.where(age > 9, IMRT_CHANCE[1], IMRT_CHANCE[0])
    sabr = (rng.random(count) < SABR_CHANCE) | ((np.arange(count) == 0) & (count >= 4))
    return {
        "linac_id": np.array([f"{code}-LA{i + 1:02d}" for i in range(count)]),
        "provider_code": np.full(count, code),
        "commissioned_date": commissioned,
        "last_upgrade_date": upgrade,
        "decommissioned_date": retire,
        "delivers_imrt": imrt.astype(np.int8),
        "delivers_igrt": (rng.random(count) < IGRT_CHANCE).astype(np.int8),
        "delivers_sabr": (sabr & imrt).astype(np.int8),
    }


def generate_linacs(cal: Calibration) -> dict[str, np.ndarray]:
    """Every radiotherapy centre's machines (module docstring): the same for every seed and scale."""
    trusts = cal.trusts
    centres = np.flatnonzero(trusts.radiotherapy)
    parts = []
    for c in centres:
        peers = centres[trusts.alliance[centres] == trusts.alliance[c]]
        share = cal.alliances.share[trusts.alliance[c]] * trusts.weight[c] / trusts.weight[peers].sum()
        count = max(MIN_LINACS, int(round(NATIONAL_LINACS * share)))
        parts.append(_centre_linacs(str(trusts.codes[c]), count))
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def _assign_linacs(
    rng: np.random.Generator,
    linacs: dict[str, np.ndarray],
    provider: np.ndarray,
    start: np.ndarray,
    technique: np.ndarray,
) -> np.ndarray:
    """A machine of the course's centre in service on its start date, preferring one that can deliver
    the course's technique; random among the eligible."""
    chosen = np.full(len(provider), "", dtype=object)
    for code in np.unique(provider):
        rows = np.flatnonzero(provider == code)
        own = np.flatnonzero(linacs["provider_code"] == code)
        if len(own) == 0:
            continue
        begun = linacs["commissioned_date"][own][None, :] <= start[rows][:, None]
        ended = linacs["decommissioned_date"][own]
        running = begun & ((ended == NULL) | (ended > start[rows][:, None]))[:]
        sabr = (technique[rows] == "sabr")[:, None] & (linacs["delivers_sabr"][own] == 1)[None, :]
        imrt = (technique[rows] == "imrt")[:, None] & (linacs["delivers_imrt"][own] == 1)[None, :]
        other = ~np.isin(technique[rows], ("sabr", "imrt"))[:, None]
        able = running & (sabr | imrt | other)
        eligible = np.where(able.any(axis=1)[:, None], able, running)
        eligible = np.where(eligible.any(axis=1)[:, None], eligible, True)
        score = np.where(eligible, rng.random(eligible.shape), -1.0)
        chosen[rows] = linacs["linac_id"][own][score.argmax(axis=1)]
    return chosen.astype(str)


def generate_radiotherapy(
    cal: Calibration, patients: Patients, cwt: CwtResult, rng: np.random.Generator
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The courses and the linac inventory they were given on."""
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
    linacs = generate_linacs(cal)
    external = technique != "brachytherapy"
    linac_id = np.full(n, "", dtype=object)
    linac_id[external] = _assign_linacs(rng, linacs, provider[external], start[external], technique[external])
    courses = {
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
        "linac_id": linac_id.astype(str),
    }
    return courses, linacs
