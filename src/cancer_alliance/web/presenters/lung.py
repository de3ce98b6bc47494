"""What the lung health check calculator page shows: the form's fields, the answers parsed from it with
NHS.UK error messages, and the assessment (both risks, eligibility and why). No I/O; unit-tested
without a browser (tests/lung/test_web.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cancer_alliance import reference
from cancer_alliance.lung.eligibility import REASONS, Assessment, assess
from cancer_alliance.lung.programme_files import RATES
from cancer_alliance.lung.settings import DEFAULT_SETTINGS, LungSettings, education_labels
from cancer_alliance.web.presenters.formatting import WITHHELD, count, is_missing, percent

NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
YES_NO = (("1", "Yes"), ("0", "No"))
SMOKING = (
    ("current", "I smoke now"),
    ("former", "I used to smoke"),
    ("never", "I have never smoked (fewer than 100 cigarettes in my life)"),
)
SEXES = (("M", "Male"), ("F", "Female"))
FAMILY = (
    ("none", "No"),
    ("early", "Yes, diagnosed before age 60"),
    ("late", "Yes, diagnosed at age 60 or over"),
    ("unknown_age", "Yes, age at diagnosis not known"),
)
FLAGS = ("copd", "personal_cancer_history", "pneumonia", "asbestos")


def choices() -> dict[str, tuple[tuple[str, str], ...]]:
    """Each radio or select field's (value, label) pairs."""
    return {
        "sex": SEXES,
        "ethnic_category": (("", "Not stated"),)
        + tuple(
            (code, label) for code, label in reference.code_list("ethnic_category").items() if code != "Z"
        ),
        "education_level": tuple((str(i), label) for i, label in enumerate(education_labels(), start=1)),
        "smoking_status": SMOKING,
        "family_history_onset": FAMILY,
        **{name: YES_NO for name in FLAGS},
    }


#: The questions in order: name, label, kind (number, whole, radios, select), hint.
QUESTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("age", "Age", "whole", "In years"),
    ("sex", "Sex", "radios", ""),
    ("ethnic_category", "Ethnic group", "select", "Used for the PLCOm2012 ethnicity term"),
    ("education_level", "Highest level of education", "radios", ""),
    ("bmi", "Body mass index (BMI)", "number", "Weight in kilograms divided by height in metres squared"),
    ("copd", "Has a doctor ever said you have COPD?", "radios", "Chronic obstructive pulmonary disease"),
    ("personal_cancer_history", "Have you ever had cancer?", "radios", ""),
    ("pneumonia", "Have you ever been diagnosed with pneumonia?", "radios", ""),
    ("asbestos", "Have you worked with asbestos for a year or more?", "radios", ""),
    ("family_history_onset", "Has a parent, brother, sister or child had lung cancer?", "radios", ""),
    ("smoking_status", "Do you smoke?", "radios", "Cigarettes, cigars or pipes"),
    ("cigarettes_per_day", "Cigarettes a day, on average", "number", "Leave blank if you have never smoked"),
    (
        "smoking_duration_years",
        "Years smoked in total",
        "number",
        "Add up all the years, leaving out any breaks",
    ),
    ("years_since_quit", "Years since you stopped", "number", "Only if you used to smoke"),
)
LABELS = {name: label for name, label, _, _ in QUESTIONS}
_NUMBERS = {
    "age": (0, 120),
    "bmi": (10, 90),
    "cigarettes_per_day": (0, 200),
    "smoking_duration_years": (0, 120),
    "years_since_quit": (0, 120),
}


