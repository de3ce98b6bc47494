"""Funding-agreement deliverables: add, change (optimistic locking), history and RAG (issue 15 item 1).

Every change goes through `add_deliverable` or `update_deliverable`, which write the deliverable, a
`DeliverableChange` (who, when, before, after) and an audit event in the caller's transaction. An
update names the version the user read; if someone else saved first, `EditConflict` says who and when
and nothing is written (decision record 0018).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from cancer_alliance.errors import AllianceError
from cancer_alliance.programme.metrics import metric_source
from cancer_alliance.programme.rag import Assessment, RagRules, assess, manual
from cancer_alliance.reference.organisations import alliances
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.store import Auditor, UserAccount
from cancer_alliance.store.models import utcnow
from cancer_alliance.store.programme import (
    Deliverable,
    DeliverableChange,
    FundingAgreement,
    Rag,
    TrajectoryPoint,
)

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
MAX_TITLE = 200
MAX_REASON = 500
#: Fields a change record holds, in the order the history shows them.
FIELDS = (
    "title",
    "owner",
    "due_date",
    "funding",
    "metric_key",
    "trajectory",
    "manual_rag",
    "manual_rag_reason",
)


class EditConflict(AllianceError):
    """Someone else saved the deliverable after this user read it; nothing was written."""

    def __init__(
        self, deliverable_id: int, current_version: int, changed_by: str | None, changed_at: Any
    ) -> None:
        when = f" at {changed_at:%Y-%m-%d %H:%M} UTC" if changed_at else ""
        who = f" by {changed_by}" if changed_by else ""
        now = f" (now version {current_version})" if changed_by else ""
        super().__init__(
            f"deliverable {deliverable_id} was changed{who}{when} after you opened it{now}; your changes "
            "were not saved: reload it and make them again"
        )
        self.deliverable_id = deliverable_id
        self.current_version = current_version


class DeliverableNotFound(AllianceError):
    """No deliverable with that id."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class InvalidDeliverable(AllianceError):
    """The values given fail validation; `errors` names each field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class DeliverableInput:
    """What a user enters (already parsed): the trajectory maps YYYY-MM to the metric's target value."""

    title: str
    owner: str
    due_date: date
    funding: Decimal | None = None
    metric_key: str | None = None
    trajectory: Mapping[str, float] = field(default_factory=dict)
    manual_rag: Rag | None = None
    manual_rag_reason: str | None = None


def known_alliance(code: str) -> bool:
    return any(alliance.code == code for alliance in alliances("2018/19"))


def validate(data: DeliverableInput) -> list[FieldError]:
    """Every problem with `data`, each naming its field (NHS.UK error-summary order)."""
    errors = []
    if not data.title.strip():
        errors.append(FieldError("title", "enter a title"))
    elif len(data.title) > MAX_TITLE:
        errors.append(FieldError("title", f"must be {MAX_TITLE} characters or fewer"))
    if not data.owner.strip():
        errors.append(FieldError("owner", "enter who owns the deliverable"))
    if data.funding is not None and data.funding < 0:
        errors.append(FieldError("funding", "cannot be negative"))
    if data.metric_key:
        try:
            metric_source(data.metric_key)
        except AllianceError as error:
            errors.append(FieldError("metric_key", str(error)))
        if not data.trajectory:
            errors.append(FieldError("trajectory", "a linked metric needs a trajectory (at least one month)"))
        if data.manual_rag:
            errors.append(FieldError("manual_rag", "set by hand only when no metric is linked"))
    else:
        if data.trajectory:
            errors.append(FieldError("trajectory", "a trajectory needs a linked metric"))
        if not data.manual_rag:
            errors.append(FieldError("manual_rag", "choose red, amber or green when no metric is linked"))
        elif not (data.manual_rag_reason or "").strip():
            errors.append(FieldError("manual_rag_reason", "give the reason for a RAG set by hand"))
        elif len(data.manual_rag_reason or "") > MAX_REASON:
            errors.append(FieldError("manual_rag_reason", f"must be {MAX_REASON} characters or fewer"))
    bad_months = [month for month in data.trajectory if not MONTH.match(month)]
    if bad_months:
        errors.append(FieldError("trajectory", f"{bad_months[0]!r} is not a month (YYYY-MM)"))
    return errors


def validate_financial_year(value: str) -> str:
    match = FINANCIAL_YEAR.match(value)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise InvalidDeliverable(
            [FieldError("financial_year", f"{value!r} is not a financial year like 2018/19")]
        )
    return value


