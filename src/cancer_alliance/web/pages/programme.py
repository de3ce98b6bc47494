"""Programme pages (issue 15 item 4): the funding-agreement deliverables with RAG, adding and editing
them (optimistic locking: a stale form is refused and says who saved first), their history; the
best-practice library (search, add, edit, submit, national moderation; published summaries for the
public); and the board pack as HTML or PDF. Every change and export is audited in the request's
transaction. Roles: alliance users edit their own alliance, national users all, trust users read."""

from __future__ import annotations

import json
from typing import Annotated, ClassVar

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from cancer_alliance.errors import AllianceError, InputError
from cancer_alliance.programme import case_studies as library
from cancer_alliance.programme import deliverables as tracker
from cancer_alliance.programme.access import NotAllowed, can_edit, can_moderate
from cancer_alliance.programme.board import board_pack, financial_year
from cancer_alliance.programme.files import PdfError, deliverables_csv, import_deliverables_csv, pdf_bytes
from cancer_alliance.programme.priorities import priority_ids
from cancer_alliance.store import Auditor, ObjectRef, Role
from cancer_alliance.store.programme import CaseStudyStatus
from cancer_alliance.web.context import AuditorDep, ContextDep, SignedInDep, StoreDep, ViewerDep
from cancer_alliance.web.domain_queries.programme import PAGE_ROWS, current_month, home_alliance
from cancer_alliance.web.domain_queries.programme import chosen_alliance as _alliance
from cancer_alliance.web.domain_queries.programme import chosen_month as _month
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters import programme as present
from cancer_alliance.web.presenters import trajectory as trajectory_table
from cancer_alliance.web.scope import Viewer
from cancer_alliance.web.security.csrf import require_csrf

router = APIRouter(tags=["programme"])
Csrf = [Depends(require_csrf)]


class _FormFields(BaseModel):
    """A form's fields as typed (strings; the presenter parses and checks them)."""

    def values(self) -> dict[str, str]:
        """The fields the presenter parses and the page shows again, by name."""
        return {name: value for name, value in self.model_dump().items() if name not in self.control}

    control: ClassVar[frozenset[str]] = frozenset()


class DeliverableFields(_FormFields):
    title: str = ""
    owner: str = ""
    due_date_day: str = ""
    due_date_month: str = ""
    due_date_year: str = ""
    funding: str = ""
    metric_key: str = ""
    trajectory_month: list[str] = []
    trajectory_target: list[str] = []
    manual_rag: str = ""
    manual_rag_reason: str = ""


class NewDeliverable(DeliverableFields):
    alliance: str = ""
    financial_year: str = ""
    control: ClassVar[frozenset[str]] = frozenset({"alliance", "financial_year"})


class DeliverableChange(DeliverableFields):
    version: str = ""


class CaseStudyFields(_FormFields):
    title: str = ""
    summary: str = ""
    intervention: str = ""
    priorities: list[str] = []
    start_date_day: str = ""
    start_date_month: str = ""
    start_date_year: str = ""
    end_date_day: str = ""
    end_date_month: str = ""
    end_date_year: str = ""
    contacts: str = ""
    metric_key: str = ""
    change_month: str = ""
    control: ClassVar[frozenset[str]] = frozenset({"priorities"})


class NewCaseStudy(CaseStudyFields):
    alliance: str = ""
    control: ClassVar[frozenset[str]] = frozenset({"priorities", "alliance"})


class CaseStudyChange(CaseStudyFields):
    version: str = ""


def _require_edit(viewer: Viewer, alliance_code: str) -> None:
    if not can_edit(viewer.role, viewer.organisation_code, alliance_code):
        raise HTTPException(
            status_code=403, detail="Only national users and the alliance's own users can change this."
        )


# --- deliverables -----------------------------------------------------------------------------------


@router.get("/programme", name="programme")
def programme(
    request: Request,
    ctx: ContextDep,
    viewer: SignedInDep,
    session: StoreDep,
    alliance: str = "",
    month: str = "",
    saved: str = "",
):
    return _programme_page(request, ctx, viewer, session, alliance, month, saved)


