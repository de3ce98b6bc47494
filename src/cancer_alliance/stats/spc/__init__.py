"""Making Data Count SPC (XmR) as NHSRplotthedots computes it: `spc()` per point, `summary()` per
series; the rules are in `rules.py`, the limits in `limits.py`, assurance and icons in `assurance.py`."""

from cancer_alliance.stats.spc.assurance import AssuranceType, ImprovementDirection, PointType
from cancer_alliance.stats.spc.spc import SpcOptions, spc, summary

__all__ = ["AssuranceType", "ImprovementDirection", "PointType", "SpcOptions", "spc", "summary"]
