"""A rule's source as a reader should see it (issue #23, "Words"): the reference data cites its sources
for the people who check the rules (`[OFFICIAL S7]`, "VERIFIED secondary", "effective_from NOT FOUND",
file and module names, codes in brackets); a page gives the sources' names in plain words and leaves
the working notes to the rules reference and `docs/sources.md`."""

from __future__ import annotations

import re

#: A clause that is a working note, not a source: dropped whole.
NOTE = re.compile(
    r"NOT FOUND|\bDERIVED\b|\bUNVERIFIED\b|\bASSUMPTION\b|§|\b[\w./-]+\.(?:py|md|csv|toml|yaml)\b"
    r"|\b[a-z]+(?:_[a-z0-9]+)+\b"
)
#: Tags and codes inside a kept clause: removed.
TAGS = re.compile(
    r"\s*\[[^\]]*\]"  # [OFFICIAL-DATA S30; OFFICIAL S7]
    r"|\s*\((?:[^()]*?(?:_|\.py|\.md|\.csv)[^()]*)\)"  # (2ww_usc), (cwt/performance.py)
    r"|,?\s*\bVERIFIED(?: secondary| primary)?\b"
)


def source_in_words(text: str | None) -> str:
    """`text` without its working notes: tags, bracketed codes and file names removed, clauses that are
    only notes ("effective_from NOT FOUND") dropped. The first clause, the source's name, is always kept."""
    if not text:
        return ""
    clauses = [_tidy(TAGS.sub("", clause)) for clause in _clauses(TAGS.sub("", text))]
    kept = [c for i, c in enumerate(clauses) if c and (i == 0 or not NOTE.search(c))]
    if kept and NOTE.search(kept[0]):
        kept[0] = _tidy(re.sub(r"\s{2,}", " ", NOTE.sub("", kept[0])))
    kept = [c for c in kept if re.search("[A-Za-z]{2}", c)]
    return re.sub(r"\s{2,}", " ", "; ".join(kept)).strip()


def _clauses(text: str) -> list[str]:
    """`text` split at the semicolons outside brackets."""
    clauses, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += char in "([" and 1 or (char in ")]" and -1) or 0
        if char == ";" and depth == 0:
            clauses.append(text[start:i])
            start = i + 1
    return [*clauses, text[start:]]


def _tidy(clause: str) -> str:
    """A clause without the empty brackets and dangling commas its removed notes leave."""
    clause = re.sub(r"\(\s*[,;]?\s*\)", "", clause)
    clause = re.sub(r"\s*[,;]\s*\)", ")", clause)
    return clause.strip(" ,:")
