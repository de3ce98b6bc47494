"""Follow-up benchmark (issue 11): load generated breast follow-up episodes into a SQLite store,
then the nurses' worklist of the largest trust, every trust's worklist and the alliance metrics
(with the share stratified against the breast registrations, ingested into the lake first).
Targets: load 20,000 episodes (scale 0.1) < 120 s; one trust's worklist < 0.5 s; metrics < 5 s.
Prints the figures; run by `make bench` (never a timed unit test). Generated data only."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from cancer_alliance.followup.cohort import lake_registrations
from cancer_alliance.followup.files import import_episodes
from cancer_alliance.followup.metrics import trust_metrics
from cancer_alliance.followup.protocol import load_protocol
from cancer_alliance.followup.worklist import worklist
from cancer_alliance.ingest import ingest_file
from cancer_alliance.store import migrate, open_store
from cancer_alliance.store.followup import FollowupPatient
from cancer_alliance.synth import generate
from cancer_alliance.synth.generate import FILES

SCALE = 0.1
TARGETS = {"load": 120.0, "worklist": 0.5, "metrics": 5.0}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as folder:
        home = Path(folder)
        os.environ["ALLIANCE_HOME"] = str(home)
        os.environ.setdefault("ALLIANCE_PSEUDONYM_KEY", "bench-key-" + "0" * 32)
        generation = generate(scale=SCALE, seed=2018, out=home / "synthetic")
        as_of = dt.date.fromisoformat(generation.reference_date)
        url = f"sqlite:///{home / 'bench.sqlite3'}"
        migrate(url)
        store = open_store(url)
        protocol = load_protocol()
        started = time.perf_counter()
        loaded = import_episodes(home / "synthetic" / FILES["breast_followup_episode"][0], store, protocol)
        figures = {"load": time.perf_counter() - started}
        ingest_file("tumour_registration", home / "synthetic" / FILES["tumour_registration"][0])
        registrations = lake_registrations()
        with store.begin() as session:
            trusts = session.query(FollowupPatient.trust_code).distinct().all()
            largest = max(
                (code for (code,) in trusts),
                key=lambda code: session.query(FollowupPatient).filter_by(trust_code=code).count(),
            )
            started = time.perf_counter()
            items = worklist(session, protocol, as_of, largest)
            figures["worklist"] = time.perf_counter() - started
            started = time.perf_counter()
            every = worklist(session, protocol, as_of)
            everywhere = time.perf_counter() - started
            started = time.perf_counter()
            metrics = trust_metrics(session, protocol, as_of, registrations=registrations)
            figures["metrics"] = time.perf_counter() - started
        store.close()
    missed = [name for name, seconds in figures.items() if seconds >= TARGETS[name]]
    print(
        f"followup: loaded {loaded.registered:,} episodes in {figures['load']:.1f} s "
        f"(target < {TARGETS['load']:.0f} s); worklist of {largest} ({items.__len__():,} items) in "
        f"{figures['worklist']:.3f} s (target < {TARGETS['worklist']} s); every trust ({len(every):,} items) "
        f"in {everywhere:.2f} s; metrics for {len(metrics)} trusts ({len(registrations):,} breast "
        f"registrations) in {figures['metrics']:.2f} s "
        f"(target < {TARGETS['metrics']:.0f} s): {'ok' if not missed else 'MISSED ' + ', '.join(missed)}"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
