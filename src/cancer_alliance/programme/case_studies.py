"""The best-practice library (issue 15 item 2): case studies with priority tags, moderation and
full-text search that gives the same results on SQLite (FTS5) and PostgreSQL (decision records 0018
and 0019).

Moderation: an alliance user writes a draft and submits it; a national user publishes it (or returns it
to draft). Signed-in users see every published case study and their own alliance's drafts (national
users see all); the public sees the summaries of published ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Select, func, literal_column, or_, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from cancer_alliance.errors import AllianceError
from cancer_alliance.programme.access import NotAllowed, can_moderate, require_edit
from cancer_alliance.programme.deliverables import FieldError, known_alliance
from cancer_alliance.programme.metrics import metric_source
from cancer_alliance.programme.priorities import priority_ids
from cancer_alliance.stats.spc import SpcOptions, spc, summary
from cancer_alliance.store import Auditor, Role
from cancer_alliance.store.models import utcnow
from cancer_alliance.store.programme import (
    SEARCH_TABLE,
    CaseStudy,
    CaseStudyPriority,
    CaseStudyStatus,
    search_words,
)

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
LIMITS = {"title": 200, "summary": 2000, "intervention": 20000, "contacts": 500}


class CaseStudyNotFound(AllianceError):
    """No case study with that id the user may see."""


class InvalidCaseStudy(AllianceError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class CaseStudyConflict(AllianceError):
    """Someone else saved the case study after this user opened it; nothing was written."""


@dataclass(frozen=True)
class CaseStudyInput:
    title: str
    summary: str
    intervention: str
    priorities: Sequence[str] = ()
    start_date: date | None = None
    end_date: date | None = None
    contacts: str = ""
    metric_key: str | None = None
    change_month: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def validate_case_study(data: CaseStudyInput) -> list[FieldError]:
    errors = []
    for name in ("title", "summary", "intervention"):
        value = getattr(data, name)
        if not value.strip():
            errors.append(FieldError(name, f"enter the {name}"))
    for name, limit in LIMITS.items():
        if len(getattr(data, name)) > limit:
            errors.append(FieldError(name, f"must be {limit} characters or fewer"))
    if not data.priorities:
        errors.append(FieldError("priorities", "tag at least one priority"))
    unknown = [p for p in data.priorities if p not in priority_ids()]
    if unknown:
        errors.append(FieldError("priorities", f"{unknown[0]!r} is not one of the ten priorities"))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors.append(FieldError("end_date", "must be on or after the start date"))
    if data.metric_key:
        try:
            metric_source(data.metric_key)
        except AllianceError as error:
            errors.append(FieldError("metric_key", str(error)))
        if not data.change_month:
            errors.append(
                FieldError("change_month", "give the month the change began, to show before and after")
            )
    if data.change_month and not MONTH.match(data.change_month):
        errors.append(FieldError("change_month", f"{data.change_month!r} is not a month (YYYY-MM)"))
    return errors


def _apply(study: CaseStudy, data: CaseStudyInput) -> None:
    study.title = data.title.strip()
    study.summary = data.summary.strip()
    study.intervention = data.intervention.strip()
    study.start_date = data.start_date
    study.end_date = data.end_date
    study.contacts = data.contacts.strip()
    study.metric_key = data.metric_key or None
    study.change_month = data.change_month or None
    wanted = sorted(set(data.priorities))
    if study.priorities != wanted:
        study.tags = [CaseStudyPriority(priority=p) for p in wanted]
    study.refresh_search_text()


def add_case_study(
    session: Session,
    auditor: Auditor,
    alliance_code: str,
    data: CaseStudyInput,
    *,
    role: Role | str,
    organisation_code: str | None,
) -> CaseStudy:
    """A new draft of `alliance_code`, by a user allowed to edit that alliance's records."""
    require_edit(role, organisation_code, alliance_code)
    errors = validate_case_study(data)
    if not known_alliance(alliance_code):
        errors.insert(0, FieldError("alliance_code", f"{alliance_code!r} is not a 2018/19 alliance code"))
    if errors:
        raise InvalidCaseStudy(errors)
    study = CaseStudy(
        alliance_code=alliance_code, status=CaseStudyStatus.draft, author_id=auditor.actor_id, tags=[]
    )
    _apply(study, data)
    session.add(study)
    session.flush()
    auditor.created(study)
    return study


def _save(
    session: Session, auditor: Auditor, study: CaseStudy, details: dict[str, Any] | None = None
) -> None:
    study.updated_at = utcnow()
    try:
        auditor.updated(study, details)
        session.flush()
    except StaleDataError:  # saved by someone else between our read and our UPDATE; the caller rolls back
        raise CaseStudyConflict(
            f"case study {study.id} was changed by someone else after you opened it; reload it"
        ) from None


def update_case_study(
    session: Session,
    auditor: Auditor,
    study_id: int,
    expected_version: int,
    data: CaseStudyInput,
    *,
    role: Role | str,
    organisation_code: str | None,
) -> CaseStudy:
    study = get_case_study(session, study_id, role=role, organisation_code=organisation_code)
    require_edit(role, organisation_code, study.alliance_code)
    if study.version != expected_version:
        raise CaseStudyConflict(
            f"case study {study.id} was changed by someone else after you opened it; reload it"
        )
    errors = validate_case_study(data)
    if errors:
        raise InvalidCaseStudy(errors)
    _apply(study, data)
    if study.status is CaseStudyStatus.published and not can_moderate(role):
        study.status = CaseStudyStatus.submitted  # a changed published study goes back to moderation
        study.published_at = None
    _save(session, auditor, study)
    return study


