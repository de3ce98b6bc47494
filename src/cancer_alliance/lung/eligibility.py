"""Targeted Lung Health Check eligibility for low-dose CT (NHS England TLHC protocol (2019), Appendix A):

    aged `minimum_age` to `maximum_age` (55 to 74 years and 364 days) at the first LDCT,
    ever smoked (current or former; at least 100 cigarettes in a lifetime),
    PLCOm2012 6-year risk >= 1.51%  OR  LLPv2 5-year risk >= 2.5%            (thresholds are settings)

An attendance's answers (the canonical `lung_health_check` columns) become each model's inputs by
`model_inputs`: UK ethnic category -> PLCO race and missing education by the settings (NHS England TLHC
protocol (2019)); family
history of lung cancer = any onset but none (PLCOm2012) and the onset itself (LLP); prior malignancy
= personal cancer history. Written once against `lung.ops` like the models: `assess` explains one
person's decision (the clinic calculator); `add_eligibility` decides for a cohort on the engine.
The age used is the age recorded at the check, in completed years (the table has no date of birth).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cancer_alliance.engine import functions
from cancer_alliance.lung.coefficients import Model
from cancer_alliance.lung.inputs import ModelInputError
from cancer_alliance.lung.models import add_risk, info, risk
from cancer_alliance.lung.ops import ColumnOps, Ops, PythonOps
from cancer_alliance.lung.settings import DEFAULT_SETTINGS, LungSettings

#: Why an attendance is not eligible, in the order checked (`ineligible_reason`).
REASONS = {
    "age": "outside the age range",
    "never_smoked": "never smoked",
    "not_assessed": "risk could not be assessed",
    "below_threshold": "risk below both thresholds",
}


def model_inputs(x: Mapping[str, Any], ops: Ops, settings: LungSettings) -> dict[str, Any]:
    """The PLCOm2012 and LLP inputs from an attendance's answers (values or engine columns)."""
    onset = x["family_history_onset"]
    ethnicity = x["ethnic_category"]
    race = ops.select(
        [(ethnicity == code, race) for code, race in settings.ethnicity_race.items()],
        settings.ethnicity_default_race,
    )
    education = ops.select(
        [(_missing(x["education_level"]), float(settings.missing_education_level))], x["education_level"]
    )
    current = x["smoking_status"] == "current"
    return {
        "age": x["age"],
        "race": race,
        "education_level": education,
        "bmi": x["bmi"],
        "copd": x["copd"],
        "personal_cancer_history": x["personal_cancer_history"],
        "family_history_lung_cancer": ops.select([(_missing(onset), None), (onset == "none", 0.0)], 1.0),
        "smoking_status": x["smoking_status"],
        "cigarettes_per_day": x["cigarettes_per_day"],
        "smoking_duration_years": x["smoking_duration_years"],
        "years_since_quit": ops.select([(current, 0.0)], x["years_since_quit"]),
        "sex": x["sex"],
        "pneumonia": x["pneumonia"],
        "asbestos": x["asbestos"],
        "prior_malignancy": x["personal_cancer_history"],
        "family_history_onset": onset,
    }


def _missing(value: Any) -> Any:
    return value.isNull() if hasattr(value, "isNull") else value is None


@dataclass(frozen=True)
class Criterion:
    """One line of the explanation: what was checked, whether it was met, and the detail."""

    name: str
    met: bool
    text: str


@dataclass(frozen=True)
class Assessment:
    """A person's two risks (None where the model cannot score them, with the problem) and the decision."""

    plcom2012: float | None
    plcom2012_problem: str | None
    llp: float | None
    llp_problem: str | None
    eligible: bool
    reason: str | None  # a key of REASONS when not eligible
    criteria: tuple[Criterion, ...]
    plcom2012_version: str
    llp_version: str


def _try(model: Model, inputs: Mapping[str, Any], settings: LungSettings) -> tuple[float | None, str | None]:
    try:
        return risk(model, inputs, settings), None
    except ModelInputError as error:
        return None, str(error)


def _percent(value: float) -> str:
    return f"{value * 100:.2f}%"


