"""The board pack's pages for timed pathways, breast follow-up, bowel screening (FIT), lung health checks
and radiotherapy (issue 15 item 3), registered by `board.py` from `DOMAIN_SECTIONS`.

They live here, not in the domain folders, because each reuses what the domain's web page already
computes (its presenter in `web/presenters/`): a domain never imports the web layer or the programme,
and the programme sits above both. Every domain and presenter import is inside its renderer, so
`import cancer_alliance.programme` stays cheap and no section can make an import cycle.

Each renderer takes the pack's `BoardContext`, reads the domain's results (or the store, for
follow-up), keeps the alliance and the latest period up to the pack's month, passes every count
through `stats.disclosure.publish()` (through the presenter's own "public" path) and returns HTML, or
None when there is nothing for the alliance ("No data for this priority yet").
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
from typing import TYPE_CHECKING, Any

import pandas as pd

from cancer_alliance.config import results_dir
from cancer_alliance.reports import html as page
from cancer_alliance.results import catalogue
from cancer_alliance.results.catalogue import path as result_path

if TYPE_CHECKING:
    from cancer_alliance.programme.board import BoardContext

#: The timed-pathway trend the pathways page shows by default (a verified target for all three tumours).
PATHWAY_TREND = ("lung", "diagnosis_communicated")


def month_end(month: str) -> dt.date:
    year, number = int(month[:4]), int(month[5:7])
    return dt.date(year, number, calendar.monthrange(year, number)[1])


def _chart(spec: dict[str, Any] | None, element_id: str, ctx: BoardContext) -> str:
    """A presenter's Vega-Lite spec drawn like the pack's own charts (the table beside it has the figures)."""
    if spec is None:
        return ""
    from cancer_alliance.stats.charts import Chart

    return page.chart(Chart(_title(spec.get("title")), spec, pd.DataFrame()), element_id, ctx.with_scripts)


def _title(title: Any) -> str:
    """A Vega-Lite title as text: a string, or a title object's text and subtitle (each a string or a
    list of lines)."""
    if not isinstance(title, dict):
        return "" if title is None else str(title)
    lines = [title.get("text"), title.get("subtitle")]
    return ". ".join(_title(" ".join(x) if isinstance(x, list) else x) for x in lines if x)


def _cell(value: Any) -> Any:
    """A presenter's cell as text: a tag or link dict by its text."""
    return value.get("text", "") if isinstance(value, dict) else value


def _rows(rows: list[Any], columns: list[tuple[str, str]], caption: str) -> str:
    """A table of a presenter's already formatted rows (dataclasses or dicts)."""
    frame = pd.DataFrame(
        [{k: _cell(v) for k, v in (row if isinstance(row, dict) else vars(row)).items()} for row in rows]
    )
    return page.table(frame, [(name, title, page.text) for name, title in columns], caption)


# --- timed pathways ---------------------------------------------------------------------------------


