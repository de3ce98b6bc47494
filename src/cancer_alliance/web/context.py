"""What one running application holds, and the FastAPI dependencies that hand it to routes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from cancer_alliance.results.jobs import JobRunner
from cancer_alliance.results.reader import Results
from cancer_alliance.store import Auditor, Store, UserAccount
from cancer_alliance.web.scope import PUBLIC, Scope, SignInRequired, Viewer
from cancer_alliance.web.security.ratelimit import RateLimiter
from cancer_alliance.web.security.sessions import SessionCodec
from cancer_alliance.web.settings import WebSettings


@dataclass(frozen=True)
class AppContext:
    """Per-process state: settings, the results cache, the store and the security helpers."""

    settings: WebSettings
    results: Results
    store: Store
    provider_alliance: dict[str, str]
    templates: Jinja2Templates
    sessions: SessionCodec
    login_limiter: RateLimiter
    jobs: JobRunner | None = None  # the import job runner (results.jobs), started with the application


async def context(request: Request) -> AppContext:
    return request.app.state.context


async def viewer(request: Request) -> Viewer:
    """The signed-in account of this request's session, else the public."""
    return request.state.viewer


async def scope(request: Request, who: Annotated[Viewer, Depends(viewer)]) -> Scope:
    ctx: AppContext = request.app.state.context
    return Scope(who, ctx.results, ctx.provider_alliance)


async def signed_in(who: Annotated[Viewer, Depends(viewer)]) -> Viewer:
    """Routes for signed-in users only (patient-level pages, import)."""
    if not who.signed_in:
        raise SignInRequired("sign in to continue")
    return who


def store_session(request: Request) -> Iterator[Session]:
    """A store session in a transaction that commits when the route function returns without error
    (a plain function, so FastAPI runs its database work off the event loop).

    Used only through `StoreDep`, whose `scope="function"` ends it before the response is sent: the
    route's writes and its audit events are committed, and its connection back in the pool, before
    the client sees a byte; if the commit fails the client gets an error, never the data (decision
    record 0028).
    """
    with request.app.state.context.store.begin() as session:
        yield session


StoreDep = Annotated[Session, Depends(store_session, scope="function")]


async def auditor(
    request: Request,
    who: Annotated[Viewer, Depends(signed_in)],
    session: StoreDep,
) -> Auditor:
    """An auditor writing into the route's store transaction, attributed to the signed-in user."""
    return Auditor(session, actor_id=who.user_id, request_id=request.state.request_id)


def viewer_of(user: UserAccount) -> Viewer:
    return Viewer(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        organisation_code=user.organisation_code,
    )


def new_request_id() -> str:
    return uuid.uuid4().hex


ContextDep = Annotated[AppContext, Depends(context)]
ViewerDep = Annotated[Viewer, Depends(viewer)]
SignedInDep = Annotated[Viewer, Depends(signed_in)]
ScopeDep = Annotated[Scope, Depends(scope)]
AuditorDep = Annotated[Auditor, Depends(auditor)]

__all__ = ["PUBLIC"]
