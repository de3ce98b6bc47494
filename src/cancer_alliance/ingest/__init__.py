"""Validated ingest of canonical tables (issue 2, item 4; docs/decisions/0003): every row of a CSV
or Parquet file is accepted into the lake, NHS numbers pseudonymised, or quarantined with its row
number, field and reason."""

from cancer_alliance.ingest.importer import IngestSummary, Progress, ingest_file
from cancer_alliance.ingest.lake import current_table, snapshot_paths
from cancer_alliance.ingest.nhs_number import is_valid as is_valid_nhs_number
from cancer_alliance.ingest.scope import ImportScope, account_scope, alliance_scope, trust_scope

__all__ = [
    "ImportScope",
    "IngestSummary",
    "Progress",
    "account_scope",
    "alliance_scope",
    "current_table",
    "ingest_file",
    "is_valid_nhs_number",
    "snapshot_paths",
    "trust_scope",
]
