"""Write the project's rules reference, `docs/rules/`, from the spec tests (issue #25 item 9).

One page per domain with spec tests (`tests/<domain>/spec/`); a chapter per folder holding spec modules
(its `__init__.py` gives `title` and `text`), a section per module (`title` and `text`, else its
docstring), and under each section every test with its docstring and its tables (the input and expected
tables the test compares), so the reference and the executable specification are one text, as in
ehrQL's generated language reference. Read with `ast`, never imported: generating needs no engine.

    python scripts/rules_reference.py [DOCS_RULES_FOLDER]    # default docs/rules
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
DEFAULT_OUTPUT = ROOT / "docs" / "rules"
COMMAND = "python scripts/rules_reference.py"
_DASHES = re.compile(r"^[-+| ]+$")
_HEADER = re.compile(r"^\w+( *\| *\w+)*$")


class SpecError(ValueError):
    """A spec folder or module the reference cannot be written from (names the file)."""


@dataclass
class Test:
    name: str
    doc: str
    tables: list[tuple[str | None, str]]  # (label: Input, Expected or a name; table text)


@dataclass
class Section:
    path: Path
    title: str
    text: str
    tests: list[Test] = field(default_factory=list)


@dataclass
class Chapter:
    path: Path
    title: str
    text: str
    sections: list[Section] = field(default_factory=list)


def _assigned(tree: ast.Module) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = node.value
    return found


def _string(node: ast.expr | None) -> str | None:
    if node is None:
        return None
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _title_and_text(path: Path, *, docstring_text: bool) -> tuple[str, str, ast.Module]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = _assigned(tree)
    title = _string(names.get("title"))
    if not title:
        raise SpecError(f"{_shown(path)}: no `title` (a string naming what the rule is)")
    text = _string(names.get("text"))
    if text is None and docstring_text:
        text = ast.get_docstring(tree) or ""
    return title, _paragraph(text or ""), tree


def is_table(text: str) -> bool:
    """A spec table: a header line of column names, a line of dashes, rows (tests/spec_tables.py)."""
    lines = [line.strip() for line in text.strip("\n").splitlines() if line.strip()]
    return (
        len(lines) >= 2
        and bool(_HEADER.match(lines[0]))
        and "-" in lines[1]
        and bool(_DASHES.match(lines[1]))
    )


def _table_text(node: ast.expr, constants: dict[str, ast.expr]) -> tuple[str | None, str] | None:
    """(constant name or None, text) when `node` is a table literal or names a module-level table."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and is_table(node.value):
        return None, node.value
    if isinstance(node, ast.Name) and node.id in constants:
        value = _string(constants[node.id])
        if value is not None and is_table(value):
            return node.id, value
    return None


def _tables(function: ast.FunctionDef, constants: dict[str, ast.expr]) -> list[tuple[str | None, str]]:
    """The tables a test compares, inputs first, each labelled: in a call, a keyword argument is an input
    named by its keyword; a table that is the last positional argument of a call with more than one
    argument is the expected result. Tables outside any call (a local assigned first) come in source order."""
    labelled: list[tuple[int, int, int, str | None, str]] = []  # (kind, line, col, label, text)
    in_calls: set[int] = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        positional = [(arg, _table_text(arg, constants)) for arg in node.args]
        positional = [(arg, found) for arg, found in positional if found]
        arguments = len(node.args) + len(node.keywords)
        for index, (arg, (name, text)) in enumerate(positional):
            expected = arguments > 1 and index == len(positional) - 1 and arg is node.args[-1]
            label = "Expected" if expected else (f"`{name}`" if name else "Input")
            labelled.append((1 if expected else 0, arg.lineno, arg.col_offset, label, text))
            in_calls.add(id(arg))
        for keyword in node.keywords:
            found = _table_text(keyword.value, constants)
            if found and keyword.arg:
                label = f"`{found[0]}`" if found[0] else f"`{keyword.arg}`"
                labelled.append((0, keyword.value.lineno, keyword.value.col_offset, label, found[1]))
                in_calls.add(id(keyword.value))
    seen: set[str] = set()
    for node in ast.walk(function):
        if id(node) in in_calls or not isinstance(node, (ast.Constant, ast.Name)):
            continue
        found = _table_text(node, constants)
        if found and found[1] not in seen:
            seen.add(found[1])
            labelled.append(
                (0, node.lineno, node.col_offset, f"`{found[0]}`" if found[0] else "Input", found[1])
            )
    unique: dict[str, tuple[int, int, int, str | None, str]] = {}
    for item in sorted(labelled):
        unique.setdefault(item[4] + item[3], item)
    return [(label, text) for *_, label, text in sorted(unique.values())]


