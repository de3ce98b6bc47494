"""Disclosure control for what the public sees: every aggregate a signed-out visitor gets passes
`cancer_alliance.stats.disclosure.publish` with the default policy (counts in (0, 7] withheld as
null with a `<count>_suppressed` flag, others rounded to 5, the rate recomputed from the published
counts; style.md §1, design.md "Statistics")."""

from __future__ import annotations

import pandas as pd

from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, publish

COUNTS = ("total", "within", "breaches")
PERFORMANCE = Rate(name="performance", numerator="within", denominator="total")


def publish_performance(frame: pd.DataFrame, policy: DisclosurePolicy | None = None) -> pd.DataFrame:
    """Performance rows safe to publish; `meets_threshold` follows the published rate."""
    out = publish(frame, [c for c in COUNTS if c in frame], [PERFORMANCE], policy or DisclosurePolicy())
    if {"meets_threshold", "threshold"} <= set(out.columns):
        known = out["performance"].notna() & out["threshold"].notna()
        out["meets_threshold"] = (out["performance"] >= out["threshold"]).where(known)
    return out
