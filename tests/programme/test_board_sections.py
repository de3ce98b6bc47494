"""The board pack's domain pages (issue 15 item 3): timed pathways, breast follow-up, bowel screening
(FIT), lung health checks and radiotherapy, rendered from the web test home (the domains' own test
results, `tests/web/conftest.py build_home`). Each page's figures are checked against the domain's
results read here independently and published with the default policy; small counts are withheld; a
missing results file (or no follow-up records) gives "No data for this priority yet"."""

from __future__ import annotations

import datetime as dt
import html
import re

import pandas as pd
import pytest
from tests.followup.conftest import candidate

from cancer_alliance.cwt.published import SPC_WITHHELD
from cancer_alliance.early_diagnosis.published import SPC_WITHHELD as EARLY_SPC_WITHHELD
from cancer_alliance.followup import actions
from cancer_alliance.followup.protocol import load_protocol, stratify
from cancer_alliance.pathways import published as pathway_published
from cancer_alliance.programme.board import NO_DATA, BoardContext, board_pack, render_section, sections
from cancer_alliance.programme.metrics import metric_source
from cancer_alliance.radiotherapy.published import COMPLEMENTS, published_compliance
from cancer_alliance.reference.organisations import provider_alliance
from cancer_alliance.stats.disclosure import DisclosurePolicy, publish
from cancer_alliance.store import Auditor, open_store
from cancer_alliance.web.presenters.ptl import milestone_name

from .conftest import EAST

MONTH = "2019-03"
LANCS = "E56000018"


@pytest.fixture
def store(web_home):
    opened = open_store(f"sqlite:///{web_home / 'alliance.sqlite3'}")
    yield opened
    opened.close()


def pack(home, store, alliance=EAST, month=MONTH):
    with store.begin() as session:
        return board_pack(alliance, month, home=home, session=session, with_scripts=False)


def section(pack_html: str, section_id: str) -> str:
    found = re.search(
        rf'<section class="priority" id="section-{section_id}">(.*?)</section>', pack_html, re.S
    )
    assert found, section_id
    return found.group(1)


def rows(fragment: str) -> list[list[str]]:
    """The body rows of every table in `fragment`, as cell texts."""
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", fragment, re.S)
        if "<td>" in row
    ]


def shown(value) -> str:
    return "" if value is None or pd.isna(value) else f"{value:,.0f}"


# --- timed pathways ---------------------------------------------------------------------------------


def test_pathways_shows_the_alliance_compliance_by_milestone_published(web_home, store):
    body = section(pack(web_home, store).html, "pathways")
    table = pd.read_parquet(web_home / "results" / "pathway_compliance.parquet")
    mine = table[(table["level"] == "alliance") & (table["code"] == EAST)].reset_index(drop=True)
    # primary control, and the complements the refresh chose against differencing (0057)
    withheld = pathway_published.COMPLEMENTS.read(web_home / "results")
    published = pathway_published.published_compliance(mine, DisclosurePolicy(), withheld)
    found = {(r[0].lower(), r[1]): r for r in rows(body) if len(r) == 7 and r[2].startswith("day")}
    assert len(found) == len(mine)
    for raw, public in zip(mine.to_dict("records"), published.to_dict("records"), strict=True):
        row = found[(raw["tumour"], milestone_name(raw["milestone"]))]
        if public["met_suppressed"]:
            assert row[3] == "[c]" and row[5] == ""
        elif public["decided_suppressed"]:
            assert row[3:6] == [shown(public["met"]), "[c]", ""]
        else:
            assert row[3:5] == [shown(public["met"]), shown(public["decided"])]
            assert row[5] == f"{100 * public['met'] / public['decided']:.1f}%"
    # the bottleneck step and the trend are there; no SPC over published counts, and the pack says why
    assert "The step losing most days against its target" in body
    assert "Lung: diagnosis communicated within target, by month" in body
    assert 'id="spc-pathways-spec"' not in body and SPC_WITHHELD in html.unescape(body)


def test_pathways_withholds_small_counts(web_home, store):
    body = section(pack(web_home, store, LANCS).html, "pathways")
    table = pd.read_parquet(web_home / "results" / "pathway_compliance.parquet")
    mine = table[(table["level"] == "alliance") & (table["code"] == LANCS)]
    small = mine[mine["met"].between(1, 7)]
    assert not small.empty  # the test home has small counts for this alliance
    assert sum(r[3] == "[c]" for r in rows(body) if len(r) == 7 and r[2].startswith("day")) == len(small)


# --- breast follow-up -------------------------------------------------------------------------------


def add_patients(store, trust: str, alliance: str, self_managing: int, others: int) -> None:
    protocol = load_protocol()
    with store.begin() as session:
        job = Auditor(session, job_id="test")
        for n in range(self_managing + others):
            row = candidate(trust_code=trust, alliance_code=alliance, in_clinical_trial=n >= self_managing)
            actions.register(session, job, row, stratify(protocol, row), dt.date(2018, 9, 1))