def pathways(ctx: BoardContext) -> str | None:
    """Compliance by milestone for the alliance (published counts, Wilson intervals), the step losing
    most days per tumour, and the monthly trend of the lung diagnosis milestone with SPC."""
    from cancer_alliance.pathways.metrics import bottleneck
    from cancer_alliance.pathways.published import (
        COMPLEMENTS,
        published_compliance,
        published_steps,
        published_trend,
    )
    from cancer_alliance.web.presenters import pathways as present

    def mine(name: str) -> pd.DataFrame:
        frame = pd.read_parquet(result_path(results_dir(ctx.home), f"pathway_{name}"))
        return frame[(frame["level"] == "alliance") & (frame["code"] == ctx.alliance_code)].reset_index(
            drop=True
        )

    compliance = mine("compliance")
    if compliance.empty:
        return None
    withheld = COMPLEMENTS.read(results_dir(ctx.home)) if ctx.policy.enabled else None
    compliance = published_compliance(compliance, ctx.policy, withheld)
    steps = published_steps(mine("steps"), ctx.policy, withheld, compliance)
    worst = bottleneck(steps.dropna(subset=["pathways"]), ["code"]) if not steps.empty else steps
    trend = mine("trend")
    trend = trend[(trend["month"] <= ctx.month) & (trend["tumour"] == PATHWAY_TREND[0])]
    trend = published_trend(trend[trend["milestone"] == PATHWAY_TREND[1]], ctx.policy, withheld)
    parts = [
        _rows(
            present.compliance_rows(compliance),
            [
                ("tumour", "Tumour"),
                ("milestone", "Milestone"),
                ("target", "Target"),
                ("met", "Met"),
                ("decided", "Decided"),
                ("compliance", "Compliance"),
                ("interval", "95% interval"),
            ],
            f"Timed pathways: milestones met within target, {ctx.alliance_name} (census of the results)",
        ),
        _rows(
            present.step_rows(worst),
            [
                ("tumour", "Tumour"),
                ("step", "Bottleneck step"),
                ("pathways", "Pathways"),
                ("median", "Median days"),
                ("allowed", "Days allowed"),
                ("lost", "Mean days lost"),
            ],
            f"The step losing most days against its target, by tumour, {ctx.alliance_name}",
        )
        if not worst.empty
        else "<p>No step loses days against its target (or too few pathways to name one).</p>",
    ]
    if not trend.empty:
        title = f"{ctx.alliance_name}: lung, diagnosis communicated within target, by month of day 0"
        from cancer_alliance.cwt.published import SPC_WITHHELD

        withheld = ctx.policy.enabled
        parts += [
            f'<p class="note">{html.escape(SPC_WITHHELD)}</p>'
            if withheld
            else _chart(present.trend_chart(trend, title), "spc-pathways", ctx),
            _rows(
                present.trend_rows(trend),
                [
                    ("month", "Month"),
                    ("met", "Met"),
                    ("decided", "Decided"),
                    ("compliance", "Compliance"),
                    ("mean", "Mean"),
                    ("limits", "Process limits"),
                    ("point", "SPC"),
                ],
                f"Lung: diagnosis communicated within target, by month up to {ctx.month_label}",
            ),
        ]
    return "\n".join(parts)


# --- breast stratified follow-up --------------------------------------------------------------------


def followup_counts(ctx: BoardContext) -> pd.DataFrame:
    """The alliance's exact follow-up counts at the end of the pack's month (the trusts of the alliance,
    or patients recorded against it), one row summed over its trusts (`followup.metrics.total`), as the
    alliance total of `/followup/metrics` is."""
    from cancer_alliance.followup.metrics import raw_counts, total
    from cancer_alliance.followup.protocol import load_protocol
    from cancer_alliance.reference.organisations import provider_alliance

    assert ctx.session is not None
    trusts = {t for t, a in provider_alliance("2018/19").items() if a == ctx.alliance_code}
    frame = raw_counts(ctx.session, load_protocol(), month_end(ctx.month))
    frame = frame[frame["trust_code"].isin(trusts) | (frame["alliance_code"] == ctx.alliance_code)]
    if frame.empty:
        return frame
    return total(frame, ctx.alliance_code)


