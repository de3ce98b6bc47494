"""The programme's file I/O: the board pack written as HTML or printed to PDF by Chromium, and the
deliverables exported to and imported from CSV (validated like every other input: file, row, field).

The PDF is printed by the Chromium the project already uses for its browser tests (Debian's
`/usr/bin/chromium`, or `ALLIANCE_CHROMIUM`): no new Python or system dependency (decision record 0018).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from cancer_alliance.csv_export import csv_text
from cancer_alliance.errors import InputError
from cancer_alliance.programme.access import NotAllowed, require_edit
from cancer_alliance.programme.board import BoardPack, board_pack
from cancer_alliance.programme.deliverables import (
    DeliverableInput,
    DeliverableNotFound,
    EditConflict,
    InvalidDeliverable,
    add_deliverable,
    format_trajectory,
    get_deliverable,
    list_deliverables,
    parse_funding,
    parse_trajectory,
    snapshot,
    update_deliverable,
)
from cancer_alliance.store import Auditor, ObjectRef, Role
from cancer_alliance.store.programme import Rag

CHROMIUM_VARIABLE = "ALLIANCE_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: Milliseconds of page time Chromium lets the inlined Vega draw before printing.
VIRTUAL_TIME_BUDGET_MS = 10_000
PRINT_TIMEOUT_S = 120


class PdfError(InputError):
    """Chromium is missing or failed to print."""


def chromium() -> str:
    found = os.environ.get(CHROMIUM_VARIABLE) or (
        DEFAULT_CHROMIUM if Path(DEFAULT_CHROMIUM).exists() else None
    )
    found = found or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise PdfError(f"Chromium not found: install Debian's chromium or set {CHROMIUM_VARIABLE}")
    return found


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print a local HTML file to PDF with headless Chromium (no header or footer)."""
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="alliance-chromium-") as profile:
        command = [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
            f"--print-to-pdf={pdf_path.resolve()}",
            html_path.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium took more than {PRINT_TIMEOUT_S} s to print {html_path.name}") from None
    if done.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        last = (done.stderr or "").strip().splitlines()[-1:] or ["no message"]
        raise PdfError(f"Chromium could not print {html_path.name} (exit {done.returncode}): {last[0]}")
    return pdf_path


def write_board_pack(
    alliance_code: str, month: str, output: Path, *, home: Path, session: Session | None
) -> BoardPack:
    """Write the pack to `output`: HTML for `.html`/`.htm`, PDF (printed by Chromium) for `.pdf`."""
    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise InputError(f"--output: {output.name} must end in .html or .pdf")
    pack = board_pack(alliance_code, month, home=home, session=session)
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        with tempfile.TemporaryDirectory(prefix="alliance-board-") as folder:
            source = Path(folder) / "board-pack.html"
            source.write_text(pack.html, encoding="utf-8")
            print_pdf(source, output)
    else:
        output.write_text(pack.html, encoding="utf-8")
    return pack


def pdf_bytes(pack: BoardPack) -> bytes:
    """The pack printed to PDF, as bytes (the web page's download)."""
    with tempfile.TemporaryDirectory(prefix="alliance-board-") as folder:
        source = Path(folder) / "board-pack.html"
        source.write_text(pack.html, encoding="utf-8")
        return print_pdf(source, Path(folder) / "board-pack.pdf").read_bytes()


# --- deliverables as CSV ----------------------------------------------------------------------------

CSV_COLUMNS = (
    "deliverable_id",
    "version",
    "alliance_code",
    "financial_year",
    "title",
    "owner",
    "due_date",
    "funding",
    "metric_key",
    "trajectory",
    "manual_rag",
    "manual_rag_reason",
)


def deliverables_csv(
    session: Session, auditor: Auditor, alliance_code: str | None, financial_year: str | None
) -> str:
    """The deliverables as CSV (a blank deliverable_id in an imported row adds one); audited as an export."""
    rows = list_deliverables(session, alliance_code, financial_year)
    records = []
    for deliverable in rows:
        values = snapshot(deliverable)
        records.append(
            {
                "deliverable_id": deliverable.id,
                "version": deliverable.version,
                "alliance_code": deliverable.alliance_code,
                "financial_year": deliverable.financial_year,
                **{k: values[k] or "" for k in ("title", "owner", "due_date", "funding", "metric_key")},
                "trajectory": format_trajectory(values["trajectory"]),
                "manual_rag": values["manual_rag"] or "",
                "manual_rag_reason": values["manual_rag_reason"] or "",
            }
        )
    auditor.exported(
        ObjectRef("deliverable"),
        {"rows": len(rows), "alliance_code": alliance_code, "financial_year": financial_year},
    )
    return csv_text(records, CSV_COLUMNS)


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int


def import_deliverables_csv(
    session: Session,
    auditor: Auditor,
    content: str,
    *,
    file_name: str,
    role: Role | str,
    organisation_code: str | None,
) -> ImportSummary:
    """Add or update deliverables from CSV, all or nothing: every problem is reported as
    "<file> row N, <field>: message" in one InputError and nothing is written. A row with a
    deliverable_id must give the version it was exported at (optimistic locking)."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{file_name}: column {missing[0]!r} is missing (expected {', '.join(CSV_COLUMNS)})")
    problems: list[str] = []
    added = updated = unchanged = 0
    for number, row in enumerate(reader, start=2):
        where = f"{file_name} row {number}"

        def problem(field: str, message: str, where: str = where) -> None:
            problems.append(f"{where}, {field}: {message}")

        data = _row_input(row, problem)
        alliance = (row["alliance_code"] or "").strip()
        try:
            require_edit(role, organisation_code, alliance)
        except NotAllowed as error:
            problem("alliance_code", str(error))
            continue
        if data is None:
            continue
        identifier = (row["deliverable_id"] or "").strip()
        try:
            if not identifier:
                add_deliverable(session, auditor, alliance, (row["financial_year"] or "").strip(), data)
                added += 1
                continue
            if not identifier.isdigit():
                problem("deliverable_id", f"{identifier!r} is not a deliverable id")
                continue
            version = (row["version"] or "").strip()
            if not version.isdigit():
                problem("version", "give the version the row was exported at")
                continue
            existing = get_deliverable(session, int(identifier))
            if (
                existing.alliance_code != alliance
                or existing.financial_year != (row["financial_year"] or "").strip()
            ):
                problem("alliance_code", "a deliverable cannot move to another alliance or year")
                continue
            before = existing.version
            update_deliverable(session, auditor, int(identifier), int(version), data)
            if existing.version == before:
                unchanged += 1
            else:
                updated += 1
        except InvalidDeliverable as error:
            for item in error.errors:
                problem(item.field, item.message)
        except EditConflict as error:
            problem("version", str(error))
        except DeliverableNotFound as error:
            problem("deliverable_id", str(error))
    if problems:
        raise InputError(
            "; ".join(problems[:20]) + (f" (and {len(problems) - 20} more)" if len(problems) > 20 else "")
        )
    return ImportSummary(added, updated, unchanged)


def _row_input(row: dict[str, str], problem) -> DeliverableInput | None:
    ok = True
    try:
        due = date.fromisoformat((row["due_date"] or "").strip())
    except ValueError:
        problem("due_date", f"{row['due_date']!r} is not a date (YYYY-MM-DD)")
        ok, due = False, date.min
    try:
        funding = parse_funding(row["funding"] or "")
    except ValueError as error:
        problem("funding", str(error))
        ok, funding = False, None
    try:
        trajectory = parse_trajectory(row["trajectory"] or "")
    except ValueError as error:
        problem("trajectory", str(error))
        ok, trajectory = False, {}
    rag_text = (row["manual_rag"] or "").strip().lower()
    if rag_text and rag_text not in {r.value for r in Rag}:
        problem("manual_rag", f"{row['manual_rag']!r} is not red, amber or green")
        ok, rag_text = False, ""
    if not ok:
        return None
    return DeliverableInput(
        title=row["title"] or "",
        owner=row["owner"] or "",
        due_date=due,
        funding=funding,
        metric_key=(row["metric_key"] or "").strip() or None,
        trajectory=trajectory,
        manual_rag=Rag(rag_text) if rag_text else None,
        manual_rag_reason=(row["manual_rag_reason"] or "").strip() or None,
    )