def _programme_page(request, ctx, viewer, session, alliance, month="", saved="", errors=(), status_code=200):
    code = _alliance(alliance, viewer, ctx)
    month = _month(month, ctx)
    year = financial_year(month)
    items, cache, overview = [], {}, []
    if code:
        items = [
            (d, tracker.rag_of(d, ctx.settings.home, month, cache=cache))
            for d in tracker.list_deliverables(session, code, year)
        ]
    elif viewer.role is Role.national:  # no alliance chosen: every alliance's RAG at a glance
        overview = _overview(ctx, tracker.list_deliverables(session, None, year), month)
    return render(
        request,
        "programme.jinja",
        alliance=code,
        alliance_name=present.alliance_names().get(code, ""),
        alliance_options=present.alliance_options(code),
        month=month,
        year=year,
        rows=present.deliverable_rows(items),
        overview=overview,
        can_pack=bool(code) and may_make_pack(viewer, code),
        can_edit=bool(code) and can_edit(viewer.role, viewer.organisation_code, code),
        saved=saved,
        errors=list(errors),
        status_code=status_code,
    )


#: The national overview per (month, results folder, every deliverable's id and version): its 76 RAGs
#: read each alliance's series (about 1 s on the demo), and it is the national users' landing page. An
#: edit bumps a version and a refresh swaps the folder, so either gives a new key.
_OVERVIEWS: dict[tuple, list[dict]] = {}
_OVERVIEWS_KEPT = 8


def _overview(ctx, deliverables: list, month: str) -> list[dict]:
    generation = ctx.results.generation()
    key = (month, generation.id if generation else None, tuple((d.id, d.version) for d in deliverables))
    if key not in _OVERVIEWS:
        cache: dict = {}
        every = [(d, tracker.rag_of(d, ctx.settings.home, month, cache=cache)) for d in deliverables]
        if len(_OVERVIEWS) >= _OVERVIEWS_KEPT:
            _OVERVIEWS.pop(next(iter(_OVERVIEWS)))
        _OVERVIEWS[key] = present.overview_rows(every, present.alliance_names())
    return _OVERVIEWS[key]


@router.get("/programme/deliverables.csv", name="deliverables_csv")
def deliverables_export(
    ctx: ContextDep, viewer: SignedInDep, auditor: AuditorDep, alliance: str = "", year: str = ""
):
    code = _alliance(alliance, viewer, ctx) or None
    content = deliverables_csv(auditor.session, auditor, code, year or None)
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="deliverables.csv"'},
    )


#: The largest deliverables CSV accepted from the page (a year of every alliance's is under 1 MB).
MAX_CSV_BYTES = 5 * 1024 * 1024


@router.post("/programme/deliverables/import", name="deliverables_import", dependencies=Csrf)
def deliverables_import(
    request: Request,
    ctx: ContextDep,
    viewer: SignedInDep,
    upload: Annotated[UploadFile, File()],
    alliance: Annotated[str, Form()] = "",
):
    """Import a deliverables CSV (the export's columns), all or nothing, in a transaction of its own:
    every problem is listed by file, row and field and nothing is written."""
    if viewer.role not in (Role.national, Role.alliance):
        raise HTTPException(status_code=403, detail="Only national and alliance users import deliverables.")
    name = (upload.filename or "deliverables.csv").rsplit("/", 1)[-1]
    content = upload.file.read(MAX_CSV_BYTES + 1)
    code = _alliance(alliance, viewer, ctx)
    problems: list[str] = []
    if len(content) > MAX_CSV_BYTES:
        problems = [f"{name}: larger than {MAX_CSV_BYTES // (1024 * 1024)} MB"]
    else:
        try:
            text_content = content.decode("utf-8")
        except UnicodeDecodeError:
            problems = [f"{name}: not UTF-8 text"]
    if not problems:
        try:
            with ctx.store.begin() as session:
                auditor = Auditor(session, actor_id=viewer.user_id, request_id=request.state.request_id)
                done = import_deliverables_csv(
                    session,
                    auditor,
                    text_content,
                    file_name=name,
                    role=viewer.role,
                    organisation_code=viewer.organisation_code,
                )
        except InputError as error:
            problems = str(error).split("; ")
    if problems:
        errors = [{"text": problem, "href": "#upload"} for problem in problems]
        with ctx.store.session() as session:
            return _programme_page(request, ctx, viewer, session, code, errors=errors, status_code=400)
    summary = f"imported: {done.added} added, {done.updated} updated, {done.unchanged} unchanged"
    url = request.url_for("programme").include_query_params(alliance=code, saved=summary)
    return RedirectResponse(str(url), status_code=303)