def period_months(financial_year: str) -> list[str]:
    """The twelve months (YYYY-MM, April to March) of an NHS financial year such as 2018/19: the rows of
    a deliverable's trajectory table."""
    start = int(validate_financial_year(financial_year)[:4])
    return [f"{start + (number < 4)}-{number:02d}" for number in (*range(4, 13), 1, 2, 3)]


def agreement_for(session: Session, alliance_code: str, financial_year: str) -> FundingAgreement:
    """The alliance's funding agreement for the year, made on first use."""
    if not known_alliance(alliance_code):
        raise InvalidDeliverable(
            [FieldError("alliance_code", f"{alliance_code!r} is not a 2018/19 alliance code")]
        )
    validate_financial_year(financial_year)
    found = session.scalars(
        select(FundingAgreement).where(
            FundingAgreement.alliance_code == alliance_code, FundingAgreement.financial_year == financial_year
        )
    ).one_or_none()
    if found is None:
        found = FundingAgreement(alliance_code=alliance_code, financial_year=financial_year)
        session.add(found)
        session.flush()
    return found


def snapshot(deliverable: Deliverable) -> dict[str, Any]:
    """The editable fields as plain JSON values (the history's before and after)."""
    return {
        "title": deliverable.title,
        "owner": deliverable.owner,
        "due_date": deliverable.due_date.isoformat() if deliverable.due_date else None,
        "funding": None
        if deliverable.funding is None
        else str(Decimal(deliverable.funding).quantize(Decimal("0.01"))),
        "metric_key": deliverable.metric_key,
        "trajectory": {point.month: point.target for point in deliverable.trajectory},
        "manual_rag": deliverable.manual_rag.value if deliverable.manual_rag else None,
        "manual_rag_reason": deliverable.manual_rag_reason,
    }


def _actor_name(session: Session, auditor: Auditor) -> str:
    if auditor.actor_id is not None:
        user = session.get(UserAccount, auditor.actor_id)
        if user is not None:
            return user.username
    return auditor.job_id or "unknown"


def _apply(deliverable: Deliverable, data: DeliverableInput) -> None:
    deliverable.title = data.title.strip()
    deliverable.owner = data.owner.strip()
    deliverable.due_date = data.due_date
    deliverable.funding = data.funding
    deliverable.metric_key = data.metric_key or None
    deliverable.manual_rag = None if data.metric_key else data.manual_rag
    deliverable.manual_rag_reason = (
        None if data.metric_key else (data.manual_rag_reason or "").strip() or None
    )
    wanted = {month: float(target) for month, target in data.trajectory.items()} if data.metric_key else {}
    kept = []
    for point in deliverable.trajectory:
        if point.month in wanted:
            point.target = wanted.pop(point.month)
            kept.append(point)
    kept += [TrajectoryPoint(month=month, target=target) for month, target in wanted.items()]
    deliverable.trajectory = sorted(kept, key=lambda point: point.month)


def add_deliverable(
    session: Session, auditor: Auditor, alliance_code: str, financial_year: str, data: DeliverableInput
) -> Deliverable:
    """A new deliverable in the alliance's agreement for the year, with its first history entry."""
    errors = validate(data)
    if errors:
        raise InvalidDeliverable(errors)
    agreement = agreement_for(session, alliance_code, financial_year)
    name = _actor_name(session, auditor)
    deliverable = Deliverable(agreement=agreement, updated_by=name, trajectory=[])
    _apply(deliverable, data)
    session.add(deliverable)
    session.flush()
    _record(session, auditor, deliverable, {}, name)
    auditor.created(deliverable, {"alliance_code": alliance_code, "financial_year": financial_year})
    return deliverable


def get_deliverable(session: Session, deliverable_id: int) -> Deliverable:
    found = session.get(Deliverable, deliverable_id)
    if found is None:
        raise DeliverableNotFound(f"no deliverable {deliverable_id}")
    return found


def update_deliverable(
    session: Session, auditor: Auditor, deliverable_id: int, expected_version: int, data: DeliverableInput
) -> Deliverable:
    """Change a deliverable the user read at `expected_version`. Raises `EditConflict` if it has moved
    on (read now, or raced at the UPDATE: the database compares the version too)."""
    errors = validate(data)
    if errors:
        raise InvalidDeliverable(errors)
    deliverable = get_deliverable(session, deliverable_id)
    if deliverable.version != expected_version:
        raise _conflict(session, deliverable)
    before = snapshot(deliverable)
    name = _actor_name(session, auditor)
    _apply(deliverable, data)
    after = snapshot(deliverable)
    if after == before:
        return deliverable
    deliverable.updated_at = utcnow()
    deliverable.updated_by = name
    try:
        auditor.updated(deliverable)  # flushes: the UPDATE names the version read (version_id_col)
        session.flush()
    except StaleDataError:
        # Someone saved between our read and our UPDATE. The session must now be rolled back by its
        # owner (the caller's transaction), so the message cannot say who: the history will.
        raise EditConflict(deliverable_id, expected_version + 1, None, None) from None
    _record(session, auditor, deliverable, before, name)
    return deliverable


