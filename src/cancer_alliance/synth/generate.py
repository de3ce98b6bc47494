"""`generate`: the synthetic year, every canonical table, written to one folder with fixed file names.

The same (seed, scale) always gives the same rows: every step draws from its own stream spawned from
`numpy.random.SeedSequence(seed)`, so a change to one table's model never moves another table's rows.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from cancer_alliance.errors import InputError
from cancer_alliance.schemas import schema
from cancer_alliance.synth import cwt as cwt_module
from cancer_alliance.synth import fit, followup, lung
from cancer_alliance.synth import pathways as pathways_module
from cancer_alliance.synth.calibration import REFERENCE_DATE, YEAR, Calibration, calibration
from cancer_alliance.synth.invalid import apply_defects, plan_invalid_rows
from cancer_alliance.synth.nhs_numbers import NumberPool
from cancer_alliance.synth.patients import generate_patients
from cancer_alliance.synth.radiotherapy import generate_radiotherapy
from cancer_alliance.synth.registrations import generate_registrations
from cancer_alliance.synth.tables import ids, key, to_arrow, write

#: Canonical table -> file name in the output folder, and the key prefix of its generated ids.
FILES: dict[str, tuple[str, str]] = {
    "cwt": ("cwt_records.parquet", "CWT"),
    "tumour_registration": ("tumour_registrations.parquet", "TR"),
    "breast_followup_episode": ("breast_followup_episodes.parquet", "BFU"),
    "fit_screening_episode": ("fit_screening_episodes.parquet", "FIT"),
    "lung_health_check": ("lung_health_checks.parquet", "LHC"),
    "lung_health_check_invitation": ("lung_health_check_invitations.parquet", "LHI"),
    "radiotherapy_course": ("radiotherapy_courses.parquet", "RTC"),
    "linac": ("linacs.parquet", "LIN"),
    "pathway_event": ("pathway_events.parquet", "PWE"),
}
INVALID_FILE = "invalid_rows.csv"
METADATA_FILE = "metadata.json"
README_FILE = "README.txt"
DEFAULT_INVALID_SHARE = 0.005
YEARS = (YEAR,)
#: People treated in earlier years who have a subsequent treatment this year, at scale 1 (ASSUMPTION).
EARLIER_PATIENTS = 160_000

Progress = Callable[[str], None]
#: Rows kept together when a table is shuffled (see `_Writer._order`).
SHUFFLE_BLOCK = 16
#: How many times `generate` reports progress: eight generation steps and one write per table.
PROGRESS_STEPS = 8 + len(FILES)


@dataclass(frozen=True)
class GenerationSummary:
    """What `generate` wrote: rows per table (invalid rows included), invalid rows, timing."""

    out: Path
    year: str
    scale: float
    seed: int
    reference_date: str
    invalid_share: float
    rows: dict[str, int] = field(default_factory=dict)
    invalid_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_json(self) -> dict:
        data = asdict(self)
        data["out"] = str(self.out)
        return data


def generate(
    year: str = YEAR,
    scale: float = 0.01,
    seed: int = 0,
    out: Path | str = Path("synthetic"),
    invalid_share: float = DEFAULT_INVALID_SHARE,
    progress: Progress | None = None,
) -> GenerationSummary:
    """Generate the synthetic `year` at `scale` (1 = national volume) into folder `out`.

    Example: generate("2018/19", scale=0.05, seed=1, out="demo-data")
    """
    if year not in YEARS:
        raise InputError(f"year {year!r} is not available; choose one of {', '.join(YEARS)}")
    if not 0 < scale <= 2:
        raise InputError(f"scale must be above 0 and at most 2, not {scale}")
    if not 0 <= invalid_share < 0.5:
        raise InputError(f"invalid share must be at least 0 and below 0.5, not {invalid_share}")
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    step = progress or (lambda _: None)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(16)]
    cal = calibration()

    step("patients")
    patients = generate_patients(cal, scale, streams[0])
    step("cwt")
    pool = NumberPool(streams[1])
    numbers = pool.unique(len(patients))
    earlier = pool.unique(int(round(scale * EARLIER_PATIENTS)))
    followup_numbers = pool.unique(int(round(scale * followup.PEOPLE)))
    lung_numbers = pool.unique(int(round(scale * lung.ATTENDEES)))
    result = cwt_module.generate_cwt(cal, patients, numbers, earlier, scale, streams[2:6])
    non_cancer = result.kind == 1
    result.columns["nhs_number"][non_cancer] = pool.shared(int(non_cancer.sum()))

    writer = _Writer(out, invalid_share, streams[12], streams[13], step)
    step("registrations")
    registrations = generate_registrations(cal, patients, numbers, result, streams[7])
    writer.write("tumour_registration", registrations)
    breast = _breast(cal, registrations)
    del registrations
    step("radiotherapy")
    courses, linacs = generate_radiotherapy(cal, patients, result, streams[11])
    writer.write("radiotherapy_course", courses)
    writer.write("linac", linacs, keep_keys=True)
    del courses, linacs
    positions = writer.write("cwt", result.columns)
    step("timed pathways")
    pathway_rows, events = pathways_module.generate_pathway_events(result.columns, result.kind, streams[14])
    events["pathway_id"] = pathways_module.record_ids(FILES["cwt"][1], positions[pathway_rows])
    del result, patients, pathway_rows
    step("breast follow-up")
    writer.write(
        "breast_followup_episode", followup.generate_followup(cal, followup_numbers, streams[8], breast)
    )
    step("fit")
    fit_numbers = pool.shared(int(round(scale * fit.INVITATIONS)))
    writer.write("fit_screening_episode", fit.generate_fit(cal, fit_numbers, streams[9]))
    del fit_numbers
    step("lung health checks")
    attendances = lung.generate_lung(cal, lung_numbers, streams[10])
    writer.write("lung_health_check", attendances)
    # Written after the tables above: the writer's shared streams then leave them as they were before.
    writer.write("pathway_event", events)
    del events
    writer.write("lung_health_check_invitation", lung.generate_invitations(attendances, pool, streams[15]))
    del attendances
    rows = {table: writer.rows[table] for table in FILES}
    invalid_counts = {table: sum(1 for d in writer.defects if d[0] == table) for table in FILES}
    defects = writer.defects
    _write_invalid(out / INVALID_FILE, defects)
    summary = GenerationSummary(
        out,
        year,
        scale,
        seed,
        str(REFERENCE_DATE),
        invalid_share,
        rows,
        invalid_counts,
        round(time.perf_counter() - started, 2),
    )
    (out / METADATA_FILE).write_text(
        json.dumps({"synthetic": True, **summary.as_json()}, indent=2) + "\n", encoding="utf-8"
    )
    (out / README_FILE).write_text(_readme(summary), encoding="utf-8")
    return summary


def _breast(cal: Calibration, registrations: dict[str, np.ndarray]) -> followup.BreastRegistrations:
    """The year's breast cancer registrations, for the follow-up cohort to be drawn from."""
    rows = registrations["cancer_site"] == "breast"
    index = {code: i for i, code in enumerate(cal.trusts.codes)}
    return followup.BreastRegistrations(
        numbers=registrations["nhs_number"][rows],
        diagnosis=registrations["diagnosis_date"][rows],
        trust=np.array([index[code] for code in registrations["trust_code"][rows]], dtype=np.int64),
        age=registrations["age_at_diagnosis"][rows],
    )