def submit(
    session: Session, auditor: Auditor, study_id: int, *, role: Role | str, organisation_code: str | None
) -> CaseStudy:
    """Ask national users to publish a draft (alliance users "publish" this way: decision record 0019)."""
    study = get_case_study(session, study_id, role=role, organisation_code=organisation_code)
    require_edit(role, organisation_code, study.alliance_code)
    if study.status is not CaseStudyStatus.draft:
        raise NotAllowed(f"case study {study.id} is {study.status.value}, not a draft")
    study.status = CaseStudyStatus.submitted
    _save(session, auditor, study, {"moderation": "submitted"})
    return study


def moderate(
    session: Session, auditor: Auditor, study_id: int, *, publish: bool, role: Role | str
) -> CaseStudy:
    """A national user publishes a case study (draft or submitted), or returns it to draft."""
    if not can_moderate(role):
        raise NotAllowed("only national users publish case studies or return them to draft")
    study = get_case_study(session, study_id, role=role, organisation_code=None)
    if publish:
        study.status = CaseStudyStatus.published
        study.published_at = utcnow()
        study.published_by = auditor.actor_id
    else:
        study.status = CaseStudyStatus.draft
        study.published_at = None
    _save(session, auditor, study, {"moderation": study.status.value})
    return study


def visible_to(query: Select, role: Role | str | None, organisation_code: str | None) -> Select:
    """Narrow a case-study query to what the user may see (the public: published only)."""
    if role == Role.national:
        return query
    published = CaseStudy.status == CaseStudyStatus.published
    if role == Role.alliance and organisation_code:
        return query.where(or_(published, CaseStudy.alliance_code == organisation_code))
    return query.where(published)


def get_case_study(
    session: Session, study_id: int, *, role: Role | str | None, organisation_code: str | None
) -> CaseStudy:
    study = session.scalars(
        visible_to(select(CaseStudy).where(CaseStudy.id == study_id), role, organisation_code)
    ).one_or_none()
    if study is None:
        raise CaseStudyNotFound(f"no case study {study_id} you can see")
    return study


def matching(session: Session, words: str) -> Any:
    """A condition on CaseStudy: every word of `words` starts a word of its title, summary or intervention.
    SQLite: FTS5 `"word"* AND ...`; PostgreSQL: `to_tsquery('simple', 'word:* & ...')` on the indexed
    `to_tsvector('simple', search_text)`. Both see the same normalised words (`search_words`)."""
    terms = search_words(words).split()
    if not terms:
        return None
    if session.get_bind().dialect.name == "sqlite":
        expression = " AND ".join(f'"{term}"*' for term in terms)
        ids = text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :expression").bindparams(
            expression=expression
        )
        return CaseStudy.id.in_(ids.columns(rowid=CaseStudy.id.type))
    config = literal_column("'simple'::regconfig")
    vector = func.to_tsvector(config, CaseStudy.search_text)
    query = func.to_tsquery(config, " & ".join(f"{term}:*" for term in terms))
    return vector.op("@@")(query)


def search(
    session: Session,
    words: str = "",
    *,
    role: Role | str | None,
    organisation_code: str | None,
    priority: str | None = None,
    alliance_code: str | None = None,
    status: CaseStudyStatus | None = None,
    limit: int | None = None,
) -> list[CaseStudy]:
    """Case studies the user may see matching `words` (all of them, as word prefixes), newest first;
    the first `limit` of them when given (a page of results)."""
    query = visible_to(select(CaseStudy), role, organisation_code)
    condition = matching(session, words)
    if condition is not None:
        query = query.where(condition)
    if priority:
        query = query.where(CaseStudy.tags.any(CaseStudyPriority.priority == priority))
    if alliance_code:
        query = query.where(CaseStudy.alliance_code == alliance_code)
    if status:
        query = query.where(CaseStudy.status == status)
    query = query.order_by(CaseStudy.updated_at.desc(), CaseStudy.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


@dataclass(frozen=True)
class BeforeAfter:
    """The linked metric before and after the change: SPC points rebased at `change_month`, and the
    mean of each side."""

    points: pd.DataFrame
    summary: dict[str, Any]
    before_mean: float | None
    after_mean: float | None
    label: str


def before_after(study: CaseStudy, home: Path) -> BeforeAfter | None:
    """SPC of the linked metric with the limits recalculated from `change_month` (a rebase), so the
    chart shows whether the change moved the process; None without a linked metric or data."""
    if not study.metric_key or not study.change_month:
        return None
    source = metric_source(study.metric_key)
    series = source.series(home, study.alliance_code)
    series = series[series["value"].notna()]
    if source.annual:
        series = series[series["month"].str.endswith("-01")]
    if series.empty:
        return None
    frame = pd.DataFrame(
        {"x": pd.to_datetime(series["month"], format="%Y-%m"), "y": series["value"].astype(float)}
    )
    change = pd.Timestamp(f"{study.change_month}-01")
    after = frame[frame["x"] >= change]
    before = frame[frame["x"] < change]
    rebase = (after["x"].iloc[0],) if len(after) and len(before) else ()
    options = SpcOptions(rebase=rebase)
    points = spc(frame.reset_index(drop=True), options)
    return BeforeAfter(
        points,
        summary(points, options).iloc[0].to_dict(),
        float(before["y"].mean()) if len(before) else None,
        float(after["y"].mean()) if len(after) else None,
        source.label,
    )
