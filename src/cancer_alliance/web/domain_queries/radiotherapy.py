"""Radiotherapy reads shared by the `/radiotherapy` pages and `/api/radiotherapy/...`."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cancer_alliance import reference
from cancer_alliance.radiotherapy.published import (
    COMPLEMENTS,
    COURSE_COMPLEMENTS,
    as_of_day,
    published_compliance,
)
from cancer_alliance.radiotherapy.results_files import META, RESULTS
from cancer_alliance.reference.radiotherapy_networks import memberships_on, network_names
from cancer_alliance.results.reader import Results, ResultsMissing
from cancer_alliance.web.queries import policy_for
from cancer_alliance.web.scope import Viewer

#: URL segment -> level of the compliance table.
LEVELS = {"networks": "network", "providers": "provider"}


def as_of(results: Results) -> dt.date:
    """The day the radiotherapy results were computed for."""
    path = results.folder / META
    if not path.exists():
        raise ResultsMissing(str(path))
    return as_of_day(results.folder)


def trust_name(code: str) -> str:
    names = {t.ods_code: t.name for t in reference.trusts("2018/19")}
    return names.get(code, code)


def known(level: str, code: str, day: dt.date) -> bool:
    """Whether `code` is a network, or a provider in a network on `day`."""
    if level == "network":
        return code in network_names()
    return code in {m.provider_code for m in memberships_on(day)}


def compliance_table(results: Results, viewer: Viewer, level: str, code: str) -> pd.DataFrame:
    """The compliance rows of one provider or network as the viewer may see them."""
    table = results.table(RESULTS["compliance"])
    mine = table[(table["level"] == level) & (table["code"] == code)]
    return published_compliance(mine.reset_index(drop=True), policy_for(viewer), withheld_counts(results))


def withheld_counts(results: Results) -> pd.DataFrame:
    """The compliance table's complements (`radiotherapy.published.COMPLEMENTS`) of the generation
    served."""
    return COMPLEMENTS.served(results)


def course_withheld_counts(results: Results) -> pd.DataFrame:
    """The course mix's complements (`radiotherapy.published.COURSE_COMPLEMENTS`) of the generation
    served."""
    return COURSE_COMPLEMENTS.served(results)