class _Writer:
    """Adds the deliberately invalid rows to a table, shuffles it, numbers its keys in file order (so a
    key says nothing about validity) and writes it; keeps the row counts and the defects."""

    def __init__(
        self,
        out: Path,
        invalid_share: float,
        invalid_rng: np.random.Generator,
        order_rng: np.random.Generator,
        step: Progress,
    ):
        self.out, self.invalid_share, self.step = out, invalid_share, step
        self.invalid_rng, self.order_rng = invalid_rng, order_rng
        self.rows: dict[str, int] = {}
        self.defects: list[tuple[str, str, str, str]] = []  # table, key, defect, field

    def write(self, table: str, columns: dict[str, np.ndarray], keep_keys: bool = False) -> np.ndarray:
        """Write the table; return, for each generated row, its (0-based) position in the file, so
        another table can refer to its key (`key(prefix, position)`). `keep_keys`: the table's keys are
        referred to by another table (linac_id), so they are kept, and each invalid copy gets its
        original's key with the suffix -X1, -X2, ..."""
        name, prefix = FILES[table]
        self.step(f"write {name}")
        definition = schema(table)
        n = len(next(iter(columns.values())))
        plan = plan_invalid_rows(definition, columns, int(round(n * self.invalid_share)), self.invalid_rng)
        source, broken = self._order(n, plan.sources)
        shuffled = {column: values[source] for column, values in columns.items()}
        apply_defects(definition, shuffled, broken, plan, self.invalid_rng)
        if keep_keys:
            keys = shuffled[definition.key].astype(object)
            keys[broken] = [f"{keys[p]}-X{i + 1}" for i, p in enumerate(broken)]
            shuffled[definition.key] = keys.astype(str)
            named = [str(keys[p]) for p in broken]
        else:
            shuffled[definition.key] = ids(prefix, len(source))
            named = [key(prefix, int(p)) for p in broken]
        write(table, to_arrow(table, shuffled), self.out / name)
        self.defects += [(table, k, d, f) for k, (d, f) in zip(named, plan.defects, strict=True)]
        self.rows[table] = len(source)
        positions = np.empty(n, dtype=np.int64)
        valid = np.ones(len(source), dtype=bool)
        valid[broken] = False
        positions[source[valid]] = np.flatnonzero(valid)
        return positions

    def _order(self, n: int, copies: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The generated row behind each row of the file, and where the invalid copies ended up.

        The copies are inserted at random places, then the file is shuffled in blocks of SHUFFLE_BLOCK
        rows: the kinds of record are mixed and the copies hidden, while the gather stays mostly
        sequential in memory (a full random shuffle of millions of rows costs several times more)."""
        at = self.order_rng.integers(0, n + 1, len(copies))
        source = np.insert(np.arange(n), at, copies)
        copy = np.insert(np.full(n, -1), at, np.arange(len(copies)))
        blocks = -(-len(source) // SHUFFLE_BLOCK)
        order = (
            self.order_rng.permutation(blocks)[:, None] * SHUFFLE_BLOCK + np.arange(SHUFFLE_BLOCK)
        ).ravel()
        order = order[order < len(source)]
        source, copy = source[order], copy[order]
        broken = np.empty(len(copies), dtype=np.int64)
        broken[copy[copy >= 0]] = np.flatnonzero(copy >= 0)
        return source, broken


def _write_invalid(path: Path, defects: list[tuple[str, str, str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["table", "file", "key", "defect", "field"])
        for table, key_, defect, field_ in defects:
            writer.writerow([table, FILES[table][0], key_, defect, field_])


def _readme(summary: GenerationSummary) -> str:
    lines = [
        "SYNTHETIC DATA - NOT REAL PATIENTS",
        "",
        "Every row in this folder was generated by `alliance synth generate` (cancer_alliance.synth).",
        "No real patient data was used. NHS numbers are drawn from the range reserved for testing",
        "(starting 999) and are valid by modulus 11; they identify no one.",
        "",
        f"year: {summary.year}",
        f"scale: {summary.scale} (1 = national volume)",
        f"seed: {summary.seed}",
        f"reference_date: {summary.reference_date} (census: later events are not yet known)",
        f"invalid_share: {summary.invalid_share} (deliberately invalid rows, listed in {INVALID_FILE})",
        "",
        "Files (rows, including deliberately invalid rows):",
    ]
    lines += [f"  {FILES[t][0]}: {n:,}" for t, n in summary.rows.items()]
    lines += [
        "",
        "Calibrated to NHS England's 2018/19 national CWT figures, NDRS 2018 stage at diagnosis and",
        "Routes to Diagnosis 2018; see cancer_alliance/synth/README.md for sources and assumptions.",
        "",
    ]
    return "\n".join(lines)