@router.get("/programme/deliverables/new", name="deliverable_new")
def deliverable_new(
    request: Request, ctx: ContextDep, viewer: SignedInDep, alliance: str = "", month: str = ""
):
    code = _alliance(alliance, viewer, ctx)
    if code:
        _require_edit(viewer, code)
    elif viewer.role != Role.national:
        raise HTTPException(status_code=403, detail="Only national and alliance users add deliverables.")
    return _deliverable_form(request, ctx, code, financial_year(_month(month, ctx)), None, {}, [])


def _deliverable_form(
    request, ctx, code, year, deliverable, form, errors, history=(), status_code=200, rag=None
):
    values = form or present.deliverable_form(deliverable)
    return render(
        request,
        "deliverable.jinja",
        status_code=status_code,
        deliverable=deliverable,
        alliance=code,
        alliance_name=present.alliance_names().get(code, ""),
        alliance_options=present.alliance_options(code),
        year=year,
        form=values,
        errors=errors,
        error_of=lambda field: present.error_of(errors, field),
        metric_options=present.metric_options(values.get("metric_key")),
        trajectory=_trajectory(year, values, errors),
        history=present.history_rows(list(history)),
        rag=rag,
        can_edit=True,
    )


def _trajectory(year, values, errors, actuals=None):
    view = trajectory_table.view(year, values, errors, actuals)
    return {**view, "spec": json.dumps(view["spec"]) if view["spec"] else None}


@router.post("/programme/deliverables", name="deliverable_create", dependencies=Csrf)
def deliverable_create(
    request: Request,
    ctx: ContextDep,
    viewer: SignedInDep,
    auditor: AuditorDep,
    fields: Annotated[NewDeliverable, Form()],
):
    code = fields.alliance if viewer.role == Role.national else (viewer.organisation_code or "")
    _require_edit(viewer, code)
    financial_year_ = fields.financial_year
    form = fields.values()
    data, errors = present.parse_deliverable(form)
    if data is not None:
        errors = trajectory_table.outside_year(data.trajectory, financial_year_)
    if data is not None and not errors:
        try:
            added = tracker.add_deliverable(auditor.session, auditor, code, financial_year_, data)
        except tracker.InvalidDeliverable as error:
            errors = present.errors_for(error.errors)
        else:
            url = request.url_for("deliverable", deliverable_id=added.id).include_query_params(saved="added")
            return RedirectResponse(str(url), status_code=303)
    return _deliverable_form(request, ctx, code, financial_year_, None, form, errors, status_code=400)


@router.get("/programme/deliverables/{deliverable_id}", name="deliverable")
def deliverable_page(
    request: Request,
    deliverable_id: int,
    ctx: ContextDep,
    viewer: SignedInDep,
    session: StoreDep,
    saved: str = "",
    month: str = "",
):
    found = _deliverable(session, deliverable_id)
    return _deliverable_view(request, ctx, viewer, session, found, _month(month, ctx), saved=saved)


def _deliverable(session, deliverable_id):
    try:
        return tracker.get_deliverable(session, deliverable_id)
    except tracker.DeliverableNotFound:
        raise HTTPException(status_code=404, detail=f"No deliverable {deliverable_id}.") from None


def _deliverable_view(
    request, ctx, viewer, session, found, month, *, saved="", form=None, errors=(), status_code=200
):
    cache: dict[tuple[str, str], dict[str, float]] = {}
    result = tracker.rag_of(found, ctx.settings.home, month, cache=cache)
    errors = list(errors)
    values = form or present.deliverable_form(found)
    actuals = cache.get((found.metric_key, found.alliance_code)) if found.metric_key else None
    return render(
        request,
        "deliverable.jinja",
        status_code=status_code,
        deliverable=found,
        alliance=found.alliance_code,
        alliance_name=present.alliance_names().get(found.alliance_code, ""),
        alliance_options=[],
        year=found.financial_year,
        month=month,
        form=values,
        errors=errors,
        error_of=lambda field: present.error_of(errors, field),
        metric_options=present.metric_options(values.get("metric_key")),
        metric=present.metric_label(found.metric_key),
        trajectory=_trajectory(found.financial_year, values, errors, actuals),
        history=present.history_rows(tracker.history(session, found.id)),
        rag={"tag": present.rag_tag(result), "detail": present.rag_detail(result)},
        can_edit=can_edit(viewer.role, viewer.organisation_code, found.alliance_code),
        saved=saved,
    )


