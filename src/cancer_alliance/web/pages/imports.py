"""Import: an analyst uploads a CWT file; a background job validates it, loads it into the lake and
refreshes the results; the job's page shows its progress, the validation summary with the quarantine
reasons, and the outcome (issue #19 item 4; decision record 0024).

The file goes through `ingest.ingest_file` exactly as `alliance ingest` (validation, pseudonymised
lake snapshot, quarantine), then `results.refresh` as `alliance results refresh`, both in the job runner
(`results.jobs`), never in the request, under the uploader's import scope (`ingest.account_scope`:
national users any row, alliance users their alliance's providers, trust users their own; decision
record 0025). National, alliance and trust analysts may import; the upload and any quarantine download
are audited. A job and its quarantine file are shown to national users and to whoever
uploaded it, since the quarantine holds the rejected rows' values.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from cancer_alliance.config import quarantine_dir
from cancer_alliance.csv_export import write_lists
from cancer_alliance.errors import InputError
from cancer_alliance.ingest import ImportScope, account_scope
from cancer_alliance.results.jobs import enqueue
from cancer_alliance.store import ObjectRef, Role
from cancer_alliance.store.results import ImportJob, JobState, ResultsRun, recent_runs
from cancer_alliance.web.context import AuditorDep, ContextDep, SignedInDep, StoreDep
from cancer_alliance.web.pages.common import IMPORTERS, render
from cancer_alliance.web.scope import Viewer
from cancer_alliance.web.security.csrf import require_csrf
from cancer_alliance.web.tables import csv_attachment

router = APIRouter()
QUARANTINE_NAME = re.compile(r"cwt-[0-9A-Za-z-]+\.csv")
SUFFIXES = (".csv", ".parquet", ".xml")


def analyst(viewer: SignedInDep) -> Viewer:
    if viewer.role not in IMPORTERS:
        raise HTTPException(
            status_code=403, detail="Only national, alliance and trust analysts can import files."
        )
    return viewer


def import_scope(viewer: Viewer) -> ImportScope | None:
    """Whose rows `viewer` may import, as the job runner will apply it (`ingest.account_scope`)."""
    try:
        return account_scope(viewer.role.value, viewer.organisation_code)
    except InputError:
        raise HTTPException(
            status_code=403, detail="Your account names no organisation to import for."
        ) from None


AnalystDep = Annotated[Viewer, Depends(analyst)]


@router.get("/import", name="import_form")
def import_form(request: Request, viewer: AnalystDep, session: StoreDep):
    """The upload form, with the last results refresh (scheduled or after an import) and how it ended,
    so a failed scheduled refresh is seen where analysts bring data in."""
    last = next(iter(recent_runs(session, limit=1)), None)
    return render(request, "import.jinja", errors=[], scope=import_scope(viewer), last_run=last)


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
        errors = [{"text": "Choose a CWT file ending .csv, .parquet or .xml", "href": "#upload"}]
        return render(request, "import.jinja", status_code=400, errors=errors, scope=import_scope(viewer))
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
    if suffix == ".parquet" and (refused := _too_many_rows(staged, ctx.settings.max_upload_rows)):
        staged.unlink(missing_ok=True)
        errors = [{"text": refused, "href": "#upload"}]
        return render(request, "import.jinja", status_code=413, errors=errors, scope=import_scope(viewer))
    job_id = enqueue(ctx.store, "cwt", upload.filename or staged.name, staged, viewer.user_id)
    auditor.created(ObjectRef("cwt_import_job", str(job_id)), {"file": upload.filename})
    if ctx.jobs is not None:
        ctx.jobs.wake()
    return RedirectResponse(request.url_for("import_job", job_id=job_id), status_code=303)


def _too_many_rows(path: Path, limit: int) -> str | None:
    """Why a Parquet upload is refused by its row count (read from the file's metadata, not its rows)."""
    try:
        rows = pq.read_metadata(path).num_rows
    except (OSError, pa.ArrowException):
        return "The file is not a readable Parquet file"
    if rows > limit:
        return f"The file has {rows:,} rows; the import page takes at most {limit:,} (use `alliance ingest`)"
    return None


@router.get("/import/jobs/{job_id}", name="import_job")
def import_job(request: Request, job_id: int, viewer: AnalystDep, session: StoreDep):
    job = session.get(ImportJob, job_id)
    if job is None or not _may_see(viewer, job):
        raise HTTPException(status_code=404, detail="No such import.")
    run = session.get(ResultsRun, job.run_id) if job.run_id else None
    waiting = job.state in (JobState.queued, JobState.running)
    return render(request, "import.jinja", job=job, run=run, waiting=waiting, errors=[])


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


def _may_see(viewer: Viewer, job: ImportJob) -> bool:
    return viewer.role is Role.national or job.user_id == viewer.user_id


def _may_download(session, viewer: Viewer, name: str) -> bool:
    if viewer.role is Role.national:
        return True
    jobs = session.scalars(select(ImportJob).where(ImportJob.user_id == viewer.user_id))
    return any(job.summary.get("quarantine") == name for job in jobs)
