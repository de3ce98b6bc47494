"""What the programme pages show (issue 15): deliverables with RAG tags and history, the deliverable
and case-study forms (parsed and validated into NHS.UK error-summary entries), and case studies with
their before-and-after SPC chart. No I/O; unit-tested without a browser."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from cancer_alliance.programme.case_studies import BeforeAfter, CaseStudyInput, validate_case_study
from cancer_alliance.programme.deliverables import (
    FIELDS,
    DeliverableInput,
    FieldError,
    parse_funding,
    validate,
)
from cancer_alliance.programme.metrics import metric_sources
from cancer_alliance.programme.priorities import priorities
from cancer_alliance.programme.rag import Assessment
from cancer_alliance.reference.organisations import alliances
from cancer_alliance.stats.charts import POINT_TYPE_LABELS, spc_chart, spc_icons
from cancer_alliance.stats.icons import ICON_LABELS, icon_data_uri
from cancer_alliance.store.programme import CaseStudy, Deliverable, DeliverableChange, Rag
from cancer_alliance.web.date_input import PARTS, read_date
from cancer_alliance.web.presenters import trajectory as table
from cancer_alliance.web.presenters.formatting import format_date

RAG_CLASSES = {Rag.red: "nhsuk-tag--red", Rag.amber: "nhsuk-tag--orange", Rag.green: "nhsuk-tag--green"}
FIELD_LABELS = {
    "title": "Title",
    "owner": "Owner",
    "due_date": "Due date",
    "funding": "Funding",
    "metric_key": "Linked metric",
    "trajectory": "Trajectory",
    "manual_rag": "RAG set by hand",
    "manual_rag_reason": "Reason",
    "financial_year": "Financial year",
    "alliance_code": "Alliance",
    "summary": "Summary",
    "intervention": "What was done",
    "priorities": "Priorities",
    "start_date": "Start date",
    "end_date": "End date",
    "contacts": "Contacts",
    "change_month": "Month the change began",
    "version": "Version",
}


def rag_tag(result: Assessment) -> dict[str, str]:
    if result.rag is None:
        return {"text": "Not known yet", "classes": "nhsuk-tag--grey"}
    return {"text": result.rag.value.title(), "classes": RAG_CLASSES[result.rag]}


def percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


def rag_detail(result: Assessment) -> str:
    if result.manual:
        return f"Set by hand: {result.reason}"
    if result.month:
        target = percent(result.target)
        return f"{percent(result.actual)} in {result.month} against a trajectory of {target}: {result.reason}"
    return result.reason.capitalize()


def alliance_names() -> dict[str, str]:
    return {alliance.code: alliance.name for alliance in alliances("2018/19")}


def alliance_options(selected: str | None) -> list[dict[str, Any]]:
    return [
        {"value": code, "text": name, "selected": code == selected}
        for code, name in sorted(alliance_names().items(), key=lambda i: i[1])
    ]


def metric_options(selected: str | None) -> list[dict[str, Any]]:
    items = [{"value": "", "text": "None: set the RAG by hand", "selected": not selected}]
    items += [{"value": s.key, "text": s.label, "selected": s.key == selected} for s in metric_sources()]
    return items


def metric_label(key: str | None) -> str:
    labels = {s.key: s.label for s in metric_sources()}
    return labels.get(key or "", key or "None (RAG set by hand)")


def deliverable_rows(items: Sequence[tuple[Deliverable, Assessment]]) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "title": d.title,
            "owner": d.owner,
            "due": format_date(d.due_date),
            "funding": "" if d.funding is None else f"£{d.funding:,.0f}",
            "metric": metric_label(d.metric_key),
            "tag": rag_tag(result),
            "detail": rag_detail(result),
        }
        for d, result in items
    ]


#: The overview's columns: each RAG by name, then the deliverables with none yet.
OVERVIEW_RAGS = (Rag.red, Rag.amber, Rag.green, None)


def overview_rows(
    items: Sequence[tuple[Deliverable, Assessment]], names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The national programme overview: every alliance in `names` (even one with no deliverables),
    by name, with its deliverables counted by RAG and the worst RAG as a tag; most red first, then
    most amber, then by name, so the alliances needing a look lead."""
    counts: dict[str, dict[Rag | None, int]] = {code: dict.fromkeys(OVERVIEW_RAGS, 0) for code in names}
    for deliverable, result in items:
        if deliverable.alliance_code in counts:
            counts[deliverable.alliance_code][result.rag] += 1
    rows = []
    for code, by_rag in counts.items():
        worst = next((rag for rag in OVERVIEW_RAGS[:3] if by_rag[rag]), None)
        total = sum(by_rag.values())
        rows.append(
            {
                "code": code,
                "name": names[code],
                "total": total,
                "red": by_rag[Rag.red],
                "amber": by_rag[Rag.amber],
                "green": by_rag[Rag.green],
                "unknown": by_rag[None],
                "tag": rag_tag(Assessment(worst, ""))
                if total
                else {"text": "None recorded", "classes": "nhsuk-tag--white"},
            }
        )
    return sorted(rows, key=lambda r: (-r["red"], -r["amber"], r["name"]))


