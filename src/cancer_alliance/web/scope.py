"""Who may see which patient-level rows: the only way pages and the API reach the PTL and timelines.

National users see every pathway; alliance users the pathways whose responsible provider belongs to
their alliance (2018/19 `reference.provider_alliance`); trust users their own provider's pathways;
the public none (issue 6, "Accounts and roles"; style.md §2, "Provider scoping at the data-access
layer"). A pathway outside the scope is refused exactly as one that does not exist, so a refusal says
nothing about other trusts' patients. `tests/web/test_boundaries.py` checks no other web module reads
patient-level results or notes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import String, and_, cast, func, select, union_all
from sqlalchemy.orm import Session

from cancer_alliance.errors import AllianceError
from cancer_alliance.results.reader import Results, ResultsMissing
from cancer_alliance.store import Role
from cancer_alliance.store.models import AuditEvent, PtlNote, UserAccount
from cancer_alliance.web.presenters.ptl import PtlFilters, backlog
from cancer_alliance.web.presenters.ptl_grid import with_grid_columns

REFUSAL = "pathway not found in your organisation's patient tracking list"
#: Entries of a pathway's access log shown on its page.
ACCESS_LOG_ROWS = 20
#: Pathways whose notes `Scope.notes_for` asks for by record id; above it, it reads every latest note.
NOTES_BY_ID = 1000
#: (audit action, object type) -> what the access log says.
ACCESS_ACTIONS = {("view", "cwt_pathway"): "Viewed the pathway", ("create", "ptl_note"): "Added a note"}


class NotInScope(AllianceError):
    """The pathway does not exist or is outside the viewer's scope (answered 403 either way)."""


class SignInRequired(AllianceError):
    """Patient-level data asked for without signing in."""


