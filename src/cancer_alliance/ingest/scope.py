"""Import scope (issue 19, item 5; docs/decisions/0025-import-scope.md): which organisations' rows an
import may write. A national import writes any row; an alliance import only rows whose owners (the
schema's `owner` columns) all belong to the alliance; a trust import only its own trust's rows.

Trust and site codes roll up to their trust through the first three characters of the ODS code (a
site code such as RA701 belongs to trust RA7: NHS Digital, "Organisation Data Service codes",
site codes are the parent trust's code plus two characters), the same roll-up the CWT tables use
(`cwt.rollup`); trusts and CCGs belong to an alliance through the 2018/19 reference mappings, the
ones the web's patient-level scope uses (`web.scope`).

Two checks become quarantine problems of the row (file, row, field, reason):
`out_of_scope`, an owner column naming an organisation outside the scope (or no owner at all), and
`owned_elsewhere`, a key whose current record in the lake belongs to an organisation outside the
scope, so that a scoped import never replaces another organisation's record."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from cancer_alliance.errors import InputError
from cancer_alliance.ingest.source import literal, quote
from cancer_alliance.reference import alliances, ccgs, provider_alliance, trusts
from cancer_alliance.schemas import Owner, TableSchema

#: The trust-to-alliance and CCG-to-alliance mapping version a scope is worked out with.
MAPPING_VERSION = "2018/19"
#: Characters of an ODS code naming the trust (a site code adds two).
TRUST_CODE_LENGTH = 3
#: What an owner column of each kind names, in messages.
_KIND_NAMES = {"trust": "provider", "ccg": "CCG"}
#: How the manifest names an import without a scope.
NATIONAL = "national"


@dataclass(frozen=True)
class ImportScope:
    """The organisations an import may write rows for: `name` (e.g. "alliance E56000016") names
    them in quarantine reasons and the manifest; `trusts` are 3-character trust ODS codes and
    `ccgs` CCG ONS codes."""

    name: str
    trusts: frozenset[str]
    ccgs: frozenset[str]

    def codes(self, kind: str) -> frozenset[str]:
        """The codes of owner `kind` ("trust" or "ccg") in the scope."""
        return self.trusts if kind == "trust" else self.ccgs


def alliance_scope(code: str) -> ImportScope:
    """The trusts and CCGs of 2018/19 alliance `code` (ONS code, e.g. E56000016)."""
    known = {alliance.code for alliance in alliances(MAPPING_VERSION)}
    if code not in known:
        raise InputError(f"unknown alliance {code!r}: not a {MAPPING_VERSION} Cancer Alliance ONS code")
    return ImportScope(
        name=f"alliance {code}",
        trusts=frozenset(
            trust for trust, alliance in provider_alliance(MAPPING_VERSION).items() if alliance == code
        ),
        ccgs=frozenset(ccg.ons_code for ccg in ccgs(MAPPING_VERSION) if ccg.alliance_code == code),
    )


def trust_scope(code: str) -> ImportScope:
    """Trust `code` (3-character ODS code, e.g. RA7) alone."""
    if code not in {trust.ods_code for trust in trusts(MAPPING_VERSION)}:
        raise InputError(f"unknown trust {code!r}: not a {MAPPING_VERSION} trust ODS code")
    return ImportScope(name=f"trust {code}", trusts=frozenset({code}), ccgs=frozenset())


def account_scope(role: str, organisation_code: str | None) -> ImportScope | None:
    """Whose rows an account may import: None (every organisation) for a national user, the alliance's
    trusts and CCGs for an alliance user, the trust alone for a trust user; InputError for an account
    that names no organisation."""
    if role == "national":
        return None
    if role == "alliance" and organisation_code:
        return alliance_scope(organisation_code)
    if role == "trust" and organisation_code:
        return trust_scope(organisation_code)
    raise InputError("the account names no organisation to import for")


def scope_name(scope: ImportScope | None) -> str:
    return NATIONAL if scope is None else scope.name


def owner_of(table: TableSchema, scope: ImportScope) -> Owner:
    """The table's owner columns, or InputError when `scope` cannot import the table at all: a table
    without owner columns, or owners of a kind the scope holds none of (a trust and CCG rows)."""
    owner = table.owner
    if owner is None:
        raise InputError(
            f"table {table.name} names no organisation per row, so only a national user may import it"
        )
    if not scope.codes(owner.kind):
        raise InputError(
            f"table {table.name} gives each row's {_KIND_NAMES[owner.kind]} and {scope.name} has none, "
            "so it cannot import this table; a national user can"
        )
    return owner


def _rolled_up(code: str, kind: str) -> str:
    """SQL for the code an owner column is compared by: a trust or site code by its trust."""
    return f"substr({code}, 1, {TRUST_CODE_LENGTH})" if kind == "trust" else code


def _outside(owner: Owner, codes: frozenset[str], prefix: str = "") -> str:
    """SQL true for a row (columns qualified by `prefix`) with an owner outside `codes` or none."""
    listed = ", ".join(literal(code) for code in sorted(codes))
    columns = [f"{prefix}{quote(column)}" for column in owner.columns]
    foreign = " OR ".join(
        f"({column} IS NOT NULL AND {_rolled_up(column, owner.kind)} NOT IN ({listed}))" for column in columns
    )
    nobody = " AND ".join(f"{column} IS NULL" for column in columns)
    return f"(({foreign}) OR ({nobody}))"


def find_out_of_scope(
    con: duckdb.DuckDBPyConnection, table: TableSchema, scope: ImportScope, lake_files: list[Path]
) -> None:
    """Add the scope problems of `source_rows` to `problems` (see the module docstring). `lake_files`
    are the table's snapshot files, oldest first: a key's current owner is in the newest one."""
    owner = owner_of(table, scope)
    listed = ", ".join(literal(code) for code in sorted(scope.codes(owner.kind)))
    what = _KIND_NAMES[owner.kind]
    for column in owner.columns:
        c = quote(column)
        con.execute(f"""
            INSERT INTO problems
            SELECT row_number, {literal(column)}, 'out_of_scope',
                   {literal(f"{what} ")} || {c} || {literal(f" is not one of {scope.name}'s organisations")}
            FROM source_rows WHERE {c} IS NOT NULL AND {_rolled_up(c, owner.kind)} NOT IN ({listed})
        """)
    nobody = " AND ".join(f"{quote(column)} IS NULL" for column in owner.columns)
    reason = f"no {what} given, so the row cannot be shown to belong to {scope.name}"
    con.execute(f"""
        INSERT INTO problems
        SELECT row_number, {literal(owner.columns[0])}, 'out_of_scope', {literal(reason)}
        FROM source_rows WHERE {nobody}
    """)
    if not lake_files:
        return
    key = quote(table.key)
    files = "[" + ", ".join(literal(str(path)) for path in lake_files) + "]"
    owners = ", ".join(quote(column) for column in owner.columns)
    reason = (
        f"{table.key} is already in the lake for an organisation outside {scope.name}; "
        "only an import that covers that organisation may replace it"
    )
    con.execute(f"""
        INSERT INTO problems
        SELECT s.row_number, {literal(table.key)}, 'owned_elsewhere', {literal(reason)}
        FROM source_rows s JOIN (
            SELECT {key}, {owners} FROM read_parquet({files}, filename = true)
            QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY filename DESC) = 1
        ) l ON s.{key} = l.{key}
        WHERE {_outside(owner, scope.codes(owner.kind), "l.")}
    """)