def followup(ctx: BoardContext) -> str | None:
    """Share on supported self-management against the ~70% expectation, overdue tests and re-access
    requests for the alliance, as `followup.published` publishes them for `/followup/metrics` (counts
    under the pack's policy, rates and intervals from the published counts)."""
    if ctx.session is None:
        return None
    from cancer_alliance.followup.metrics import SELF_MANAGING_AMBITION_PCT
    from cancer_alliance.followup.published import published_metrics

    counts = followup_counts(ctx)
    if counts.empty or not counts["on_pathway"].iloc[0]:
        return None
    shown = published_metrics(counts, ctx.policy).iloc[0]

    def fraction(value) -> float | None:
        return None if value is None or pd.isna(value) else float(value) / 100

    low, high = shown["self_managing_low"], shown["self_managing_high"]  # in per cent, as on the page
    ambition = SELF_MANAGING_AMBITION_PCT / 100
    share = fraction(shown["self_managing_pct"])
    rows = pd.DataFrame(
        [
            {
                "measure": "On stratified follow-up",
                "count": shown["on_pathway"],
                "of": None,
                "rate": None,
                "note": "",
            },
            {
                "measure": "Supported self-management",
                "count": shown["self_managing"],
                "of": shown["on_pathway"],
                "rate": share,
                "note": (
                    f"95% interval {float(low):.1f}% to {float(high):.1f}%; "
                    if low is not None and high is not None and pd.notna(low)
                    else ""
                )
                + f"expectation about {SELF_MANAGING_AMBITION_PCT:.0f}%"
                + ("" if share is None else (": at or above" if share >= ambition else ": below")),
            },
            {
                "measure": "Surveillance tests overdue (due in the last 12 months)",
                "count": shown["overdue"],
                "of": shown["tests_due"],
                "rate": fraction(shown["overdue_pct"]),
                "note": "",
            },
            {
                "measure": "Re-access requests in the last 12 months (rate: per 100 on the pathway)",
                "count": shown["reaccess"],
                "of": shown["on_pathway"],
                "rate": fraction(shown["reaccess_per_100"]),
                "note": "",
            },
        ]
    )
    return "\n".join(
        [
            f"<p>Breast cancer patients on stratified follow-up in the alliance's trusts on "
            f"{month_end(ctx.month).isoformat()}, from the platform's follow-up records.</p>",
            page.table(
                rows,
                [
                    ("measure", "Measure", page.text),
                    ("count", "Count", page.count),
                    ("of", "Of", lambda v: "" if v is None or pd.isna(v) else page.count(v)),
                    ("rate", "Rate", page.percent),
                    ("note", "Note", page.text),
                ],
                f"Breast stratified follow-up, {ctx.alliance_name}, {ctx.month_label}",
            ),
        ]
    )


# --- bowel screening (FIT) --------------------------------------------------------------------------


#: Months of invitations the FIT headline adds up (a year smooths the small monthly counts).
FIT_HEADLINE_MONTHS = 12


def fit_raw_months(ctx: BoardContext) -> pd.DataFrame:
    """The alliance's unpublished FIT counts by month of invitation up to the pack's month, oldest first."""
    from cancer_alliance.web.presenters import fit as present

    frame = pd.read_parquet(result_path(results_dir(ctx.home), "fit_month"))
    frame = frame[(frame["alliance_code"] == ctx.alliance_code) & (frame["invitation_month"] <= ctx.month)]
    counts = present.counts_only(frame, ["alliance_code", "invitation_month"])
    return counts.sort_values("invitation_month").reset_index(drop=True)


def fit_headline_months(months: pd.DataFrame, ctx: BoardContext) -> list[str]:
    """The months the headline adds up: the FIT_HEADLINE_MONTHS up to the latest month of invitation
    whose uptake window (settings) has closed by the end of the pack's month (else the latest month)."""
    from cancer_alliance.fit.settings import DEFAULT_SETTINGS

    end = month_end(ctx.month)
    window = dt.timedelta(days=DEFAULT_SETTINGS.uptake_window_days)
    listed = list(months["invitation_month"])
    closed = [m for m in listed if month_end(m) + window <= end]
    last = closed[-1] if closed else listed[-1]
    return [m for m in listed if m <= last][-FIT_HEADLINE_MONTHS:]