@router.post("/programme/deliverables/{deliverable_id}", name="deliverable_update", dependencies=Csrf)
def deliverable_update(
    request: Request,
    deliverable_id: int,
    ctx: ContextDep,
    viewer: SignedInDep,
    fields: Annotated[DeliverableChange, Form()],
):
    """Save a change in a transaction of its own: if someone saved first, it rolls back whole and the
    page is shown again from a fresh read, with its history saying who (decision record 0018)."""
    form = fields.values()
    version = fields.version
    month = current_month(ctx)
    data, errors = present.parse_deliverable(form)
    if not version.isdigit():
        errors.append({"text": "Version: reload the page and make your changes again", "href": "#title"})
    try:
        with ctx.store.begin() as session:
            found = _deliverable(session, deliverable_id)
            _require_edit(viewer, found.alliance_code)
            if data is None or errors:
                return _deliverable_view(
                    request, ctx, viewer, session, found, month, form=form, errors=errors, status_code=400
                )
            auditor = Auditor(session, actor_id=viewer.user_id, request_id=request.state.request_id)
            tracker.update_deliverable(session, auditor, deliverable_id, int(version), data)
    except tracker.EditConflict as error:
        with ctx.store.session() as session:
            current = _deliverable(session, deliverable_id)
            conflict = [{"text": f"Not saved: {error}", "href": "#title"}]
            return _deliverable_view(
                request, ctx, viewer, session, current, month, errors=conflict, status_code=409
            )
    except tracker.InvalidDeliverable as error:
        with ctx.store.session() as session:
            found = _deliverable(session, deliverable_id)
            errors = present.errors_for(error.errors)
            return _deliverable_view(
                request, ctx, viewer, session, found, month, form=form, errors=errors, status_code=400
            )
    url = request.url_for("deliverable", deliverable_id=deliverable_id).include_query_params(saved="updated")
    return RedirectResponse(str(url), status_code=303)


# --- best-practice library --------------------------------------------------------------------------


@router.get("/library", name="library")
def library_search(
    request: Request,
    viewer: ViewerDep,
    session: StoreDep,
    q: Annotated[str, Query(max_length=200)] = "",
    priority: str = "",
):
    if priority and priority not in priority_ids():
        raise HTTPException(status_code=404, detail="Unknown priority.")
    found = library.search(
        session,
        q,
        role=viewer.role,
        organisation_code=viewer.organisation_code,
        priority=priority or None,
        limit=PAGE_ROWS + 1,
    )
    more = len(found) > PAGE_ROWS
    found = found[:PAGE_ROWS]
    names = present.alliance_names()
    rows = [
        {
            "id": s.id,
            "title": s.title,
            "summary": s.summary,
            "alliance": names.get(s.alliance_code, s.alliance_code),
            "priorities": present.priority_titles(s.priorities),
            "status": present.STATUS_TAGS[s.status.value],
        }
        for s in found
    ]
    return render(
        request,
        "library.jinja",
        rows=rows,
        q=q,
        priority=priority,
        priority_options=[{"value": "", "text": "Any priority"}]
        + [
            {"value": i["value"], "text": i["text"], "selected": i["value"] == priority}
            for i in present.priority_items(())
        ],
        can_add=viewer.role in (Role.national, Role.alliance),
        more=more,
        moderation=[
            {"id": s.id, "title": s.title, "alliance": names.get(s.alliance_code, s.alliance_code)}
            for s in found
            if s.status is CaseStudyStatus.submitted
        ]
        if can_moderate(viewer.role)
        else [],
    )


@router.get("/library/new", name="case_study_new")
def case_study_new(request: Request, ctx: ContextDep, viewer: SignedInDep):
    if viewer.role not in (Role.national, Role.alliance):
        raise HTTPException(status_code=403, detail="Only national and alliance users add case studies.")
    return _case_study_form(request, None, home_alliance(viewer, ctx) or "", {}, [], ())