def test_followup_shows_the_alliance_trusts_against_the_70_percent_expectation(web_home, store):
    east_trusts = sorted(t for t, a in provider_alliance("2018/19").items() if a == EAST)
    add_patients(store, east_trusts[0], EAST, 23, 9)  # 32 on the pathway, 23 self-managing
    add_patients(store, east_trusts[1], EAST, 3, 2)  # and 5 more in another of its trusts
    add_patients(store, "RXN", LANCS, 30, 0)  # another alliance's trust: not counted
    body = section(pack(web_home, store).html, "followup")
    found = {r[0]: r for r in rows(body)}
    on_pathway = publish(pd.DataFrame({"n": [37.0]}), ["n"])["n"].iloc[0]
    managing = publish(pd.DataFrame({"n": [26.0]}), ["n"])["n"].iloc[0]
    assert found["On stratified follow-up"][1] == shown(on_pathway)
    row = found["Supported self-management"]
    assert row[1:4] == [shown(managing), shown(on_pathway), f"{100 * managing / on_pathway:.1f}%"]
    assert "expectation about 70%" in row[4]
    assert "Surveillance tests overdue (due in the last 12 months)" in found


def test_followup_withholds_small_counts(web_home, store):
    east_trusts = sorted(t for t, a in provider_alliance("2018/19").items() if a == EAST)
    add_patients(store, east_trusts[0], EAST, 4, 16)  # 4 self-managing: withheld
    body = section(pack(web_home, store).html, "followup")
    found = {r[0]: r for r in rows(body)}
    assert found["Supported self-management"][1] == "[c]"
    assert found["Supported self-management"][3] == ""
    assert found["On stratified follow-up"][1] == "20"


def test_followup_page_shows_the_alliance_total_of_the_metrics_page(web_home, store, signed_in):
    """Issue 22: the pack and `/followup/metrics` read the same published figures
    (`followup.published`), so the pack's counts, rates and interval are the page's alliance total."""
    east_trusts = sorted(t for t, a in provider_alliance("2018/19").items() if a == EAST)
    add_patients(store, east_trusts[0], EAST, 19, 4)
    add_patients(store, east_trusts[1], EAST, 6, 7)
    body = section(pack(web_home, store).html, "followup")
    found = {r[0]: r for r in rows(body)}
    api = signed_in("east").get("/api/followup/metrics", params={"as_of": "2019-03-31"}).json()["rows"]
    [total] = [r for r in api if r["trust_code"] is None]
    row = found["Supported self-management"]
    assert row[1:4] == [
        shown(total["self_managing"]),
        shown(total["on_pathway"]),
        f"{total['self_managing_pct']:.1f}%",
    ]
    assert f"95% interval {total['self_managing_low']:.1f}% to {total['self_managing_high']:.1f}%" in row[4]


# --- bowel screening (FIT) --------------------------------------------------------------------------


def test_screening_shows_the_latest_closed_month_as_the_public_api_does(web_home, store, client):
    """The public pack's headline is August 2018 (the latest month of invitation whose uptake window
    closed by the end of the pack's month): the row of the public month table, with its complements
    withheld (docs/decisions/0054), not a sum over a year that could be differenced against the
    published months."""
    body = section(pack(web_home, store).html, "screening")
    api = client.get(f"/api/bowel-screening/alliances/{EAST}/months").json()["rows"]
    [month] = [r for r in api if r["invitation_month"] == "2018-08"]
    assert "People invited from August 2018 (" in html.unescape(body)
    found = {r[0]: r for r in rows(body) if len(r) == 3}
    assert found["Invited"][1] == shown(month["invited"])
    assert found["Screened (result within 183 days)"][1] == shown(month["screened"])
    assert found["Uptake (screened of invited)"][1] == f"{100 * month['uptake']:.1f}%"
    assert " to " in found["Uptake (screened of invited)"][2]  # the Wilson interval
    assert "Uptake, acceptable standard" in body and "against 52%" in body
    assert 'id="spc-fit-spec"' not in body and SPC_WITHHELD in html.unescape(body)


def test_screening_withholds_small_counts(web_home, store):
    body = section(pack(web_home, store).html, "screening")
    months = pd.read_parquet(web_home / "results" / "fit_month.parquet")
    [mine] = months[(months["alliance_code"] == EAST) & (months["invitation_month"] == "2018-08")].to_dict(
        "records"
    )
    assert 1 <= mine["high_risk_adenomas"] <= 7  # the test home has few in a month
    found = {r[0]: r for r in rows(body) if len(r) == 3}
    assert found["High-risk adenomas"][1] == "[c]"  # withheld, as everywhere (issue 22: it was blank)
    assert found["PPV for high-risk adenoma"][1:] == ["[c]", ""]


