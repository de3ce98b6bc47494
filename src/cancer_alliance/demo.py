"""The demo pipeline behind `alliance demo`: generate a synthetic year for all 19 alliances, ingest
every table through validation into the lake, and compute the CWT results the web layer serves.

Everything lands in ALLIANCE_HOME: `synthetic/` (generated files), `lake/` and `quarantine/`
(ingest), `results/` (facts, performance tables, PTL) and `demo.json` (reference date, scale, seed).
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
from cancer_alliance.engine import EngineName, open_engine
from cancer_alliance.ingest import IngestSummary, ingest_file
from cancer_alliance.ingest.lake import current_table
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
    step("computing timed pathway milestones")  # issue 12
    events = current_table(open_engine(engine), "pathway_event")
    written += pathway_results.write_results(events, reference_date, results)
    pathway_results.add_to_ptl(ptl.output, results / "pathway_next.parquet")
    (home / "demo.json").write_text(
        json.dumps({"reference_date": str(reference_date), "scale": scale, "seed": seed}, indent=2) + "\n",
        encoding="utf-8",
    )
    return DemoSummary(home, reference_date, generation, tuple(imports), tuple(written))
