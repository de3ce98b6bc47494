"""Import: an analyst uploads a CWT file, sees the validation summary and downloads the quarantine.

The file goes through `ingest.ingest_file` exactly as `alliance ingest` (validation, pseudonymised
lake snapshot, quarantine). National and alliance analysts may import; the import and any quarantine
download are audited. A quarantine file can be downloaded by national users and by whoever imported
it (the audit log says who did), since it holds the rejected rows' values.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from sqlalchemy import select

from cancer_alliance.config import quarantine_dir
from cancer_alliance.csv_export import write_lists
from cancer_alliance.errors import InputError
from cancer_alliance.ingest import ingest_file
from cancer_alliance.store import AuditAction, AuditEvent, ObjectRef, Role
from cancer_alliance.web.context import AuditorDep, ContextDep, SignedInDep, StoreDep
from cancer_alliance.web.pages.common import IMPORTERS, render
from cancer_alliance.web.scope import Viewer
from cancer_alliance.web.security.csrf import require_csrf
from cancer_alliance.web.tables import csv_attachment

router = APIRouter()
QUARANTINE_NAME = re.compile(r"cwt-[0-9A-Za-z-]+\.csv")
SUFFIXES = (".csv", ".parquet")


def analyst(viewer: SignedInDep) -> Viewer:
    if viewer.role not in IMPORTERS:
        raise HTTPException(status_code=403, detail="Only national and alliance analysts can import files.")
    return viewer


AnalystDep = Annotated[Viewer, Depends(analyst)]


@router.get("/import", name="import_form")
def import_form(request: Request, viewer: AnalystDep):
    return render(request, "import.jinja", summary=None, errors=[])


@router.post("/import", name="import_upload", tags=["patient-level"], dependencies=[Depends(require_csrf)])
def import_upload(
    request: Request,
    ctx: ContextDep,
    viewer: AnalystDep,
    auditor: AuditorDep,
    upload: Annotated[UploadFile, File()],
):
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        errors = [{"text": "Choose a CWT file ending .csv or .parquet", "href": "#upload"}]
        return render(request, "import.jinja", status_code=400, summary=None, errors=errors)
    uploads = ctx.settings.home / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    staged = uploads / f"{uuid.uuid4().hex}{suffix}"
    written = 0
    with staged.open("wb") as handle:
        while chunk := upload.file.read(1024 * 1024):
            written += len(chunk)
            if written > ctx.settings.max_upload_bytes:
                handle.close()
                staged.unlink(missing_ok=True)
                raise HTTPException(status_code=413, detail="The file is too large to import here.")
            handle.write(chunk)
    try:
        summary = ingest_file("cwt", staged, source_name=upload.filename or staged.name)
    except InputError as error:
        errors = [{"text": str(error).replace(str(staged), upload.filename or "the file"), "href": "#upload"}]
        auditor.created(ObjectRef("cwt_import"), {"file": upload.filename, "refused": True})
        return render(request, "import.jinja", status_code=400, summary=None, errors=errors)
    finally:
        staged.unlink(missing_ok=True)  # it holds raw NHS numbers; the lake keeps only pseudonyms
    quarantine = summary.quarantine_path.name if summary.quarantine_path else None
    auditor.created(
        ObjectRef("cwt_import", summary.snapshot_id),
        {
            "file": upload.filename,
            "rows_in": summary.rows_in,
            "accepted": summary.accepted,
            "quarantined": summary.quarantined,
            "quarantine": quarantine,
            "already_imported": summary.already_imported,
        },
    )
    return render(
        request, "import.jinja", summary=summary, filename=upload.filename, quarantine=quarantine, errors=[]
    )


@router.get("/import/quarantine/{name}", name="quarantine_download", tags=["patient-level"])
def quarantine_download(name: str, viewer: AnalystDep, auditor: AuditorDep, session: StoreDep):
    path = quarantine_dir() / name
    if not QUARANTINE_NAME.fullmatch(name) or not path.is_file() or not _may_download(session, viewer, name):
        raise HTTPException(status_code=403, detail="You cannot download this quarantine file.")
    auditor.exported(ObjectRef("quarantine", name), {"format": "csv"})
    return csv_attachment(_safe_copy(path), name)


def _safe_copy(path: Path) -> str:
    """The quarantine file passed through the formula-safe writer: its cells are the rejected input
    exactly as uploaded, so any of them may be a formula."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        buffer = io.StringIO()
        write_lists(buffer, next(rows, []), rows)
    return buffer.getvalue()


def _may_download(session, viewer: Viewer, name: str) -> bool:
    if viewer.role is Role.national:
        return True
    imports = session.scalars(
        select(AuditEvent).where(
            AuditEvent.actor_id == viewer.user_id,
            AuditEvent.action == AuditAction.create,
            AuditEvent.object_type == "cwt_import",
        )
    )
    return any(event.details.get("quarantine") == name for event in imports)