@dataclass(frozen=True)
class Access:
    """One line of a pathway's access log."""

    when: dt.datetime
    who: str
    what: str


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a signed-in account, or the public (`user_id` None)."""

    user_id: int | None
    username: str = "public"
    display_name: str = "Public"
    role: Role | None = None
    organisation_code: str | None = None
    #: A trust user with the follow-up clinical grant (docs/decisions/0014); the header offers the
    #: worklist only to them. The follow-up pages check the grant themselves.
    clinical: bool = False

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

    def open_pathways(self, order: tuple[str, bool] = ("days_waited", False)) -> pd.DataFrame:
        """The PTL rows in scope with the grid's columns (`ptl_grid.with_grid_columns`), sorted by
        (column, ascending) then record id; worked out once per loaded PTL, scope and order."""
        self._require_sign_in()
        column, ascending = order
        ordered = self.results.ptl_derived(
            f"grid-order:{order}",
            lambda _: self._grid().sort_values(
                [column, "record_id"], ascending=[ascending, True], na_position="last", kind="stable"
            ),
        )
        if self.providers is None:
            return ordered
        return self.results.ptl_derived(
            f"scope:{self._key}:{order}", lambda _: ordered[ordered["provider"].isin(self.providers)]
        )

    def _grid(self) -> pd.DataFrame:
        """Every PTL row with the grid's columns, at the pages' reference date."""
        census = self.results.reference_date()

        def compute(ptl: pd.DataFrame) -> pd.DataFrame:
            try:
                timelines = self.results.timelines()
            except ResultsMissing:  # the records are not among the results: no referral dates
                timelines = None
            return with_grid_columns(ptl, timelines, census)

        return self.results.ptl_derived(f"grid:{census}", compute)

    def listed(
        self, filters: PtlFilters, census: dt.date, offset: int = 0, limit: int | None = None
    ) -> tuple[pd.DataFrame, int]:
        """The rows of `open_pathways` that pass `filters`, in their order, from `offset` (at most
        `limit`), and how many pass in all. Which rows pass is worked out once per scope, filters and
        census for each loaded PTL and kept as row positions, so a page costs a lookup, not a scan."""
        self._require_sign_in()
        ordered = self.open_pathways(filters.order)
        positions = self.results.ptl_derived(
            f"listed:{self._key}:{filters!r}:{census}",
            lambda _: np.flatnonzero(filters.mask(ordered, census)),
        )
        end = None if limit is None else offset + limit
        return ordered.iloc[positions[offset:end]], len(positions)

    def backlog(self, filters: PtlFilters, census: dt.date) -> pd.DataFrame:
        """`presenters.ptl.backlog` of the rows `listed` gives, once per scope, filters and census."""
        return self.results.ptl_derived(
            f"backlog:{self._key}:{filters!r}:{census}", lambda _: backlog(self.listed(filters, census)[0])
        )

    def choices(self) -> dict[str, list[str]]:
        """Tumour types, bands and providers present in the scope's PTL (for the list's filters)."""

        def compute(_: pd.DataFrame) -> dict[str, list[str]]:
            rows = self.open_pathways()
            return {
                "tumour_types": sorted(rows["tumour_type"].dropna().unique()),
                "bands": sorted(rows["band"].dropna().unique(), key=_band_order),
                "providers": sorted(rows["provider"].dropna().unique()),
                "teams": sorted(rows["team"].dropna().unique()),
            }

        self._require_sign_in()
        return self.results.ptl_derived(f"choices:{self._key}", compute)

    def open_pathway(self, record_id: str) -> dict[str, Any]:
        """One PTL row in scope with the grid's columns, else `NotInScope`."""
        self._require_sign_in()
        position = self.results.ptl_positions().get(record_id)
        if position is None:
            raise NotInScope(REFUSAL)
        row = self._grid().iloc[position].to_dict()
        if not self.covers(row["provider"]):
            raise NotInScope(REFUSAL)
        return row

    def timeline(self, record_id: str) -> dict[str, Any]:
        """Milestone dates of a pathway in scope (checked first)."""
        self.open_pathway(record_id)
        return self.results.timeline_row(record_id) or {}

    def pathway_milestones(self, record_id: str) -> pd.DataFrame:
        """Timed-pathway milestones of a pathway in scope (checked first); empty if it has none."""
        self.open_pathway(record_id)
        return self.results.pathway_milestones(record_id)

    def notes(self, session: Session, record_id: str) -> list[tuple[PtlNote, str]]:
        """Notes on a pathway in scope with their authors' names, newest first."""
        self.open_pathway(record_id)
        query = (
            select(PtlNote, UserAccount.display_name)
            .join(UserAccount, UserAccount.id == PtlNote.author_id)
            .where(PtlNote.record_id == record_id)
            .order_by(PtlNote.id.desc())
        )
        return [(note, author) for note, author in session.execute(query)]

    def access_log(self, session: Session, record_id: str, limit: int = ACCESS_LOG_ROWS) -> list[Access]:
        """Who viewed the pathway or added a note to it, and when, newest first (from the audit log:
        the same events an information governance audit reads)."""
        self.open_pathway(record_id)
        note_ids = select(cast(PtlNote.id, String)).where(PtlNote.record_id == record_id)
        views = and_(AuditEvent.object_type == "cwt_pathway", AuditEvent.object_id == record_id)
        on_notes = and_(AuditEvent.object_type == "ptl_note", AuditEvent.object_id.in_(note_ids))
        # The newest `limit` of each kind through the (object_type, object_id) index, then merged, in
        # one statement: with both kinds in one OR the database sorted every event of the pathway, and
        # a pathway viewed thousands of times made each view slower (issue 21).
        columns = (AuditEvent.id, AuditEvent.occurred_at, AuditEvent.action, AuditEvent.object_type)
        newest_of = [
            select(*columns, AuditEvent.actor_id)
            .where(about_this)
            .order_by(AuditEvent.id.desc())
            .limit(limit)
            .subquery()
            for about_this in (views, on_notes)
        ]
        both = union_all(*(select(kind) for kind in newest_of)).subquery()
        query = (
            select(both.c.occurred_at, both.c.action, both.c.object_type, UserAccount.display_name)
            .join(UserAccount, UserAccount.id == both.c.actor_id)
            .order_by(both.c.id.desc())
            .limit(limit)
        )
        newest = session.execute(query).all()
        return [
            Access(when, author, ACCESS_ACTIONS.get((str(action), kind), str(action)))
            for when, action, kind, author in newest
        ]

    def notes_for(self, session: Session, pathways: pd.DataFrame) -> dict[str, PtlNote]:
        """The latest note of each pathway in `pathways` (rows of `open_pathways`) that is in scope. For
        more than `NOTES_BY_ID` pathways (a sort of the whole list by its notes) the latest note of every
        pathway is read and the others dropped, rather than sending that many ids to the database."""
        allowed = {
            rid
            for rid, provider in zip(pathways["record_id"], pathways["provider"], strict=True)
            if self.covers(provider)
        }
        if not allowed:
            return {}
        latest = select(func.max(PtlNote.id)).group_by(PtlNote.record_id)
        if len(allowed) <= NOTES_BY_ID:
            latest = latest.where(PtlNote.record_id.in_(sorted(allowed)))
        notes = session.scalars(select(PtlNote).where(PtlNote.id.in_(latest)))
        return {note.record_id: note for note in notes if note.record_id in allowed}

    @property
    def _key(self) -> str:
        return "all" if self.providers is None else ",".join(sorted(self.providers))

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


def _band_order(band: str) -> tuple[int, str]:
    """CANPTL bands by their lower edge ("0-33" < "34-62" < "63-104" < ">104")."""
    digits = "".join(ch if ch.isdigit() else " " for ch in band).split()
    return (int(digits[0]) if digits else 10**6, band)
