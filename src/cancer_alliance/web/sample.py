"""The notice every page carries when it shows the demo's generated sample (issue #23): that the records
are generated, how large the sample is, and that a trust's, centre's or CCG's figures rest on a fraction
of its patients, so they will not look like the published ones."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cancer_alliance.demo import SAMPLE_METADATA, sample_scale


def sample_notice(home: Path) -> str | None:
    """The words of the notice for the demo in `home`, None for real data. Read again when the demo is
    rebuilt (cached by the generator's metadata file's modification time)."""
    try:
        stamp = (home / SAMPLE_METADATA).stat().st_mtime_ns
    except OSError:
        return None
    return _notice(home, stamp)


@lru_cache(maxsize=8)
def _notice(home: Path, _stamp: int) -> str | None:
    scale = sample_scale(home)
    if scale is None:
        return None
    share = f"{scale:.0%}" if scale >= 0.01 else f"{scale:.1%}"
    text = f"Every record is generated: a sample of about {share} of England's patients in a year."
    if scale < 1:
        text += (
            f" A trust, cancer centre or CCG has about {share} of its real number of patients here, so its "
            "figures vary far more than the published ones. Compare alliances and England instead."
        )
    return text
