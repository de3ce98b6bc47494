"""`alliance report early-diagnosis`: one self-contained HTML page for a Cancer Alliance from the real
NDRS stage counts 2013-2022 - the early-stage proportion by year (SPC against the 75% ambition), the
gap to each ambition, the proportion by cancer site, and a funnel plot of all alliances.

Every table and chart is built from disclosure-controlled counts (`published.publish_metrics`, default
policy), so the page can be shared. Vega, Vega-Lite and vega-embed are inlined from the local
`node_modules` when installed (`make setup`); otherwise the page holds the tables and the chart specs as
JSON, and says so. The SPC chart's Making Data Count icons (`stats.icons`) are drawn in the chart and
also shown above it as <img> elements with their labels as alt text (data URIs). Nothing is loaded from
the internet.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from cancer_alliance.early_diagnosis.definitions import ambitions
from cancer_alliance.early_diagnosis.metrics import against_ambitions
from cancer_alliance.early_diagnosis.ndrs import ENGLAND, ndrs_alliance_name, ndrs_counts
from cancer_alliance.early_diagnosis.published import publish_metrics
from cancer_alliance.early_diagnosis.successors import ndrs_geographies
from cancer_alliance.errors import InputError
from cancer_alliance.reports import html as page
from cancer_alliance.stats.charts import funnel_chart, spc_chart, spc_icons, stage_bars
from cancer_alliance.stats.funnel import funnel, funnel_curve
from cancer_alliance.stats.spc import SpcOptions, spc, summary

#: The SPC target: the Long Term Plan ambition (data/ambitions.csv, early_stage_75_2028).
SPC_AMBITION = "early_stage_75_2028"

STYLE = """
body{font-family:Arial,sans-serif;color:#212b32;margin:0 auto;max-width:960px;padding:16px;line-height:1.5}
h1,h2{line-height:1.2} .chart{width:100%;margin:16px 0}
table.data{border-collapse:collapse;margin:16px 0;width:100%} caption{text-align:left;font-weight:bold}
th,td{border-bottom:1px solid #d8dde0;padding:4px 8px;text-align:left}
.note{background:#f0f4f5;padding:8px 16px} .spc-icons img{margin-right:8px;vertical-align:middle}
"""


@dataclass(frozen=True)
class ReportSummary:
    alliance: str
    years: tuple[int, int]
    charts: int
    scripts_inlined: bool


def _by_year(name: str) -> pd.DataFrame:
    counts = ndrs_counts(["geography_name", "year"])
    return publish_metrics(counts[counts["geography_name"].isin([name, ENGLAND])].reset_index(drop=True))


def resolve_alliance(code: str) -> tuple[str, str | None]:
    """The NDRS geography to report for an alliance code, and a note when its figures are not the
    alliance's own: a 2024/25 code as NDRS reports it; a 2018/19 code through its successor
    (`successors.ndrs_geographies`). A 2018/19 alliance later split has no single geography: the
    error names the successors to report instead."""
    try:
        return ndrs_alliance_name(code), None
    except ValueError as current_error:
        try:
            found = ndrs_geographies(code)
        except ValueError:
            raise InputError(f"--alliance: {current_error}") from None
    if len(found.names) > 1:
        raise InputError(
            f"--alliance: {code} was later split into {found.label}; this report is for one NDRS "
            "geography, so run it for each of them (codes: `alliance reference alliances --version 2024/25`)"
        )
    return found.names[0], found.note


def early_diagnosis_report(alliance_code: str, output: Path) -> ReportSummary:
    """Write the report for one alliance (ONS code of 2024/25, or of 2018/19 via its successor) to
    `output`."""
    name, successor_note = resolve_alliance(alliance_code)
    yearly = _by_year(name)
    mine = yearly[yearly["geography_name"] == name].sort_values("year")
    latest = int(mine["year"].max())
    first = int(mine["year"].min())
    target = next(a for a in ambitions() if a.ambition_id == SPC_AMBITION).target_proportion

    series = mine.loc[mine["early_stage_proportion"].notna(), ["year", "early_stage_proportion"]]
    series = series.rename(columns={"year": "x", "early_stage_proportion": "y"})
    series["x"] = pd.to_datetime(series["x"].astype(str) + "-01-01")
    options = SpcOptions(target=target)
    points = spc(series, options)
    spc_summary = summary(points, options).iloc[0].to_dict()
    spc_figure = spc_chart(
        points,
        spc_summary,
        title=f"{name}: cancers diagnosed at stage 1-2, {first}-{latest}",
        y_title="Stage 1-2 of staged",
        target=target,
        percent=True,
        x_format="%Y",
    )

    sites_counts = ndrs_counts(["geography_name", "year", "site"])
    sites = publish_metrics(
        sites_counts[(sites_counts["geography_name"] == name) & (sites_counts["year"] == latest)].reset_index(
            drop=True
        )
    )
    sites_figure = stage_bars(sites, category="site", title=f"{name}: stage 1-2 by cancer site, {latest}")

    peers_counts = ndrs_counts(["geography_type", "geography_name", "year"])
    peers = publish_metrics(
        peers_counts[
            (peers_counts["geography_type"] == "Cancer Alliance") & (peers_counts["year"] == latest)
        ].reset_index(drop=True)
    )
    units, p0 = funnel(peers.dropna(subset=["stage_early", "stage_staged"]), "stage_early", "stage_staged")
    units = units.rename(columns={"stage_staged": "denominator"})
    funnel_figure = funnel_chart(
        units,
        funnel_curve(
            p0, float(units["denominator"].max()), min_denominator=float(units["denominator"].min()) / 2
        ),
        label="geography_name",
        title=f"Cancer Alliances: stage 1-2, {latest}",
        highlight=name,
    )

    scripts = page.vega_scripts()
    with_scripts = scripts is not None
    gaps = against_ambitions(yearly[yearly["year"] == latest])
    body = "\n".join(
        [
            f"<h1>Early diagnosis: {html.escape(name)}</h1>",
            f'<p class="note" id="successor-note">{html.escape(successor_note)}</p>'
            if successor_note
            else "",
            f"<p>Cancers diagnosed at stage 1 or 2, of those with a valid stage, {first} to {latest}, "
            "from the National Disease Registration Service (NDRS) stage-at-diagnosis counts "
            "(Cancer Alliances as in 2023/24). Source: NHS England, NDRS; Open Government Licence v3.0.</p>",
            '<p class="note">Counts are rounded to the nearest 5 and counts of 1 to 7 are withheld ([c]); '
            "every percentage is computed from the published counts. Definitions: the package README "
            "<code>early_diagnosis/README.md</code>.</p>"
            + (
                ""
                if with_scripts
                else '<p class="note">The charts are not drawn: Vega was not installed when '
                "this page was made (run <code>make setup</code>). Their specifications are in the page; "
                "the tables carry the same figures.</p>"
            ),
            "<h2>Stage 1-2 by year</h2>",
            page.icons(spc_icons(spc_summary)),
            page.chart(spc_figure, "spc", with_scripts),
            f"<p>{html.escape(spc_figure.spec['title']['subtitle'])}. Annual points: fewer than 12 points "
            "give wide limits; read the chart with care.</p>",
            page.table(
                yearly.sort_values(["geography_name", "year"]),
                [
                    ("geography_name", "Area", page.text),
                    ("year", "Year", page.text),
                    ("stage_staged", "Valid stage", page.count),
                    ("stage_early", "Stage 1-2", page.count),
                    ("early_stage_proportion", "Stage 1-2 %", page.percent),
                    ("early_stage_lower_95", "95% CI lower", page.percent),
                    ("early_stage_upper_95", "95% CI upper", page.percent),
                    ("stage_completeness", "Stage completeness", page.percent),
                ],
                f"Stage 1-2 of cancers with a valid stage, {name} and England",
            ),
            "<h2>Against the ambitions</h2>",
            page.table(
                gaps,
                [
                    ("geography_name", "Area", page.text),
                    ("ambition_id", "Ambition", page.text),
                    ("by_period", "By", page.text),
                    ("target_proportion", "Target", page.percent),
                    ("early_stage_proportion", f"{latest}", page.percent),
                    ("gap_pp", "Gap (points)", lambda v: "" if pd.isna(v) else f"{v:+.1f}"),
                    ("ambition_source", "Source", page.text),
                ],
                f"Stage 1-2 in {latest} against the ambitions",
            ),
            "<h2>By cancer site</h2>",
            page.chart(sites_figure, "sites", with_scripts),
            page.table(
                sites.sort_values("site"),
                [
                    ("site", "Site", page.text),
                    ("stage_staged", "Valid stage", page.count),
                    ("stage_early", "Stage 1-2", page.count),
                    ("early_stage_proportion", "Stage 1-2 %", page.percent),
                    ("stage_completeness", "Stage completeness", page.percent),
                ],
                f"Stage 1-2 by cancer site, {name}, {latest}",
            ),
            "<h2>Compared with other alliances</h2>",
            page.chart(funnel_figure, "funnel", with_scripts),
            page.table(
                units.sort_values("geography_name"),
                [
                    ("geography_name", "Alliance", page.text),
                    ("denominator", "Valid stage", page.count),
                    ("proportion", "Stage 1-2 %", page.percent),
                    ("funnel_flag", "Against the funnel", page.text),
                ],
                f"Cancer Alliances, {latest}: overall {100 * p0:.1f}%, limits at 95% and 99.8%",
            ),
            f"<p>Made on {date.today().isoformat()} by the Cancer Alliance platform.</p>",
        ]
    )
    document = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Early diagnosis: {html.escape(name)}</title><style>{STYLE}</style>"
        f"{scripts or ''}</head><body><main>{body}</main></body></html>"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document, encoding="utf-8")
    return ReportSummary(name, (first, latest), 3, with_scripts)
