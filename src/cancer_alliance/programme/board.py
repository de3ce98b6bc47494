"""The monthly board pack (issue 15 item 3): one self-contained HTML page for an alliance and a month,
a cover then one printed page per priority, built from a registry of sections.

Sections: the waiting-times scorecard with SPC, early diagnosis, timed pathways (compliance by
milestone, the bottleneck step, a trend with SPC), breast stratified follow-up (self-managing share
against the ~70% expectation, overdue tests, re-access, from the store), bowel screening (FIT uptake,
positivity, conversion and PPV with intervals, the uptake standard, uptake by month with SPC), lung
health checks (the programme metrics), radiotherapy (the statuses of the alliance's providers and
networks), and the funding-agreement deliverables with their RAG. The five domain pages are in
`board_sections.py` (`DOMAIN_SECTIONS`, reusing the domains' web presenters, imported only when a
page is rendered); another section is one `register_section()` call. A page whose results are not
in ALLIANCE_HOME, or hold nothing for the alliance, says plainly "No data for this priority yet".

Every figure is read from its domain's `published.py` under the pack's policy (counts controlled,
rates, intervals and RAG from the published counts, SPC only over exact counts), so the pack says
what the public pages say and can be shared (docs/decisions/0035, 0042). Vega is inlined when
installed, so the charts draw offline and when Chromium prints the PDF (`programme.files.print_pdf`);
every chart has a table beside it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from cancer_alliance.config import results_dir
from cancer_alliance.cwt.published import COMPLEMENTS, as_seen, monthly, trend_spc, withhold_complements
from cancer_alliance.errors import InputError
from cancer_alliance.programme.board_sections import DOMAIN_SECTIONS
from cancer_alliance.programme.deliverables import MONTH, list_deliverables, rag_of
from cancer_alliance.programme.metrics import metric_source
from cancer_alliance.programme.rag import tally
from cancer_alliance.reference.organisations import alliances
from cancer_alliance.reference.standards import standards
from cancer_alliance.reports import html as page
from cancer_alliance.results.catalogue import path as result_path
from cancer_alliance.stats.charts import spc_chart, spc_icons
from cancer_alliance.stats.disclosure import DisclosurePolicy

NO_DATA = "No data for this priority yet."
#: The standard the waiting-times page charts (the 2018/19 headline standard).
HEADLINE_STANDARD = "62d_usc"
#: Months of history the scorecard's SPC uses (up to the pack's month).
SPC_MONTHS = 24

STYLE = """
body{font-family:Arial,sans-serif;color:#212b32;margin:0 auto;max-width:960px;padding:16px;line-height:1.4}
h1,h2{line-height:1.2} .chart{width:100%;margin:12px 0}
table.data{border-collapse:collapse;margin:12px 0;width:100%;font-size:0.9em}
caption{text-align:left;font-weight:bold}
th,td{border-bottom:1px solid #d8dde0;padding:3px 6px;text-align:left;vertical-align:top}
.note{background:#f0f4f5;padding:8px 16px} .spc-icons img{margin-right:8px;vertical-align:middle}
.rag{font-weight:bold;padding:0 4px} .rag-red{color:#fff;background:#d5281b} .rag-amber{background:#ffb81c}
.rag-green{color:#fff;background:#007f3b} .rag-none{background:#d8dde0}
section.priority{break-before:page;page-break-before:always}
@page{size:A4;margin:15mm}
@media print{body{max-width:none;padding:0} .chart{width:100%}}
"""


@dataclass(frozen=True)
class BoardContext:
    """What every section gets: where the results are, which alliance and month, the store session
    (deliverables), whether charts can be drawn, and the disclosure policy."""

    home: Path
    alliance_code: str
    alliance_name: str
    month: str
    session: Session | None
    with_scripts: bool
    policy: DisclosurePolicy = field(default_factory=DisclosurePolicy)

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    @property
    def financial_year(self) -> str:
        return financial_year(self.month)


Renderer = Callable[[BoardContext], str | None]


@dataclass(frozen=True)
class Section:
    """One page of the pack: its priority, title, the results files it reads (catalogue names)
    and how to render it. No renderer, a missing file or a renderer returning None: "no data yet"."""

    section_id: str
    priority: str
    title: str
    results: tuple[str, ...] = ()
    render: Renderer | None = None


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> Section:
    """Add or fill a section: a domain replaces its slot with one call once its results exist."""
    _SECTIONS[section.section_id] = section
    return section


def sections() -> list[Section]:
    return list(_SECTIONS.values())


def month_label(month: str) -> str:
    return date.fromisoformat(f"{month}-01").strftime("%B %Y")


def financial_year(month: str) -> str:
    """The NHS financial year (April to March) holding `month`: 2019-03 -> 2018/19."""
    year, number = int(month[:4]), int(month[5:7])
    start = year if number >= 4 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def alliance_name(code: str) -> str:
    for alliance in alliances("2018/19"):
        if alliance.code == code:
            return alliance.name
    raise InputError(
        f"--alliance: {code!r} is not a 2018/19 Cancer Alliance ONS code (see `alliance reference alliances`)"
    )


def check_month(month: str) -> str:
    if not MONTH.match(month or ""):
        raise InputError(f"--month: {month!r} is not a month (YYYY-MM), e.g. 2019-03")
    return month


def check_results_month(home: Path, month: str) -> None:
    """Refuse a month the results do not cover: a pack of "no data" pages (or of the years before it,
    for early diagnosis) would read as a real report. The reporting months of the waiting-times results
    are the pack's calendar."""
    path = result_path(results_dir(home), "performance_month_alliance")
    if not path.is_file():
        raise InputError(
            f"--month: no results in {path.parent}; compute them first (`alliance results refresh`)"
        )
    months = sorted(pd.read_parquet(path, columns=["reporting_month"])["reporting_month"].dropna().unique())
    if month not in months:
        cover = f"they cover {months[0]} to {months[-1]}" if months else "they hold no month"
        raise InputError(f"--month: the results have no data for {month}; {cover}")


# --- waiting times ---------------------------------------------------------------------------------


def _waiting_times(ctx: BoardContext) -> str | None:
    """The scorecard of the pack's month and the 62-day series, as published (`cwt.published`): the
    same counts and rates as the public scorecard, and SPC only over exact counts."""
    table = pd.read_parquet(result_path(results_dir(ctx.home), "performance_month_alliance"))
    table = table[(table["alliance"] == ctx.alliance_code) & (table["reporting_month"] <= ctx.month)]
    if table.empty:
        return None
    policy = ctx.policy if ctx.policy.enabled else None
    months = sorted(table["reporting_month"].unique())[-SPC_MONTHS:]
    table = table[table["reporting_month"].isin(months)].reset_index(drop=True)
    headline = trend_spc(
        monthly(table, HEADLINE_STANDARD), HEADLINE_STANDARD, "alliance", ctx.alliance_code, policy
    )
    titles = {s.standard_id: s.title for s in standards()}
    now = as_seen(table[table["reporting_month"] == ctx.month].reset_index(drop=True), policy)
    if policy is not None:  # the public tables' complements (docs/decisions/0051)
        withheld = COMPLEMENTS.read(results_dir(ctx.home))
        now = withhold_complements(now, withheld, "alliance", ctx.alliance_code)
    now = now.assign(
        title=now["standard_id"].map(titles),
        met=[
            "" if pd.isna(p) or pd.isna(t) else ("Met" if p >= t else "Not met")
            for p, t in zip(now["performance"], now["threshold"], strict=True)
        ],
    ).sort_values("standard_id")
    parts = [
        page.table(
            now,
            [
                ("title", "Standard", page.text),
                ("within", "Within", page.count),
                ("total", "Total", page.count),
                ("performance", "Performance", page.percent),
                ("threshold", "Standard", page.percent),
                ("met", "Met?", page.text),
            ],
            f"Waiting-times scorecard, {ctx.alliance_name}, {ctx.month_label}",
        )
        if not now.empty
        else f"<p>No waiting-times results for {html.escape(ctx.month_label)}.</p>"
    ]
    if headline.withheld_reason is not None:
        return "\n".join(
            [*parts, f'<p class="note" id="spc-withheld">{html.escape(headline.withheld_reason)}</p>']
        )
    if not headline.points.empty:
        head_summary = {
            "variation_icon": headline.variation_icon,
            "assurance_type": headline.assurance_type,
            "variation_type": headline.variation_type,
        }
        figure = spc_chart(
            headline.points,
            head_summary,
            title=f"{ctx.alliance_name}: 62-day performance (GP urgent referral), by month",
            y_title="Within 62 days",
            target=headline.threshold,
            percent=True,
        )
        parts += [page.icons(spc_icons(head_summary)), page.chart(figure, "spc-62d", ctx.with_scripts)]
    return "\n".join(parts)


# --- early diagnosis --------------------------------------------------------------------------------


def _early_diagnosis(ctx: BoardContext) -> str | None:
    """Stage 1-2 by year for the alliance from the NDRS counts, as published (`early_diagnosis.published`):
    the counts under the pack's policy, proportions and intervals from them, and SPC only over exact
    counts (the reason shown instead, docs/decisions/0042)."""
    from cancer_alliance.early_diagnosis import published
    from cancer_alliance.early_diagnosis.definitions import ambitions
    from cancer_alliance.early_diagnosis.ndrs import ndrs_counts_for_2018_19_alliances

    counts = ndrs_counts_for_2018_19_alliances(["year"])
    counts = counts[(counts["alliance"] == ctx.alliance_code) & (counts["year"] <= int(ctx.month[:4]))]
    if counts.empty:
        return None
    counts = counts.reset_index(drop=True)
    yearly = published.as_seen(counts, ctx.policy).sort_values("year")
    target = next(a.target_proportion for a in ambitions() if a.ambition_id == "early_stage_75_2028")
    points, spc_summary, withheld = published.yearly_spc(
        published.as_seen(counts, None).sort_values("year"), target, ctx.policy
    )
    if withheld is not None:
        spc_parts = [f'<p class="note" id="early-spc-withheld">{html.escape(withheld)}</p>']
    else:
        figure = spc_chart(
            points,
            spc_summary,
            title=f"{ctx.alliance_name}: cancers diagnosed at stage 1-2 (NDRS), by year",
            y_title="Stage 1-2 of staged",
            target=target,
            percent=True,
            x_format="%Y",
        )
        spc_parts = [page.icons(spc_icons(spc_summary)), page.chart(figure, "spc-early", ctx.with_scripts)]
    name = yearly["ndrs_name"].iloc[-1]
    return "\n".join(
        [
            f"<p>Real NDRS stage-at-diagnosis counts for the NDRS geography standing for this alliance "
            f"({html.escape(str(name))}); calendar years up to {ctx.month[:4]}.</p>",
            *spc_parts,
            page.table(
                yearly.tail(6),
                [
                    ("year", "Year", page.text),
                    ("stage_staged", "Valid stage", page.count),
                    ("stage_early", "Stage 1-2", page.count),
                    ("early_stage_proportion", "Stage 1-2 %", page.percent),
                    ("early_stage_lower_95", "95% CI lower", page.percent),
                    ("early_stage_upper_95", "95% CI upper", page.percent),
                ],
                f"Cancers diagnosed at stage 1-2, {ctx.alliance_name} (latest six years)",
            ),
        ]
    )


# --- funding-agreement deliverables -----------------------------------------------------------------


def _deliverables(ctx: BoardContext) -> str | None:
    if ctx.session is None:
        return None
    found = list_deliverables(ctx.session, ctx.alliance_code, ctx.financial_year)
    if not found:
        return None
    rows, assessments, cache = [], [], {}
    for deliverable in found:
        result = rag_of(deliverable, ctx.home, ctx.month, cache=cache, policy=ctx.policy)
        assessments.append(result)
        measured = (
            f"{metric_source(deliverable.metric_key).label}: {_value(result.actual)} against "
            f"{_value(result.target)} in {result.month}"
            if deliverable.metric_key and result.month
            else (metric_source(deliverable.metric_key).label if deliverable.metric_key else "Set by hand")
        )
        rows.append(
            {
                "title": deliverable.title,
                "owner": deliverable.owner,
                "due": deliverable.due_date.isoformat(),
                "funding": "" if deliverable.funding is None else f"£{deliverable.funding:,.0f}",
                "measured": measured,
                "rag": (result.rag.value.title() if result.rag else "Not known yet"),
                "reason": result.reason,
            }
        )
    counts = tally(assessments)
    summary_text = (
        ", ".join(f"{counts[k]} {k}" for k in ("red", "amber", "green")) + f", {counts['none']} not known yet"
    )
    return "\n".join(
        [
            f"<p>Funding agreement {html.escape(ctx.financial_year)}: {len(found)} deliverables "
            f"({summary_text}).</p>",
            page.table(
                pd.DataFrame(rows),
                [
                    ("title", "Deliverable", page.text),
                    ("owner", "Owner", page.text),
                    ("due", "Due", page.text),
                    ("funding", "Funding", page.text),
                    ("measured", "Measured by", page.text),
                    ("rag", "RAG", page.text),
                    ("reason", "Why", page.text),
                ],
                f"Funding-agreement deliverables and their RAG, {ctx.month_label}",
            ),
        ]
    )


def _value(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


for _section in (
    Section(
        "waiting_times",
        "waiting_times",
        "Waiting times: scorecard with SPC",
        ("performance_month_alliance",),
        _waiting_times,
    ),
    Section("early_diagnosis", "early_diagnosis", "Early diagnosis", (), _early_diagnosis),
    Section("pathways", "pathways", "Rapid diagnostic pathways"),
    Section("followup", "followup", "Breast stratified follow-up"),
    Section("screening", "screening", "Bowel screening (FIT)"),
    Section("lung_health_checks", "lung_health_checks", "Lung health checks"),
    Section("radiotherapy", "radiotherapy", "Radiotherapy service specification"),
    Section("deliverables", "best_practice", "Funding-agreement deliverables", (), _deliverables),
):
    register_section(_section)
# The five domains' pages (board_sections.py): each fills its slot, keeping the slot's title and place.
for _section_id, _results, _render in DOMAIN_SECTIONS:
    _slot = _SECTIONS[_section_id]
    register_section(Section(_slot.section_id, _slot.priority, _slot.title, _results, _render))


# --- the document -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardPack:
    alliance_code: str
    alliance_name: str
    month: str
    html: str
    filled: tuple[str, ...]  # section ids with data
    empty: tuple[str, ...]  # section ids saying "no data yet"


def render_section(section: Section, ctx: BoardContext) -> str | None:
    if section.render is None:
        return None
    if any(not result_path(results_dir(ctx.home), name).is_file() for name in section.results):
        return None
    return section.render(ctx)


def board_pack(
    alliance_code: str, month: str, *, home: Path, session: Session | None, with_scripts: bool | None = None
) -> BoardPack:
    """The pack as one HTML document (see the module docstring)."""
    check_month(month)
    name = alliance_name(alliance_code)
    check_results_month(home, month)
    scripts = page.vega_scripts() if with_scripts is not False else None
    ctx = BoardContext(home, alliance_code, name, month, session, scripts is not None)
    filled, empty, pages = [], [], []
    for section in sections():
        body = render_section(section, ctx)
        (filled if body is not None else empty).append(section.section_id)
        content = body if body is not None else f'<p class="note no-data">{NO_DATA}</p>'
        pages.append(
            f'<section class="priority" id="section-{section.section_id}">'
            f"<h2>{html.escape(section.title)}</h2>{content}</section>"
        )
    contents = "".join(
        f'<li><a href="#section-{s.section_id}">{html.escape(s.title)}</a>'
        f"{'' if s.section_id in filled else ' (no data yet)'}</li>"
        for s in sections()
    )
    title = f"Board pack: {name}, {ctx.month_label}"
    cover = (
        f"<h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(name)} Cancer Alliance ({alliance_code}), "
        f"reporting month {html.escape(ctx.month_label)} "
        f"({month}), funding agreement {ctx.financial_year}.</p>"
        '<p class="note">Counts are rounded to the nearest 5 and counts of 1 to 7 are withheld ([c]); every '
        "percentage is computed from the published counts. Waiting times are computed by the platform from "
        "generated (synthetic) records in the demo; early diagnosis uses the real NDRS counts.</p>"
        + (
            ""
            if ctx.with_scripts
            else '<p class="note">Charts are not drawn: Vega is not installed; '
            "the tables carry the figures.</p>"
        )
        + f"<h2>Contents</h2><ol>{contents}</ol>"
        f"<p>Made on {date.today().isoformat()} by the Cancer Alliance platform.</p>"
    )
    document = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>{scripts or ''}</head>"
        f"<body><main>{cover}{''.join(pages)}</main></body></html>"
    )
    return BoardPack(alliance_code, name, month, document, tuple(filled), tuple(empty))