def screening(ctx: BoardContext) -> str | None:
    """Uptake, positivity, conversion and PPV with intervals over the latest year of invitations whose
    uptake window has closed (published: that year's latest month only, a row of the fixed public
    month table with its complements withheld, as a sum over months could be differenced against the
    published months; docs/decisions/0054), the uptake standard, and uptake by month with SPC."""
    from cancer_alliance.fit.published import COMPLEMENTS, as_seen, monthly_spc, public_metrics
    from cancer_alliance.fit.rules import COUNT_COLUMNS
    from cancer_alliance.fit.settings import DEFAULT_SETTINGS
    from cancer_alliance.web.presenters import fit as present

    raw = fit_raw_months(ctx)
    if raw.empty:
        return None
    chosen = fit_headline_months(raw, ctx)
    if ctx.policy.enabled:
        chosen = chosen[-1:]
        months = public_metrics(raw, ctx.policy, COMPLEMENTS.read(results_dir(ctx.home)), "month")
        latest = months[months["invitation_month"] == chosen[0]].iloc[0].to_dict()
    else:
        summed = raw[raw["invitation_month"].isin(chosen)][list(COUNT_COLUMNS)].sum().to_frame().T
        summed = summed.assign(alliance_code=ctx.alliance_code, median_days_result_to_test=float("nan"))
        latest = as_seen(summed, ctx.policy).iloc[0].to_dict()
        months = as_seen(raw, ctx.policy)
    standard = DEFAULT_SETTINGS.standard("uptake_acceptable", month_end(ctx.month))
    target = standard.target if standard else None
    points, found, withheld = monthly_spc(months, "uptake", target, ctx.policy)
    period = page_month(chosen[0]) + ("" if len(chosen) == 1 else f" to {page_month(chosen[-1])}")
    standards = present.standard_tags(latest, month_end(ctx.month))
    parts = [
        f"<p>People invited from {period} (the latest invitations whose "
        f"{DEFAULT_SETTINGS.uptake_window_days}-day uptake window has closed by the end of "
        f"{html.escape(ctx.month_label)}).</p>",
        _rows(
            present.metric_rows(latest)[:-1],  # the median days cannot be added up over months
            [("label", "Measure"), ("value", "Value"), ("interval", "95% interval")],
            f"Bowel screening (FIT), {ctx.alliance_name}, invited {period}",
        ),
        "".join(
            f"<p>{html.escape(s['title'])}: {html.escape(s['value'])} against {html.escape(s['target'])}: "
            f"<strong>{html.escape(s['tag']['text'])}</strong> ({html.escape(s['source'])}).</p>"
            for s in standards
        ),
    ]
    if withheld:
        parts.append(f'<p class="note">{html.escape(withheld)}</p>')
    if not points.empty:
        title = f"{ctx.alliance_name}: FIT uptake by month of invitation"
        parts += [
            _chart(present.spc_spec(points, found, title, "Uptake", target), "spc-fit", ctx),
            _rows(
                present.spc_table_rows(points, months, "uptake"),
                [
                    ("month", "Month"),
                    ("invited", "Invited"),
                    ("value", "Uptake"),
                    ("mean", "Mean"),
                    ("lpl", "Lower limit"),
                    ("upl", "Upper limit"),
                    ("point", "SPC"),
                ],
                f"FIT uptake by month of invitation up to {ctx.month_label} (recent months still open)",
            ),
        ]
    return "\n".join(parts)


def page_month(month: str) -> str:
    return dt.date.fromisoformat(f"{month}-01").strftime("%B %Y")


# --- lung health checks -----------------------------------------------------------------------------


def lung_health_checks(ctx: BoardContext) -> str | None:
    """The programme metrics of the alliance (journey counts published, rates with intervals from
    the published counts); the results have no month, so they are the programme to date."""
    from cancer_alliance.lung.published import COMPLEMENTS, public_programme_metrics
    from cancer_alliance.web.presenters.lung import DASHBOARD_RATES, dashboard_rows

    frame = pd.read_parquet(result_path(results_dir(ctx.home), "lung_programme_alliance"))
    frame = frame[frame["alliance"] == ctx.alliance_code].reset_index(drop=True)
    if frame.empty:
        return None
    withheld = COMPLEMENTS.read(results_dir(ctx.home)) if ctx.policy.enabled else None
    row = dashboard_rows(public_programme_metrics(frame, ctx.policy, withheld, "alliance"), {}, "alliance")[0]
    table = pd.DataFrame(
        [
            {"measure": "Attended a lung health check", "value": row["attended"]},
            {"measure": "Low-dose CT scans", "value": row["ldct_scans"]},
            {"measure": "Cancers found", "value": row["cancers"]},
            *(
                {"measure": label, "value": value}
                for (_, label), value in zip(DASHBOARD_RATES, row["rates"], strict=True)
            ),
        ]
    )
    return page.table(
        table,
        [("measure", "Measure", page.text), ("value", "Value (95% interval)", page.text)],
        f"Lung health checks, {ctx.alliance_name}, programme to date",
    )


