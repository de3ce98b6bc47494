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

On Spark the rule is called as it is: Spark plans in the JVM. A rule called while another is being
compiled runs directly, inside the outer rule's plan.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
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
#: How many input frames keep their view for reuse by the next rule.
KEPT_INPUTS = 64
_compiling: ContextVar[bool] = ContextVar("compiling", default=False)
_memory: dict[str, str] = {}
#: Input frames (kept, so that their ids stay theirs) and the views made of them.
_inputs: dict[int, tuple[Any, str]] = {}
_runs = itertools.count()


def compiled(rule: Rule) -> Rule:
    """Decorator: run `rule` from SQL built once per rule, input schemas and arguments (module docstring).
    Every DataFrame argument, positional or keyword, is an input; the others are part of the key."""

    @functools.wraps(rule)
    def run(*args: Any, **kwargs: Any) -> Any:
        kwargs = dict(sorted(kwargs.items()))  # one order of inputs for the key and the stand-ins
        frames = [value for value in (*args, *kwargs.values()) if _is_duckdb_frame(value)]
        if not frames or _compiling.get() or not _keyable(args, kwargs):
            return rule(*args, **kwargs)
        return _run(rule, args, kwargs)

    return run  # type: ignore[return-value]


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


def _run(rule: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> Any:
    frames = [value for value in (*args, *kwargs.values()) if _is_duckdb_frame(value)]
    session = frames[0].session
    views = [_input_view(session, frame) for frame in frames]
    schemas = [_columns(session, view) for view in views]
    key = _key(rule, schemas, args, kwargs)
    sql = _memory.get(key) or _load(key)
    if sql is None:
        sql = _build(rule, session, key, schemas, args, kwargs)
        _store(key, sql)
    _memory[key] = sql
    for index, view in enumerate(views):
        sql = sql.replace(f'"{_STAND_IN.format(key=key[:16], index=index)}"', f'"{view}"')
    view = _view(session, f"ca_result_{os.getpid()}_{next(_runs)}", sql)
    return _remember(_frame(session, view), view)


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
    rule: Callable[..., Any],
    schemas: list[tuple[tuple[str, str], ...]],
    args: tuple,
    kwargs: dict[str, Any],
) -> str:
    """Hash of what the SQL depends on besides the code: the rule, the input schemas, the other
    arguments (by repr: settings are frozen dataclasses) and where the inputs sit among them."""

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
