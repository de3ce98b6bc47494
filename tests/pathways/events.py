"""Generated pathway events for the property and parity tests (no real patients)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hypothesis import strategies as st

from cancer_alliance.reference import code_list

DAY0 = dt.date(2020, 3, 2)
EVENTS = [
    code for code in code_list("pathway_event") if code not in ("referral_received", "consultant_upgrade")
]
TUMOURS = list(code_list("pathway_tumour"))


def row(pathway: str, event: str, offset: int, tumour: str, outcome: str | None = None) -> dict[str, Any]:
    return {
        "pathway_id": pathway,
        "nhs_number": f"n-{pathway}",
        "tumour": tumour,
        "provider_code": "RAA",
        "event": event,
        "event_date": DAY0 + dt.timedelta(days=offset),
        "outcome": outcome,
    }


@st.composite
def pathway_rows(draw: Any, pathway: str) -> list[dict[str, Any]]:
    """One pathway: a referral on day 0, maybe a later upgrade, then events on days 0..80."""
    tumour = draw(st.sampled_from(TUMOURS))
    rows = [row(pathway, "referral_received", 0, tumour)]
    if draw(st.booleans()):
        rows.append(row(pathway, "consultant_upgrade", draw(st.integers(0, 20)), tumour))
    for event in draw(st.lists(st.sampled_from(EVENTS), max_size=8)):
        outcome = (
            draw(st.sampled_from(["cancer", "ruled_out"])) if event == "diagnosis_communicated" else None
        )
        rows.append(row(pathway, event, draw(st.integers(0, 80)), tumour, outcome))
    return rows


@st.composite
def event_sets(draw: Any) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 12))
    rows = [r for n in range(count) for r in draw(pathway_rows(f"p{n}"))]
    for number, r in enumerate(rows, start=1):
        r["event_id"] = f"e{number}"
    return rows


def random_events(pathways: int, seed: int) -> list[dict[str, Any]]:
    """A fixed sample of `pathways` pathways for the parity tests (also pathways without a start)."""
    rng = random.Random(seed)
    rows = []
    for n in range(pathways):
        tumour = rng.choice(TUMOURS)
        pathway = f"p{n}"
        if rng.random() > 0.05:
            rows.append(row(pathway, "referral_received", 0, tumour))
        if rng.random() < 0.2:
            rows.append(row(pathway, "consultant_upgrade", rng.randint(0, 20), tumour))
        for _ in range(rng.randint(0, 8)):
            event = rng.choice(EVENTS)
            outcome = rng.choice(["cancer", "ruled_out"]) if event == "diagnosis_communicated" else None
            rows.append(row(pathway, event, rng.randint(0, 80), tumour, outcome))
    for number, r in enumerate(rows, start=1):
        r["event_id"] = f"e{number}"
    return rows
