"""Rules compiled once: on DuckDB, the SQL that SQLFrame generates for a rule is kept and reused, so a
run binds its inputs to ready SQL instead of building the DataFrame plan again (issue 26;
docs/decisions/0033).

SQLFrame builds a plan in Python, copying the whole expression tree at every step; for the CWT rules
that costs seconds before DuckDB sees a query (docs/performance.md). The SQL it produces depends only
on the rule, the input schemas and the other arguments, never on the rows, so `@compiled` rules are
built once against empty stand-in tables with the inputs' schemas, and the SQL is stored under a key
of rule, schemas and arguments: in this process and on disk (`plan_cache_dir()`), with a fingerprint
of the package's code and reference data, of SQLFrame, sqlglot and DuckDB, so that any change of rule
or data builds again. A run then registers each input as a DuckDB view, puts the view names in place
of the stand-ins and returns a DataFrame over a view of the result, which callers compose as usual.

A date argument named as the rule's `parameter` (a PTL's census date) is bound, not keyed: the SQL
is built with two stand-in dates, each one's literal replaced by a marker, and kept only if both
builds agree, so the date reaches the SQL only as that literal; a run puts its own date in place of
the marker. A new census then reuses the SQL. What the date selects from dated reference data must
be passed to the rule as an argument, so that it is keyed.

On Spark the rule is called as it is: Spark plans in the JVM. A rule called while another is being
compiled runs directly, inside the outer rule's plan.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import itertools
import os
import re
from collections.abc import Callable
from contextvars import ContextVar
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from cancer_alliance.config import alliance_home

Rule = TypeVar("Rule", bound=Callable[..., Any])

#: Variable naming the folder of compiled SQL (default: `ALLIANCE_HOME/cache/plans`).
CACHE_VARIABLE = "ALLIANCE_PLAN_CACHE"
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
_STAND_IN = "ca_stand_in_{key}_{index}"
#: The marker a bound parameter's literal becomes in stored SQL, and the two dates it is built with.
_MARKER = "ca_parameter_{name}"
_STAND_IN_DATES = (dt.date(1901, 2, 3), dt.date(1902, 4, 5))
_CTE_NAME = re.compile(r'"t[0-9]+"')
#: The alias SQLFrame gives the VALUES of each `createDataFrame`, numbered by a per-session counter.
_VALUES_ALIAS = re.compile(r'(?<= AS )"a[0-9]+"(?=\()')
#: How many input frames keep their view for reuse by the next rule.
KEPT_INPUTS = 64
_compiling: ContextVar[bool] = ContextVar("compiling", default=False)
_memory: dict[str, str] = {}
#: Input frames (kept, so that their ids stay theirs) and the views made of them.
_inputs: dict[int, tuple[Any, str]] = {}
_runs = itertools.count()


def compiled(rule: Rule | None = None, *, parameter: str | None = None) -> Any:
    """Decorator: run `rule` from SQL built once per rule, input schemas and arguments (module docstring).
    Every DataFrame argument, positional or keyword, is an input; the date argument named `parameter`
    is bound into the SQL; the others are part of the key. `@compiled` or `@compiled(parameter="census")`."""
    if rule is None:
        return functools.partial(compiled, parameter=parameter)
    signature = inspect.signature(rule)

    @functools.wraps(rule)
    def run(*args: Any, **kwargs: Any) -> Any:
        kwargs = dict(sorted(kwargs.items()))  # one order of inputs for the key and the stand-ins
        frames = [value for value in (*args, *kwargs.values()) if _is_duckdb_frame(value)]
        if not frames or _compiling.get() or not _keyable(args, kwargs):
            return rule(*args, **kwargs)
        return _run(rule, args, kwargs, _place(signature, parameter, args, kwargs))

    return run


#: Where the bound parameter is among a call's arguments (position or keyword), its name and its date.
Place = tuple[int | str, str, dt.date]


def _place(
    signature: inspect.Signature, parameter: str | None, args: tuple, kwargs: dict[str, Any]
) -> Place | None:
    if parameter is None:
        return None
    if parameter in kwargs:
        place: int | str = parameter
        value = kwargs[parameter]
    else:
        given = list(signature.bind(*args, **kwargs).arguments)
        if parameter not in given:
            raise TypeError(f"compiled parameter {parameter!r} must be given (its default cannot be bound)")
        place = given.index(parameter)
        value = args[place]
    if type(value) is not dt.date:
        raise TypeError(f"compiled parameter {parameter!r} must be a date, not {type(value).__name__}")
    return place, parameter, value


def plan_cache_dir() -> Path:
    """Folder of compiled SQL: `ALLIANCE_PLAN_CACHE`, else `ALLIANCE_HOME/cache/plans`."""
    configured = os.environ.get(CACHE_VARIABLE)
    return Path(configured) if configured else alliance_home() / "cache" / "plans"


def _keyable(args: tuple, kwargs: dict[str, Any]) -> bool:
    """Whether every argument other than a frame shows its value in its repr (an object's default
    repr shows its address instead, which a later process may give to another value)."""
    return not any(
        " at 0x" in repr(value) for value in (*args, *kwargs.values()) if not _is_duckdb_frame(value)
    )


def _is_duckdb_frame(value: Any) -> bool:
    return type(value).__module__.startswith("sqlframe.duckdb")


def _run(rule: Callable[..., Any], args: tuple, kwargs: dict[str, Any], place: Place | None) -> Any:
    frames = [value for value in (*args, *kwargs.values()) if _is_duckdb_frame(value)]
    session = frames[0].session
    views = [_input_view(session, frame) for frame in frames]
    schemas = [_columns(session, view) for view in views]
    marker = _MARKER.format(name=place[1]) if place else ""
    key = _key(rule, schemas, *_with(args, kwargs, place, marker))
    sql = _memory.get(key) or _load(key)
    if sql is None:
        sql = _build_bound(rule, session, key, schemas, args, kwargs, place)
        _store(key, sql)
    _memory[key] = sql
    for index, view in enumerate(views):
        sql = sql.replace(f'"{_STAND_IN.format(key=key[:16], index=index)}"', f'"{view}"')
    if place:
        sql = sql.replace(f"'{marker}'", f"'{place[2].isoformat()}'")
    view = _view(session, f"ca_result_{os.getpid()}_{next(_runs)}", sql)
    return _remember(_frame(session, view), view)


def _with(
    args: tuple, kwargs: dict[str, Any], place: Place | None, value: Any
) -> tuple[tuple, dict[str, Any]]:
    """The arguments with the bound parameter, if any, replaced by `value`."""
    if place is None:
        return args, kwargs
    where = place[0]
    return (
        tuple(value if index == where else given for index, given in enumerate(args)),
        {name: value if name == where else given for name, given in kwargs.items()},
    )


def _build_bound(
    rule: Callable[..., Any],
    session: Any,
    key: str,
    schemas: list[tuple[tuple[str, str], ...]],
    args: tuple,
    kwargs: dict[str, Any],
    place: Place | None,
) -> str:
    """The rule's SQL, with the bound parameter's literal as its marker: built with each stand-in
    date, whose literal becomes the marker. The builds must agree, or the date reaches the SQL other
    than as that literal (a date compared with reference data in Python, say) and cannot be bound."""
    if place is None:
        return _build(rule, session, key, schemas, args, kwargs)
    marker = _MARKER.format(name=place[1])
    versions = [
        _build(rule, session, key, schemas, *_with(args, kwargs, place, day)).replace(
            f"'{day.isoformat()}'", f"'{marker}'"
        )
        for day in _STAND_IN_DATES
    ]
    if len({_renamed(version) for version in versions}) != 1:
        raise ValueError(
            f"{rule.__qualname__}: its SQL depends on {place[1]!r} other than through the date's literal;"
            " pass what the date selects (dated reference data) as an argument instead"
        )
    return versions[0]


def _renamed(sql: str) -> str:
    """`sql` with its CTEs and the aliases of its lookup frames' VALUES numbered in order of
    appearance: SQLFrame names each CTE by a hash of its text, so the same query over another literal
    has other names, and numbers each VALUES alias by how many frames the session has made."""
    names: dict[str, str] = {}
    sql = _CTE_NAME.sub(lambda found: names.setdefault(found[0], f'"cte_{len(names)}"'), sql)
    aliases: dict[str, str] = {}
    return _VALUES_ALIAS.sub(lambda found: aliases.setdefault(found[0], f'"values_{len(aliases)}"'), sql)


def _remember(frame: Any, view: str) -> Any:
    """Keep `frame`'s view for when it is passed to a rule (a long-running process keeps the recent ones)."""
    _inputs[id(frame)] = (frame, view)
    if len(_inputs) > KEPT_INPUTS:
        del _inputs[next(iter(_inputs))]
    return frame


