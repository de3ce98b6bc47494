"""The header's navigation and the page a viewer starts on, by role (docs/decisions/0038).

Every feature a role may use is in its header, in the order that role uses them, starting with its
own organisation: "My alliance" for alliance users, "My trust" for trust users, the programme
overview of all alliances for national users. The NHS.UK header shows what fits on one line and
moves the rest under its own "More" button. An item is offered only to viewers its page serves, so
no header link answers with a refusal (`tests/web/test_navigation.py` follows every link for every
kind of viewer). No I/O: the application resolves route names and supplies the viewer's alliance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cancer_alliance.store import Role
from cancer_alliance.web.scope import Viewer

#: Who may import files (pages/imports.py checks it).
IMPORTERS = frozenset({Role.national, Role.alliance, Role.trust})


@dataclass(frozen=True)
class Place:
    """Who is looking, as the navigation needs it: role, own organisation, its alliance, clinical grant."""

    role: Role | None
    organisation: str | None = None
    alliance: str | None = None
    clinical: bool = False


@dataclass(frozen=True)
class Item:
    """One header link: its text, route name and path parameters."""

    text: str
    route: str
    params: tuple[tuple[str, str], ...] = ()


def place_of(viewer: Viewer, provider_alliance: dict[str, str]) -> Place:
    """The viewer's `Place`: a trust user's alliance comes from the 2018/19 trust-to-alliance map."""
    alliance = None
    if viewer.role is Role.alliance:
        alliance = viewer.organisation_code
    elif viewer.role is Role.trust:
        alliance = provider_alliance.get(viewer.organisation_code or "")
    return Place(viewer.role, viewer.organisation_code, alliance, viewer.clinical)


def _own(code: str | None, route: str, text: str) -> tuple[Item, ...]:
    return (Item(text, route, (("code", code),)),) if code else ()


def _shared(place: Place) -> tuple[Item, ...]:
    """Features every viewer may use, the bowel-screening page of the viewer's alliance if it has one."""
    bowel = _own(place.alliance, "fit_alliance", "Bowel screening") or (Item("Bowel screening", "fit_index"),)
    return (
        *bowel,
        Item("Lung health checks", "lung_programme"),
        Item("Lung risk calculator", "lung_calculator"),
        Item("Radiotherapy", "radiotherapy_index"),
        Item("Best practice library", "library"),
    )


def header_items(place: Place) -> tuple[Item, ...]:
    """The header links for `place`, most used first."""
    closing = (Item("Priorities", "priorities"), Item("About the data", "about"))
    explore = (Item("Performance explorer", "explorer"), Item("Map of alliances", "home"))
    if place.role is None:
        return (
            Item("Map of alliances", "home"),
            Item("Performance explorer", "explorer"),
            *_shared(place),
            *closing,
        )
    ptl = Item("Patient tracking list", "ptl_list")
    metrics = Item("Follow-up metrics", "followup_metrics")
    imports = (Item("Import a file", "import_form"),) if place.role in IMPORTERS else ()
    if place.role is Role.national:
        return (
            Item("Programme overview", "programme"),
            Item("Map of alliances", "home"),
            ptl,
            Item("Performance explorer", "explorer"),
            metrics,
            *_shared(place),
            *imports,
            Item("Audit log", "audit_log"),
            *closing,
        )
    if place.role is Role.alliance:
        return (
            *_own(place.organisation, "alliance_page", "My alliance"),
            ptl,
            *_own(place.organisation, "alliance_pathways", "Timed pathways"),
            Item("Deliverables", "programme"),
            metrics,
            *explore,
            *_shared(place),
            *imports,
            *closing,
        )
    worklist = (Item("Follow-up worklist", "followup_worklist"),) if place.clinical else ()
    return (
        *_own(place.organisation, "trust_page", "My trust"),
        ptl,
        *worklist,
        *_own(place.organisation, "trust_pathways", "Timed pathways"),
        metrics,
        Item("Deliverables", "programme"),
        *explore,
        *_shared(place),
        *imports,
        *closing,
    )


def landing(place: Place, url_for: Callable[..., str]) -> str:
    """Where sign-in leads when no page was asked for: my alliance, my trust, else the programme
    overview (national users)."""
    if place.role is Role.alliance and place.organisation:
        return url_for("alliance_page", code=place.organisation)
    if place.role is Role.trust and place.organisation:
        return url_for("trust_page", code=place.organisation)
    if place.role is Role.national:
        return url_for("programme")
    return url_for("home")
