"""The application factory: `create_app(settings)` wires results, store, security and routes."""

from __future__ import annotations

import dataclasses
import logging
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException

from cancer_alliance import reference
from cancer_alliance.results.jobs import JobRunner
from cancer_alliance.results.reader import Results, ResultsMissing
from cancer_alliance.results.refresh import refresh
from cancer_alliance.store import open_store
from cancer_alliance.web import assets
from cancer_alliance.web.components import ComponentCache
from cancer_alliance.web.context import AppContext
from cancer_alliance.web.presenters.formatting import FILTERS, options
from cancer_alliance.web.presenters.sources import source_in_words
from cancer_alliance.web.queries import organisation_name
from cancer_alliance.web.scope import NotInScope, SignInRequired
from cancer_alliance.web.security.limits import BodyLimit
from cancer_alliance.web.security.middleware import STATIC_PREFIXES, SessionsAndHeaders
from cancer_alliance.web.security.ratelimit import RateLimiter
from cancer_alliance.web.security.sessions import SessionCodec
from cancer_alliance.web.settings import WebSettings

HERE = Path(__file__).parent
logger = logging.getLogger(__name__)
TAGS = [
    {"name": "aggregates", "description": "Counts and rates; the public gets them after disclosure control."},
    {
        "name": "patient-level",
        "description": "Returns or changes data about individual pathways: signed-in users only, scoped to "
        "their organisation, and every call is audited.",
    },
    {"name": "accounts", "description": "Signing in and out."},
]


def templates() -> Jinja2Templates:
    """Our templates first, then the nhsuk-frontend-jinja macros (which need ChainableUndefined)."""
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(HERE / "templates"), PackageLoader("nhsuk_frontend_jinja")]),
        undefined=ChainableUndefined,
        autoescape=True,
        auto_reload=False,  # templates are package files: no stat per render
        cache_size=-1,
    )
    environment.filters.update(FILTERS)
    environment.globals["options"] = options
    environment.filters["organisation"] = organisation_name
    environment.filters["source"] = source_in_words
    environment.globals["component"] = ComponentCache(environment)
    return Jinja2Templates(env=environment)


def create_app(settings: WebSettings, *, warm: bool = False) -> FastAPI:
    """A FastAPI application serving `settings.home`; `warm` loads the results before serving."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # as many worker threads as store connections (`WebSettings.threads`)
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        if warm:
            await run_in_threadpool(app.state.context.results.warm)
        app.state.context.jobs.start()
        yield
        await run_in_threadpool(app.state.context.jobs.stop)
        app.state.context.store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Cancer Alliance platform",
        description="Cancer waiting times and the patient tracking list for NHS England's Cancer Alliances. "
        "Generated data only.",
        version="0.1.0",
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
    )
    # imported here like the routers: the pages import the demo, which imports this package
    from cancer_alliance.web import first_figures

    store = open_store(settings.database_url, pool_size=settings.threads)
    results = Results(settings.home, background=True, prepare=first_figures.prepare)
    if store.engine.dialect.name == "sqlite":
        event.listen(store.engine, "connect", partial(_sqlite_for_serving, settings.sqlite_busy_timeout))
    app.state.context = AppContext(
        settings=settings,
        results=results,
        store=store,
        provider_alliance=reference.provider_alliance("2018/19"),
        templates=templates(),
        sessions=SessionCodec(settings.secret_key, settings.session_idle, settings.session_lifetime),
        login_limiter=RateLimiter(settings.login_attempts, settings.login_window),
        jobs=JobRunner(store, partial(_refresh_and_read, results)),
    )
    app.add_middleware(
        BodyLimit, max_body_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes
    )
    app.add_middleware(SessionsAndHeaders, context=lambda: app.state.context)  # outermost: headers on all
    _error_handlers(app)
    from cancer_alliance.web.api import router as api_router
    from cancer_alliance.web.pages import router as pages_router

    app.include_router(assets.router)
    app.include_router(pages_router)
    app.include_router(api_router)
    app.mount("/static/app", StaticFiles(directory=HERE / "static"), name="static")
    app.mount("/assets", StaticFiles(directory=assets.nhsuk_assets(settings.node_modules)), name="assets")
    return app


def _refresh_and_read(results: Results, **options: Any) -> object:
    """The import job's refresh, then the new generation read by this process before the job reports
    that the pages show it (other processes switch once they have read it in the background); the
    report says whether this process could read it."""
    report = refresh(**options)
    return dataclasses.replace(report, read_by_server=results.load_current())


def _sqlite_for_serving(busy_timeout: timedelta, dbapi_connection: Any, _record: Any) -> None:
    """Write-ahead log on the SQLite store: readers never wait for the audit writes of other requests,
    and a commit syncs the log at checkpoints rather than on every request (decision record 0010;
    PostgreSQL is the production store)."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout.total_seconds() * 1000)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def app_from_environment() -> FastAPI:
    """The application for ALLIANCE_HOME, for `uvicorn --factory` (each worker process builds its own)."""
    from cancer_alliance.web.settings import load_settings

    return create_app(load_settings(), warm=True)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_handlers(app: FastAPI) -> None:
    from cancer_alliance.web.pages.common import render_error

    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, error: SignInRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(error)}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)

    @app.exception_handler(NotInScope)
    async def refused(request: Request, error: NotInScope) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(error)}, status_code=403)
        return render_error(request, 403, "You cannot see this pathway", str(error))

    @app.exception_handler(ResultsMissing)
    async def missing(request: Request, error: ResultsMissing) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(error)}, status_code=503)
        return render_error(request, 503, "Results not computed yet", str(error))

    @app.exception_handler(DBAPIError)
    async def store_failed(request: Request, error: DBAPIError) -> Response:
        """The store refused a read or a commit (locked, connection lost): the route's answer is
        withheld, as its audit event or write is not stored (decision record 0028)."""
        name = type(error.orig).__name__
        logger.warning("store error on %s %s: %s", request.method, request.url.path, name)
        text = "The service could not save this request. Try again in a moment."
        if _wants_json(request):
            return JSONResponse({"detail": text}, status_code=503, headers={"Retry-After": "5"})
        return render_error(request, 503, "Sorry, there is a problem with the service", text)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        """422 naming the fields, never echoing what was sent (it may be patient data); an NHS.UK error
        page on HTML routes."""
        fields = [{"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in error.errors()]
        if _wants_json(request):
            return JSONResponse({"detail": fields}, status_code=422)
        named = ", ".join(f["field"].split(".")[-1] for f in fields)
        return render_error(request, 422, "Check what you entered", f"These values are not valid: {named}.")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if request.url.path.startswith(STATIC_PREFIXES):  # no session or viewer there: plain text
            return PlainTextResponse(str(error.detail), status_code=error.status_code)
        if _wants_json(request):
            return JSONResponse(
                {"detail": error.detail}, status_code=error.status_code, headers=error.headers
            )
        titles = {
            400: "Check what you entered",
            403: "Access refused",
            404: "Page not found",
            429: "Too many attempts",
        }
        title = titles.get(error.status_code, "Something went wrong")
        return render_error(request, error.status_code, title, str(error.detail), headers=error.headers)
