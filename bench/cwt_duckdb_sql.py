"""The hand-written DuckDB SQL baseline of the CWT benchmark (issue 26 item 4): the same computation as
the platform (per-record facts summed by every key a table needs, the 2018/19 performance tables by
month, provider, alliance and tumour type, the PTL and its summary) written directly in DuckDB SQL
from the spec (CWT rules §2-§4 and §6, as `bench/cwt_pandas.py` does in pandas), the way an analyst
fluent in SQL would. It is what DuckDB itself can do with the work, the yardstick for the platform's
generated SQL. Reference data (standards, code lists, allocation scenarios, alliances, tumour types,
PTL bands) is read from the same tables as the platform and loaded as small lookup tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from cwt_pandas import DAYS, _tumour_types

from cancer_alliance.reference import (
    allocation_scenarios,
    provider_alliance,
    ptl_bands,
    standards,
    treatment_event_types,
    treatment_modalities,
)
from cancer_alliance.schemas import schema

HANDOVER_DAYS, TREATING_DAYS = 38, 24  # the 38- and 24-day phases of a shared 62-day pathway (§4.2)
SIX_SCENARIO_FROM = dt.date(2018, 4, 1)  # allocation by six scenarios from April 2018 (§4.1)
RULED_OUT = "01"  # FDS end reason closing a PTL pathway (the platform's default, CWT rules §1.2)


def _load(conn: Any, name: str, ddl: str, rows: list[tuple]) -> None:
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({ddl})")
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        conn.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)


def load_reference(conn: Any, census: dt.date) -> None:
    """The lookups as temporary tables."""
    _load(
        conn,
        "stages",
        "code text, stage text",
        [(e.code, e.treatment_stage) for e in treatment_event_types()],
    )
    _load(
        conn,
        "modalities",
        "code text, modality_group text, counts boolean",
        [(m.code, m.modality_group, m.counts_in_31_62) for m in treatment_modalities()],
    )
    _load(
        conn,
        "scenarios",
        "met_62 boolean, met_38 boolean, met_24 boolean, scenario int, inv double, treat double",
        [
            (s.met_62, s.met_38, s.met_24, s.scenario, s.investigating_share, s.treating_share)
            for s in allocation_scenarios()
        ],
    )
    _load(conn, "alliances", "trust text, alliance text", list(provider_alliance().items()))
    _load(conn, "tumours", "code text, tumour_type text", list(_tumour_types().items()))
    chosen = []
    for rank, s in enumerate(standards("2018"), start=1):
        for route in s.routes or (None,):
            for group in s.modality_groups or (None,):
                chosen.append((s.standard_id, rank, s.measure, route, s.treatment_stage, group))
    _load(
        conn,
        "chosen",
        "standard_id text, rank int, measure text, route text, stage text, modality text",
        chosen,
    )
    _load(
        conn,
        "thresholds",
        "standard_id text, threshold double, valid_from date, valid_to date",
        [
            (s.standard_id, s.threshold, s.effective_from, s.effective_to)
            for s in standards("2018")
            if s.threshold
        ],
    )
    _load(
        conn,
        "bands",
        "band text, min_days int, max_days int",
        [(b.band, b.min_days, b.max_days) for b in ptl_bands(census)],
    )


ROUTE = """CASE
    WHEN priority_type = '3' AND source_of_referral IS DISTINCT FROM '17' AND consultant_upgrade_date IS NULL
        THEN CASE WHEN referral_type = '16' THEN 'breast_symptomatic' ELSE 'usc' END
    WHEN priority_type = '2' AND source_of_referral = '17' THEN 'screening'
    WHEN source_of_referral IS DISTINCT FROM '17' AND consultant_upgrade_date IS NOT NULL THEN 'upgrade'
END"""


def fine_counts_sql(path: Path) -> str:
    """Half-patients by measure, route, stage, modality group, month, provider and diagnosis (§2-§4)."""
    orders = " OR ".join(f"{o.later} < {o.earlier}" for o in schema("cwt").date_orders)
    return f"""
