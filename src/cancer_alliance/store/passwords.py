"""The password policy (NCSC, "Password policy: updating your approach", 2018; decision record 0029).

Length rather than complexity rules; a deny-list of the most common passwords (`data/common-passwords.txt`,
with its sources), matched on what is left once digits, spaces and punctuation are stripped, so
`password1234` and `Qwerty!!2024` are refused with `password` and `qwerty`; and nothing containing the
user's own username or name, which anyone who knows them would try first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

MIN_PASSWORD_LENGTH = 12
#: A name part of this length or more inside a password makes it guessable by anyone who knows the user.
MIN_NAME_PART = 3
#: Fewer distinct characters than this is a repeated pattern (`aaaaaaaaaaaa`, `abababababab`).
MIN_DISTINCT_CHARACTERS = 5
_NOT_LETTERS = re.compile(r"[^a-z]+")


@cache
def common_passwords() -> frozenset[str]:
    """The deny-list: lower-case letters-only stems, one a line (comments start with #)."""
    text = (files("cancer_alliance.store") / "data" / "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problem(password: str, names: Iterable[str] = ()) -> str | None:
    """Why `password` is refused, or None if it meets the policy. `names` are the user's username and
    display name; each part of them (split at spaces, dots, dashes, underscores) is checked."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"too short: at least {MIN_PASSWORD_LENGTH} characters"
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        return "a repeated pattern: use a few random words instead"
    letters = _NOT_LETTERS.sub("", password.lower())
    if not letters or letters in common_passwords():
        return "one of the most common passwords, which attackers try first"
    lowered = password.lower()
    for name in names:
        for part in re.split(r"[\s._-]+", name.lower()):
            if len(part) >= MIN_NAME_PART and part in lowered:
                return "it contains your name or username"
    return None
