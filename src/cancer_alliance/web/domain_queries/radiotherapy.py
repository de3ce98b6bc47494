"""Radiotherapy reads shared by the `/radiotherapy` pages and `/api/radiotherapy/...`."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from cancer_alliance import reference
from cancer_alliance.radiotherapy.published import MIXES, Decision, complements, published_compliance
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
    return dt.date.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["as_of"])


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
    """The compliance table's complements decided by the refresh (`radiotherapy_withheld`); for
    results written before that file existed, decided now from the results (once per results file)."""
    try:
        return results.table("radiotherapy_withheld")
    except ResultsMissing:
        return decided(results).compliance


def course_withheld_counts(results: Results) -> pd.DataFrame:
    """The course mix tables' complements decided by the refresh (`radiotherapy_courses_withheld`);
    for results written before that file existed, decided now from the results (once per file)."""
    try:
        return results.table("radiotherapy_courses_withheld")
    except ResultsMissing:
        return decided(results).courses


def decided(results: Results) -> Decision:
    """The complements of the compliance table and the course mix decided together now (`complements`:
    they are linked), once per compliance results file."""
    return results.table_derived(
        RESULTS["compliance"],
        "complements",
        lambda table: complements(table, {mix: results.table(RESULTS[mix]) for mix in MIXES}, as_of(results)),
    )