def _input_view(session: Any, frame: Any) -> str:
    """The view of an input frame, made once per frame: the same records often feed several rules, and
    a rule's result is already a view."""
    known = _inputs.get(id(frame))
    if known is not None and known[0] is frame:
        return known[1]
    view = _view(session, f"ca_input_{os.getpid()}_{next(_runs)}", _sql(frame))
    _remember(frame, view)
    return view


def parquet_frame(session: Any, source: str) -> Any:
    """A DataFrame over a view of the Parquet file(s) `source` (a path or a glob), kept as an input
    view so that a compiled rule reads it without another view on top."""
    quoted = source.replace("'", "''")
    name = f"ca_parquet_{os.getpid()}_{next(_runs)}"
    view = _view(session, name, f"SELECT * FROM read_parquet('{quoted}')")
    return _remember(_frame(session, view), view)


def _sql(frame: Any) -> str:
    """The one DuckDB query of `frame`."""
    expressions = frame._get_expressions()
    if len(expressions) != 1:
        raise ValueError(
            f"a compiled rule's input must be one query, not {len(expressions)} (a cached frame?)"
        )
    return frame.session._to_sql(expressions[0])


def _view(session: Any, name: str, sql: str) -> str:
    session._conn.execute(f'CREATE OR REPLACE VIEW "{name}" AS {sql}')
    return name


