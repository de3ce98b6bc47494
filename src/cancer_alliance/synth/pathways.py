"""Synthetic timed-pathway events (canonical table `pathway_event`, issue 12 item 6), written from the
CWT records the generator already made, so both tell the same story: the same pathways (pathway_id =
the CWT record_id), the same patients, referral and upgrade dates, diagnosis communicated on the FDS
end date (outcome `ruled_out` for the non-cancer referrals, `cancer` for the treated patients),
decision to treat and first treatment on the CWT dates, and the intermediate tests in between.

Which CWT records are timed pathways (ASSUMPTIONS, DERIVED from NHS England timed diagnostic pathways (2018)):
- treated cancers (first treatments) with an urgent referral or an upgrade, by ICD-10: C33-C34 lung,
  C61 prostate, C18-C20 colorectal;
- non-cancer urgent referrals by suspected type: 02 lung, 05 lower GI -> colorectal, and half of 07
  urological -> prostate (`PROSTATE_SHARE_OF_UROLOGICAL`);
- only pathways whose day 0 is on or after the first definition (April 2018), as the timed pathways
  started then; events after the census (`REFERENCE_DATE`) are not yet known.

Intermediate tests: each happens with a probability (`TESTS`), on a day drawn around its share of the
time between day 0 and diagnosis communicated (or the census for open pathways), with noise, then put in
order. So waits stretch with the pathway and late diagnoses breach their intermediate targets too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cancer_alliance.synth.calibration import REFERENCE_DATE
from cancer_alliance.synth.sampling import EPOCH
from cancer_alliance.synth.tables import NULL

CENSUS = int((REFERENCE_DATE - EPOCH).astype(np.int64))
FIRST_DAY0 = int((np.datetime64("2018-04-01") - EPOCH).astype(np.int64))
PROSTATE_SHARE_OF_UROLOGICAL = 0.5
ICD10_TUMOUR = {"C33": "lung", "C34": "lung", "C61": "prostate", "C18": "colorectal", "C19": "colorectal"}
ICD10_TUMOUR["C20"] = "colorectal"
SUSPECTED_TUMOUR = {"02": "lung", "05": "colorectal", "07": "prostate"}


@dataclass(frozen=True)
class Test:
    """An intermediate test: its event(s), where it falls between day 0 and diagnosis (share of the
    interval), and how likely it is for a cancer and for a ruled-out pathway (ASSUMPTIONS)."""

    events: tuple[str, ...]
    weights: tuple[float, ...]
    share: float
    if_cancer: float
    if_ruled_out: float


TESTS: dict[str, tuple[Test, ...]] = {
    "lung": (
        Test(("ct",), (1.0,), 0.12, 0.97, 0.95),
        Test(("pet_ct",), (1.0,), 0.45, 0.85, 0.25),
        Test(("ebus",), (1.0,), 0.70, 0.85, 0.2),
        Test(("mdt",), (1.0,), 0.85, 0.97, 0.3),
    ),
    "prostate": (
        Test(("triage",), (1.0,), 0.08, 0.95, 0.95),
        Test(("mpmri",), (1.0,), 0.30, 0.95, 0.9),
        Test(("biopsy",), (1.0,), 0.55, 0.95, 0.4),
        Test(("histology",), (1.0,), 0.80, 0.9, 0.35),
    ),
    "colorectal": (
        Test(("triage",), (1.0,), 0.08, 0.95, 0.95),
        Test(("colonoscopy", "ct_colonography"), (0.75, 0.25), 0.40, 0.95, 0.9),
        Test(("histology",), (1.0,), 0.75, 0.9, 0.5),
    ),
}
#: Spread of a test's day around its share of the interval (standard deviation, as a share).
NOISE = 0.08


@dataclass
class _Events:
    index: list[np.ndarray]  # CWT row index (pathway)
    event: list[np.ndarray]
    day: list[np.ndarray]
    provider: list[np.ndarray]
    outcome: list[np.ndarray]

    def add(
        self, rows: np.ndarray, event: str | np.ndarray, day: np.ndarray, provider: np.ndarray, outcome=""
    ) -> None:
        n = len(rows)
        self.index.append(rows)
        self.event.append(np.broadcast_to(np.asarray(event, dtype="<U22"), (n,)).copy())
        self.day.append(day.astype(np.int64))
        self.provider.append(provider.astype("<U5"))
        self.outcome.append(np.broadcast_to(np.asarray(outcome, dtype="<U9"), (n,)).copy())


def _tumours(columns: dict[str, np.ndarray], kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Tumour of each CWT record that is a timed pathway, '' otherwise."""
    n = len(kind)
    tumour = np.full(n, "", dtype="<U10")
    icd3 = columns["primary_diagnosis_icd10"].astype("<U3")
    for code, name in ICD10_TUMOUR.items():
        tumour[(kind == 0) & (icd3 == code)] = name
    suspected = columns["referral_type"]
    for code, name in SUSPECTED_TUMOUR.items():
        tumour[(kind == 1) & (suspected == code)] = name
    urological = (kind == 1) & (suspected == "07")
    tumour[urological & (rng.random(n) >= PROSTATE_SHARE_OF_UROLOGICAL)] = ""
    referral, upgrade = columns["referral_received_date"], columns["consultant_upgrade_date"]
    day0 = np.where((upgrade != NULL) & ((referral == NULL) | (upgrade > referral)), upgrade, referral)
    tumour[(day0 == NULL) | (day0 < FIRST_DAY0) | (day0 > CENSUS)] = ""
    return tumour


