"""Radiotherapy service specification compliance: providers and networks against the measurable
requirements of B01/S/a, kept as reference data (README.md)."""

from cancer_alliance.radiotherapy.compliance import (
    DEFAULT_SETTINGS,
    OUTPUT_COLUMNS,
    ComplianceSettings,
    compliance,
    in_force,
    thresholds,
)

__all__ = ["DEFAULT_SETTINGS", "OUTPUT_COLUMNS", "ComplianceSettings", "compliance", "in_force", "thresholds"]