def _conflict(session: Session, deliverable: Deliverable) -> EditConflict:
    session.refresh(deliverable)
    return EditConflict(deliverable.id, deliverable.version, deliverable.updated_by, deliverable.updated_at)


def _record(
    session: Session, auditor: Auditor, deliverable: Deliverable, before: dict[str, Any], name: str
) -> None:
    session.add(
        DeliverableChange(
            deliverable_id=deliverable.id,
            version=deliverable.version,
            actor_id=auditor.actor_id,
            job_id=auditor.job_id,
            changed_by=name,
            before=before,
            after=snapshot(deliverable),
        )
    )


def history(session: Session, deliverable_id: int) -> list[DeliverableChange]:
    """Every change, oldest first."""
    return list(
        session.scalars(
            select(DeliverableChange)
            .where(DeliverableChange.deliverable_id == deliverable_id)
            .order_by(DeliverableChange.version, DeliverableChange.id)
        )
    )


def changed_fields(change: DeliverableChange) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field the change altered; every field for the first entry."""
    return [
        (name, change.before.get(name), change.after.get(name))
        for name in FIELDS
        if change.before.get(name) != change.after.get(name)
    ]


def list_deliverables(
    session: Session, alliance_code: str | None = None, financial_year: str | None = None
) -> list[Deliverable]:
    query = select(Deliverable).join(FundingAgreement)
    if alliance_code:
        query = query.where(FundingAgreement.alliance_code == alliance_code)
    if financial_year:
        query = query.where(FundingAgreement.financial_year == financial_year)
    return list(
        session.scalars(
            query.order_by(FundingAgreement.alliance_code, FundingAgreement.financial_year, Deliverable.id)
        )
    )


def rag_of(
    deliverable: Deliverable,
    home: Path,
    as_of: str,
    rules: RagRules | None = None,
    cache: dict[tuple[str, str], dict[str, float]] | None = None,
    policy: DisclosurePolicy | None = None,
) -> Assessment:
    """The deliverable's RAG in month `as_of`: from its linked metric against the trajectory, or as set
    by hand with its reason. `cache` (one per page or pack, so one policy) keeps each alliance's series
    once read; under `policy` the metric is the published one (`MetricSource.actuals`)."""
    if not deliverable.metric_key:
        if deliverable.manual_rag is None:
            return Assessment(None, "no RAG set")
        return manual(deliverable.manual_rag, deliverable.manual_rag_reason or "")
    source = metric_source(deliverable.metric_key)
    trajectory = {point.month: point.target for point in deliverable.trajectory}
    key = (deliverable.metric_key, deliverable.alliance_code)
    if cache is not None and key in cache:
        actuals = cache[key]
    else:
        actuals = source.actuals(home, deliverable.alliance_code, policy)
        if cache is not None:
            cache[key] = actuals
    return assess(trajectory, actuals, as_of, higher_is_better=source.higher_is_better, rules=rules)


def parse_trajectory(text: str) -> dict[str, float]:
    """`2018-04=0.85; 2018-05=86%` -> {month: target}; a percentage is turned into a fraction."""
    result: dict[str, float] = {}
    for part in re.split(r"[;\n]+", text or ""):
        part = part.strip()
        if not part:
            continue
        month, separator, value = part.partition("=")
        month, value = month.strip(), value.strip()
        if not separator or not MONTH.match(month):
            raise ValueError(f"{part!r} is not MONTH=TARGET, e.g. 2018-04=0.85")
        if month in result:
            raise ValueError(f"month {month} is given twice")
        try:
            number = float(value[:-1]) / 100 if value.endswith("%") else float(value)
        except ValueError:
            raise ValueError(f"target {value!r} for {month} is not a number") from None
        result[month] = number
    return result


def format_trajectory(trajectory: Mapping[str, float]) -> str:
    return "; ".join(f"{month}={target:g}" for month, target in sorted(trajectory.items()))


def parse_funding(text: str) -> Decimal | None:
    cleaned = (text or "").replace(",", "").replace("£", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount of pounds, e.g. 125000 or 125,000.50") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not an amount of pounds")
    return value
