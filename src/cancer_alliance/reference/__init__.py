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
from cancer_alliance.reference.standards import (
    AllocationScenario,
    PlanningObjective,
    PtlBand,
    Standard,
    allocation_scenarios,
    planning_objectives,
    ptl_bands,
    standards,
    threshold_on,
)

__all__ = [
    "AllocationScenario",
    "PlanningObjective",
    "PtlBand",
    "Standard",
    "TreatmentEventType",
    "TreatmentModality",
    "allocation_scenarios",
    "code_list",
    "code_list_names",
    "planning_objectives",
    "ptl_bands",
    "standards",
    "threshold_on",
    "treatment_event_types",
    "treatment_modalities",
]