def assess(answers: Mapping[str, Any], settings: LungSettings = DEFAULT_SETTINGS) -> Assessment:
    """Eligibility for LDCT of one person from their answers (canonical `lung_health_check` names),
    with every criterion explained."""
    values = {**answers}
    for name in ("education_level", "family_history_onset", "years_since_quit", "ethnic_category"):
        values.setdefault(name, None)
    inputs = model_inputs(values, PythonOps(), settings)
    plcom_model, llp_model = settings.plcom2012_model, settings.llp_model
    plcom, plcom_problem = _try(plcom_model, inputs, settings)
    llp, llp_problem = _try(llp_model, inputs, settings)
    plcom_name, llp_name = info(plcom_model).version, info(llp_model).version
    age = values.get("age")
    in_range = age is not None and settings.minimum_age <= age <= settings.maximum_age
    ever = values.get("smoking_status") in ("current", "former")
    plcom_met = plcom is not None and plcom >= settings.plcom2012_threshold
    llp_met = llp is not None and llp >= settings.llp_threshold
    criteria = (
        Criterion(
            "age",
            in_range,
            f"Aged {settings.minimum_age} to {settings.maximum_age} at the first low-dose CT: "
            + (f"aged {age:g}" if age is not None else "age not given"),
        ),
        Criterion("smoking", ever, "Has ever smoked: " + ("yes" if ever else "no (never smoked)")),
        Criterion(
            "plcom2012",
            plcom_met,
            f"{plcom_name} 6-year risk at least {_percent(settings.plcom2012_threshold)}: "
            + (_percent(plcom) if plcom is not None else f"not calculated ({plcom_problem})"),
        ),
        Criterion(
            "llp",
            llp_met,
            f"{llp_name} 5-year risk at least {_percent(settings.llp_threshold)}: "
            + (_percent(llp) if llp is not None else f"not calculated ({llp_problem})"),
        ),
    )
    if not in_range:
        reason = "age"
    elif not ever:
        reason = "never_smoked"
    elif plcom is None and llp is None:
        reason = "not_assessed"
    elif not (plcom_met or llp_met):
        reason = "below_threshold"
    else:
        reason = None
    return Assessment(
        plcom2012=plcom,
        plcom2012_problem=plcom_problem,
        llp=llp,
        llp_problem=llp_problem,
        eligible=reason is None,
        reason=reason,
        criteria=criteria,
        plcom2012_version=plcom_name,
        llp_version=llp_name,
    )


#: Columns `add_eligibility` adds.
ELIGIBILITY_COLUMNS = (
    "plcom2012_risk",
    "plcom2012_problem",
    "plcom2012_version",
    "plcom2012_source",
    "llp_risk",
    "llp_problem",
    "llp_version",
    "llp_source",
    "eligible",
    "ineligible_reason",
)


def add_eligibility(attendances: Any, settings: LungSettings = DEFAULT_SETTINGS) -> Any:
    """The attendances (canonical `lung_health_check` rows) with both risks, their model versions,
    coefficient sources and problems, `eligible` and `ineligible_reason` (a key of REASONS, null if
    eligible). Every row is kept: one a model cannot score has a null risk and says why."""
    F = functions(attendances)
    ops = ColumnOps(F)
    inputs = model_inputs({name: F.col(name) for name in attendances.columns}, ops, settings)
    internal = {name: f"_in_{name}" for name in inputs}
    staged = attendances.select("*", *[value.alias(internal[name]) for name, value in inputs.items()])
    # The models read their input columns by name: give them the internal columns under those names.
    originals = [name for name in attendances.columns]
    renamed = staged.select(
        *[F.col(name).alias(f"_orig_{name}") for name in originals],
        *[F.col(internal[name]).alias(name) for name in inputs],
    )
    plcom_model, llp_model = settings.plcom2012_model, settings.llp_model
    scored = add_risk(
        renamed, plcom_model, settings, risk_column="plcom2012_risk", problem_column_name="plcom2012_problem"
    )
    scored = add_risk(scored, llp_model, settings, risk_column="llp_risk", problem_column_name="llp_problem")
    age, status = F.col("age"), F.col("smoking_status")
    plcom, llp = F.col("plcom2012_risk"), F.col("llp_risk")
    reason = ops.select(
        [
            (age.isNull() | (age < settings.minimum_age) | (age > settings.maximum_age), "age"),
            (~status.isin("current", "former") | status.isNull(), "never_smoked"),
            (plcom.isNull() & llp.isNull(), "not_assessed"),
            (
                ~(F.coalesce(plcom >= settings.plcom2012_threshold, F.lit(False)))
                & ~(F.coalesce(llp >= settings.llp_threshold, F.lit(False))),
                "below_threshold",
            ),
        ],
        F.lit(None).cast("string"),
    )
    return scored.select(
        *[F.col(f"_orig_{name}").alias(name) for name in originals],
        "plcom2012_risk",
        "plcom2012_problem",
        F.lit(info(plcom_model).version).alias("plcom2012_version"),
        F.lit(info(plcom_model).source).alias("plcom2012_source"),
        "llp_risk",
        "llp_problem",
        F.lit(info(llp_model).version).alias("llp_version"),
        F.lit(info(llp_model).source).alias("llp_source"),
        reason.isNull().alias("eligible"),
        reason.alias("ineligible_reason"),
    )