def _columns(session: Any, view: str) -> tuple[tuple[str, str], ...]:
    """Column names and DuckDB types of a view."""
    return tuple((row[0], row[1]) for row in session._conn.execute(f'DESCRIBE "{view}"').fetchall())


@functools.cache
def _spark_type(duckdb_type: str) -> str:
    from sqlglot import exp

    return exp.DataType.build(duckdb_type, dialect="duckdb").sql(dialect="spark")


def _frame(session: Any, view: str) -> Any:
    """A SQLFrame DataFrame over a view, its schema given to SQLFrame's catalog directly (asking the
    catalog to look it up costs a query through information_schema)."""
    mapping = {name: _spark_type(kind) for name, kind in _columns(session, view)}
    session.catalog.add_table(view, mapping)
    return session.table(view)


def _build(
    rule: Callable[..., Any],
    session: Any,
    key: str,
    schemas: list[tuple[tuple[str, str], ...]],
    args: tuple,
    kwargs: dict[str, Any],
) -> str:
    """The rule's SQL over empty stand-in tables with the inputs' schemas. The stand-ins are dropped
    afterwards, so SQL that still named one would fail loudly rather than read an empty table."""
    names = [_STAND_IN.format(key=key[:16], index=index) for index in range(len(schemas))]
    stand_ins = iter(
        [
            _frame(session, _stand_in(session, name, columns))
            for name, columns in zip(names, schemas, strict=True)
        ]
    )
    args = tuple(next(stand_ins) if _is_duckdb_frame(value) else value for value in args)
    kwargs = {name: next(stand_ins) if _is_duckdb_frame(value) else value for name, value in kwargs.items()}
    token = _compiling.set(True)
    try:
        return _sql(rule(*args, **kwargs))
    finally:
        _compiling.reset(token)
        for name in names:
            session._conn.execute(f'DROP TABLE IF EXISTS "{name}"')


def _stand_in(session: Any, name: str, columns: tuple[tuple[str, str], ...]) -> str:
    definition = ", ".join(f'"{column}" {kind}' for column, kind in columns)
    session._conn.execute(f'CREATE OR REPLACE TABLE "{name}" ({definition})')
    return name


def _key(
    rule: Callable[..., Any], schemas: list[tuple[tuple[str, str], ...]], args: tuple, kwargs: dict[str, Any]
) -> str:
    """Hash of what the SQL depends on besides the code: the rule, the input schemas, the other
    arguments (by repr: settings are frozen dataclasses; a bound parameter as its marker) and where
    the inputs sit among them."""

    def shown(value: Any) -> str:
        return "<frame>" if _is_duckdb_frame(value) else repr(value)

    shape = [shown(value) for value in args] + [f"{name}={shown(kwargs[name])}" for name in sorted(kwargs)]
    text = repr((rule.__module__, rule.__qualname__, schemas, shape))
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def fingerprint() -> str:
    """Changes whenever the package's code or reference data or the SQL libraries change: the
    versions of SQLFrame, sqlglot and DuckDB and every package file's path, size and modification time."""
    digest = hashlib.sha256()
    for library in ("sqlframe", "sqlglot", "duckdb"):
        digest.update(f"{library}={metadata.version(library)};".encode())
    for path in sorted(PACKAGE_ROOT.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(f"{path.relative_to(PACKAGE_ROOT)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def _load(key: str) -> str | None:
    """The stored SQL of `key`, if it was built by the same code and data."""
    path = plan_cache_dir() / f"{key}.sql"
    if not path.exists():
        return None
    stamp, _, sql = path.read_text().partition("\n")
    return sql if stamp == f"-- {fingerprint()}" else None


def _store(key: str, sql: str) -> None:
    """Write the SQL atomically (a reader never sees half a file), stamped with the fingerprint."""
    folder = plan_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{key}.{os.getpid()}.partial"
    partial.write_text(f"-- {fingerprint()}\n{sql}")
    partial.replace(folder / f"{key}.sql")
