"""The few operations the risk models need beyond + - * / and comparisons, for two kinds of value:
plain Python numbers (one person, the clinic calculator) and engine columns (a cohort, DuckDB or Spark).

Each model equation is written once (`lung.models`) against an `Ops`; `PythonOps` evaluates it for one
person, `ColumnOps` builds the column expression for a DataFrame. One code path, two evaluators
(docs/decisions/0012); a Hypothesis property checks that they agree on both engines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol


class Ops(Protocol):
    def select(self, cases: Sequence[tuple[Any, Any]], default: Any) -> Any:
        """The value of the first case whose condition holds, else `default`."""

    def power(self, base: Any, exponent: float) -> Any: ...

    def floor(self, value: Any) -> Any: ...

    def clamp(self, value: Any, low: float, high: float) -> Any: ...

    def expit(self, logit: Any) -> Any:
        """1 / (1 + e^-logit), the logistic function."""

    def indicator(self, condition: Any) -> Any:
        """1.0 if the condition holds, else 0.0."""

    def let(self, name: str, value: Any) -> Any:
        """`value`, computed once under `name` (an engine column) for the expressions that use it;
        `value` must not use another `let`."""


class PythonOps:
    """Ops on plain Python numbers, for one person."""

    def select(self, cases: Sequence[tuple[Any, Any]], default: Any) -> Any:
        for condition, value in cases:
            if condition:
                return value
        return default

    def power(self, base: float, exponent: float) -> float:
        return float(base) ** exponent

    def floor(self, value: float) -> float:
        return float(math.floor(value))

    def clamp(self, value: float, low: float, high: float) -> float:
        return min(max(value, low), high)

    def expit(self, logit: float) -> float:
        try:
            return 1.0 / (1.0 + math.exp(-logit))
        except OverflowError:  # e^-logit is beyond a double (logit < -709): 0, as on the engines
            return 0.0

    def indicator(self, condition: Any) -> float:
        return 1.0 if condition else 0.0

    def let(self, name: str, value: Any) -> Any:
        return value


class ColumnOps:
    """Ops on engine columns, through the engine's PySpark-compatible `functions` module."""

    def __init__(self, functions: Any) -> None:
        self.F = functions
        #: Named intermediate columns, in order; `materialise` adds them to a frame. Naming them keeps
        #: the expressions small (a repeated subexpression would be copied into every use).
        self.lets: list[tuple[str, Any]] = []

    def let(self, name: str, value: Any) -> Any:
        self.lets.append((name, value))
        return self.F.col(name)

    def materialise(self, frame: Any) -> Any:
        """`frame` with the named columns, in one step (so a `let` must not use another)."""
        return frame.select("*", *[value.alias(name) for name, value in self.lets]) if self.lets else frame

    def _column(self, value: Any) -> Any:
        return value if hasattr(value, "alias") else self.F.lit(value)

    def select(self, cases: Sequence[tuple[Any, Any]], default: Any) -> Any:
        expression = None
        for condition, value in cases:
            value = self._column(value)
            expression = (
                self.F.when(condition, value) if expression is None else expression.when(condition, value)
            )
        default = self._column(default)
        return default if expression is None else expression.otherwise(default)

    def power(self, base: Any, exponent: float) -> Any:
        return self.F.pow(base, self.F.lit(float(exponent)))

    def floor(self, value: Any) -> Any:
        return self.F.floor(value).cast("double")

    def clamp(self, value: Any, low: float, high: float) -> Any:
        return self.F.least(self.F.greatest(value, self.F.lit(float(low))), self.F.lit(float(high)))

    def expit(self, logit: Any) -> Any:
        # e^-logit is +inf for a very negative logit on both engines, giving exactly 0.
        return self.F.lit(1.0) / (self.F.lit(1.0) + self.F.exp(-logit))

    def indicator(self, condition: Any) -> Any:
        return self.F.when(condition, self.F.lit(1.0)).otherwise(self.F.lit(0.0))
