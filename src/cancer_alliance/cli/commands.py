"""Registry of the domain sub-apps and commands: one import line per domain."""

from __future__ import annotations
