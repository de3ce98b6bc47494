"""The demo behind `alliance demo`: generate a synthetic year for all 19 alliances, ingest every table
through validation into the lake, load breast follow-up into the store, refresh the results from the
lake (`results.refresh`, as any deployment does) and add demo funding agreements and case studies.

Everything lands in ALLIANCE_HOME: `synthetic/` (generated files), `lake/` and `quarantine/`
(ingest), `results/` (the current generation of results); the store holds follow-up, the programme and
the refresh runs. The generated data runs up to a fixed reference date, passed to the refresh as its
as-of date, so the demo looks the same whenever it is run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cancer_alliance.config import alliance_home
from cancer_alliance.engine import EngineName
from cancer_alliance.followup.demo import load_demo_followup
from cancer_alliance.ingest import IngestSummary, ingest_file
from cancer_alliance.results.refresh import RefreshReport, refresh
from cancer_alliance.store.results import RunStatus
from cancer_alliance.synth import generate
from cancer_alliance.synth.generate import FILES, METADATA_FILE, GenerationSummary

SEED = 2018
#: Where `prepare` puts the generated files, under ALLIANCE_HOME, and the generator's description of them.
SYNTHETIC = "synthetic"
SAMPLE_METADATA = Path(SYNTHETIC) / METADATA_FILE

Step = Callable[[str], None]


@dataclass(frozen=True)
class DemoSummary:
    """What `prepare` did."""

    home: Path
    reference_date: dt.date
    generation: GenerationSummary
    imports: tuple[IngestSummary, ...]
    refresh: RefreshReport


class DemoFailed(RuntimeError):
    """The demo's refresh failed (a bug: the generated data is valid by construction)."""


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
    generation = generate(scale=scale, seed=seed, out=home / SYNTHETIC)
    reference_date = dt.date.fromisoformat(generation.reference_date)
    imports = []
    for table, (filename, _) in FILES.items():
        step(f"ingesting {filename}")
        imports.append(ingest_file(table, home / SYNTHETIC / filename))
    step("loading breast follow-up into the store")
    load_demo_followup(home / SYNTHETIC / FILES["breast_followup_episode"][0])
    step("refreshing the results from the lake")
    report = refresh(
        reference_date.isoformat(), engine=engine, force=True, progress=lambda name: step(f"  {name}")
    )
    if report.status != RunStatus.succeeded:
        raise DemoFailed(f"refresh failed at step {report.failed_step}: {report.message}")
    step("adding demo funding agreements and case studies")
    seed_programme(reference_date)
    return DemoSummary(home, reference_date, generation, tuple(imports), report)


def sample_scale(home: Path) -> float | None:
    """The scale of the generated year the demo in `home` was built from (1 = England's yearly volume);
    None when `home` holds no demo (real data)."""
    import json

    metadata = home / SAMPLE_METADATA
    try:
        data = json.loads(metadata.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    scale = data.get("scale") if data.get("synthetic") else None
    return float(scale) if isinstance(scale, int | float) else None


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