WITH classified AS (
    SELECT r.*, {ROUTE} AS route, s.stage, coalesce(m.modality_group, 'other') AS modality_group,
        coalesce(m.counts, true) AS counts, least(fds_end_date, decision_to_treat_date) AS fds_stop,
        coalesce(adjustment_first_seen_days, 0) AS adj_seen,
        coalesce(adjustment_treatment_days, 0) AS adj_treat,
        coalesce(accountable_investigating_provider, provider_consultant_upgrade, provider_first_seen)
            AS investigating
    FROM read_parquet('{path}') r
    LEFT JOIN stages s ON s.code = r.treatment_event_type
    LEFT JOIN modalities m ON m.code = r.treatment_modality
), waits AS (
    SELECT *,
        CASE WHEN route = 'upgrade' THEN consultant_upgrade_date ELSE referral_received_date END AS start_62,
        CASE WHEN route = 'upgrade' AND consultant_upgrade_date > date_first_seen THEN 0 ELSE adj_seen END
            AS adj_62,
        (date_first_seen - referral_received_date) - adj_seen AS d2ww,
        (fds_stop - referral_received_date) - adj_seen AS dfds,
        (treatment_start_date - decision_to_treat_date) - adj_treat AS d31,
        route IN ('usc', 'breast_symptomatic') AND date_first_seen IS NOT NULL AS in_2ww,
        route IN ('usc', 'breast_symptomatic', 'screening') AND fds_stop IS NOT NULL AS in_fds,
        decision_to_treat_date IS NOT NULL AND treatment_start_date IS NOT NULL AND stage IS NOT NULL
            AND counts AS in_31,
        route IS NOT NULL AND stage = 'first' AND treatment_start_date IS NOT NULL AND counts AS in_62,
        investigating IS NOT NULL AND provider_treatment IS NOT NULL AND investigating <> provider_treatment
            AS shared
    FROM classified
), phases AS (
    SELECT *,
        (treatment_start_date - start_62) - adj_62 - adj_treat AS d62,
        (transfer_to_treatment_date - start_62) - adj_62 AS d38,
        (treatment_start_date - transfer_to_treatment_date) - adj_treat AS d24,
        shared AND treatment_start_date >= DATE '{SIX_SCENARIO_FROM}'
            AND accountable_investigating_provider IS NOT NULL
            AND transfer_to_treatment_date IS NOT NULL AS six
    FROM waits
), valid AS (
    SELECT p.*,
        CASE WHEN NOT coalesce(shared, false) THEN 1.0 WHEN six THEN sc.treat ELSE 0.5 END AS share_treat,
        CASE WHEN six THEN sc.inv ELSE 0.5 END AS share_inv
    FROM phases p
    LEFT JOIN scenarios sc ON p.six AND sc.met_62 = (p.d62 <= {DAYS["62d"]})
        AND sc.met_38 = (p.d38 <= {HANDOVER_DAYS}) AND sc.met_24 = (p.d24 <= {TREATING_DAYS})
    WHERE NOT coalesce(
        {orders} OR adjustment_first_seen_days < 0 OR adjustment_treatment_days < 0
        OR (route IN ('usc', 'breast_symptomatic', 'screening') AND referral_received_date IS NULL)
        OR (treatment_start_date IS NOT NULL AND (decision_to_treat_date IS NULL OR stage IS NULL))
        OR (in_2ww AND d2ww < 0) OR (in_fds AND dfds < 0) OR (in_31 AND d31 < 0) OR (in_62 AND d62 < 0)
        OR (in_62 AND six AND (d38 < 0 OR d24 < 0)), false)
), fact_rows AS (
    SELECT '2ww' AS measure, route, NULL AS stage, NULL AS modality_group, date_first_seen AS stop,
        provider_first_seen AS provider, 2 AS halves, d2ww <= {DAYS["2ww"]} AS within, primary_diagnosis_icd10
    FROM valid WHERE in_2ww
    UNION ALL
    SELECT 'fds', route, NULL, NULL, fds_stop, provider_fds_end, 2, dfds <= {DAYS["fds"]},
        primary_diagnosis_icd10
    FROM valid WHERE in_fds
    UNION ALL
    SELECT '31d', NULL, stage, modality_group, treatment_start_date, provider_treatment, 2,
        d31 <= {DAYS["31d"]}, primary_diagnosis_icd10
    FROM valid WHERE in_31
    UNION ALL
    SELECT '62d', route, NULL, NULL, treatment_start_date, provider_treatment, round(share_treat * 2)::int,
        d62 <= {DAYS["62d"]}, primary_diagnosis_icd10
    FROM valid WHERE in_62
    UNION ALL
    SELECT '62d', route, NULL, NULL, treatment_start_date, investigating, round(share_inv * 2)::int,
        d62 <= {DAYS["62d"]}, primary_diagnosis_icd10
    FROM valid WHERE in_62 AND shared
)
SELECT measure, route, stage AS treatment_stage, modality_group, strftime(stop, '%Y-%m') AS reporting_month,
    provider, primary_diagnosis_icd10, sum(halves) AS total_halves,
    sum(CASE WHEN within THEN halves ELSE 0 END) AS within_halves
