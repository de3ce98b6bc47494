"""What the follow-up pages show: worklist sections, a patient's summary, timeline (tests, requests,
concerns, personalised-care records) and the actions open to the nurse, and the alliance metrics
rows. No I/O; unit-tested without a browser."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cancer_alliance.followup import actions
from cancer_alliance.followup.worklist import CATEGORIES, WorkItem
from cancer_alliance.reference import code_list
from cancer_alliance.store.followup import CARE_RECORDS
from cancer_alliance.web.followup_scope import PatientRecord
from cancer_alliance.web.presenters.formatting import WITHHELD, format_date

#: What the history and the success banner say of each action (the nurses' from the action table).
ACTION_TEXT = {"stratify": "Stratified"} | {name: spec.done for name, spec in actions.ACTIONS.items()}
TAGS = {
    "overdue": "nhsuk-tag--red",
    "due": "nhsuk-tag--blue",
    "awaiting_review": "nhsuk-tag--yellow",
    "abnormal": "nhsuk-tag--red",
    "reaccess": "nhsuk-tag--orange",
    "concern": "nhsuk-tag--orange",
    "end_of_surveillance": "nhsuk-tag--grey",
    "lost_to_follow_up": "nhsuk-tag--purple",
    "personalised_care": "nhsuk-tag--aqua-green",
}


def worklist_sections(items: Iterable[WorkItem]) -> list[dict[str, Any]]:
    """One section per category (all shown, empty ones say so), rows oldest first."""
    grouped: dict[str, list[WorkItem]] = {category: [] for category in CATEGORIES}
    for item in items:
        grouped[item.category].append(item)
    return [
        {
            "id": category.replace("_", "-"),
            "title": title,
            "count": len(grouped[category]),
            "tag": {"text": title, "classes": TAGS[category]},
            "rows": [
                {
                    "patient_id": item.patient_id,
                    "episode_id": item.episode_id,
                    "pathway": code_list("followup_pathway").get(item.pathway, item.pathway),
                    "date": format_date(item.date),
                    "days": _days(item.days),
                    "detail": dates_in_words(item.detail),
                }
                for item in grouped[category]
            ],
        }
        for category, title in CATEGORIES.items()
    ]


#: A date as the worklist's shared text writes it (the CLI's and the CSV's form).
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dates_in_words(text: str) -> str:
    """The worklist's detail text with its dates written as the pages write dates ("19 April 2019")."""
    return ISO_DATE.sub(lambda m: format_date(dt.date(*map(int, m.groups()))), text)


def protocol_name(protocol_id: str, version: str, in_force: Any) -> str:
    """A protocol as a reader knows it: its title when it is the one in force, else its id and version."""
    if in_force is not None and (in_force.id, in_force.version) == (protocol_id, version):
        return in_force.title
    return f"{protocol_id}, version {version}"


def _days(days: int) -> str:
    if days < 0:
        return f"in {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "today"
    return f"{days} day{'s' if days != 1 else ''} ago"


def summary_rows(record: PatientRecord, protocol: Any = None) -> list[dict[str, Any]]:
    """The patient's summary; `protocol`, the protocol in force, names the patient's by its title."""
    patient = record.patient
    pathways = code_list("followup_pathway")
    statuses = code_list("followup_status")
    rows = [
        ("Episode", patient.episode_id),
        ("Pathway", pathways.get(patient.pathway, patient.pathway)),
        ("Protocol", protocol_name(patient.protocol_id, patient.protocol_version, protocol)),
        ("Reasons", "; ".join(patient.reasons or [])),
        (
            "Status",
            f"{statuses.get(patient.status, patient.status)} since {format_date(patient.status_date)}",
        ),
        ("Diagnosed", format_date(patient.diagnosis_date)),
        ("Named key worker", patient.key_worker_id or "Not recorded"),
        ("Open access until", format_date(patient.open_access_end_date) or "Not recorded"),
        (
            "Surveillance ends",
            f"{format_date(patient.surveillance_end_date)}, then "
            + ("NHS Breast Screening Programme" if patient.handover == "nhsbsp" else "discharge"),
        ),
        ("Last contact", format_date(patient.last_contact_date) or "None recorded"),
        *(
            (what, format_date(getattr(patient, column)) or "Not recorded")
            for column, what in CARE_RECORDS.items()
        ),
    ]
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


@dataclass(frozen=True)
class Event:
    day: dt.date
    text: str
    future: bool