def deliverable_form(d: Deliverable | None) -> dict[str, Any]:
    """The form's values for an existing deliverable (or blank)."""
    if d is None:
        return {}
    return {
        "title": d.title,
        "owner": d.owner,
        **date_parts(d.due_date, "due_date"),
        "funding": "" if d.funding is None else f"{d.funding:.2f}",
        "metric_key": d.metric_key or "",
        **table.form_lists({p.month: p.target for p in d.trajectory}),
        "manual_rag": d.manual_rag.value if d.manual_rag else "",
        "manual_rag_reason": d.manual_rag_reason or "",
        "version": str(d.version),
    }


def errors_for(problems: Sequence[FieldError]) -> list[dict[str, str]]:
    return [
        {
            # a message written as a sentence (the date input's) stands alone; others follow the label
            "text": p.message
            if p.message[:1].isupper()
            else f"{FIELD_LABELS.get(p.field, p.field)}: {p.message}",
            "href": f"#{p.field}",
        }
        for p in problems
    ]


def error_of(errors: Sequence[Mapping[str, str]], field: str) -> str | None:
    for error in errors:
        if error["href"] == f"#{field}":
            return error["text"]
    return None


def parse_deliverable(form: Mapping[str, Any]) -> tuple[DeliverableInput | None, list[dict[str, str]]]:
    """The form as a DeliverableInput, or the error-summary entries naming each field (a bad target
    names its month and links to its box in the trajectory table)."""
    problems: list[FieldError] = []
    due = _date(form, "due_date", problems, required=True)
    try:
        funding = parse_funding(form.get("funding", ""))
    except ValueError as error:
        problems.append(FieldError("funding", str(error)))
        funding = None
    trajectory, bad_targets = table.parse_targets(table.typed_values(form))
    problems += bad_targets
    rag_text = form.get("manual_rag", "")
    manual_rag = Rag(rag_text) if rag_text in {r.value for r in Rag} else None
    data = DeliverableInput(
        title=form.get("title", ""),
        owner=form.get("owner", ""),
        due_date=due or date.min,
        funding=funding,
        metric_key=form.get("metric_key") or None,
        trajectory=trajectory,
        manual_rag=manual_rag,
        manual_rag_reason=form.get("manual_rag_reason") or None,
    )
    # one message per field; a bad target box already explains an empty trajectory
    named = {q.field for q in problems} | ({"trajectory"} if bad_targets else set())
    problems += [p for p in validate(data) if p.field not in named]
    return (None if problems else data), errors_for(problems)


def parse_case_study(
    form: Mapping[str, Any], chosen: Sequence[str]
) -> tuple[CaseStudyInput | None, list[dict[str, str]]]:
    problems: list[FieldError] = []
    start = _date(form, "start_date", problems)
    end = _date(form, "end_date", problems)
    data = CaseStudyInput(
        title=form.get("title", ""),
        summary=form.get("summary", ""),
        intervention=form.get("intervention", ""),
        priorities=tuple(chosen),
        start_date=start,
        end_date=end,
        contacts=form.get("contacts", ""),
        metric_key=form.get("metric_key") or None,
        change_month=form.get("change_month") or None,
    )
    problems += validate_case_study(data)
    return (None if problems else data), errors_for(problems)


