"""Every results file, named once: its file name, the pipeline step that writes it, its columns,
whether it holds patient-level rows (reached by the web only through `web.scope`) or aggregates, and
the lake tables it is computed from (issue #19 item 1).

Column lists that a domain defines are taken from it (the CWT facts, the PTL, the lung and early
diagnosis counts, radiotherapy compliance); the others are named here. This is the one home of each file
name: writers and readers ask for a file by its catalogue name (`path`, `entry(...).filename`,
`Results.table`) and never spell it (`tests/results/test_catalogue.py` scans `src/`; decision record
0047). The pipeline checks each step wrote exactly its files with exactly these columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cancer_alliance.cwt.measures import FACT_COLUMNS
from cancer_alliance.cwt.ptl import COLUMNS as PTL_COLUMNS
from cancer_alliance.cwt.published import WITHHELD_COLUMNS
from cancer_alliance.early_diagnosis.counts import COUNT_COLUMNS as EARLY_DIAGNOSIS_COUNTS
from cancer_alliance.early_diagnosis.metrics import METRIC_COLUMNS as EARLY_DIAGNOSIS_METRICS
from cancer_alliance.early_diagnosis.published import WITHHELD_COLUMNS as EARLY_DIAGNOSIS_WITHHELD_COLUMNS
from cancer_alliance.early_diagnosis.results_files import PERIOD_COLUMNS
from cancer_alliance.early_diagnosis.results_files import RESULTS as EARLY_DIAGNOSIS_FILES
from cancer_alliance.fit.published import WITHHELD_COLUMNS as FIT_WITHHELD_COLUMNS
from cancer_alliance.lung.programme import COUNT_COLUMNS as LUNG_COUNTS
from cancer_alliance.lung.programme import WITHHELD_COLUMNS as LUNG_WITHHELD_COLUMNS
from cancer_alliance.pathways.published import WITHHELD_COLUMNS as PATHWAYS_WITHHELD_COLUMNS
from cancer_alliance.pathways.results_files import NEXT_COLUMNS
from cancer_alliance.radiotherapy.files import COLUMNS as COMPLIANCE_COLUMNS
from cancer_alliance.radiotherapy.published import COURSES_WITHHELD_COLUMNS as RADIOTHERAPY_COURSES_WITHHELD
from cancer_alliance.radiotherapy.published import WITHHELD_COLUMNS as RADIOTHERAPY_WITHHELD_COLUMNS


class Level(StrEnum):
    patient = "patient"
    aggregate = "aggregate"


@dataclass(frozen=True)
class ResultFile:
    """One results file of a generation."""

    name: str
    step: str
    domain: str
    columns: tuple[str, ...]
    level: Level
    reads: tuple[str, ...]

    @property
    def filename(self) -> str:
        return self.name if self.name.endswith((".csv", ".json")) else f"{self.name}.parquet"


_PERFORMANCE_MEASURES = ("total", "within", "breaches", "performance", "threshold", "meets_threshold")
_FIT_COUNTS = (
    "invited",
    "screened",
    "positive",
    "investigated",
    "cancers",
    "high_risk_adenomas",
    "median_days_result_to_test",
)
_COMPLIANCE = (
    "met",
    "breached",
    "overdue",
    "open",
    "not_applicable",
    "decided",
    "compliance",
    "compliance_lower_95",
    "compliance_upper_95",
)
_STEPS = (
    "step",
    "sequence",
    "pathways",
    "median_days",
    "p90_days",
    "allowed",
    "mean_days_lost",
    "share_over",
)

#: The CWT performance tables by grouping: performance_<name>.
PERFORMANCE_GROUPINGS: dict[str, tuple[str, ...]] = {
    "month": ("month",),
    "month_provider": ("month", "provider"),
    "month_alliance": ("month", "alliance"),
    "month_tumour_type": ("month", "tumour_type"),
    "month_provider_tumour_type_route": ("month", "provider", "tumour_type", "route"),
}


def _performance(name: str, by: tuple[str, ...]) -> ResultFile:
    groups = tuple("reporting_month" if column == "month" else column for column in by)
    columns = ("standard_id", *groups, *_PERFORMANCE_MEASURES)
    return ResultFile(f"performance_{name}", "cwt_performance", "cwt", columns, Level.aggregate, ("cwt",))


_FILES: tuple[ResultFile, ...] = (
    ResultFile(
        "cwt_records",
        "cwt_records",
        "cwt",
        (
            "record_id",
            "nhs_number",
            "priority_type",
            "source_of_referral",
            "referral_type",
            "referral_received_date",
            "consultant_upgrade_date",
            "provider_consultant_upgrade",
            "date_first_seen",
            "provider_first_seen",
            "adjustment_first_seen_days",
            "adjustment_first_seen_reason",
            "fds_end_date",
            "fds_end_reason",
            "fds_exclusion_reason",
            "provider_fds_end",
            "decision_to_treat_date",
            "transfer_to_treatment_date",
            "accountable_investigating_provider",
            "treatment_start_date",
            "adjustment_treatment_days",
            "adjustment_treatment_reason",
            "provider_treatment",
            "treatment_event_type",
            "treatment_modality",
            "primary_diagnosis_icd10",
            "fit_result_ug_g",
        ),
        Level.patient,
        ("cwt",),
    ),
    ResultFile(
        "cwt_facts",
        "cwt_facts",
        "cwt",
        FACT_COLUMNS,
        Level.patient,
        ("cwt",),
    ),
    ResultFile(
        "cwt_facts.rejected.csv",
        "cwt_facts",
        "cwt",
        ("record_id", "reason", "measures"),
        Level.patient,
        ("cwt",),
    ),
    *(_performance(name, by) for name, by in PERFORMANCE_GROUPINGS.items()),
    # The public tables' complementary suppressions, decided once per refresh (docs/decisions/0051).
    ResultFile("performance_withheld", "cwt_disclosure", "cwt", WITHHELD_COLUMNS, Level.aggregate, ("cwt",)),
    ResultFile(
        "pathway_milestones",
        "pathways",
        "pathways",
        (
            "pathway_id",
            "tumour",
            "milestone",
            "target_day",
            "day",
            "status",
            "sequence",
            "version",
            "verified",
            "start_event",
            "start_date",
            "provider_code",
            "milestone_date",
            "due_date",
            "as_of",
            "outcome",
            "alliance_code",
        ),
        Level.patient,
        ("pathway_event",),
    ),
    ResultFile(
        "pathway_next",
        "pathways",
        "pathways",
        NEXT_COLUMNS,
        Level.patient,
        ("pathway_event",),
    ),
    ResultFile(
        "pathway_compliance",
        "pathways",
        "pathways",
        ("level", "code", "tumour", "milestone", "sequence", *_COMPLIANCE),
        Level.aggregate,
        ("pathway_event",),
    ),
    # The timed pathways' public compliance, trend and step counts' complementary suppressions (month ""
    # for the period's rows, a step's name as its milestone; docs/decisions/0057).
    ResultFile(
        "pathways_withheld",
        "pathways_disclosure",
        "pathways",
        PATHWAYS_WITHHELD_COLUMNS,
        Level.aggregate,
        ("pathway_event",),
    ),
    ResultFile(
        "pathway_all_met",
        "pathways",
        "pathways",
        (
            "level",
            "code",
            "tumour",
            "pathways",
            "all_met",
            "share_all_met",
            "share_all_met_lower_95",
            "share_all_met_upper_95",
        ),
        Level.aggregate,
        ("pathway_event",),
    ),
    ResultFile(
        "pathway_trend",
        "pathways",
        "pathways",
        (
            "level",
            "code",
            "month",
            "tumour",
            "milestone",
            "sequence",
            *_COMPLIANCE,
            "mean",
            "lpl",
            "upl",
            "point_type",
            "rebase_group",
            "short_group_warning",
        ),
        Level.aggregate,
        ("pathway_event",),
    ),
    ResultFile(
        "pathway_steps",
        "pathways",
        "pathways",
        ("level", "code", "tumour", *_STEPS),
        Level.aggregate,
        ("pathway_event",),
    ),
    ResultFile(
        "pathway_bottleneck",
        "pathways",
        "pathways",
        ("alliance_code", "provider_code", "tumour", *_STEPS),
        Level.aggregate,
        ("pathway_event",),
    ),
    ResultFile(
        "ptl",
        "ptl",
        "cwt",
        (*PTL_COLUMNS, *NEXT_COLUMNS[1:]),
        Level.patient,
        ("cwt", "pathway_event"),
    ),
    ResultFile(
        "ptl.summary",
        "ptl",
        "cwt",
        (
            "census_date",
            "breakdown",
            "group_name",
            "open_pathways",
            "over_62_backlog",
            "over_104",
            "crossed_28_last_7_days",
            "crossed_62_last_7_days",
            "crossed_104_last_7_days",
        ),
        Level.aggregate,
        ("cwt",),
    ),
    ResultFile(
        "fit_alliance",
        "fit",
        "fit",
        ("alliance_code", *_FIT_COUNTS),
        Level.aggregate,
        ("fit_screening_episode",),
    ),
    ResultFile(
        "fit_ccg",
        "fit",
        "fit",
        ("alliance_code", "ccg_code", *_FIT_COUNTS),
        Level.aggregate,
        ("fit_screening_episode",),
    ),
    ResultFile(
        "fit_month",
        "fit",
        "fit",
        ("alliance_code", "invitation_month", *_FIT_COUNTS),
        Level.aggregate,
        ("fit_screening_episode",),
    ),
    ResultFile(
        "fit_england_month",
        "fit",
        "fit",
        ("invitation_month", *_FIT_COUNTS),
        Level.aggregate,
        ("fit_screening_episode",),
    ),
    # The bowel screening public tables' complementary suppressions (docs/decisions/0054).
    ResultFile(
        "fit_withheld",
        "fit_disclosure",
        "fit",
        FIT_WITHHELD_COLUMNS,
        Level.aggregate,
        ("fit_screening_episode",),
    ),
    ResultFile(
        "fit_bands",
        "fit",
        "fit",
        (
            "alliance_code",
            "screening_centre_code",
            "result_month",
            "band_lower",
            "screened",
            "referred",
            "investigated",
            "cancers",
            "high_risk_adenomas",
        ),
        Level.aggregate,
        ("fit_screening_episode",),
    ),
    ResultFile(
        "lung_programme_alliance",
        "lung",
        "lung",
        ("alliance", *LUNG_COUNTS, "invited"),
        Level.aggregate,
        ("lung_health_check", "lung_health_check_invitation", "tumour_registration"),
    ),
    # The lung health checks' public tables' complementary suppressions (docs/decisions/0054).
    ResultFile(
        "lung_withheld",
        "lung_disclosure",
        "lung",
        LUNG_WITHHELD_COLUMNS,
        Level.aggregate,
        ("lung_health_check", "lung_health_check_invitation", "tumour_registration"),
    ),
    ResultFile(
        "lung_programme_ccg",
        "lung",
        "lung",
        ("ccg", *LUNG_COUNTS, "invited", "alliance_code"),
        Level.aggregate,
        ("lung_health_check", "lung_health_check_invitation", "tumour_registration"),
    ),
    ResultFile(
        "lung_targeting",
        "lung",
        "lung",
        (
            "ccg_code",
            "name",
            "alliance_code",
            "lung_early_stage_share",
            "rank",
            "chosen",
            "basis",
            "stage_early",
            "stage_staged",
        ),
        Level.aggregate,
        ("tumour_registration",),
    ),
    *(
        ResultFile(
            name,
            "early_diagnosis",
            "early_diagnosis",
            (by, *EARLY_DIAGNOSIS_COUNTS, *PERIOD_COLUMNS, *EARLY_DIAGNOSIS_METRICS),
            Level.aggregate,
            ("tumour_registration",),
        )
        for by, name in EARLY_DIAGNOSIS_FILES.items()
    ),
    # The lake's early diagnosis public tables' complementary suppressions (docs/decisions/0056).
    ResultFile(
        "early_diagnosis_withheld",
        "early_diagnosis_disclosure",
        "early_diagnosis",
        EARLY_DIAGNOSIS_WITHHELD_COLUMNS,
        Level.aggregate,
        ("tumour_registration",),
    ),
    ResultFile(
        "followup_cohort",
        "followup_cohort",
        "followup",
        ("patient_pseudonym", "trust_code", "alliance_code", "diagnosis_date"),
        Level.patient,
        ("tumour_registration",),
    ),
    ResultFile(
        "radiotherapy_compliance",
        "radiotherapy",
        "radiotherapy",
        COMPLIANCE_COLUMNS,
        Level.aggregate,
        ("radiotherapy_course", "linac", "cwt"),
    ),
    # The radiotherapy compliance and course mix public tables' complementary suppressions (0058).
    ResultFile(
        "radiotherapy_withheld",
        "radiotherapy_disclosure",
        "radiotherapy",
        RADIOTHERAPY_WITHHELD_COLUMNS,
        Level.aggregate,
        ("radiotherapy_course", "linac", "cwt"),
    ),
    ResultFile(
        "radiotherapy_courses_withheld",
        "radiotherapy_disclosure",
        "radiotherapy",
        RADIOTHERAPY_COURSES_WITHHELD,
        Level.aggregate,
        ("radiotherapy_course",),
    ),
    ResultFile(
        "radiotherapy_linacs",
        "radiotherapy",
        "radiotherapy",
        (
            "linac_id",
            "provider_code",
            "commissioned_date",
            "last_upgrade_date",
            "decommissioned_date",
            "delivers_imrt",
            "delivers_igrt",
            "delivers_sabr",
            "network_code",
            "age_years",
            "in_service",
            "replacement_due",
            "upgrade_due",
        ),
        Level.aggregate,
        ("linac",),
    ),
    ResultFile(
        "radiotherapy_techniques",
        "radiotherapy",
        "radiotherapy",
        ("month", "provider_code", "technique", "courses"),
        Level.aggregate,
        ("radiotherapy_course",),
    ),
    ResultFile(
        "radiotherapy_fractionation",
        "radiotherapy",
        "radiotherapy",
        ("month", "provider_code", "site", "prescribed_dose_gy", "fractions", "courses"),
        Level.aggregate,
        ("radiotherapy_course",),
    ),
    ResultFile("radiotherapy.json", "radiotherapy", "radiotherapy", ("as_of",), Level.aggregate, ()),
)

CATALOGUE: dict[str, ResultFile] = {entry.name: entry for entry in _FILES}
#: Domains in pipeline order, for `alliance results refresh --only`.
DOMAINS: tuple[str, ...] = tuple(dict.fromkeys(entry.domain for entry in _FILES))


class UnknownResult(KeyError):
    """A results file name that is not in the catalogue."""


def entry(name: str) -> ResultFile:
    """The catalogue entry of `name` (a stem such as `fit_month`, or a full file name)."""
    found = CATALOGUE.get(name.removesuffix(".parquet"))
    if found is None:
        raise UnknownResult(f"{name!r} is not a results file (see cancer_alliance.results.catalogue)")
    return found


def path(folder: Path, name: str) -> Path:
    """Where results file `name` lives in `folder` (a generation, or the `results` link)."""
    return folder / entry(name).filename


def files_of(step: str) -> tuple[ResultFile, ...]:
    """The files `step` writes."""
    return tuple(entry for entry in _FILES if entry.step == step)


def lake_tables() -> tuple[str, ...]:
    """Every lake table some results file is computed from."""
    return tuple(sorted({table for entry in _FILES for table in entry.reads}))