FROM fact_rows GROUP BY ALL"""


GROUP_SQL = {
    "month": "reporting_month",
    "provider": "provider",
    "alliance": "coalesce(a.alliance, 'UNKNOWN')",
    "tumour_type": "coalesce(t.tumour_type, 'Missing or Invalid')",
}


def performance_sql(fine: str, by: list[str]) -> str:
    """One row per 2018/19 standard and group over the fine counts (CWT rules, "Published standards")."""
    groups = ", ".join(
        f"{GROUP_SQL[name]} AS {'reporting_month' if name == 'month' else name}" for name in by
    )
    names = ", ".join("reporting_month" if name == "month" else name for name in by)
    return f"""
WITH selected AS (
    SELECT c.standard_id, c.rank, {groups}, f.total_halves, f.within_halves
    FROM {fine} f
    JOIN chosen c ON c.measure = f.measure AND (c.route IS NULL OR c.route = f.route)
        AND (c.stage IS NULL OR c.stage = f.treatment_stage)
        AND (c.modality IS NULL OR c.modality = f.modality_group)
    LEFT JOIN alliances a ON a.trust = left(f.provider, 3)
    LEFT JOIN tumours t ON t.code = upper(left(trim(f.primary_diagnosis_icd10), 3))
), summed AS (
    SELECT standard_id, rank, {names}, sum(total_halves) / 2 AS total, sum(within_halves) / 2 AS within
    FROM selected GROUP BY ALL
)
SELECT s.standard_id, {", ".join(f"s.{n.strip()}" for n in names.split(","))}, total, within,
    total - within AS breaches,
    CASE WHEN total > 0 THEN within / total END AS performance, th.threshold,
    CASE WHEN total > 0 THEN within / total END >= th.threshold AS meets_threshold
FROM summed s
LEFT JOIN thresholds th ON th.standard_id = s.standard_id
    AND (th.valid_from IS NULL OR th.valid_from <= strptime(s.reporting_month || '-01', '%Y-%m-%d')::date)
    AND (th.valid_to IS NULL OR th.valid_to >= strptime(s.reporting_month || '-01', '%Y-%m-%d')::date)
ORDER BY {names}, rank"""


def ptl_sql(path: Path, census: dt.date) -> str:
    """Every pathway open on the census date, its wait, band, flags and breach dates (CWT rules §6)."""
    day = f"DATE '{census}'"
    marks = ",\n    ".join(
        f"days_waited > {m} AND days_waited - 7 <= {m} AS passed_day_{m}_last_7_days" for m in (28, 62, 104)
    )
    return f"""
