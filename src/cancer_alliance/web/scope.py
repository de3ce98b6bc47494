"""Who may see which patient-level rows: the only way pages and the API reach the PTL and timelines.

National users see every pathway; alliance users the pathways whose responsible provider belongs to
their alliance (2018/19 `reference.provider_alliance`); trust users their own provider's pathways;
the public none (issue 6, "Accounts and roles"; style.md §2, "Provider scoping at the data-access
layer"). A pathway outside the scope is refused exactly as one that does not exist, so a refusal says
nothing about other trusts' patients. `tests/web/test_boundaries.py` checks no other web module reads
patient-level results or notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cancer_alliance.errors import AllianceError
from cancer_alliance.store import Role
from cancer_alliance.store.models import PtlNote
from cancer_alliance.web.results import Results


class NotInScope(AllianceError):
    """The pathway does not exist or is outside the viewer's scope (answered 403 either way)."""


class SignInRequired(AllianceError):
    """Patient-level data asked for without signing in."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a signed-in account, or the public (`user_id` None)."""

    user_id: int | None
    username: str = "public"
    display_name: str = "Public"
    role: Role | None = None
    organisation_code: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None


PUBLIC = Viewer(user_id=None)


class Scope:
    """Patient-level reads for one viewer."""

    def __init__(self, viewer: Viewer, results: Results, provider_alliance: dict[str, str]) -> None:
        self.viewer = viewer
        self.results = results
        self.providers = _providers(viewer, provider_alliance)

    def covers(self, provider: str | None) -> bool:
        """Whether a pathway held by `provider` is in scope (national users: any, even unknown)."""
        if self.providers is None:
            return True
        return provider is not None and provider in self.providers

    def open_pathways(self) -> pd.DataFrame:
        """The PTL rows in scope."""
        self._require_sign_in()
        ptl = self.results.ptl()
        if self.providers is None:
            return ptl
        return ptl[ptl["provider"].isin(self.providers)]

    def open_pathway(self, record_id: str) -> dict[str, Any]:
        """One PTL row in scope, else `NotInScope`."""
        self._require_sign_in()
        ptl = self.results.ptl()
        rows = ptl[ptl["record_id"] == record_id]
        if rows.empty or not self.covers(rows.iloc[0]["provider"]):
            raise NotInScope("pathway not found in your organisation's patient tracking list")
        return rows.iloc[0].to_dict()

    def timeline(self, record_id: str) -> dict[str, Any]:
        """Milestone dates of a pathway in scope (checked first)."""
        self.open_pathway(record_id)
        timelines = self.results.timelines()
        if record_id not in timelines.index:
            return {}
        return timelines.loc[record_id].to_dict()

    def notes(self, session: Session, record_id: str) -> list[PtlNote]:
        """Notes on a pathway in scope, newest first."""
        self.open_pathway(record_id)
        query = select(PtlNote).where(PtlNote.record_id == record_id).order_by(PtlNote.id.desc())
        return list(session.scalars(query))

    def notes_for(self, session: Session, record_ids: list[str]) -> dict[str, PtlNote]:
        """The latest note of each listed pathway that is in scope (for the list's next actions)."""
        allowed = set(self.open_pathways()["record_id"]) & set(record_ids)
        if not allowed:
            return {}
        query = select(PtlNote).where(PtlNote.record_id.in_(allowed)).order_by(PtlNote.id)
        return {note.record_id: note for note in session.scalars(query)}

    def _require_sign_in(self) -> None:
        if not self.viewer.signed_in:
            raise SignInRequired("sign in to see patient-level data")


def _providers(viewer: Viewer, provider_alliance: dict[str, str]) -> frozenset[str] | None:
    if viewer.role is Role.national:
        return None
    if viewer.role is Role.alliance:
        return frozenset(p for p, a in provider_alliance.items() if a == viewer.organisation_code)
    if viewer.role is Role.trust and viewer.organisation_code:
        return frozenset({viewer.organisation_code})
    return frozenset()
