"""The risk models, each one equation written once against `lung.ops.Ops`:

    plcom2012, plcom2012_norace   6-year risk of lung cancer, ever-smokers (Tammemägi et al., NEJM 2013,
    PLCOm2012noRace, ten Haaf's R code (2020))
    llp_v2, llp_v3                5-year risk of lung cancer (Cassidy et al., Br J Cancer 2008; v3 = v2 beta,
    recalibrated alpha)
    brock                         probability a nodule is malignant, Brock/PanCan Model 2b (Brock, McWilliams
    et al., NEJM 2013)

`risk(model, person)` scores one person (plain Python, the clinic calculator); `add_risk(frame, model)`
scores a cohort as a DataFrame rule on DuckDB or Spark. Both evaluate the same equation and the same
input checks (docs/decisions/0012). Coefficients come from `data/*.toml`; the results are unrounded
doubles (round only for display, Appendix A).

The Brock model without spiculation (Model 2a) has a non-solid coefficient the sources disagree on
(-0.3005 / -0.3055). It is only available with `brock_2a=True`, which says so, and a non-solid nodule
is refused under it unless `LungSettings.brock_2a_non_solid_beta` chooses a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cancer_alliance.engine import functions
from cancer_alliance.engine.compiled import compiled
from cancer_alliance.lung.coefficients import Model, ModelInfo, coefficients, llp_bands, model_info
from cancer_alliance.lung.inputs import ModelInputError, check_person, problem_column, typed_columns
from cancer_alliance.lung.ops import ColumnOps, Ops, PythonOps
from cancer_alliance.lung.settings import DEFAULT_SETTINGS, LungSettings

BROCK_2A = "brock_2a"
BROCK_2A_UNRESOLVED = (
    "nodule_type: the Brock Model 2a non-solid coefficient is unresolved (-0.3005 or -0.3055, "
    "McWilliams et al., NEJM 2013); choose one in the lung settings (brock_2a_non_solid_beta) or use Model 2b"
)


def _centred(term: Mapping[str, float], value: Any) -> Any:
    return term["beta"] * (value - term["centre"])


def _transformed(term: Mapping[str, float], value: Any, ops: Ops) -> Any:
    """beta * ((value / divisor) ** power - centre): PLCOm2012 intensity, Brock size."""
    return term["beta"] * (ops.power(value / term["divisor"], term["power"]) - term["centre"])


def plcom2012_logit(x: Mapping[str, Any], c: Mapping[str, Any], ops: Ops) -> Any:
    """PLCOm2012 (NEJM 2013 Table 2 and footnotes) or PLCOm2012noRace (no `race` table in `c`), Tammemägi et
    al., NEJM 2013."""
    logit = c["constant"] + _centred(c["age"], x["age"])
    if "race" in c:
        logit = logit + ops.select([(x["race"] == race, beta) for race, beta in c["race"].items()], 0.0)
    return (
        logit
        + _centred(c["education"], x["education_level"])
        + _centred(c["bmi"], x["bmi"])
        + c["copd"] * x["copd"]
        + c["personal_cancer_history"] * x["personal_cancer_history"]
        + c["family_history_lung_cancer"] * x["family_history_lung_cancer"]
        + c["current_smoker"] * ops.indicator(x["smoking_status"] == "current")
        + _transformed(c["intensity"], x["cigarettes_per_day"], ops)
        + _centred(c["smoking_duration_years"], x["smoking_duration_years"])
        + _centred(c["years_since_quit"], x["years_since_quit"])
    )


def llp_alpha(sex: Any, age: Any, c: Mapping[str, Any], ops: Ops) -> Any:
    """Individual alpha (Cassidy 2008 eq. A3): the person aged x + y (x a multiple of 5) is taken as
    x + y + 0.5 years old, and alpha is the time-weighted mean of the band alphas over the next 5
    years, [(5 - y - 0.5) alpha_x + (y + 0.5) alpha_(x+5)] / 5. Time before the first band uses the
    first band's alpha, time from the last band on the last band's (ten Haaf's rule, Cassidy et al., Br J
    Cancer 2008)."""
    bands = llp_bands()
    width, first, count = bands["band_width"], bands["first_band"], len(c["alpha"]["M"])
    lower = ops.floor(age / width) * width
    y = ops.let("_llp_years_into_band", age - lower)
    this_index = ops.let("_llp_this_band", ops.clamp((lower - first) / width, 0, count - 1))
    next_index = ops.let("_llp_next_band", ops.clamp((lower - first) / width + 1, 0, count - 1))

    def alpha_of(band: Any) -> Any:
        by_sex = [
            (sex == code, ops.select([(band == i, table[i]) for i in range(count)], 0.0))
            for code, table in c["alpha"].items()
        ]
        return ops.select(by_sex, 0.0)

    return ((width - y - 0.5) * alpha_of(this_index) + (y + 0.5) * alpha_of(next_index)) / width


def llp_logit(x: Mapping[str, Any], c: Mapping[str, Any], ops: Ops, edges: tuple[float, ...]) -> Any:
    """LLP (Cassidy 2008 Table 2, eq. A1-A3; LLPv2/v3 coefficients, Cassidy et al., Br J Cancer 2008).
    Duration bands: never (0),
    then up to each inclusive upper edge in `edges`, then longer."""
    duration = x["smoking_duration_years"]
    betas = c["duration_betas"]
    smoking = ops.select(
        [(duration <= 0, betas[0])] + [(duration <= edge, betas[i + 1]) for i, edge in enumerate(edges)],
        betas[len(edges) + 1],
    )
    onset = x["family_history_onset"]
    family = ops.select(
        [(onset == code, beta) for code, beta in c["family_history_onset"].items() if beta], 0.0
    )
    return (
        llp_alpha(x["sex"], x["age"], c, ops)
        + smoking
        + c["pneumonia"] * x["pneumonia"]
        + c["asbestos"] * x["asbestos"]
        + c["prior_malignancy"] * x["prior_malignancy"]
        + family
    )


def brock_logit(x: Mapping[str, Any], c: Mapping[str, Any], ops: Ops, non_solid: float | None = None) -> Any:
    """Brock/PanCan (McWilliams 2013) full model: 2b with spiculation, or 2a without (Brock, McWilliams et
    al., NEJM 2013)."""
    types = dict(c["nodule_type"])
    if "non_solid" not in types and non_solid is not None:
        types["non_solid"] = non_solid
    return (
        c["constant"]
        + _centred(c["age"], x["age"])
        + c["female"] * ops.indicator(x["sex"] == "F")
        + c["family_history_lung_cancer"] * x["family_history_lung_cancer"]
        + c["emphysema"] * x["emphysema"]
        + _transformed(c["size"], x["nodule_size_mm"], ops)
        + ops.select([(x["nodule_type"] == name, beta) for name, beta in types.items()], 0.0)
        + c["upper_lobe"] * x["upper_lobe"]
        + _centred(c["nodule_count"], x["nodule_count"])
        + c["spiculation"] * x["spiculation"]
    )


def _logit(model: Model, x: Mapping[str, Any], ops: Ops, settings: LungSettings, brock_2a: bool) -> Any:
    if model in (Model.plcom2012, Model.plcom2012_norace):
        return plcom2012_logit(x, coefficients(model), ops)
    if model in (Model.llp_v2, Model.llp_v3):
        return llp_logit(x, coefficients(model), ops, tuple(settings.llp_duration_edges))
    if brock_2a:
        return brock_logit(x, coefficients(BROCK_2A), ops, settings.brock_2a_non_solid_beta)
    return brock_logit(x, coefficients(model), ops)


def _brock_2a_refused(model: Model, brock_2a: bool, settings: LungSettings) -> bool:
    if brock_2a and model != Model.brock:
        raise ValueError("brock_2a applies to the brock model only")
    return brock_2a and settings.brock_2a_non_solid_beta is None


def info(model: Model | str, *, brock_2a: bool = False) -> ModelInfo:
    """Version, source and verification status of `model` (recorded with every stored score)."""
    return model_info(BROCK_2A if brock_2a else Model(model))


def risk(
    model: Model | str,
    person: Mapping[str, Any],
    settings: LungSettings = DEFAULT_SETTINGS,
    *,
    brock_2a: bool = False,
) -> float:
    """The model's probability (0..1, unrounded) for one person or nodule, given as a mapping of the
    model's input columns; a ModelInputError names the first field outside the model's domain.

    Example: risk("plcom2012", {"age": 62, "race": "white", ...}) -> 0.0106...
    """
    model = Model(model)
    x = check_person(model, person)
    if _brock_2a_refused(model, brock_2a, settings) and x["nodule_type"] == "non_solid":
        field, problem = BROCK_2A_UNRESOLVED.split(": ", 1)
        raise ModelInputError(field, problem)
    ops = PythonOps()
    return ops.expit(_logit(model, x, ops, settings, brock_2a))


@compiled
def add_risk(
    frame: Any,
    model: Model | str,
    settings: LungSettings = DEFAULT_SETTINGS,
    *,
    brock_2a: bool = False,
    risk_column: str = "risk",
    problem_column_name: str = "risk_problem",
) -> Any:
    """`frame` with two more columns: `risk` (the model's probability, null where the row is out of the
    model's domain) and `risk_problem` (why, as `field: problem`; null where scored). Nothing is
    dropped: rows out of domain are kept and explained."""
    model = Model(model)
    F = functions(frame)
    ops = ColumnOps(F)
    typed = typed_columns(model, F)
    internal = {name: f"_lung_{name}" for name in typed}
    staged = frame.select("*", *[typed[name].alias(internal[name]) for name in typed])
    x = {name: F.col(internal[name]) for name in typed}
    problem = problem_column(x, model, ops)
    if _brock_2a_refused(model, brock_2a, settings):
        problem = F.coalesce(problem, F.when(x["nodule_type"] == "non_solid", F.lit(BROCK_2A_UNRESOLVED)))
    score = ops.expit(_logit(model, x, ops, settings, brock_2a))
    staged = ops.materialise(staged)
    return staged.select(
        *[F.col(name) for name in frame.columns],
        F.when(problem.isNull(), score).otherwise(F.lit(None).cast("double")).alias(risk_column),
        problem.alias(problem_column_name),
    )
