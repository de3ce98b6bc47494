"""Synthetic CWT records (canonical table `cwt`), calibrated to the national 2018/19 figures.

Three kinds of record, built in this order so that each later kind corrects the sampling noise of the
earlier ones and every standard lands on the published monthly volume and performance:

1. First-treatment pathways of the cancer patients (`patients.py`): referral -> first seen -> FDS end
   -> decision to treat -> (transfer) -> treatment, in date order. Their 62-day outcome is drawn at the
   published monthly rate of their route, with trust and month variation (`trust_month_probability`);
   2WW and 31-day waits are drawn too, then made to fit inside the 62 days. About one in six is an
   inter-provider transfer with a transfer date and an accountable investigating provider (breach allocation
   [S6, S40]);
   radiotherapy is always given at a radiotherapy centre.
2. Non-cancer 2WW and breast symptomatic referrals: the rest of each month's 2WW volume, at the
   within-14-day rate that makes the month's total land on the published figure; they end the FDS
   pathway (cancer ruled out) and have no treatment. Also the referrals still waiting at the census.
3. Subsequent treatments (31-day drug, radiotherapy, surgery): published monthly volumes and rates,
   for this year's patients after their first treatment or for patients treated in earlier years.

The 31-day first rate of the `other` route (emergency admissions, routine referrals) is likewise set
after the route pathways are drawn. Waiting-time rules: CWT guidance [S1]-breach allocation [S6, S40];
adjustments CWT adjustments [S16, S24] (DNA = reason 3,
the clock restarting at the missed appointment); months are months of the clock stop (CWT reporting
conventions [S1, S31]).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cancer_alliance.synth.calibration import MONTHS, REFERENCE_DATE, Calibration
from cancer_alliance.synth.patients import (
    BREAST_SYMPTOMATIC,
    OTHER,
    PATHWAY_MONTHS,
    RTD,
    SCREENING,
    UPGRADE,
    USC,
    Patients,
)
from cancer_alliance.synth.sampling import (
    EPOCH,
    categorical,
    dates_in_months,
    month_of,
    stochastic_round,
    trust_month_probability,
    waits,
)
from cancer_alliance.synth.tables import NULL

CENSUS = int((REFERENCE_DATE - EPOCH).astype(np.int64))
#: Shapes of the waits inside each standard (Beta a, b on 0..N) and the mean excess of breaches (days).
WAIT_SHAPES = {
    "2ww": (4.0, 1.6, 4.0),
    "31d": (1.1, 2.2, 9.0),
    "62d": (3.5, 1.6, 22.0),
    "fds": (1.2, 1.2, 14.0),
}
#: Day ranges (inclusive) and shares of the pathway model (ASSUMPTIONS, shaped on the CWT guidance's worked
#: examples): referral to a missed 2WW appointment, i.e. the DNA adjustment (CWT adjustments [S16, S24], E2);
#: a treatment
#: adjustment; routine referral to first seen before a consultant upgrade; screening referral to first
#: seen; referral to decision to treat on the `other` route.
DNA_DAYS = (2, 10)
TREATMENT_ADJUSTMENT_DAYS = (3, 14)
ROUTINE_FIRST_SEEN_DAYS = (7, 60)
SCREENING_FIRST_SEEN_DAYS = (3, 24)
OTHER_ROUTE_DECISION_DAYS = (5, 40)
#: Emergency presentations recorded without a referral date or first-seen date.
EMERGENCY_WITHOUT_REFERRAL = 0.5
#: FDS pathways ended at the first appointment (one-stop clinics), among those ending within 28 days.
ONE_STOP = 0.4
#: Subsequent treatments of this year's patients (the rest: patients first treated in earlier years),
#: and of those, the share given at the trust of the first treatment.
SUBSEQUENT_THIS_YEAR = 0.55
SUBSEQUENT_SAME_TRUST = 0.8
#: SOURCE OF REFERRAL of 2WW referrals: general medical and general dental practitioners.
TWO_WEEK_WAIT_SOURCES = (("03", 0.97), ("92", 0.03))
#: 62-day within rate for breast symptomatic cancers (no 2018/19 standard; ASSUMPTION).
BREAST_SYMPTOMATIC_62D = 0.9
#: FDS end reasons used: '02' cancer diagnosed, '01' cancer ruled out. UNVERIFIED: the code list was
#: not found (FDS [S1, S17]); the default FDS rules count every end reason.
FDS_CANCER, FDS_RULED_OUT = "02", "01"
#: Treatment adjustment reason written where a treatment adjustment is made; the code list was not
#: found (CWT adjustments [S16, S24]), so this is a placeholder value, kept for reporting only.
TREATMENT_ADJUSTMENT_REASON = "01"
#: SOURCE OF REFERRAL FOR OUT-PATIENTS per route to diagnosis of `other`-route first treatments.
OTHER_SOURCES = {
    RTD["emergency_presentation"]: (("01", 0.6), ("04", 0.3), ("10", 0.1)),
    RTD["gp_referral"]: (("03", 1.0),),
    RTD["other_outpatient"]: (("05", 0.7), ("11", 0.3)),
    RTD["inpatient_elective"]: (("11", 1.0),),
}
COLUMNS = (
    "record_id nhs_number priority_type source_of_referral referral_type referral_received_date "
    "consultant_upgrade_date provider_consultant_upgrade date_first_seen provider_first_seen "
    "adjustment_first_seen_days adjustment_first_seen_reason fds_end_date fds_end_reason "
    "fds_exclusion_reason "
    "provider_fds_end decision_to_treat_date transfer_to_treatment_date accountable_investigating_provider "
    "treatment_start_date adjustment_treatment_days adjustment_treatment_reason provider_treatment "
    "treatment_event_type treatment_modality primary_diagnosis_icd10"
).split()
DATE_COLUMNS = [c for c in COLUMNS if c.endswith("_date") or c.startswith("date_")]
INT_COLUMNS = ["adjustment_first_seen_days", "adjustment_treatment_days", "nhs_number"]


@dataclass
class CwtResult:
    """The CWT columns, and for the first-treatment records the patient each belongs to."""

    columns: dict[str, np.ndarray]
    patient: np.ndarray  # index into Patients for each record; -1 for non-cancer and earlier-year patients
    kind: np.ndarray  # 0 first treatment, 1 non-cancer referral, 2 subsequent treatment


def _empty(n: int) -> dict[str, np.ndarray]:
    columns = {}
    for name in COLUMNS:
        if name in DATE_COLUMNS or name in INT_COLUMNS:
            columns[name] = np.full(n, NULL, dtype=np.int64)
        else:
            wide = name.startswith("provider") or name in (
                "accountable_investigating_provider",
                "primary_diagnosis_icd10",
            )
            columns[name] = np.full(n, "", dtype="<U5" if wide else "<U2")
    return columns


def _null_column(name: str, n: int) -> np.ndarray:
    if name in DATE_COLUMNS or name in INT_COLUMNS:
        return np.full(n, NULL, dtype=np.int64)
    return np.full(n, "", dtype="<U2")


def _concatenate(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """One column array per CWT column over all parts; a column a part lacks is null there."""
    sizes = [len(next(iter(p.values()))) for p in parts]
    return {
        name: np.concatenate(
            [p[name] if name in p else _null_column(name, n) for p, n in zip(parts, sizes, strict=True)]
        )
        for name in COLUMNS
        if name != "record_id"
    }


def _days(rng: np.random.Generator, bounds: tuple[int, int], n: int) -> np.ndarray:
    """Whole days, uniform over the inclusive range `bounds`."""
    return rng.integers(bounds[0], bounds[1] + 1, n)


def _pick(rng: np.random.Generator, options: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    codes = np.array([c for c, _ in options])
    return codes[categorical(rng, np.array([w for _, w in options]), np.arange(n))]


class _Targets:
    """Monthly national rates and the trust x month probabilities of every standard."""

    def __init__(self, cal: Calibration, rng: np.random.Generator):
        self.cal = cal
        self.rng = rng
        self.share = cal.trusts.weight

    def matrix(self, rate: np.ndarray, family: str, share: np.ndarray | None = None) -> np.ndarray:
        """Trust x month probabilities; `share` = actual records per trust and month where known."""
        model = self.cal.model
        share = self.share if share is None else share
        return trust_month_probability(
            self.rng, np.clip(rate, 0.01, 0.999), share, model.trust_sd[family], model.month_sd
        )

    def rate(self, key: str, months: int = 12) -> np.ndarray:
        performance = self.cal.standards[key].monthly_performance
        return performance[np.r_[np.arange(12), 0, 1][:months]]


def _counts(cal: Calibration, trust: np.ndarray, month: np.ndarray, months: int) -> np.ndarray:
    """Records per trust and month."""
    counts = np.zeros((len(cal.trusts.codes), months))
    np.add.at(counts, (trust, month), 1)
    return counts


def _treating_trust(
    rng: np.random.Generator,
    cal: Calibration,
    trust: np.ndarray,
    transfer: np.ndarray,
    radiotherapy: np.ndarray,
) -> np.ndarray:
    """Treating trust: the investigating trust, or for transfers another trust of the alliance (larger
    trusts more often; a radiotherapy centre when the treatment is radiotherapy)."""
    trusts = cal.trusts
    result = trust.copy()
    need_rt = radiotherapy & ~trusts.radiotherapy[trust]
    move = transfer | need_rt
    for a in np.unique(trusts.alliance[trust[move]]):
        rows = np.flatnonzero(move & (trusts.alliance[trust] == a))
        members = np.flatnonzero(trusts.alliance == a)
        weight = trusts.weight[members] ** 2
        for _ in range(4):
            w = np.where(radiotherapy[rows][:, None], weight * trusts.radiotherapy[members], weight)
            w = np.where(w.sum(axis=1, keepdims=True) > 0, w, weight)
            result[rows] = members[categorical(rng, w, np.arange(len(rows)))]
            rows = rows[(result[rows] == trust[rows]) & ~need_rt[rows]]
            if len(rows) == 0:
                break
    return result


def _first_treatments(
    cal: Calibration, patients: Patients, numbers: np.ndarray, targets: _Targets, rng: np.random.Generator
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    model = cal.model
    rows = np.flatnonzero(patients.treated)
    n = len(rows)
    route = patients.route[rows]
    month = patients.month[rows]
    trust = patients.trust[rows]
    site = patients.site[rows]
    declined = patients.declined[rows]
    on_62d = route != OTHER
    transfer = on_62d & (rng.random(n) < model.ipt_share)
    treating = _treating_trust(rng, cal, trust, transfer, patients.modality_group[rows] == 2)
    transfer = on_62d & (treating != trust)

    # 62-day outcome at the route's published monthly rate (investigating trust, treatment month)
    p62 = np.full(n, BREAST_SYMPTOMATIC_62D)
    for r, key in ((USC, "62D_GP_urgent"), (SCREENING, "62D_screening"), (UPGRADE, "62D_upgrade")):
        sel = route == r
        matrix = targets.matrix(targets.rate(key, 14), "62d", _counts(cal, trust[sel], month[sel], 14))
        p62[sel] = matrix[trust[sel], month[sel]]
    d62 = waits(rng, rng.random(n) < p62, 62, *WAIT_SHAPES["62d"])

    p31 = targets.matrix(targets.rate("31D_first", 14), "31d", _counts(cal, treating, month, 14))[
        treating, month
    ]
    d31 = waits(rng, rng.random(n) < p31, 31, *WAIT_SHAPES["31d"])
    p2 = np.where(
        route == BREAST_SYMPTOMATIC,
        targets.rate("2WW_breast_symptomatic", 14)[month],
        targets.rate("2WW", 14)[month],
    )
    two_week_wait = (route == USC) | (route == BREAST_SYMPTOMATIC)
    d2 = np.where(two_week_wait, waits(rng, rng.random(n) < p2, 14, *WAIT_SHAPES["2ww"]), 0)
    # fit the 2WW and 31-day waits inside the 62 days, leaving time for diagnosis
    d31 = np.where(on_62d, np.minimum(d31, np.maximum(d62 - d2, 0)), d31)
    d2 = np.where(on_62d, np.minimum(d2, d62 - d31), d2)

    # `other` route: the 31-day first rate that makes each month land on the published figure
    counted = ~declined & (month < 12)
    other = route == OTHER
    standard = cal.standards["31D_first"]
    for m in range(12):
        in_month = counted & (month == m)
        total = in_month.sum()
        within = (in_month & ~other & (d31 <= 31)).sum()
        fill = in_month & other
        if fill.sum():
            rate = np.clip((standard.monthly_performance[m] * total - within) / fill.sum(), 0, 1)
            d31[fill] = waits(rng, rng.random(fill.sum()) < rate, 31, *WAIT_SHAPES["31d"])

    treat = dates_in_months(rng, PATHWAY_MONTHS, month)
    dna = two_week_wait & (rng.random(n) < model.dna_share)
    adj_fs = np.where(dna, _days(rng, DNA_DAYS, n), 0)
    adj_t = np.where(
        rng.random(n) < model.treatment_adjustment_share, _days(rng, TREATMENT_ADJUSTMENT_DAYS, n), 0
    )
    dtt = treat - d31 - adj_t
    clock_start = treat - d62 - adj_fs - adj_t  # referral, or upgrade date for upgrades
    first_seen = clock_start + adj_fs + d2
    referral = clock_start.copy()
    upgrade = route == UPGRADE
    upgrade_date = np.where(upgrade, clock_start, NULL)
    first_seen[upgrade] = clock_start[upgrade] - rng.geometric(0.2, upgrade.sum()) + 1
    referral[upgrade] = first_seen[upgrade] - _days(rng, ROUTINE_FIRST_SEEN_DAYS, upgrade.sum())
    screening = route == SCREENING
    first_seen[screening] = referral[screening] + np.minimum(
        _days(rng, SCREENING_FIRST_SEEN_DAYS, screening.sum()), dtt[screening] - referral[screening]
    )
    gap = _days(rng, OTHER_ROUTE_DECISION_DAYS, n)
    referral[other] = dtt[other] - gap[other]
    first_seen[other] = referral[other] + np.minimum(rng.integers(0, 11, other.sum()), gap[other])
    fds_route = ~upgrade & ~other
    fds_end = np.where(
        fds_route, first_seen + np.rint(rng.beta(2, 2, n) * (dtt - first_seen)).astype(np.int64), NULL
    )
    handover_from = np.where(upgrade, clock_start, first_seen)  # the 38-day phase starts at the clock start
    share = rng.uniform(0.1, 1.0, n)
    transfer_date = np.where(
        transfer, handover_from + np.rint(share * (dtt - handover_from)).astype(np.int64), NULL
    )

    c = _empty(n)
    c["nhs_number"] = numbers[rows]
    c["priority_type"] = np.select(
        [(route == USC) | (route == BREAST_SYMPTOMATIC), screening],
        ["3", "2"],
        _pick(rng, (("1", 0.7), ("2", 0.3)), n),
    )
    source = _pick(rng, TWO_WEEK_WAIT_SOURCES, n)
    source[screening] = "17"
    source[upgrade] = _pick(rng, (("03", 0.8), ("05", 0.2)), upgrade.sum())
    rtd = patients.route_to_diagnosis[rows]
    for code, options in OTHER_SOURCES.items():
        sel = other & (rtd == code)
        source[sel] = _pick(rng, options, sel.sum())
    c["source_of_referral"] = source
    suspected = _suspected_type(cal, site, patients.icd10[rows])
    c["referral_type"] = np.select([route == USC, route == BREAST_SYMPTOMATIC], [suspected, "16"], "")
    emergency_without_referral = (
        other & (rtd == RTD["emergency_presentation"]) & (rng.random(n) < EMERGENCY_WITHOUT_REFERRAL)
    )
    c["referral_received_date"] = np.where(emergency_without_referral, NULL, referral)
    c["consultant_upgrade_date"] = upgrade_date
    c["provider_consultant_upgrade"] = np.where(upgrade, cal.trusts.codes[trust], "")
    c["date_first_seen"] = np.where(emergency_without_referral, NULL, first_seen)
    c["provider_first_seen"] = np.where(emergency_without_referral, "", cal.trusts.codes[trust])
    c["adjustment_first_seen_days"] = np.where(two_week_wait, adj_fs, NULL)
    c["adjustment_first_seen_reason"] = np.where(dna, "3", np.where(two_week_wait, "9", ""))
    c["fds_end_date"] = fds_end
    c["fds_end_reason"] = np.where(fds_route, FDS_CANCER, "")
    c["provider_fds_end"] = np.where(fds_route, cal.trusts.codes[trust], "")
    c["decision_to_treat_date"] = dtt
    c["transfer_to_treatment_date"] = transfer_date
    accountable = transfer & (rng.random(n) >= model.ipt_accountable_missing)
    c["accountable_investigating_provider"] = np.where(accountable, cal.trusts.codes[trust], "")
    c["treatment_start_date"] = treat
    c["adjustment_treatment_days"] = adj_t
    c["adjustment_treatment_reason"] = np.where(adj_t > 0, TREATMENT_ADJUSTMENT_REASON, "")
    c["provider_treatment"] = cal.trusts.codes[treating]
    c["treatment_event_type"] = patients.event_type[rows]
    c["treatment_modality"] = patients.modality[rows]
    c["primary_diagnosis_icd10"] = patients.icd10[rows]
    keep = _censor(c)
    return {k: v[keep] for k, v in c.items()}, rows[keep]


def _suspected_type(cal: Calibration, site: np.ndarray, icd10: np.ndarray) -> np.ndarray:
    """2WW suspected cancer type of a cancer's referral: the site's type; for the NDRS 'Other' group,
    the type of its ICD-10 code (synth/data/other_sites.csv)."""
    result = cal.sites.referral_type[site].astype("<U2")
    by_code = {r["icd10"]: r["referral_type"] for r in cal.other_sites}
    other = site == cal.sites.index("Other")
    result[other] = [by_code[code[:3]] for code in icd10[other]]
    return result


def _censor(c: dict[str, np.ndarray]) -> np.ndarray:
    """Blank everything after the census date (the pathway is still open) and drop records referred
    after it; returns the rows to keep."""
    for name in DATE_COLUMNS:
        c[name] = np.where(c[name] > CENSUS, NULL, c[name])
    untreated = c["treatment_start_date"] == NULL
    for name in (
        "treatment_event_type",
        "treatment_modality",
        "provider_treatment",
        "adjustment_treatment_reason",
    ):
        c[name] = np.where(untreated, "", c[name])
    c["adjustment_treatment_days"] = np.where(untreated, NULL, c["adjustment_treatment_days"])
    not_upgraded = c["consultant_upgrade_date"] == NULL
    c["provider_consultant_upgrade"] = np.where(not_upgraded, "", c["provider_consultant_upgrade"])
    no_fds = c["fds_end_date"] == NULL
    c["fds_end_reason"] = np.where(no_fds, "", c["fds_end_reason"])
    referred = c["referral_received_date"] != NULL
    first_seen = c["date_first_seen"] != NULL
    return ~(~referred & ~first_seen & untreated)


def _two_week_wait_referrals(
    cal: Calibration, first: dict[str, np.ndarray], targets: _Targets, scale: float, rng: np.random.Generator
) -> list[dict[str, np.ndarray]]:
    """Non-cancer 2WW and breast symptomatic referrals topping each month up to the published figures,
    referrals still waiting to be seen at the census, and screening referrals where cancer was ruled out."""
    model = cal.model
    parts = []
    fs = first["date_first_seen"]
    fs_month = np.where(fs == NULL, -1, month_of(np.where(fs == NULL, 0, fs), MONTHS))
    d2 = (
        fs
        - first["referral_received_date"]
        - np.where(first["adjustment_first_seen_days"] == NULL, 0, first["adjustment_first_seen_days"])
    )
    for key, breast in (("2WW", False), ("2WW_breast_symptomatic", True)):
        standard = cal.standards[key]
        cancer = (
            (first["priority_type"] == "3") & ((first["referral_type"] == "16") == breast) & (fs_month >= 0)
        )
        count = np.bincount(fs_month[cancer], minlength=12)
        within = np.bincount(fs_month[cancer & (d2 <= 14)], minlength=12)
        fill = np.maximum(stochastic_round(rng, standard.monthly_total * scale) - count, 0)
        rate = np.clip(
            (standard.monthly_performance * (count + fill) - within) / np.maximum(fill, 1), 0.01, 0.999
        )
        matrix = targets.matrix(rate, "2ww")
        month = np.repeat(np.arange(12), fill)
        route = "breast_symptomatic" if breast else "usc"
        parts.append(_referrals(cal, rng, month, matrix, route, open_=False))
        opening = int(
            round(standard.monthly_total[-1] / 31 * model.open_2ww_days * model.open_2ww_waiting * scale)
        )
        parts.append(_referrals(cal, rng, np.full(opening, 11), matrix, route, open_=True))
    screening = stochastic_round(
        rng, cal.standards["62D_screening"].monthly_total * scale * model.screening_non_cancer
    )
    parts.append(_referrals(cal, rng, np.repeat(np.arange(12), screening), None, "screening", open_=False))
    return parts


def _referrals(
    cal: Calibration,
    rng: np.random.Generator,
    month: np.ndarray,
    matrix: np.ndarray | None,
    route: str,
    open_: bool,
) -> dict[str, np.ndarray]:
    """Referrals that end without cancer: 2WW (`usc`), `breast_symptomatic` or `screening`."""
    model = cal.model
    n = len(month)
    trust = categorical(rng, cal.trusts.weight, np.arange(n))
    codes = cal.trusts.codes[trust]
    two_week_wait = route != "screening"
    dna = two_week_wait & (rng.random(n) < model.dna_share)
    adj = np.where(dna, _days(rng, DNA_DAYS, n), 0)
    c: dict[str, np.ndarray] = {}
    c["priority_type"] = np.full(n, "3" if two_week_wait else "2")
    c["source_of_referral"] = _pick(rng, TWO_WEEK_WAIT_SOURCES, n) if two_week_wait else np.full(n, "17")
    if route == "breast_symptomatic":
        c["referral_type"] = np.full(n, "16")
    elif route == "usc":
        types = cal.suspected_types
        c["referral_type"] = _pick(rng, tuple((r["referral_type"], float(r["share"])) for r in types), n)
    fds_rate = model.fds_within[route]
    if open_:
        c["referral_received_date"] = CENSUS - rng.integers(0, model.open_2ww_days, n)
        return c
    if matrix is None:  # screening: first seen (assessment or colonoscopy) has no 14-day standard
        d2 = _days(rng, SCREENING_FIRST_SEEN_DAYS, n)
    else:
        d2 = waits(rng, rng.random(n) < matrix[trust, month], 14, *WAIT_SHAPES["2ww"])
    seen = dates_in_months(rng, MONTHS, month)
    referral = seen - d2 - adj
    fds_within = rng.random(n) < fds_rate
    one_stop = fds_within & (rng.random(n) < ONE_STOP)
    span = np.maximum(28 - d2, 0)
    fds_days = np.where(
        fds_within & (d2 <= 28),
        d2 + np.rint(rng.random(n) * span).astype(np.int64),
        29 + rng.geometric(1 / WAIT_SHAPES["fds"][2], n),
    )
    fds_days = np.where(one_stop, d2, np.maximum(fds_days, d2))
    c["referral_received_date"] = referral
    c["date_first_seen"] = seen
    c["provider_first_seen"] = codes
    c["adjustment_first_seen_days"] = np.where(two_week_wait, adj, NULL)
    c["adjustment_first_seen_reason"] = np.where(dna, "3", np.where(two_week_wait, "9", ""))
    fds_end = referral + adj + fds_days
    known = fds_end <= CENSUS  # the pathway ends after the census: not yet known
    c["fds_end_date"] = np.where(known, fds_end, NULL)
    c["fds_end_reason"] = np.where(known, FDS_RULED_OUT, "")
    c["provider_fds_end"] = codes
    # The FDS end reason is never left blank with its end date: a ruled-out pathway without its reason
    # cannot be told from an undiagnosed one and would stay on the PTL for ever (cwt/ptl.py closes a
    # pathway on end reason 01); 2% blank made a third of the generated 62-day backlog such ghosts.
    _messy(rng, c, model.missing_optional, ("source_of_referral", "adjustment_first_seen_reason"))
    return c


def _messy(rng: np.random.Generator, c: dict[str, np.ndarray], share: float, names: tuple[str, ...]) -> None:
    """Leave optional fields blank in a small share of records, as real submissions do."""
    for name in names:
        blank = rng.random(len(c[name])) < share
        c[name] = np.where(blank, NULL if c[name].dtype.kind == "i" else "", c[name]).astype(c[name].dtype)
    if "adjustment_first_seen_reason" in names:
        # a blank reason carries no days (the days are kept only with a reason, CWT adjustments [S16, S24])
        no_reason = (c["adjustment_first_seen_reason"] == "") & (c["adjustment_first_seen_days"] == 0)
        c["adjustment_first_seen_days"] = np.where(no_reason, NULL, c["adjustment_first_seen_days"])


def _subsequent(
    cal: Calibration,
    patients: Patients,
    numbers: np.ndarray,
    first_rows: np.ndarray,
    first: dict[str, np.ndarray],
    targets: _Targets,
    scale: float,
    rng: np.random.Generator,
    earlier_numbers: np.ndarray,
) -> tuple[list[dict[str, np.ndarray]], np.ndarray]:
    """Subsequent treatments by modality group at the published monthly volumes and rates."""
    parts, owners = [], []
    treated_on = first["treatment_start_date"]
    has_treatment = (treated_on != NULL) & (first["treatment_modality"] != "98")
    order = np.flatnonzero(has_treatment)[np.argsort(treated_on[has_treatment], kind="stable")]
    sorted_dates = treated_on[order]
    modality_options = {
        0: (("01", 1.0),),
        1: (("02", 0.7), ("03", 0.15), ("15", 0.1), ("14", 0.05)),
        2: (("05", 0.85), ("04", 0.1), ("06", 0.05)),
    }
    earlier_used = 0
    for group, key in ((0, "31D_sub_surgery"), (1, "31D_sub_drug"), (2, "31D_sub_radiotherapy")):
        standard = cal.standards[key]
        count = stochastic_round(rng, standard.monthly_total * scale)
        month = np.repeat(np.arange(12), count)
        n = len(month)
        treat = dates_in_months(rng, MONTHS, month)
        # this year's patients first treated at least two weeks earlier, weighted by their site's use of
        # the modality (rejection sampling); otherwise a patient first treated in an earlier year
        available = np.searchsorted(sorted_dates, treat - 14)
        weight = cal.sites.subsequent_modality[:, group]
        candidate = np.full(n, -1)
        pending = np.flatnonzero((available > 0) & (rng.random(n) < SUBSEQUENT_THIS_YEAR))
        for _ in range(6):
            pick = order[(rng.random(len(pending)) * available[pending]).astype(np.int64)]
            accept = rng.random(len(pending)) < weight[patients.site[first_rows[pick]]] / weight.max()
            candidate[pending[accept]] = pick[accept]
            pending = pending[~accept]
        linked = candidate >= 0
        patient = np.where(linked, first_rows[np.maximum(candidate, 0)], -1)
        site = np.where(linked, patients.site[np.maximum(patient, 0)], categorical(rng, weight, np.arange(n)))
        alliance = np.where(
            linked,
            patients.alliance[np.maximum(patient, 0)],
            categorical(rng, cal.alliances.share, np.arange(n)),
        )
        trust = categorical(rng, cal.trusts.weight, np.arange(n))
        if group == 2:
            centres = np.flatnonzero(cal.trusts.radiotherapy)
            trust = _centre_in_alliance(rng, cal, alliance, centres)
        else:
            same = linked & (rng.random(n) < SUBSEQUENT_SAME_TRUST)
            trust[same] = patients.trust[patient[same]]
        matrix = targets.matrix(standard.monthly_performance, "31d", _counts(cal, trust, month, 12))
        d31 = waits(rng, rng.random(n) < matrix[trust, month], 31, *WAIT_SHAPES["31d"])
        share = cal.model.treatment_adjustment_share
        adj_t = np.where(rng.random(n) < share, _days(rng, TREATMENT_ADJUSTMENT_DAYS, n), 0)
        c: dict[str, np.ndarray] = {}
        earlier = np.flatnonzero(~linked)
        c["nhs_number"] = np.where(linked, numbers[np.maximum(patient, 0)], 0)
        c["nhs_number"][earlier] = earlier_numbers[
            (earlier_used + np.arange(len(earlier))) % len(earlier_numbers)
        ]
        earlier_used += len(earlier)
        c["decision_to_treat_date"] = treat - d31 - adj_t
        c["treatment_start_date"] = treat
        c["adjustment_treatment_days"] = adj_t
        c["adjustment_treatment_reason"] = np.where(adj_t > 0, TREATMENT_ADJUSTMENT_REASON, "")
        c["provider_treatment"] = cal.trusts.codes[trust]
        recurrence = _pick(
            rng, (("03", 0.3), ("05", 0.35), ("04", 0.1), ("06", 0.05), ("09", 0.05), ("10", 0.15)), n
        )
        c["treatment_event_type"] = np.where(linked, "02", recurrence)
        c["treatment_modality"] = _pick(rng, modality_options[group], n)
        icd10 = np.where(linked, patients.icd10[np.maximum(patient, 0)], "")
        fresh = _site_code(rng, cal, site[~linked])
        icd10[~linked] = fresh
        c["primary_diagnosis_icd10"] = icd10
        parts.append(c)
        owners.append(patient)
    return parts, np.concatenate(owners)


def _centre_in_alliance(
    rng: np.random.Generator, cal: Calibration, alliance: np.ndarray, centres: np.ndarray
) -> np.ndarray:
    """A radiotherapy centre of each record's alliance, weighted by trust activity."""
    trust = np.empty(len(alliance), dtype=np.int64)
    for a in np.unique(alliance):
        rows = np.flatnonzero(alliance == a)
        members = centres[cal.trusts.alliance[centres] == a]
        trust[rows] = members[categorical(rng, cal.trusts.weight[members], rows)]
    return trust


