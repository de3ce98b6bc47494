"""Keyed pseudonyms for NHS numbers (design.md, "Ingest"): HMAC-SHA256 of the normalised number,
as 64 hex characters. The same number gives the same pseudonym under the same key, so records
still link; without the key the pseudonym cannot be reversed by trying all NHS numbers.

The key is `ALLIANCE_PSEUDONYM_KEY` if set, else a random key kept in `ALLIANCE_HOME/pseudonym.key`
(created on first use, owner read/write only)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cancer_alliance.config import alliance_home
from cancer_alliance.errors import AllianceError

KEY_VARIABLE = "ALLIANCE_PSEUDONYM_KEY"
KEY_FILE_NAME = "pseudonym.key"
KEY_FILE_MODE = 0o600
#: Shortest key accepted from the environment: 128 bits written as hex.
MIN_KEY_CHARS = 32
_GENERATED_KEY_BYTES = 32


def key_path() -> Path:
    return alliance_home() / KEY_FILE_NAME


def load_key() -> bytes:
    """The pseudonym key: from the environment, else the key file (generated on first use)."""
    configured = os.environ.get(KEY_VARIABLE)
    if configured is not None:
        if len(configured) < MIN_KEY_CHARS:
            raise AllianceError(f"{KEY_VARIABLE} is too short: use at least {MIN_KEY_CHARS} characters")
        return configured.encode("utf-8")
    path = key_path()
    if not path.exists():
        _create_key_file(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AllianceError(f"{path} can be read by other users (mode {mode:o}); run: chmod 600 {path}")
    return path.read_bytes().strip()


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    except FileExistsError:  # another import created it first: use that one
        return
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(_GENERATED_KEY_BYTES))


def key_id(key: bytes) -> str:
    """A short fingerprint of the key, kept in each manifest: pseudonyms from snapshots with
    different key ids do not link."""
    return hmac.new(key, b"cancer-alliance key id", hashlib.sha256).hexdigest()[:12]


def pseudonymise(numbers: Iterable[str | None], key: bytes) -> list[str | None]:
    """HMAC-SHA256 hex of each NHS number, already normalised (ten digits, no spaces); None stays
    None. HMAC as RFC 2104 defines it, from the inner and outer pad states computed once: half
    the cost per value of the standard library's hmac objects (3 M values in the 60 s budget);
    tests hold the result equal to `hmac.new`."""
    inner_pad, outer_pad = _pad_states(key)
    out: list[str | None] = []
    for number in numbers:
        if number is None:
            out.append(None)
            continue
        inner = inner_pad.copy()
        inner.update(number.encode("ascii"))
        outer = outer_pad.copy()
        outer.update(inner.digest())
        out.append(outer.hexdigest())
    return out


def _pad_states(key: bytes) -> tuple[Any, Any]:
    """SHA-256 states after the key XOR ipad and the key XOR opad blocks (RFC 2104, section 2)."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))
    return inner, outer
