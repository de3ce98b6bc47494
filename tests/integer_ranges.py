"""The attacker's side of the disclosure audits in the tests: a withheld count's range as HiGHS finds
it by integer programming (`scipy.optimize.milp`), given every figure a visitor reads (Hundepool et al.,
*Handbook on Statistical Disclosure Control*, chapter 4: the audit of a suppression pattern)."""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


def integer_range(
    a: np.ndarray, constraint: LinearConstraint, upper: np.ndarray | float = np.inf
) -> tuple[float, float]:
    """(lowest, highest) whole value of `a @ x` for whole x, 0 <= x <= `upper`, under `constraint`
    (highest infinite when unbounded)."""
    ends = []
    for sign in (1, -1):
        found = milp(sign * a, constraints=constraint, integrality=np.ones(len(a)), bounds=Bounds(0, upper))
        ends.append(math.inf * -sign if found.status == 3 or found.fun is None else sign * found.fun)
    return ends[0], ends[1]
