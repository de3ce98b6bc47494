"""Free text typed into the service (notes, next actions, summaries) must not carry NHS numbers
(issue 21): the pathway or patient is already identified by its record, and the store keeps only
pseudonymised identifiers. An NHS number is ten digits, optionally grouped 3-3-4 by spaces or hyphens,
whose last digit is the modulus 11 check digit (NHS Data Dictionary, "NHS NUMBER"); only valid ones are
flagged, so dates, phone numbers and counts pass.
"""

from __future__ import annotations

import re

from cancer_alliance.ingest.nhs_number import is_valid

_CANDIDATE = re.compile(r"(?<!\d)(\d{3}[ -]?\d{3}[ -]?\d{4})(?!\d)")

NHS_NUMBER_MESSAGE = "Remove the NHS number: the record already identifies the patient"


def has_nhs_number(text: str) -> bool:
    """Whether `text` contains a valid NHS number."""
    return any(is_valid(match.replace("-", "")) for match in _CANDIDATE.findall(text))
