"""Reference data as versioned data: code lists, CWT standards with effective dates, the 62-day
allocation table, PTL bands, and (from `reference/data/`) alliances, trusts, CCGs, boundaries and
national statistics. Sources and licences: `reference/data/README.md`."""

from cancer_alliance.reference.code_lists import (
    TreatmentEventType,
    TreatmentModality,
    code_list,
    code_list_names,
    treatment_event_types,
    treatment_modalities,
)
from cancer_alliance.reference.geography import boundaries, boundary_versions, ccg_boundaries
from cancer_alliance.reference.organisations import (
    Alliance,
    Ccg,
    Trust,
    alliance_versions,
    alliances,
    ccg_versions,
    ccgs,
    provider_alliance,
    trust_versions,
    trusts,
)
from cancer_alliance.reference.standards import (
    AllocationScenario,
    PlanningObjective,
    PtlBand,
    Standard,
    allocation_scenarios,
    planning_objectives,
    ptl_bands,
    standards,
    suspected_tumour_types,
    threshold_on,
    tumour_site_teams,
)
from cancer_alliance.reference.statistics import (
    headline_indicators,
    national_cwt,
    national_cwt_2018_19,
    stage_at_diagnosis,
    stage_early_pct_england,
)

__all__ = [
    "Alliance",
    "AllocationScenario",
    "Ccg",
    "PlanningObjective",
    "PtlBand",
    "Standard",
    "Trust",
    "TreatmentEventType",
    "TreatmentModality",
    "alliance_versions",
    "alliances",
    "allocation_scenarios",
    "boundaries",
    "boundary_versions",
    "ccg_boundaries",
    "ccg_versions",
    "ccgs",
    "code_list",
    "code_list_names",
    "headline_indicators",
    "national_cwt",
    "national_cwt_2018_19",
    "planning_objectives",
    "provider_alliance",
    "ptl_bands",
    "stage_at_diagnosis",
    "stage_early_pct_england",
    "standards",
    "suspected_tumour_types",
    "threshold_on",
    "treatment_event_types",
    "treatment_modalities",
    "tumour_site_teams",
    "trust_versions",
    "trusts",
]
