"""Free text typed into the service (notes, next actions, summaries) must not carry NHS numbers
(issue 21): the pathway or patient is already identified by its record, and the store keeps only
pseudonymised identifiers. The rule, `has_nhs_number`, lives with the NHS number check in
`ingest/nhs_number.py`, as imports apply it too; only valid numbers are flagged, so dates, phone
numbers and counts pass.
"""

from __future__ import annotations

from cancer_alliance.ingest.nhs_number import has_nhs_number

__all__ = ["NHS_NUMBER_MESSAGE", "has_nhs_number"]

NHS_NUMBER_MESSAGE = "Remove the NHS number: the record already identifies the patient"
