"""Route classification: which referral route, and so which clock start, a record is on (CWT route codes
[S21, S40]).

NCL Cancer Alliance derivation [IMPL S40 `feature_dynamic_pathway.py`]:

    usc                = priority 3, referral type not 16, source not 17, no consultant upgrade date
    breast_symptomatic = priority 3, referral type 16,     source not 17, no consultant upgrade date
    screening          = priority 2, source 17
    upgrade            = source not 17, consultant upgrade date recorded
    otherwise          = no route (null): no 2ww, fds or 62d row

A blank source of referral or referral type counts as "not 17" / "not 16": a two week wait referral
not recorded as from screening stays on its route, so its waits count. This is the project's choice
(decision 0031); an implementation in SQL, where a comparison with null is never true, puts such a
record on no route instead (docs/deviations.md).
"""

from __future__ import annotations

from typing import Any

#: Code values the classification reads (CWT route codes [S21, S40]; PRIORITY TYPE [OFFICIAL S21],
#: SOURCE OF REFERRAL 17 [OFFICIAL S19], REFERRAL TYPE 16 [IMPL S40; label OFFICIAL-DATA S31]).
PRIORITY_TWO_WEEK_WAIT = "3"
PRIORITY_URGENT = "2"
SOURCE_SCREENING = "17"
REFERRAL_TYPE_BREAST_SYMPTOMATIC = "16"

ROUTES = ("usc", "breast_symptomatic", "screening", "upgrade")


def route(F: Any) -> Any:
    """Column expression: the record's route, or null when it is on none."""
    priority = F.col("priority_type")
    screening_source = F.coalesce(F.col("source_of_referral") == SOURCE_SCREENING, F.lit(False))
    breast = F.coalesce(F.col("referral_type") == REFERRAL_TYPE_BREAST_SYMPTOMATIC, F.lit(False))
    upgraded = F.col("consultant_upgrade_date").isNotNull()
    two_week_wait = (priority == PRIORITY_TWO_WEEK_WAIT) & ~screening_source & ~upgraded
    return (
        F.when(two_week_wait & ~breast, F.lit("usc"))
        .when(two_week_wait & breast, F.lit("breast_symptomatic"))
        .when((priority == PRIORITY_URGENT) & screening_source, F.lit("screening"))
        .when(~screening_source & upgraded, F.lit("upgrade"))
    )
