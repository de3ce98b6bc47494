"""The store: accounts with roles and the append-only audit log, on SQLite or PostgreSQL.

`migrate()` brings the database up to date, `open_store()` gives sessions, `Auditor` records who
did what in the caller's transaction. Decision record: docs/decisions/0002.
"""

from cancer_alliance.store import (
    followup,  # noqa: F401  (follow-up tables join the metadata, issue 11)
    results,  # noqa: F401  (refresh runs and import jobs, issue #19)
)
from cancer_alliance.store.accounts import (
    AccountError,
    authenticate,
    change_password,
    change_role,
    create_user,
    deactivate,
    find_user,
    generate_password,
    list_users,
    verify_password,
)
from cancer_alliance.store.audit import AnonymousAuditError, AppendOnlyError, Auditor, ObjectRef
from cancer_alliance.store.audit_log import AUDIT_COLUMNS, AuditQuery, AuditRow, audit_rows
from cancer_alliance.store.database import Store, database_url, migrate, open_store
from cancer_alliance.store.models import (
    NOT_AUDITED,
    AuditAction,
    AuditEvent,
    Base,
    PtlNote,
    Role,
    UserAccount,
)
from cancer_alliance.store.programme import maintained_by_sql  # noqa: F401  (issue 15: registers the tables)

__all__ = [
    "AUDIT_COLUMNS",
    "AccountError",
    "AnonymousAuditError",
    "AppendOnlyError",
    "AuditAction",
    "AuditEvent",
    "AuditQuery",
    "AuditRow",
    "NOT_AUDITED",
    "Auditor",
    "Base",
    "ObjectRef",
    "PtlNote",
    "Role",
    "Store",
    "UserAccount",
    "audit_rows",
    "authenticate",
    "change_password",
    "change_role",
    "create_user",
    "database_url",
    "deactivate",
    "find_user",
    "generate_password",
    "list_users",
    "migrate",
    "open_store",
    "verify_password",
]