# --- radiotherapy -----------------------------------------------------------------------------------


def radiotherapy(ctx: BoardContext) -> str | None:
    """The service-specification statuses (met, not met, no data) of the alliance's radiotherapy
    providers and of the network(s) they belong to, and each network's requirements."""
    import json

    from cancer_alliance.radiotherapy.compliance import in_force
    from cancer_alliance.radiotherapy.published import COMPLEMENTS, published_compliance
    from cancer_alliance.radiotherapy.results_files import META, RESULTS
    from cancer_alliance.reference.organisations import provider_alliance, trusts
    from cancer_alliance.reference.radiotherapy_networks import memberships_on, network_names, requirements
    from cancer_alliance.web.presenters import radiotherapy as present

    folder = results_dir(ctx.home)
    if not (folder / META).is_file():
        return None
    as_of = dt.date.fromisoformat(json.loads((folder / META).read_text(encoding="utf-8"))["as_of"])
    table = pd.read_parquet(result_path(folder, RESULTS["compliance"]))
    withheld = COMPLEMENTS.read(folder)
    mine = {t for t, a in provider_alliance("2018/19").items() if a == ctx.alliance_code}
    members = memberships_on(as_of)
    providers = sorted(set(table.loc[table["level"] == "provider", "code"]) & mine)
    nets = sorted({m.network_code for m in members if m.provider_code in providers})
    if not providers and not nets:
        return None
    names = {**{t.ods_code: t.name for t in trusts("2018/19")}, **network_names()}
    chosen = in_force(as_of, requirements())
    summary, details = [], []
    for level, codes in (("network", nets), ("provider", providers)):
        for code in codes:
            rows = table[(table["level"] == level) & (table["code"] == code)].reset_index(drop=True)
            shown = published_compliance(rows, ctx.policy, withheld)
            counts = present.status_counts(shown)
            summary.append(
                {
                    "organisation": f"{names.get(code, code)} ({code})",
                    "level": level.title(),
                    "met": counts["met"],
                    "not_met": counts["not_met"],
                    "no_data": counts["no_data"],
                }
            )
            if level == "network":
                details.append(
                    _rows(
                        [
                            {**vars(r), "status": r.tag["text"]}
                            for r in present.compliance_rows(shown, chosen)
                        ],
                        [
                            ("title", "Requirement"),
                            ("evidence", "Evidence"),
                            ("value", "Value"),
                            ("target", "Target"),
                            ("status", "Status"),
                        ],
                        f"{names.get(code, code)}: service specification requirements on {as_of.isoformat()}",
                    )
                )
    return "\n".join(
        [
            page.table(
                pd.DataFrame(summary),
                [
                    ("organisation", "Provider or network", page.text),
                    ("level", "Level", page.text),
                    ("met", "Requirements met", str),
                    ("not_met", "Not met", str),
                    ("no_data", "No data or withheld", str),
                ],
                f"Radiotherapy service specification, {ctx.alliance_name}'s providers and networks, "
                f"on {as_of.isoformat()}",
            ),
            *details,
        ]
    )


#: (section id, results files needed by catalogue name, renderer), in the pack's order; `board.py` makes
#: the Sections.
DOMAIN_SECTIONS = (
    ("pathways", ("pathway_compliance", "pathway_steps", "pathway_trend"), pathways),
    ("followup", (), followup),
    ("screening", ("fit_month",), screening),
    ("lung_health_checks", ("lung_programme_alliance",), lung_health_checks),
    ("radiotherapy", ("radiotherapy_compliance", catalogue.entry("radiotherapy.json").name), radiotherapy),
)