WITH classified AS (
    SELECT r.*, {ROUTE} AS route, s.stage,
        CASE WHEN {ROUTE} = 'upgrade' THEN consultant_upgrade_date ELSE referral_received_date END AS start_62
    FROM read_parquet('{path}') r LEFT JOIN stages s ON s.code = r.treatment_event_type
), open AS (
    SELECT *, coalesce(adjustment_first_seen_days, 0) AS adj_seen,
        CASE WHEN route = 'upgrade' AND consultant_upgrade_date > date_first_seen THEN 0
            ELSE coalesce(adjustment_first_seen_days, 0) END
            + coalesce(adjustment_treatment_days, 0) AS adjustment
    FROM classified
    WHERE route IS NOT NULL AND start_62 <= {day}
        AND (treatment_start_date IS NULL OR treatment_start_date > {day})
        AND stage IS DISTINCT FROM 'subsequent'
        AND NOT coalesce(fds_end_date <= {day} AND fds_end_reason = '{RULED_OUT}', false)
), listed AS (
    SELECT record_id, {day} AS census_date, route,
        CASE WHEN transfer_to_treatment_date <= {day} AND provider_treatment IS NOT NULL
            THEN provider_treatment
            ELSE coalesce(accountable_investigating_provider, provider_consultant_upgrade,
                provider_first_seen, provider_fds_end, provider_treatment) END AS provider,
        primary_diagnosis_icd10, ({day} - start_62) - adjustment AS days_waited,
        CASE WHEN route IN ('usc', 'breast_symptomatic')
            AND (date_first_seen IS NULL OR date_first_seen > {day})
            THEN referral_received_date + adj_seen + {DAYS["2ww"] + 1} END AS breach_date_2ww,
        CASE WHEN route <> 'upgrade' AND coalesce(least(fds_end_date, decision_to_treat_date) > {day}, true)
            THEN referral_received_date + adj_seen + {DAYS["fds"] + 1} END AS breach_date_fds,
        start_62 + adjustment + {DAYS["62d"] + 1} AS breach_date_62d,
        start_62 + adjustment + 105 AS day_105
    FROM open
), dated AS (
    SELECT l.*, least(CASE WHEN breach_date_2ww > {day} THEN breach_date_2ww END,
        CASE WHEN breach_date_fds > {day} THEN breach_date_fds END,
        CASE WHEN breach_date_62d > {day} THEN breach_date_62d END,
        CASE WHEN day_105 > {day} THEN day_105 END) AS next_milestone_date
    FROM listed l
)
SELECT record_id, census_date, route, provider, coalesce(a.alliance, 'UNKNOWN') AS alliance,
    coalesce(t.tumour_type, 'Missing or Invalid') AS tumour_type, days_waited, b.band,
    days_waited >= 63 AS over_62_backlog, days_waited >= 105 AS over_104,
    {marks},
    breach_date_2ww, breach_date_fds, breach_date_62d,
    CASE next_milestone_date WHEN breach_date_2ww THEN '2ww' WHEN breach_date_fds THEN 'fds'
        WHEN breach_date_62d THEN '62d' WHEN day_105 THEN '104d' END AS next_milestone, next_milestone_date
FROM dated d
LEFT JOIN alliances a ON a.trust = left(d.provider, 3)
LEFT JOIN tumours t ON t.code = upper(left(trim(d.primary_diagnosis_icd10), 3))
LEFT JOIN bands b ON greatest(days_waited, (SELECT min(min_days) FROM bands))
    BETWEEN b.min_days AND coalesce(b.max_days, 2147483647)"""


def summary_sql(listed: str) -> str:
    """Open pathways, backlog, 104+ and day crossings by England, provider, alliance and tumour type."""
    parts = []
    for breakdown, group in (
        ("england", "'ENGLAND'"),
        ("provider", "coalesce(provider, 'UNKNOWN')"),
        ("alliance", "alliance"),
        ("tumour_type", "tumour_type"),
    ):
        parts.append(
            f"SELECT census_date, '{breakdown}' AS breakdown, {group} AS group_name, "
            "count(*) AS open_pathways, "
            "sum(over_62_backlog::int) AS over_62_backlog, sum(over_104::int) AS over_104, "
            + ", ".join(
                f"sum(passed_day_{m}_last_7_days::int) AS crossed_{m}_last_7_days" for m in (28, 62, 104)
            )
            + f" FROM {listed} GROUP BY ALL"
        )
    return " UNION ALL ".join(parts) + " ORDER BY breakdown, group_name"