def timeline(record: PatientRecord, as_of: dt.date) -> list[dict[str, Any]]:
    """Dated events, oldest first: stratification, each test (due, done, result), each request, each
    concern and the personalised-care records."""
    patient = record.patient
    events = [Event(patient.diagnosis_date, "Diagnosed", False)]
    events.append(Event(patient.stratified_date, f"Stratified: {patient.pathway.replace('_', ' ')}", False))
    for test in record.tests:
        if test.performed_date is None:
            late = " (overdue)" if test.due_date < as_of else ""
            booked = f", booked for {format_date(test.booked_date)}" if test.booked_date else ""
            events.append(Event(test.due_date, f"Mammogram due{late}{booked}", test.due_date > as_of))
        else:
            reviewed = ", reviewed" if test.reviewed_at else ""
            events.append(Event(test.performed_date, f"Mammogram done: {test.result}{reviewed}", False))
    for request in record.requests:
        source = "abnormal result" if request.source == "abnormal_result" else "the patient"
        state = (
            f"re-accessed to clinic on {format_date(request.clinic_date)}"
            if request.status == "closed"
            else "open"
        )
        events.append(Event(request.raised_on, f"Re-access requested by {source}: {state}", False))
    kinds, routes = code_list("followup_concern_category"), code_list("followup_concern_route")
    outcomes = code_list("followup_concern_outcome")
    for concern in record.concerns:
        state = (
            f"triaged on {format_date(concern.closed_on)}: {_lower(outcomes[concern.outcome])}"
            if concern.status == "closed"
            else "open"
        )
        about = f"{kinds[concern.category]}, {_lower(routes[concern.route])}"
        events.append(Event(concern.reported_on, f"Concern reported ({about}): {state}", False))
    for column, what in CARE_RECORDS.items():
        if (day := getattr(patient, column)) is not None:
            events.append(Event(day, f"{what} recorded", False))
    events.append(
        Event(patient.surveillance_end_date, "End of surveillance", patient.surveillance_end_date > as_of)
    )
    return [
        {"date_text": format_date(e.day), "text": e.text, "future": e.future}
        for e in sorted(events, key=lambda e: e.day)
    ]


def _lower(label: str) -> str:
    """A code list label inside a sentence: first letter lower case, the rest (GP) kept."""
    return label[:1].lower() + label[1:]


def history_rows(record: PatientRecord) -> list[dict[str, str]]:
    return [
        {
            "when": format_date(action.action_date),
            "what": ACTION_TEXT.get(action.action, action.action),
            "who": who,
            "note": action.note or "",
        }
        for action, who in record.history
    ]


def action_forms(record: PatientRecord) -> list[dict[str, Any]]:
    """The actions open now (`followup.actions.offers`, the one table), each as a form: its id, the
    item's id and version, a fresh action key, its label, and the date and choices it asks for."""
    kinds = code_list("followup_concern_category")
    forms = []
    for spec, item in actions.offers(record.patient, record.tests, record.requests, record.concerns):
        words = _item_words(spec.target, item, kinds)
        form_id = f"{spec.name.replace('_', '-')}-{item.id}"
        forms.append(
            {
                "action": spec.name,
                "item_id": item.id,
                "version": item.version,
                "action_key": uuid.uuid4().hex,
                "label": spec.offer.format_map(words),
                "id": form_id,
                "date": None
                if spec.date is None
                else {
                    "label": spec.date.label + ("" if spec.date.required else " (leave blank for today)"),
                    "hint": "For example, 15 3 2019",
                },
                "choices": [
                    {
                        "field": choice.field,
                        "label": choice.label,
                        "hint": choice.hint,
                        "options": dict(choice.options()),
                    }
                    for choice in spec.choices
                ],
                "summary": spec.summary,
            }
        )
    return forms


def _item_words(target: str, item: Any, kinds: dict[str, str]) -> dict[str, str]:
    """What an offer's label may name about its item."""
    if target == "test":
        return {
            "due": format_date(item.due_date),
            "performed": format_date(item.performed_date),
            "result": item.result or "",
        }
    if target == "concern":
        return {"reported": format_date(item.reported_on), "category": _lower(kinds[item.category])}
    return {}


def metric_rows(rows: list[dict[str, Any]], trust_names: dict[str, str]) -> list[dict[str, Any]]:
    """Metrics table rows (published `followup.metrics` rows): counts with thousands separators,
    withheld counts as `[c]`, rates and their 95% intervals to one decimal place."""

    def count(row: dict[str, Any], name: str) -> str:
        if row[f"{name}_suppressed"]:
            return WITHHELD
        return "" if row[name] is None else f"{row[name]:,}"

    def rate(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}"

    def days(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    def interval(row: dict[str, Any], name: str) -> str:
        low, high = row[f"{name}_low"], row[f"{name}_high"]
        return "" if low is None else f"{low:.1f} to {high:.1f}"

    return [
        {
            "trust": trust_names.get(row["trust_code"], row["trust_code"]),
            "trust_code": row["trust_code"],
            "finished_treatment": count(row, "finished_treatment"),
            "stratified_pct": rate(row["stratified_pct"]),
            "stratified_interval": interval(row, "stratified"),
            "on_pathway": count(row, "on_pathway"),
            "self_managing_pct": rate(row["self_managing_pct"]),
            "interval": interval(row, "self_managing"),
            "overdue_pct": rate(row["overdue_pct"]),
            "reaccess_per_100": rate(row["reaccess_per_100"]),
            "median_days_to_review": days(row["median_days_to_review"]),
            "concerns_per_100": rate(row["concerns_per_100"]),
            "median_days_to_triage": days(row["median_days_to_triage"]),
        }
        for row in rows
    ]