# --- lung health checks -----------------------------------------------------------------------------


def test_lung_health_checks_show_the_programme_metrics(web_home, store):
    body = section(pack(web_home, store).html, "lung_health_checks")
    table = pd.read_parquet(web_home / "results" / "lung_programme_alliance.parquet")
    mine = table[table["alliance"] == EAST].iloc[0]
    found = {r[0]: r[1] for r in rows(body)}
    assert found["Attended a lung health check"] == shown(
        publish(pd.DataFrame({"n": [mine["attended"]]}), ["n"])["n"].iloc[0]
    )
    assert found["Uptake (attended of invited)"].startswith(
        f"{100 * mine['attended'] / mine['invited']:.1f}%"
    )


def test_lung_health_checks_withhold_small_counts(web_home, store):
    body = section(pack(web_home, store, LANCS).html, "lung_health_checks")
    table = pd.read_parquet(web_home / "results" / "lung_programme_alliance.parquet")
    assert 1 <= table.loc[table["alliance"] == LANCS, "cancers"].iloc[0] <= 7
    found = {r[0]: r[1] for r in rows(body)}
    assert found["Cancers found"] == "[c]"
    assert found["Cancers per scan"] == "[c]"


# --- radiotherapy -----------------------------------------------------------------------------------


def test_radiotherapy_shows_the_statuses_of_the_alliance_providers_and_networks(web_home, store):
    body = section(pack(web_home, store).html, "radiotherapy")
    table = pd.read_parquet(web_home / "results" / "radiotherapy_compliance.parquet")
    east = {t for t, a in provider_alliance("2018/19").items() if a == EAST}
    providers = table[(table["level"] == "provider") & table["code"].isin(east)]
    found = {r[0]: r for r in rows(body) if len(r) == 5}
    for code, mine in providers.groupby("code"):
        [row] = [r for name, r in found.items() if name.endswith(f"({code})")]
        assert row[1] == "Provider"
        shown = published_compliance(mine, DisclosurePolicy(), COMPLEMENTS.read(web_home / "results"))
        statuses = shown["status"].value_counts()
        no_data = statuses.get("no_data", 0) + statuses.get("withheld", 0)
        assert row[2:] == [str(statuses.get("met", 0)), str(statuses.get("not_met", 0)), str(no_data)]
    assert any(r[1] == "Network" for r in found.values())
    assert not any(name.endswith("(RXN)") for name in found)  # another alliance's provider


def test_radiotherapy_withholds_small_patient_counts(web_home, store):
    body = section(pack(web_home, store).html, "radiotherapy")
    table = pd.read_parquet(web_home / "results" / "radiotherapy_compliance.parquet")
    imrt = table[(table["level"] == "network") & table["requirement_id"].str.startswith("imrt_share")]
    shown_rows = [r for r in rows(body) if r[0] == "Radical courses delivered by IMRT"]
    assert shown_rows
    for row in shown_rows:
        numbers = re.findall(r"[\d,]+", row[1])
        assert all(int(n.replace(",", "")) % 5 == 0 for n in numbers) or row[1].startswith("[c]")
    assert not imrt.empty


# --- no data ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section_id", "missing"),
    [
        ("pathways", "pathway_compliance.parquet"),
        ("screening", "fit_month.parquet"),
        ("lung_health_checks", "lung_programme_alliance.parquet"),
        ("radiotherapy", "radiotherapy_compliance.parquet"),
        ("followup", None),  # no follow-up records in the store
    ],
)
def test_a_missing_results_file_says_no_data_yet(web_home, store, section_id, missing):
    if missing:
        (web_home / "results" / missing).unlink()
    built = pack(web_home, store)
    assert NO_DATA in section(built.html, section_id)
    assert section_id in built.empty


# --- metric sources ---------------------------------------------------------------------------------


def test_the_new_metric_sources_read_the_domains_monthly_series(web_home):
    trend = pd.read_parquet(web_home / "results" / "pathway_trend.parquet")
    mine = trend[
        (trend["level"] == "alliance")
        & (trend["code"] == EAST)
        & (trend["tumour"] == "lung")
        & (trend["milestone"] == "diagnosis_communicated")
    ].sort_values("month")
    series = metric_source("pathways:lung:diagnosis_communicated").series(web_home, EAST)
    assert list(series["month"]) == list(mine["month"])
    assert list(series["numerator"]) == list(mine["met"])
    months = pd.read_parquet(web_home / "results" / "fit_month.parquet")
    mine = months[months["alliance_code"] == EAST].sort_values("invitation_month")
    uptake = metric_source("fit:uptake").series(web_home, EAST)
    assert list(uptake["value"]) == pytest.approx(list(mine["screened"] / mine["invited"]))
    assert metric_source("fit:positivity").priority == "screening"
    (web_home / "results" / "fit_month.parquet").unlink()
    assert metric_source("fit:uptake").series(web_home, EAST).empty


