"""The demo pipeline behind `alliance demo`: generate a synthetic year for all 19 alliances, ingest
every table through validation into the lake, load breast follow-up into the store, and compute the
results the web layer serves: waiting times and the PTL, timed pathways, bowel screening (FIT), lung
health checks, early diagnosis from the registrations, breast patients finishing treatment (follow-up
metrics), radiotherapy compliance; then add demo funding agreements and case studies.

Everything lands in ALLIANCE_HOME: `synthetic/` (generated files), `lake/` and `quarantine/`
(ingest), `results/` (facts, performance tables, PTL, each domain's results) and `demo.json`
(reference date, scale, seed); the store holds follow-up and the programme.
The generated data runs up to a fixed reference date, used as "today" for the PTL, so the demo looks
the same whenever it is run.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cancer_alliance.config import alliance_home
from cancer_alliance.cwt.files import evaluate_file
from cancer_alliance.cwt.report_files import performance_file, ptl_file
from cancer_alliance.early_diagnosis.results_files import write_results as write_early_diagnosis_results
from cancer_alliance.engine import EngineName, open_engine
from cancer_alliance.fit.files import write_results as write_fit_results
from cancer_alliance.followup.cohort import write_cohort
from cancer_alliance.followup.demo import load_demo_followup
from cancer_alliance.ingest import IngestSummary, ingest_file
from cancer_alliance.ingest.lake import current_table
from cancer_alliance.lung.programme_files import write_results as write_lung_results
from cancer_alliance.pathways import results_files as pathway_results
from cancer_alliance.synth import generate
from cancer_alliance.synth.generate import FILES, GenerationSummary

#: The performance tables the demo precomputes: results/performance_<name>.parquet.
PERFORMANCE_GROUPINGS: dict[str, tuple[str, ...]] = {
    "month": ("month",),
    "month_provider": ("month", "provider"),
    "month_alliance": ("month", "alliance"),
    "month_tumour_type": ("month", "tumour_type"),
    "month_provider_tumour_type_route": ("month", "provider", "tumour_type", "route"),
}
SEED = 2018

Step = Callable[[str], None]


@dataclass(frozen=True)
class DemoSummary:
    """What `prepare` did."""

    home: Path
    reference_date: dt.date
    generation: GenerationSummary
    imports: tuple[IngestSummary, ...]
    results: tuple[Path, ...]


def results_dir(home: Path | None = None) -> Path:
    return (home or alliance_home()) / "results"


def prepare(
    scale: float,
    seed: int = SEED,
    *,
    engine: EngineName | str | None = None,
    step: Step = lambda _: None,
) -> DemoSummary:
    """Generate, ingest and compute into ALLIANCE_HOME (see the module docstring)."""
    home = alliance_home()
    step(f"generating a synthetic year at scale {scale}")
    generation = generate(scale=scale, seed=seed, out=home / "synthetic")
    reference_date = dt.date.fromisoformat(generation.reference_date)
    imports = []
    for table, (filename, _) in FILES.items():
        step(f"ingesting {filename}")
        imports.append(ingest_file(table, home / "synthetic" / filename))
    step("loading breast follow-up into the store")
    load_demo_followup(home / "synthetic" / FILES["breast_followup_episode"][0])
    results = results_dir(home)
    results.mkdir(parents=True, exist_ok=True)
    step("computing waiting-times results")
    records = results / "cwt_records.parquet"
    current_table(open_engine(engine), "cwt").write.parquet(str(records), mode="overwrite")
    written = [records]
    evaluate_file(records, results / "cwt_facts.parquet", engine=engine)
    written.append(results / "cwt_facts.parquet")
    for name, by in PERFORMANCE_GROUPINGS.items():
        path = results / f"performance_{name}.parquet"
        performance_file(records, path, by, "auto", engine=engine)
        written.append(path)
    ptl = ptl_file(records, results / "ptl.parquet", reference_date, engine=engine)
    written += [ptl.output, ptl.summary_path]
    session = open_engine(engine)
    step("computing timed pathway milestones")
    written += pathway_results.write_results(current_table(session, "pathway_event"), reference_date, results)
    pathway_results.add_to_ptl(ptl.output, results / "pathway_next.parquet")
    step("computing bowel screening (FIT) results")
    written += write_fit_results(current_table(session, "fit_screening_episode"), results)
    step("computing lung health check results")
    lung_tables = [
        current_table(session, name)
        for name in ("lung_health_check", "lung_health_check_invitation", "tumour_registration")
    ]
    written += write_lung_results(*lung_tables, results)
    step("computing early diagnosis from the registrations")
    written += write_early_diagnosis_results(current_table(session, "tumour_registration"), results)
    step("listing breast patients finishing treatment (follow-up metrics)")
    written.append(write_cohort(current_table(session, "tumour_registration"), results))
    step("computing radiotherapy compliance")
    written += _radiotherapy(engine, results, reference_date)
    step("adding demo funding agreements and case studies")
    seed_programme(reference_date)
    (home / "demo.json").write_text(
        json.dumps({"reference_date": str(reference_date), "scale": scale, "seed": seed}, indent=2) + "\n",
        encoding="utf-8",
    )
    return DemoSummary(home, reference_date, generation, tuple(imports), tuple(written))


def _radiotherapy(engine: EngineName | str | None, results: Path, reference_date: dt.date) -> list[Path]:
    """Radiotherapy compliance as of the day after the data (the networks began on 2019-04-01), from the
    lake's courses and linacs and the CWT facts (issue #14)."""
    from cancer_alliance.radiotherapy.results_files import write_results

    session = open_engine(engine)
    facts = session.read_parquet(results / "cwt_facts.parquet")
    courses, linacs = current_table(session, "radiotherapy_course"), current_table(session, "linac")
    return write_results(courses, linacs, facts, results, reference_date + dt.timedelta(days=1))


def seed_programme(reference_date: dt.date) -> None:
    """The programme's demo deliverables and case studies in the store (`programme.demo`), added once."""
    from cancer_alliance.programme.demo import seed_demo_programme
    from cancer_alliance.store import migrate, open_store

    migrate()
    store = open_store()
    try:
        seed_demo_programme(store, reference_date)
    finally:
        store.close()
