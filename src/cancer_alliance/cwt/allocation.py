"""Inter-provider allocation of a 62-day pathway (breach allocation [S6, S40], "Canonical record and
outputs").

- The investigating provider is the ACCOUNTABLE INVESTIGATING PROVIDER, else the consultant-upgrade
  provider, else the first-seen provider; the treating provider is the provider of treatment (breach
  allocation [S6, S40]).
- `solo`: no investigating provider or the same one as the treating provider; 1 to the treating provider.
- `fifty_fifty`: different providers and (a) the allocation version in force on the treatment date
  is 50:50 sharing (breach allocation [S6, S15]), or (b) no accountable investigating provider is recorded
  (breach allocation [S6, S40], E25), or
  (c) one is recorded but no transfer date: the spec's DERIVED fallback, flagged by
  `transfer_date_missing` (setting `missing_transfer_date`; `reject` lists the record instead).
- `six_scenario`: the scenario of the met/breached 62-, 38- and 24-day waits, looked up in the
  reference allocation table (`reference.allocation_scenarios()`); a combination the table lacks
  gets null shares, never a guess (it cannot occur while d62 = d38 + d24, see `adjustments`).
"""

from __future__ import annotations

from typing import Any

from cancer_alliance.cwt.settings import AllocationMethod, CwtSettings, MissingTransferDate
from cancer_alliance.reference import allocation_scenarios

#: Share of each provider under 50:50 sharing (breach allocation [S6, S15], breach allocation [S6, S40]
#: fallback).
HALF = 0.5
#: Share of the treating provider on a solo pathway (breach allocation [S6, S40], "Solo").
WHOLE = 1.0


def investigating_provider(F: Any) -> Any:
    return F.coalesce(
        F.col("accountable_investigating_provider"),
        F.col("provider_consultant_upgrade"),
        F.col("provider_first_seen"),
    )


def allocation_method(F: Any, settings: CwtSettings) -> Any:
    """The allocation rule in force on the treatment start date (docs/deviations.md); the earliest version
    also covers any earlier date."""
    versions = settings.allocation_versions
    method = F.lit(str(versions[0].method))
    for version in versions[1:]:
        method = F.when(
            F.col("treatment_start_date") >= F.lit(version.effective_from), F.lit(str(version.method))
        ).otherwise(method)
    return method


def shared(F: Any) -> Any:
    """Seen or accountable at one provider, treated at another."""
    investigating, treating = F.col("investigating_provider"), F.col("provider_treatment")
    return F.coalesce(
        investigating.isNotNull() & treating.isNotNull() & (investigating != treating), F.lit(False)
    )


def missing_transfer_date(F: Any) -> Any:
    """An accountable investigating provider recorded for a shared pathway under six-scenario rules,
    but no transfer date: the scenario cannot be worked out."""
    return (
        shared(F)
        & (F.col("allocation_method") == str(AllocationMethod.six_scenario))
        & F.col("accountable_investigating_provider").isNotNull()
        & F.col("transfer_to_treatment_date").isNull()
    )


def allocation(F: Any) -> Any:
    """'solo', 'fifty_fifty' or 'six_scenario' (needs `investigating_provider`, `allocation_method`)."""
    return (
        F.when(~shared(F), F.lit("solo"))
        .when(F.col("allocation_method") == str(AllocationMethod.fifty_fifty), F.lit("fifty_fifty"))
        .when(F.col("accountable_investigating_provider").isNull(), F.lit("fifty_fifty"))
        .when(F.col("transfer_to_treatment_date").isNull(), F.lit("fifty_fifty"))
        .otherwise(F.lit("six_scenario"))
    )


def rejects_missing_transfer_date(settings: CwtSettings) -> bool:
    return settings.missing_transfer_date == MissingTransferDate.reject


def scenario_columns(F: Any, settings: CwtSettings, d62: Any, d38: Any, d24: Any) -> dict[str, Any]:
    """scenario, investigating_share and treating_share (needs the `allocation` column)."""
    days = settings.measure_days
    met = {
        "met_62": d62 <= days["62d"],
        "met_38": d38 <= settings.handover_days,
        "met_24": d24 <= settings.treating_days,
    }
    scenario = investigating = treating = F
    for row in allocation_scenarios():
        condition = None
        for name, outcome in met.items():
            term = outcome if getattr(row, name) else ~outcome
            condition = term if condition is None else condition & term
        scenario = scenario.when(condition, F.lit(row.scenario))
        investigating = investigating.when(condition, F.lit(row.investigating_share))
        treating = treating.when(condition, F.lit(row.treating_share))
    kind = F.col("allocation")
    return {
        "scenario": F.when(kind == "six_scenario", scenario).cast("int"),
        "investigating_share": F.when(kind == "fifty_fifty", F.lit(HALF))
        .when(kind == "six_scenario", investigating)
        .cast("double"),
        "treating_share": F.when(kind == "solo", F.lit(WHOLE))
        .when(kind == "fifty_fifty", F.lit(HALF))
        .otherwise(treating)
        .cast("double"),
    }