def _case_study_form(request, study, code, form, errors, chosen, status_code=200):
    values = form or present.case_study_form(study)
    return render(
        request,
        "case_study_form.jinja",
        status_code=status_code,
        study=study,
        alliance=code,
        alliance_options=present.alliance_options(code),
        form=values,
        errors=errors,
        error_of=lambda field: present.error_of(errors, field),
        priority_items=present.priority_items(chosen),
        metric_options=[
            {**o, "text": "None" if not o["value"] else o["text"]}
            for o in present.metric_options(values.get("metric_key"))
        ],
    )


@router.post("/library", name="case_study_create", dependencies=Csrf)
def case_study_create(
    request: Request,
    viewer: SignedInDep,
    auditor: AuditorDep,
    fields: Annotated[NewCaseStudy, Form()],
):
    code = fields.alliance if viewer.role == Role.national else (viewer.organisation_code or "")
    _require_edit(viewer, code)
    chosen, form = fields.priorities, fields.values()
    data, errors = present.parse_case_study(form, chosen)
    if data is not None:
        try:
            study = library.add_case_study(
                auditor.session,
                auditor,
                code,
                data,
                role=viewer.role,
                organisation_code=viewer.organisation_code,
            )
        except library.InvalidCaseStudy as error:
            errors = present.errors_for(error.errors)
        else:
            url = request.url_for("case_study", study_id=study.id).include_query_params(saved="added")
            return RedirectResponse(str(url), status_code=303)
    return _case_study_form(request, None, code, form, errors, chosen, status_code=400)


def _study(session, study_id, viewer):
    try:
        return library.get_case_study(
            session, study_id, role=viewer.role, organisation_code=viewer.organisation_code
        )
    except library.CaseStudyNotFound:
        raise HTTPException(status_code=404, detail=f"No case study {study_id} you can see.") from None


@router.get("/library/{study_id}", name="case_study")
def case_study_page(
    request: Request, study_id: int, ctx: ContextDep, viewer: ViewerDep, session: StoreDep, saved: str = ""
):
    study = _study(session, study_id, viewer)
    before_after = None
    if viewer.signed_in:
        found = library.before_after(study, ctx.settings.home)
        if found is not None:
            before_after = present.before_after_view(
                found, f"{found.label[:60]}: before and after {study.change_month}"
            )
            before_after["spec"] = json.dumps(before_after["spec"])
    return render(
        request,
        "case_study.jinja",
        study=study,
        alliance_name=present.alliance_names().get(study.alliance_code, study.alliance_code),
        priorities=present.priority_titles(study.priorities),
        status=present.STATUS_TAGS[study.status.value],
        before_after=before_after,
        metric=present.metric_label(study.metric_key) if study.metric_key else None,
        can_edit=can_edit(viewer.role, viewer.organisation_code, study.alliance_code),
        can_moderate=can_moderate(viewer.role),
        saved=saved,
    )


@router.get("/library/{study_id}/edit", name="case_study_edit")
def case_study_edit(request: Request, study_id: int, viewer: SignedInDep, session: StoreDep):
    study = _study(session, study_id, viewer)
    _require_edit(viewer, study.alliance_code)
    return _case_study_form(request, study, study.alliance_code, {}, [], study.priorities)


@router.post("/library/{study_id}/edit", name="case_study_update", dependencies=Csrf)
def case_study_update(
    request: Request,
    study_id: int,
    ctx: ContextDep,
    viewer: SignedInDep,
    fields: Annotated[CaseStudyChange, Form()],
):
    """Save a change in a transaction of its own, as for deliverables (decision record 0018)."""
    chosen, form, version = fields.priorities, fields.values(), fields.version
    data, errors = present.parse_case_study(form, chosen)
    try:
        with ctx.store.begin() as session:
            study = _study(session, study_id, viewer)
            _require_edit(viewer, study.alliance_code)
            if data is None:
                return _case_study_form(
                    request, study, study.alliance_code, form, errors, chosen, status_code=400
                )
            auditor = Auditor(session, actor_id=viewer.user_id, request_id=request.state.request_id)
            library.update_case_study(
                session,
                auditor,
                study_id,
                int(version or 0),
                data,
                role=viewer.role,
                organisation_code=viewer.organisation_code,
            )
    except library.CaseStudyConflict as error:
        with ctx.store.session() as session:
            study = _study(session, study_id, viewer)
            errors = [{"text": f"Not saved: {error}", "href": "#title"}]
            return _case_study_form(
                request, study, study.alliance_code, {}, errors, study.priorities, status_code=409
            )
    except library.InvalidCaseStudy as error:
        with ctx.store.session() as session:
            study = _study(session, study_id, viewer)
            errors = present.errors_for(error.errors)
            return _case_study_form(
                request, study, study.alliance_code, form, errors, chosen, status_code=400
            )
    url = request.url_for("case_study", study_id=study_id).include_query_params(saved="updated")
    return RedirectResponse(str(url), status_code=303)


