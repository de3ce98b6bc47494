"""Timed-pathway results for the web and browser tests (issue 12), written next to the results of
`tests/web/conftest.py` (`build_home`): generated events evaluated and summarised as the demo does,
and each open pathway's next milestone joined onto that PTL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

CENSUS = dt.date(2019, 3, 31)  # tests/web/conftest.py CENSUS


def pathway_events() -> list[dict]:
    """Timed-pathway events (issue 12): 36 closed pathways per trust (lung, prostate, colorectal in
    turn, each milestone reached a little later than the one before, some late), P-RGT-2 open with
    its PET-CT overdue on the census date, P-RGN-1 open with its CT not yet due."""
    from cancer_alliance.pathways import default_definitions

    steps = {d.tumour: [m.events[0] for m in d.milestones] for d in default_definitions()}
    rows: list[dict] = []

    def add(pathway: str, provider: str, tumour: str, event: str, day: dt.date, outcome=None) -> None:
        rows.append(
            {
                "event_id": f"E{len(rows) + 1}",
                "pathway_id": pathway,
                "nhs_number": "pseudonym-not-shown",
                "tumour": tumour,
                "provider_code": provider,
                "event": event,
                "event_date": day,
                "outcome": outcome,
            }
        )

    for provider in ("RGT", "RGN", "RTX"):
        for n in range(36):
            tumour = ("lung", "prostate", "colorectal")[n % 3]
            start = dt.date(2019, 1, 2) + dt.timedelta(days=n)
            pathway = f"TP-{provider}-{n}"
            add(pathway, provider, tumour, "referral_received", start)
            day = 0
            for event in steps[tumour]:
                day += 2 + (n % 7) + (3 if provider == "RTX" else 0)
                outcome = (
                    ("ruled_out" if n % 4 == 0 else "cancer") if event == "diagnosis_communicated" else None
                )
                if outcome == "ruled_out" or event not in ("decision_to_treat", "first_treatment") or n % 4:
                    add(pathway, provider, tumour, event, start + dt.timedelta(days=day), outcome)
                if outcome == "ruled_out":
                    break
    add("P-RGT-2", "RGT", "lung", "referral_received", dt.date(2019, 3, 1))
    add("P-RGT-2", "RGT", "lung", "ct", dt.date(2019, 3, 3))
    add("P-RGN-1", "RGN", "lung", "referral_received", dt.date(2019, 3, 29))
    return rows


def write_pathway_results(results: Path) -> None:
    """The timed-pathway results as the demo writes them, and the next milestones on the PTL."""
    from cancer_alliance.engine import open_engine
    from cancer_alliance.pathways import results_files
    from cancer_alliance.schemas import schema

    engine = open_engine("duckdb")
    events = engine.frame(schema("pathway_event"), pathway_events())
    results_files.write_results(events, CENSUS, results)
    ptl = pd.read_parquet(results / "ptl.parquet")
    upcoming = pd.read_parquet(results / "pathway_next.parquet")
    results_files.with_next_milestones(ptl, upcoming).to_parquet(results / "ptl.parquet", index=False)