def section(path: Path) -> Section:
    title, text, tree = _title_and_text(path, docstring_text=True)
    constants = _assigned(tree)
    result = Section(path, title, text)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            doc = _paragraph(ast.get_docstring(node) or "")
            result.tests.append(Test(node.name, doc, _tables(node, constants)))
    return result


def chapters(domain: Path) -> list[Chapter]:
    """The chapters of one domain's spec folder: every folder with spec modules, in path order."""
    found = []
    for folder in sorted({p.parent for p in domain.rglob("test_*.py")}):
        init = folder / "__init__.py"
        if not init.is_file():
            raise SpecError(f"{_shown(folder)}: no __init__.py with the chapter's `title`")
        title, text, _ = _title_and_text(init, docstring_text=True)
        found.append(Chapter(folder, title, text, [section(p) for p in sorted(folder.glob("test_*.py"))]))
    return found


def domains(tests: Path = TESTS) -> list[Path]:
    return sorted(p for p in tests.glob("*/spec") if p.is_dir())


def render_table(text: str) -> list[str]:
    lines = [line.strip() for line in text.strip("\n").splitlines() if line.strip()]
    rows = [[cell.strip() for cell in line.split("|")] for line in [lines[0], *lines[2:]]]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows[1:]]
    return out


def page(domain: Path) -> str:
    name = domain.parent.name
    lines = [
        f"# Rules reference: `{name}`",
        "",
        f"Generated by `{COMMAND}` from `{_shown(domain)}/`: each section is a spec",
        "module, each example a test run on DuckDB and on Spark. Do not edit: change the tests, regenerate.",
        "In tables a blank cell is null, `T`/`F` are booleans.",
    ]
    for chapter in chapters(domain):
        lines += ["", f"## {chapter.title}", ""]
        if chapter.text:
            lines += [chapter.text, ""]
        for part in chapter.sections:
            lines += [f"### {part.title}", "", f"`{_shown(part.path)}`", ""]
            if part.text:
                lines += [part.text, ""]
            for test in part.tests:
                lines += [f"#### {test.name.removeprefix('test_').replace('_', ' ').capitalize()}", ""]
                if test.doc:
                    lines += [test.doc, ""]
                for label, table in test.tables:
                    lines += [f"{label}:", "", *render_table(table), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def index(found: list[Path]) -> str:
    lines = [
        "# Rules reference",
        "",
        f"Generated by `{COMMAND}` from the spec tests (`tests/<domain>/spec/`). Each rule the platform",
        "applies is stated there in the project's own words with its primary source (NHS England guidance",
        "and planning documents, the NHS Data Dictionary, the papers) and worked examples that run on",
        "DuckDB and Spark. Differences from NHS England's methods: [../deviations.md](../deviations.md).",
        "",
    ]
    for domain in found:
        name = domain.parent.name
        titles = ", ".join(chapter.title for chapter in chapters(domain))
        lines.append(f"- [`{name}`]({name}.md): {titles}")
    return "\n".join(lines) + "\n"


def pages(tests: Path = TESTS) -> dict[str, str]:
    """File name -> text of every page of the reference."""
    found = domains(tests)
    return {"README.md": index(found), **{f"{d.parent.name}.md": page(d) for d in found}}


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    wanted = pages()
    for stale in folder.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    written = []
    for name, text in wanted.items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


def _shown(path: Path) -> str:
    """`path` relative to the repository when inside it (every message and page names files so)."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()


def _paragraph(text: str) -> str:
    """Docstring text as Markdown: lines of one paragraph joined, blank lines kept between paragraphs."""
    paragraphs = [
        " ".join(line.strip() for line in block.splitlines()) for block in text.strip().split("\n\n")
    ]
    return "\n\n".join(p for p in paragraphs if p)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    try:
        for path in write(target):
            print(path)
    except SpecError as error:
        sys.exit(f"Error: {error}")