@router.post("/library/{study_id}/submit", name="case_study_submit", dependencies=Csrf)
def case_study_submit(request: Request, study_id: int, viewer: SignedInDep, auditor: AuditorDep):
    try:
        library.submit(
            auditor.session, auditor, study_id, role=viewer.role, organisation_code=viewer.organisation_code
        )
    except library.CaseStudyNotFound:
        raise HTTPException(status_code=404, detail=f"No case study {study_id} you can see.") from None
    except NotAllowed as error:
        raise HTTPException(status_code=403, detail=str(error)) from None
    url = request.url_for("case_study", study_id=study_id).include_query_params(saved="submitted")
    return RedirectResponse(str(url), status_code=303)


@router.post("/library/{study_id}/moderate", name="case_study_moderate", dependencies=Csrf)
def case_study_moderate(
    request: Request,
    study_id: int,
    viewer: SignedInDep,
    auditor: AuditorDep,
    decision: Annotated[str, Form()] = "",
):
    if decision not in ("publish", "withdraw"):
        raise HTTPException(status_code=400, detail="Choose to publish or to return to draft.")
    try:
        library.moderate(auditor.session, auditor, study_id, publish=decision == "publish", role=viewer.role)
    except library.CaseStudyNotFound:
        raise HTTPException(status_code=404, detail=f"No case study {study_id}.") from None
    except NotAllowed as error:
        raise HTTPException(status_code=403, detail=str(error)) from None
    url = request.url_for("case_study", study_id=study_id).include_query_params(
        saved="published" if decision == "publish" else "withdrawn"
    )
    return RedirectResponse(str(url), status_code=303)


# --- board pack -------------------------------------------------------------------------------------


def may_make_pack(viewer: Viewer, alliance_code: str) -> bool:
    """The pack holds the alliance's follow-up totals: national users for any alliance, alliance
    users for their own, trust users not at all (issue 21)."""
    if viewer.role is Role.national:
        return True
    return viewer.role is Role.alliance and viewer.organisation_code == alliance_code


def _require_pack(viewer: Viewer, alliance_code: str) -> None:
    if may_make_pack(viewer, alliance_code):
        return
    raise HTTPException(
        status_code=403, detail="The board pack is for national users and the alliance's own users."
    )


@router.get("/programme/board", name="board_form")
def board_form(request: Request, ctx: ContextDep, viewer: SignedInDep, alliance: str = "", month: str = ""):
    code = _alliance(alliance, viewer, ctx)
    return render(
        request,
        "board.jinja",
        alliance_options=present.alliance_options(code),
        alliance=code,
        month=_month(month, ctx),
    )


@router.get("/programme/board.{kind}", name="board_pack")
def board_download(
    kind: str, ctx: ContextDep, viewer: SignedInDep, auditor: AuditorDep, alliance: str = "", month: str = ""
):
    if kind not in ("pdf", "html"):
        raise HTTPException(status_code=404, detail="The board pack is a .pdf or an .html file.")
    code = _alliance(alliance, viewer, ctx)
    if not code:
        raise HTTPException(status_code=400, detail="Choose an alliance.")
    _require_pack(viewer, code)
    month = _month(month, ctx)
    try:
        pack = board_pack(code, month, home=ctx.settings.home, session=auditor.session)
        content = pdf_bytes(pack) if kind == "pdf" else pack.html.encode("utf-8")
    except PdfError as error:
        raise HTTPException(status_code=503, detail=str(error)) from None
    except AllianceError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None
    auditor.exported(
        ObjectRef("board_pack", f"{code}:{month}"),
        {"format": kind, "sections_without_data": list(pack.empty)},
    )
    name = f"board-pack-{code}-{month}.{kind}"
    media = "application/pdf" if kind == "pdf" else "text/html; charset=utf-8"
    # an attachment either way: the HTML inlines Vega, which the site's CSP would not run as a page
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
