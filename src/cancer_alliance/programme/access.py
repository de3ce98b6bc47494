"""Who may change programme records (issue 15): national users any alliance's, alliance users their
own alliance's, trust users none (they read). Moderation of case studies is for national users."""

from __future__ import annotations

from cancer_alliance.errors import AllianceError
from cancer_alliance.store import Role


class NotAllowed(AllianceError):
    """The user's role does not allow this change (answered 403 by the web, exit 2 by the CLI)."""


def can_edit(role: Role | str | None, organisation_code: str | None, alliance_code: str) -> bool:
    if role == Role.national:
        return True
    return role == Role.alliance and organisation_code == alliance_code


def require_edit(role: Role | str | None, organisation_code: str | None, alliance_code: str) -> None:
    if not can_edit(role, organisation_code, alliance_code):
        raise NotAllowed(f"only national users and users of alliance {alliance_code} may change its records")


def can_moderate(role: Role | str | None) -> bool:
    return role == Role.national
