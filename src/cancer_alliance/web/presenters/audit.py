"""The audit log in words (issue #23): what was recorded, by whom and on what, as an information
governance lead reads it, not as the store keeps it (JSON, column names, job ids, ISO times). The CSV
download keeps the stored form."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cancer_alliance.web.presenters.formatting import format_date

#: What each audited object is, in words (stored type -> text); others are spelt out from their code.
OBJECTS = {
    "audit_log": "Audit log",
    "case_study": "Case study",
    "cwt_pathway": "Pathway",
    "deliverable": "Deliverable",
    "followup_action": "Follow-up action",
    "followup_concern": "Patient-reported concern",
    "followup_patient": "Follow-up patient",
    "followup_reaccess_request": "Re-access request",
    "followup_test": "Surveillance test",
    "followup_worklist": "Follow-up worklist",
    "followup_clinician": "Clinical role",
    "funding_agreement": "Funding agreement",
    "import_job": "Import",
    "ptl": "Patient tracking list",
    "ptl_note": "Pathway note",
    "user_account": "Account",
}
#: How a job's id begins -> who ran it.
JOB_SOURCES = {"cli": "Command line", "demo": "Demo set-up", "web": "Web job", "test": "Test"}
#: Details longer than this are folded away behind a summary.
FOLD_AT = 120
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
#: A job id's random tail (uuid hex), left out of its name.
RANDOM_TAIL = re.compile(r"-[0-9a-f]{8,}$")


def spelt_out(code: str) -> str:
    """A stored code as words: `manual_rag_reason` -> "Manual RAG reason"."""
    words = code.replace("_", " ").replace("-", " ").strip()
    words = re.sub(r"\b(rag|ptl|cwt|nhs|ods|id|csv|fit|hna)\b", lambda m: m.group(1).upper(), words)
    return words[:1].upper() + words[1:]


def object_in_words(object_type: str | None) -> str:
    if not object_type:
        return ""
    return OBJECTS.get(object_type, spelt_out(object_type))


def job_in_words(job_id: str) -> str:
    """A job's id as who ran it: `demo-programme-3f2a9c1b` -> "Demo set-up: programme"."""
    source, _, rest = RANDOM_TAIL.sub("", job_id).partition("-")
    if source in JOB_SOURCES:
        return f"{JOB_SOURCES[source]}: {rest.replace('-', ' ')}" if rest else JOB_SOURCES[source]
    return spelt_out(job_id)


def when_in_words(moment: dt.datetime) -> str:
    """`5 Apr 2019 14:03:09` (UTC, the page says so)."""
    return f"{moment.day} {moment:%b %Y %H:%M:%S}"


def value_in_words(value: Any) -> str:
    """A stored detail's value as words: dates, codes, lists and nested details spelt out."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "(" + details_in_words(value) + ")" if value else "none"
    if isinstance(value, list | tuple):
        return ", ".join(value_in_words(item) for item in value) or "none"
    text = str(value)
    if ISO_DATE.match(text):
        return format_date(dt.date.fromisoformat(text))
    if ISO_TIME.match(text):
        try:
            return when_in_words(dt.datetime.fromisoformat(text))
        except ValueError:
            return text
    if re.fullmatch(r"[a-z0-9]+(?:[_:][a-z0-9]+)+", text) and "_" in text:
        return ": ".join(_code_in_words(part) for part in text.split(":"))
    return text


def _code_in_words(code: str) -> str:
    """A code inside a sentence: spelt out, first letter lower case unless an abbreviation."""
    words = spelt_out(code)
    return words if words.split()[0].isupper() else words[:1].lower() + words[1:]


def details_in_words(details: dict[str, Any]) -> str:
    """The stored details as words, e.g. `{"due_date": "2019-03-31", "changed": ["manual_rag"]}` ->
    "Due date: 31 March 2019; Changed: manual RAG"."""
    return "; ".join(f"{spelt_out(key)}: {value_in_words(value)}" for key, value in details.items())


def folded(text: str) -> bool:
    """Whether the details are long enough to fold behind a summary."""
    return len(text) > FOLD_AT
