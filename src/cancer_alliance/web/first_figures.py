"""The figures people ask for first on a new generation of results, worked out before a server serves
it (`Results(prepare=...)`; issue 21, decision record 0053).

Run by the reader's loading thread, pinned to the generation being read, so that when the server
switches to it these are ready: the home page, every alliance page for the default standard and month,
the explorer's opening view, and the tracking list's columns in its default order (every scope's list
filters these). Until then the previous generation keeps serving. Worked out for the public and for
signed-in viewers (the pages' figures differ by audience only). Trust pages are left to their first
visitor: about 40 ms each nationally, against 5 CPU s for all 146 per audience on every refresh
(measured 2026-12-07, docs/performance.md).
"""

from __future__ import annotations

from cancer_alliance import reference
from cancer_alliance.results.reader import GROUPINGS, PTL, Results, ResultsMissing
from cancer_alliance.store import Role
from cancer_alliance.web.pages.home import home_values
from cancer_alliance.web.pages.organisations import page_values
from cancer_alliance.web.presenters.performance import DEFAULT_STANDARD
from cancer_alliance.web.queries import (
    ALLIANCE_VERSION,
    ExplorerFilters,
    alliance_names,
    compare_trusts,
    explore,
    explorer_options,
)
from cancer_alliance.web.scope import PUBLIC, Scope, Viewer

#: Stands for every signed-in viewer: the pages' figures depend only on whether one is signed in.
SIGNED_IN = Viewer(user_id=0, username="first-figures", role=Role.national)


def prepare(results: Results) -> None:
    """Work out the opening figures of the public and signed-in CWT pages on `results`."""
    if (results.folder / PTL).exists():
        Scope(SIGNED_IN, results, reference.provider_alliance(ALLIANCE_VERSION)).open_pathways()
    try:
        for grouping in GROUPINGS:
            results.performance(grouping)
    except ResultsMissing:  # no waiting-times results: the pages say so, nothing to work out
        return
    if not results.months():  # no month to show: likewise
        return
    for viewer in (PUBLIC, SIGNED_IN):
        home_values(results, viewer, DEFAULT_STANDARD)
        for code in alliance_names():
            page_values(results, viewer, "alliance", code, DEFAULT_STANDARD)
        opening = ExplorerFilters()
        explorer_options(results)
        explore(results, viewer, opening)
        compare_trusts(results, viewer, opening)