def _provider(columns: dict[str, np.ndarray], *names: str) -> np.ndarray:
    """The first present provider column of each row."""
    result = columns[names[-1]].astype("<U5").copy()
    for name in reversed(names[:-1]):
        value = columns[name].astype("<U5")
        result = np.where(value != "", value, result)
    return result


def generate_pathway_events(
    columns: dict[str, np.ndarray], kind: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The events as columns (without event_id and pathway_id) and, per event, the CWT row index of
    its pathway (the caller turns it into the record_id once the CWT file is numbered)."""
    tumour = _tumours(columns, kind, rng)
    rows = np.flatnonzero(tumour != "")
    c = {name: values[rows] for name, values in columns.items()}
    t = tumour[rows]
    referral, upgrade = c["referral_received_date"], c["consultant_upgrade_date"]
    upgraded = (upgrade != NULL) & ((referral == NULL) | (upgrade > referral))
    day0 = np.where(upgraded, upgrade, referral)
    seen_at = _provider(c, "provider_first_seen", "provider_fds_end", "provider_treatment")
    diagnosed_at = _provider(c, "provider_fds_end", "provider_first_seen", "provider_treatment")
    treated_at = _provider(c, "provider_treatment", "provider_fds_end", "provider_first_seen")
    upgraded_at = _provider(c, "provider_consultant_upgrade", "provider_first_seen", "provider_treatment")
    known = lambda day: (day != NULL) & (day <= CENSUS)  # noqa: E731
    events = _Events([], [], [], [], [])
    has = known(referral)
    events.add(rows[has], "referral_received", referral[has], seen_at[has])
    has = known(upgrade)
    events.add(rows[has], "consultant_upgrade", upgrade[has], upgraded_at[has])
    diagnosis = c["fds_end_date"]
    cancer = kind[rows] == 0
    has = known(diagnosis) & (diagnosis >= np.where(referral == NULL, upgrade, referral))
    outcome = np.where(cancer, "cancer", "ruled_out")
    events.add(rows[has], "diagnosis_communicated", diagnosis[has], diagnosed_at[has], outcome[has])
    for name in ("decision_to_treat_date", "treatment_start_date"):
        has = known(c[name]) & cancer
        event = "decision_to_treat" if name.startswith("decision") else "first_treatment"
        events.add(rows[has], event, c[name][has], treated_at[has])
    # Intermediate tests between day 0 and diagnosis (or the census, for a pathway still open).
    # A treated patient without an FDS end date was diagnosed by the decision to treat at the latest.
    decided = np.where(known(c["decision_to_treat_date"]), c["decision_to_treat_date"], NULL)
    diagnosed = np.where(known(diagnosis), diagnosis, decided)
    end = np.where((diagnosed != NULL) & (diagnosed >= day0), diagnosed, np.maximum(CENSUS, day0))
    span = (end - day0).astype(float)
    for name, tests in TESTS.items():
        mine = np.flatnonzero(t == name)
        shares = np.column_stack(
            [np.clip(rng.normal(test.share, NOISE, len(mine)), 0.0, 1.0) for test in tests]
        )
        shares.sort(axis=1)  # tests in order
        for slot, test in enumerate(tests):
            likely = np.where(cancer[mine], test.if_cancer, test.if_ruled_out)
            chosen = rng.random(len(mine)) < likely
            day = day0[mine] + np.round(shares[:, slot] * span[mine]).astype(np.int64)
            keep = chosen & (day <= CENSUS)
            which = np.asarray(test.events)[rng.choice(len(test.events), len(mine), p=test.weights)]
            at = mine[keep]
            events.add(rows[at], which[keep], day[keep], seen_at[at])
    index = np.concatenate(events.index)
    local = np.searchsorted(rows, index)
    out = {
        "nhs_number": columns["nhs_number"][index],
        "tumour": t[local],
        "provider_code": np.concatenate(events.provider),
        "event": np.concatenate(events.event),
        "event_date": np.concatenate(events.day),
        "outcome": np.concatenate(events.outcome),
    }
    order = np.lexsort((out["event_date"], index))
    return index[order], {name: values[order] for name, values in out.items()}


def record_ids(prefix: str, positions: np.ndarray, digits: int = 8) -> np.ndarray:
    """`tables.key(prefix, p)` for each position, vectorised (fixed-width digits by arithmetic)."""
    numbers = positions.astype(np.int64) + 1
    powers = 10 ** np.arange(digits - 1, -1, -1, dtype=np.int64)
    chars = (numbers[:, None] // powers % 10 + ord("0")).astype(np.uint8)
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    matrix = np.hstack([np.broadcast_to(head, (len(numbers), len(head))), chars])
    return np.ascontiguousarray(matrix).view(f"S{matrix.shape[1]}").ravel().astype(f"<U{matrix.shape[1]}")