def test_a_pathway_metric_leaves_out_the_public_trend_months_withheld_as_complements(web_home, tmp_path):
    """A deliverable's public value of a month is met / decided of the alliance's trend row: withheld
    where the refresh withholds either as a complement (docs/decisions/0057)."""
    (tmp_path / "results").mkdir()
    trend = pd.read_parquet(web_home / "results" / "pathway_trend.parquet")
    trend.to_parquet(tmp_path / "results" / "pathway_trend.parquet", index=False)
    source = metric_source("pathways:lung:diagnosis_communicated")
    months = sorted(source.series(tmp_path, EAST)["month"])
    complement = ("alliance", EAST, "lung", "diagnosis_communicated", months[0], "decided")
    chosen = pd.DataFrame([complement], columns=list(pathway_published.WITHHELD_COLUMNS))
    chosen.to_parquet(tmp_path / "results" / "pathways_withheld.parquet", index=False)
    policy = DisclosurePolicy(suppress_up_to=0, round_to=1)  # only the complement withheld
    assert set(source.actuals(tmp_path, EAST, policy)) == set(months[1:])
    assert set(source.actuals(tmp_path, EAST)) == set(months)


def test_chart_titles_are_text_not_a_python_dict(web_home, store):
    """Issue 22: a presenter's Vega-Lite title object rendered as "{'text': ..., 'subtitle': ''}". The
    published pack draws no SPC chart (docs/decisions/0042), so the sections are drawn here over exact
    counts, where every chart is."""
    with store.begin() as session:
        ctx = BoardContext(
            web_home, EAST, "East of England", MONTH, session, True, DisclosurePolicy(enabled=False)
        )
        built = "\n".join(filter(None, (render_section(s, ctx) for s in sections())))
    labels = re.findall(r'class="chart" id="[^"]+" role="img" aria-label="([^"]*)"', built)
    assert len(labels) >= 3 and all(label and "{" not in label for label in labels)
    assert "{&#x27;" not in built and "{'" not in built


# --- the waiting-times page agrees with the scorecards (issue 22) ------------------------------------


def test_the_waiting_times_page_agrees_with_the_public_and_signed_in_scorecards(
    web_home, store, client, signed_in
):
    """Every standard of the pack's month shows the counts and rate of the public scorecard, which are
    the signed-in (exact) counts rounded to 5 (withheld months: tests/stats/test_published_rules.py);
    no SPC, and the page says why."""
    from cancer_alliance.reference import standards

    body = section(pack(web_home, store).html, "waiting_times")
    titles = {s.standard_id: s.title for s in standards()}
    public = {r["standard_id"]: r for r in client.get(f"/api/alliances/{EAST}/scorecard").json()["rows"]}
    exact = {
        r["standard_id"]: r for r in signed_in("east").get(f"/api/alliances/{EAST}/scorecard").json()["rows"]
    }
    shown = {row[0]: row for row in rows(body) if len(row) == 6}
    assert set(shown) == {titles[s] for s in exact}
    for standard, row in exact.items():
        pack_row, seen = shown[titles[standard]], public[standard]
        published = publish(pd.DataFrame([row]), ["within", "total"]).iloc[0]
        assert pack_row[1:3] == [f"{published['within']:,.0f}", f"{published['total']:,.0f}"]
        assert (seen["within"], seen["total"]) == (published["within"], published["total"])
        assert pack_row[3] == f"{100 * seen['performance']:.1f}%"
        assert seen["performance"] == pytest.approx(published["within"] / published["total"])
    assert SPC_WITHHELD in html.unescape(body) and "spc-62d" not in body


# --- early diagnosis: no SPC over rounded NDRS counts (issue 22, docs/decisions/0042) -------------------


def test_early_diagnosis_page_shows_the_public_ndrs_figures_and_no_spc(web_home, store, client):
    """The pack's stage 1-2 table holds the published NDRS counts and proportions of the public alliance
    page (`/api/alliances/{code}/early-diagnosis`); the SPC that was drawn over the rounded counts is
    gone, and the page says why."""
    body = section(pack(web_home, store).html, "early_diagnosis")
    assert 'id="spc-early"' not in body and EARLY_SPC_WITHHELD in html.unescape(body)
    public = {int(r["year"]): r for r in client.get(f"/api/alliances/{EAST}/early-diagnosis").json()["rows"]}
    table = [row for row in rows(body) if len(row) == 6]
    assert table
    for year, staged, early, share, *_ in table:
        seen = public[int(year)]
        assert (staged, early) == (shown(seen["stage_staged"]), shown(seen["stage_early"]))
        assert share == f"{100 * seen['early_stage_proportion']:.1f}%"