def _date(
    form: Mapping[str, Any], field: str, problems: list[FieldError], required: bool = False
) -> date | None:
    """The date typed into `field`'s NHS.UK date input (`field_day`, `field_month`, `field_year`)."""
    label = FIELD_LABELS.get(field, field)
    answer = read_date(label, *(str(form.get(f"{field}_{part}", "") or "") for part in PARTS))
    if answer.error:
        problems.append(FieldError(field, answer.error))
    elif answer.blank and required:
        problems.append(FieldError(field, f"Enter the {label.lower()}"))
    return answer.date


def date_parts(day: date | None, field: str) -> dict[str, str]:
    """A stored date as the date input's three boxes, for the form."""
    if day is None:
        return {f"{field}_{part}": "" for part in PARTS}
    return {f"{field}_day": str(day.day), f"{field}_month": str(day.month), f"{field}_year": str(day.year)}


def history_rows(changes: Sequence[DeliverableChange]) -> list[dict[str, str]]:
    rows = []
    for change in reversed(changes):
        altered = [name for name in FIELDS if change.before.get(name) != change.after.get(name)]
        rows.append(
            {
                "version": str(change.version),
                "when": f"{format_date(change.changed_at)} {change.changed_at:%H:%M} UTC",
                "who": change.changed_by,
                "what": "Added"
                if not change.before
                else "; ".join(
                    f"{FIELD_LABELS[n]}: {_show(change.before.get(n))} to {_show(change.after.get(n))}"
                    for n in altered
                ),
            }
        )
    return rows


def _show(value: Any) -> str:
    if value in (None, "", {}):
        return "(none)"
    if isinstance(value, dict):
        return table.in_words(value)
    return str(value)


def priority_items(chosen: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {"value": p.priority_id, "text": p.title, "checked": p.priority_id in chosen} for p in priorities()
    ]


def priority_titles(ids: Sequence[str]) -> list[str]:
    titles = {p.priority_id: p.title for p in priorities()}
    return [titles.get(i, i) for i in ids]


STATUS_TAGS = {
    "draft": {"text": "Draft", "classes": "nhsuk-tag--grey"},
    "submitted": {"text": "Awaiting national review", "classes": "nhsuk-tag--yellow"},
    "published": {"text": "Published", "classes": "nhsuk-tag--green"},
}


def case_study_form(study: CaseStudy | None) -> dict[str, str]:
    if study is None:
        return {}
    return {
        "title": study.title,
        "summary": study.summary,
        "intervention": study.intervention,
        **date_parts(study.start_date, "start_date"),
        **date_parts(study.end_date, "end_date"),
        "contacts": study.contacts,
        "metric_key": study.metric_key or "",
        "change_month": study.change_month or "",
        "version": str(study.version),
    }


def before_after_view(found: BeforeAfter, title: str) -> dict[str, Any]:
    """The SPC chart spec (limits recalculated from the change), its icons and the table beside it."""
    figure = spc_chart(found.points, found.summary, title=title, y_title=found.label[:40], percent=True)
    icons = [{"src": icon_data_uri(name), "label": ICON_LABELS[name]} for name in spc_icons(found.summary)]
    rows = [
        {
            "month": x.strftime("%b %Y"),
            "value": percent(y),
            "side": "After" if group else "Before",
            "point": POINT_TYPE_LABELS.get(str(point), str(point)),
        }
        for x, y, group, point in zip(
            found.points["x"],
            found.points["y"],
            found.points["rebase_group"],
            found.points["point_type"],
            strict=True,
        )
    ]
    return {
        "spec": figure.spec,
        "icons": icons,
        "rows": rows,
        "before": percent(found.before_mean),
        "after": percent(found.after_mean),
        "label": found.label,
    }