def _site_code(rng: np.random.Generator, cal: Calibration, site: np.ndarray) -> np.ndarray:
    """An ICD-10 code for patients treated in earlier years (the 'Other' group: a stageable code)."""
    codes = np.empty(len(site), dtype="<U3")
    other = cal.sites.index("Other")
    staged = [r["icd10"] for r in cal.other_sites if r["stageable"] == "true"]
    for s in np.unique(site):
        rows = np.flatnonzero(site == s)
        options = staged if s == other else list(cal.sites.icd10[s])
        codes[rows] = np.array(options)[rng.integers(0, len(options), len(rows))]
    return codes


#: Lower GI urgent suspected cancer referrals (referral type 05, UNVERIFIED code number) with a primary
#: care FIT result recorded (ASSUMPTION: NICE DG56 makes FIT the usual route, NICE DG56).
SYMPTOMATIC_FIT_RECORDED = 0.75
COLORECTAL_ICD10 = ("C18", "C19", "C20")


def symptomatic_fit(columns: dict[str, np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """FIT results (µg Hb/g; NaN = none) for lower GI two-week-wait referrals: colorectal cancers mostly
    high (about 95% at 10 or more; NICE FIT study sensitivity 90.9% at 10, breach allocation [S31]), others
    mostly 0 or low
    (about 13% at 10 or more). Shapes are ASSUMPTIONS."""
    n = len(columns["priority_type"])
    lower_gi = (columns["referral_type"] == "05") & (columns["priority_type"] == "3")
    recorded = lower_gi & (rng.random(n) < SYMPTOMATIC_FIT_RECORDED)
    cancer = np.char.startswith(columns["primary_diagnosis_icd10"].astype(str), COLORECTAL_ICD10[0])
    for code in COLORECTAL_ICD10[1:]:
        cancer |= np.char.startswith(columns["primary_diagnosis_icd10"].astype(str), code)
    z = rng.normal(0, 1.5, n)
    value = np.where(
        cancer, np.exp(np.log(150) + z), np.where(rng.random(n) < 0.4, 0.0, np.exp(np.log(3) + z))
    )
    return np.where(recorded, np.round(np.minimum(value, 1000.0), 1), np.nan)


def generate_cwt(
    cal: Calibration,
    patients: Patients,
    numbers: np.ndarray,
    earlier_numbers: np.ndarray,
    scale: float,
    rngs: list[np.random.Generator],
) -> CwtResult:
    """All CWT records of the year (unshuffled, without record ids)."""
    targets = _Targets(cal, rngs[0])
    first, first_rows = _first_treatments(cal, patients, numbers, targets, rngs[1])
    referrals = _two_week_wait_referrals(cal, first, targets, scale, rngs[2])
    subsequent, owners = _subsequent(
        cal, patients, numbers, first_rows, first, targets, scale, rngs[3], earlier_numbers
    )
    groups = ([first], referrals, subsequent)
    sizes = [sum(len(next(iter(p.values()))) for p in g) for g in groups]
    columns = _concatenate([p for g in groups for p in g])
    # its own stream, so adding it left every other column as it was
    fit_rng = np.random.default_rng(rngs[0].bit_generator.seed_seq.spawn(1)[0])
    columns["fit_result_ug_g"] = symptomatic_fit(columns, fit_rng)
    kind = np.repeat(np.arange(3), sizes)
    patient = np.concatenate([first_rows, np.full(sizes[1], -1), owners])
    return CwtResult(columns, patient, kind)