def form_items(values: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The NHS.UK radios and select items of each choice question, the submitted answer checked."""
    items = {}
    for name, kind, options in ((n, k, choices().get(n)) for n, _, k, _ in QUESTIONS):
        if options is None:
            continue
        chosen = "selected" if kind == "select" else "checked"
        items[name] = [
            {"value": value, "text": text, chosen: values.get(name, "") == value} for value, text in options
        ]
    return items


@dataclass
class CalculatorForm:
    """The submitted values as typed (to fill the form again), the parsed answers and the errors."""

    values: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def error_list(self) -> list[dict[str, str]]:
        """For the NHS.UK error summary: each error linking to its field, in question order."""
        return [
            {"text": self.errors[name], "href": f"#{name}"} for name, *_ in QUESTIONS if name in self.errors
        ]


def parse_form(form: Mapping[str, str]) -> CalculatorForm:
    """Answers from the submitted form; an error per question that is missing or not valid."""
    result = CalculatorForm(values={name: str(form.get(name, "")).strip() for name, *_ in QUESTIONS})
    values, answers, errors = result.values, result.answers, result.errors
    options = choices()
    for name, label, kind, _ in QUESTIONS:
        text = values[name]
        if kind in ("radios", "select"):
            allowed = {value for value, _ in options[name]}
            if text not in allowed or (text == "" and kind == "radios"):
                errors[name] = f"Select an answer for {label.lower().rstrip('?')}"
            elif name in FLAGS:
                answers[name] = text == "1"
            elif name == "education_level":
                answers[name] = int(text)
            else:
                answers[name] = text or None
    smoker = answers.get("smoking_status") in ("current", "former")
    needed = {"age", "bmi"} | ({"cigarettes_per_day", "smoking_duration_years"} if smoker else set())
    if answers.get("smoking_status") == "former":
        needed.add("years_since_quit")
    for name, (low, high) in _NUMBERS.items():
        text, label = values[name], LABELS[name].lower()
        if text == "":
            if name in needed:
                errors[name] = f"Enter {label}"
            continue
        whole = name == "age"
        if not NUMBER.match(text) or (whole and "." in text):
            errors[name] = (
                f"Enter {label} as a {'whole ' if whole else ''}number, like {'62' if whole else '20'}"
            )
            continue
        number = float(text)
        if not low <= number <= high or (name == "cigarettes_per_day" and number == 0 and smoker):
            least = "more than 0" if name == "cigarettes_per_day" else f"at least {low}"
            errors[name] = f"{LABELS[name]} must be {least} and at most {high}"
            continue
        answers[name] = int(number) if whole else number
    if answers.get("smoking_status") == "never":
        answers["smoking_duration_years"] = 0.0
        answers["cigarettes_per_day"] = None
        answers["years_since_quit"] = None
    elif answers.get("smoking_status") == "current":
        answers["years_since_quit"] = 0.0
    _check_totals(result)
    return result


def _check_totals(form: CalculatorForm) -> None:
    answers, errors = form.answers, form.errors
    age, years = answers.get("age"), answers.get("smoking_duration_years")
    if age is None or years is None or "smoking_duration_years" in errors:
        return
    if years + (answers.get("years_since_quit") or 0) > age:
        errors["smoking_duration_years"] = (
            "Years smoked and years since you stopped cannot add up to more than your age"
        )


@dataclass(frozen=True)
class CalculatorPresenter:
    """The result panel: the decision, each criterion with a tag, both risks with their models."""

    assessment: Assessment
    settings: LungSettings = DEFAULT_SETTINGS

    @property
    def heading(self) -> str:
        if self.assessment.eligible:
            return "Eligible for a low-dose CT scan"
        return f"Not eligible for a low-dose CT scan: {REASONS[self.assessment.reason or 'age']}"

    @property
    def criteria_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "key": {"text": criterion.text.split(": ", 1)[0]},
                "value": {"text": criterion.text.split(": ", 1)[1]},
                "met": criterion.met,
            }
            for criterion in self.assessment.criteria
        ]

    @property
    def explanation(self) -> str:
        s, a = self.settings, self.assessment
        rule = (
            f"Eligible if aged {s.minimum_age} to {s.maximum_age}, has ever smoked, and the "
            f"{a.plcom2012_version} 6-year risk is at least {s.plcom2012_threshold * 100:.2f}% or the "
            f"{a.llp_version} 5-year risk is at least {s.llp_threshold * 100:.1f}%."
        )
        return rule


def calculate(
    form: Mapping[str, str], settings: LungSettings = DEFAULT_SETTINGS
) -> tuple[CalculatorForm, CalculatorPresenter | None]:
    """Parse the form and, when it is complete and valid, assess the person."""
    parsed = parse_form(form)
    if parsed.errors:
        return parsed, None
    return parsed, CalculatorPresenter(assess(parsed.answers, settings), settings)


# --- Programme dashboard -------------------------------------------------------------------------

#: Dashboard columns: (rate, heading). Each rate shows with its Wilson 95% interval.
DASHBOARD_RATES = (
    ("uptake", "Uptake (attended of invited)"),
    ("eligibility_rate", "Eligible for LDCT"),
    ("scan_rate", "Scanned, of eligible"),
    ("findings_rate", "Scans with findings"),
    ("cancer_detection_rate", "Cancers per scan"),
    ("early_stage_share", "Cancers at stage 1 or 2"),
    ("cessation_rate", "Smokers referred to stop smoking"),
)


def _interval(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    if is_missing(value):
        if any(row.get(f"{part}_suppressed") for part in RATES[name]):
            return WITHHELD
        # A denominator that is not there (no invitations in the lake) is no data, never a figure.
        return "no data" if is_missing(row.get(RATES[name][1])) else "none to count"
    return f"{percent(value)} ({percent(row[f'{name}_lower_95'])} to {percent(row[f'{name}_upper_95'])})"


def dashboard_rows(table: Any, names: Mapping[str, str], key: str) -> list[dict[str, Any]]:
    """One row per alliance or CCG: name, attendances, LDCT scans, cancers and each rate with its
    interval ("none to count" where the denominator is 0, "no data" where it is missing, `[c]` where
    disclosure control withheld it)."""
    rows = []
    for row in table.to_dict("records"):
        rows.append(
            {
                "code": row[key],
                "name": names.get(row[key], row[key]),
                "attended": count(row["attended"]) or WITHHELD,
                "ldct_scans": count(row["ldct_scans"]) or WITHHELD,
                "cancers": count(row["cancers"]) or (WITHHELD if row.get("cancers_suppressed") else "0"),
                "rates": [_interval(row, name) for name, _ in DASHBOARD_RATES],
            }
        )
    return rows


#: What the targeting ranks by, by its `basis` (decision 0032): heading of the value column, the
#: column, and how a map area names it. The early-stage share is only a fallback and says so.
TARGETING_BASIS = {
    "survival": ("One-year lung cancer survival", "lung_survival_1y_pct", "one-year survival"),
    "early_stage_proxy": (
        "Lung cancers at stage 1 or 2 (proxy for survival)",
        "lung_early_stage_share",
        "early stage (survival proxy)",
    ),
}


def targeting_map(
    shapes: Mapping[str, str], targeting: Any, highlight_alliance: str | None
) -> dict[str, Any]:
    """The CCG map with the chosen CCGs filled (NHS blue) and the others light, each area named with
    the value it was ranked by and whether it was chosen; the same facts are in the table beside it.
    `basis`, `heading` and `value_column` say whether that value is survival or the early-stage proxy."""
    records = targeting.to_dict("records")
    basis = records[0]["basis"] if records else "early_stage_proxy"
    heading, column, named = TARGETING_BASIS[basis]
    by_code = {row["ccg_code"]: row for row in records}
    areas = []
    for code, path in shapes.items():
        row = by_code.get(code)
        if row is None:
            fill, label = "#ffffff", f"{code}: not ranked"
        else:
            state = "chosen" if row["chosen"] else "not chosen"
            fill = "#005eb8" if row["chosen"] else "#e8edee"
            label = f"{row['name']}: rank {row['rank']}, {named} {_ranked_value(basis, row[column])}, {state}"
        areas.append({"code": code, "path": path, "fill": fill, "label": label})
    chosen = [row for row in records if row["chosen"]]
    if highlight_alliance:
        chosen = [row for row in chosen if row["alliance_code"] == highlight_alliance]
    for row in chosen:
        row["shown"] = _ranked_value(basis, row[column])
    year = records[0].get("diagnosis_year") if records and basis == "survival" else None
    return {"areas": areas, "chosen": chosen, "basis": basis, "heading": heading, "year": year}


def _ranked_value(basis: str, value: float) -> str:
    """Survival is published in per cent; the proxy is a share ([c] where a count is withheld)."""
    return f"{value:.1f}%" if basis == "survival" else percent(value) or WITHHELD
