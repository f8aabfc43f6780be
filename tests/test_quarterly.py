"""Quarterly KPIs against hand-computed figures on a small export."""

from __future__ import annotations

import pytest

from analysis import stats
from analysis.jobs import quarterly_parameters
from analysis.loading import load_dataset
from analysis.quarterly import cohort_kpis, quarter_period, quarterly

from .conftest import SAMPLE_HEADERS, sample_row, write_csv


@pytest.fixture
def small(tmp_path):
    rows = []
    # Q3 2026: channel A six leads (2 qualified, 1 deal worth 2 000 000), B two leads (1 qualified), two without a channel
    plan = [(1, "A", "Квалифицирован"), (2, "A", "Продажа"), (3, "A", "Отказ"), (4, "A", "В работе"), (5, "A", "Новый"),
            (6, "A", "Отказ"), (7, "B", "Квалифицирован"), (8, "B", "Отказ"), (9, "", "В работе"), (10, "", "Отказ")]
    for lead_id, channel, status in plan:
        rows.append(sample_row(lead_id, created=f"{lead_id + 1:02d}.07.2026 10:00", channel=channel, status=status,
                               reason="Нет денег" if status == "Отказ" else "", phone=f"+7 900 000 00 {lead_id:02d}",
                               amount="2 000 000,00" if status == "Продажа" else ""))
    rows.append(list(rows[0]))                                                       # exact duplicate: removed
    rows.append(sample_row(11, created="15.07.2026 12:00", channel="B", status="Отказ", reason="Дубль",
                           phone="8 900 000-00-01"))                                 # lead 1's person again: a repeat
    # Q2 from its first days (a quarter the data only partly covers is not compared)
    for lead_id in (20, 21, 22, 23):
        rows.append(sample_row(lead_id, created="02.04.2026 10:00", channel="A",
                               status="Квалифицирован" if lead_id == 20 else "Отказ", reason="" if lead_id == 20 else "Спам",
                               phone=f"+7 911 000 00 {lead_id:02d}"))
    rows.append(sample_row(30, created="05.10.2026 10:00", channel="A", status="Квалифицирован",
                           phone="+7 922 000 00 30"))                                # Q4: outside the quarter
    leads = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    spend = write_csv(tmp_path / "spend.csv", ["Дата", "Источник", "Кампания", "Расход"],
                      [["01.07.2026", "A", "c", "1000,00"], ["15.09.2026", "A", "c", "2000,00"],
                       ["01.04.2026", "A", "c", "500,00"], ["02.10.2026", "A", "c", "999,00"]])
    return load_dataset(leads, spend, as_of="2026-12-31")


def test_kpis_by_hand(small):
    kpis = cohort_kpis(small, quarter_period("2026Q3"))
    assert small.lineage.count("duplicate_rows") == 1
    assert kpis.leads == 10 and kpis.repeats == 1           # the repeat is not a new lead; Q2 and Q4 leads excluded
    assert kpis.qualified == 3 and kpis.qualified_rate == pytest.approx(0.3)   # 1, 2 (deal implies qualified), 7
    assert kpis.deals == 1 and kpis.revenue == pytest.approx(2_000_000)
    assert kpis.spend == pytest.approx(3000)                 # Q3 days only
    assert kpis.spend_leads == 6 and kpis.cpl == pytest.approx(500)   # paid channel A: 6 leads
    assert kpis.cpql == pytest.approx(3000 / 2) and kpis.cac == pytest.approx(3000)
    assert kpis.roas == pytest.approx(2_000_000 / 3000)
    assert kpis.immature == () and not kpis.partial


def test_report_keeps_unknown_channels_and_compares_with_the_previous_quarter(small):
    report = quarterly(small, quarterly_parameters(leads="x", quarter="2026Q3"))
    channels = report.channels.set_index("channel")
    assert channels.loc["unknown", "leads"] == 2
    assert channels.loc["A", "leads"] == 6 and channels.loc["B", "leads"] == 2
    assert report.previous.leads == 4 and report.previous.qualified == 1 and report.previous.spend == pytest.approx(500)
    assert report.year_ago is None                          # the data does not reach back a year
    figures = report.figures()
    assert figures["kpis"]["leads"] == 10 and figures["kpis_year_ago"] is None
    assert figures["kpis_previous"]["cpql"] == pytest.approx(500)
    assert set(figures["kpis"]) >= {"leads", "qualified_rate", "deals", "spend", "cpl", "cpql", "cac"}
    assert figures["channels"]["A"]["cpql"] == pytest.approx(1500)
    assert figures["channels"]["unknown"]["spend"] is None


def test_partial_quarter_and_immature_stages(small, tmp_path):
    data = load_dataset(small.lineage.inputs[0].path, small.lineage.inputs[1].path, as_of="2026-08-31")
    report = quarterly(data, quarterly_parameters(leads="x", quarter="2026Q3"))
    assert report.current.partial and "partial_quarter" in report.warnings
    # a stage is immature while a lead of the quarter is still open for it: on 31.08 every July
    # lead is past the 14-day qualification window, but none is 90 days old, and the open ones may yet buy
    assert set(report.current.immature) == {"deal"}
    early = quarterly(load_dataset(small.lineage.inputs[0].path, as_of="2026-07-12"),
                      quarterly_parameters(leads="x", quarter="2026Q3"))
    assert set(early.current.immature) == {"qualified", "deal"}  # leads 4 and 5 are young and still open


def test_without_spend_costs_are_null_and_explained(small):
    data = load_dataset(small.lineage.inputs[0].path, as_of="2026-12-31")
    report = quarterly(data, quarterly_parameters(leads="x", quarter="2026Q3"))
    figures = report.figures()
    assert figures["kpis"]["cpl"] is None and figures["kpis"]["spend"] is None
    assert "no_spend" in report.warnings


@pytest.mark.parametrize("amounts_elsewhere", [False, True])
def test_channel_kpis_on_each_channels_part_as_on_the_whole_export(amounts_elsewhere):
    """_channels works on each channel's leads of the two quarters apart; each row must be
    cohort_kpis of the whole export masked by the channel. With deal amounts only outside
    the two quarters, revenue is still 0 (ROAS 0), not unknown."""
    import dataclasses

    import numpy as np
    import pandas as pd

    from analysis.config import SAMPLE_LEADS, SAMPLE_SPEND
    from analysis.quarterly import _channels

    dataset = load_dataset(SAMPLE_LEADS, SAMPLE_SPEND)
    current, previous = quarter_period("2026Q3"), quarter_period("2026Q2")
    if amounts_elsewhere:
        leads = dataset.leads.copy()
        inside = leads["created_at"] >= previous.start
        leads.loc[inside, "deal_amount"] = np.nan
        dataset = dataclasses.replace(dataset, leads=leads)
    frame, _, _ = _channels(dataset, current, previous, 0.05)
    for row in frame.itertuples():
        mask = dataset.leads["channel"].eq(row.channel)
        now, before = cohort_kpis(dataset, current, mask), cohort_kpis(dataset, previous, mask)
        assert (row.leads, row.qualified, row.deals, row.leads_previous) == (now.leads, now.qualified, now.deals, before.leads)
        spend = None if pd.isna(row.spend) else row.spend
        expected_roas = now.revenue / spend if spend and now.revenue is not None else None
        assert row.roas == expected_roas or (pd.isna(row.roas) and expected_roas is None)
    if amounts_elsewhere:
        assert (frame["roas"].dropna() == 0).all() and frame["roas"].notna().any()


def test_findings_name_the_missing_channel_in_words():
    """A finding about leads without a channel names them as the tables do ("не указан" /
    "not given"), never by the internal "unknown"."""
    import dataclasses

    from analysis.config import SAMPLE_LEADS, UNKNOWN
    from analysis.quarterly_report import findings_section

    dataset = load_dataset(SAMPLE_LEADS)
    report = quarterly(dataset, quarterly_parameters(quarter="2026Q3"))
    findings = [("slow_channel", {"channel": UNKNOWN, "share": 0.4, "overall": 0.6, "median": 100.0}),
                ("slow_manager", {"manager": UNKNOWN, "rate": 0.5, "expected": 0.7})]
    report = dataclasses.replace(report, findings=tuple(findings))
    from analysis.i18n import t

    for lang in ("ru", "en"):
        html = findings_section(report, lang).html()
        assert UNKNOWN not in html.replace(t("unknown", lang), "")
        assert html.count(t("unknown", lang)) == 2


def test_missed_calls_sentence_groups_thousands():
    import dataclasses

    from analysis.config import SAMPLE_LEADS
    from analysis.quarterly_report import processing_section

    report = quarterly(load_dataset(SAMPLE_LEADS), quarterly_parameters(quarter="2026Q3"))
    report = dataclasses.replace(report, missed_calls=(26338, 5827, 4540))
    assert "5\u202f827 из 26\u202f338" in processing_section(report, "ru").html()
    assert "5,827 of 26,338" in processing_section(report, "en").html()


def test_kpi_changes_have_intervals_and_holm_adjusted_arrows_across_both_comparisons():
    # an earlier review / docs/methods.md §7: ~10 KPIs x 2 comparisons are one family
    from analysis.config import SAMPLE_LEADS, SAMPLE_SPEND

    data = load_dataset(SAMPLE_LEADS, SAMPLE_SPEND)
    report = quarterly(data, quarterly_parameters(leads="x", quarter="2026Q3"))
    family = [c for c in (*report.changes_previous, *report.changes_year_ago) if c.p_value is not None]
    assert len(family) >= 12
    raw = sorted(c.p_value for c in family)
    m = len(raw)
    # Holm by hand: adjusted p_(i) = max_{j<=i} min(1, (m - j) p_(j))
    expected, running = [], 0.0
    for j, p in enumerate(raw):
        running = max(running, min(1.0, (m - j) * p))
        expected.append(running)
    assert sorted(c.p_adjusted for c in family) == pytest.approx(expected, rel=1e-12)
    for change in family:
        assert change.beyond_noise == (change.p_adjusted < 0.05)
        low, high = change.effect_ci
        assert low is not None and high is not None and low <= change.effect <= high
    leads = next(c for c in report.changes_previous if c.key == "leads")
    assert leads.effect == pytest.approx(report.current.leads / report.current.period.days
                                         / (report.previous.leads / report.previous.period.days))
    # the daily leads are overdispersed (phi about 1.4 on the sample): the count's interval is wider than Poisson
    plain = stats.compare_poisson(report.current.leads, report.current.period.days, report.previous.leads,
                                  report.previous.period.days)
    assert (leads.effect_ci[1] - leads.effect_ci[0]) > 1.1 * (plain.ratio_ci[1] - plain.ratio_ci[0])


def test_spend_for_channels_without_leads_is_in_the_total_only_and_named(small, tmp_path):
    # spend rows for a channel the leads never name were added silently (896 100 instead of 396 100)
    leads_path = small.lineage.inputs[0].path
    spend = write_csv(tmp_path / "spend.csv", ["Дата", "Источник", "Кампания", "Расход"],
                      [["01.07.2026", "A", "c", "1000,00"], ["15.09.2026", "A", "c", "2000,00"],
                       ["03.08.2026", "Ghost", "g", "5000,00"], ["04.08.2026", "Ghost", "g", "500,00"]])
    report = quarterly(load_dataset(leads_path, spend, as_of="2026-12-31"),
                       quarterly_parameters(leads="x", quarter="2026Q3"))
    kpis = report.figures()["kpis"]
    assert kpis["spend"] == 8500.0 and kpis["spend_without_leads"] == {"Ghost": 5500.0}
    assert kpis["cpl"] == pytest.approx(3000.0 / report.current.spend_leads)  # A's money over A's leads
    assert "spend_without_leads" in report.warnings
    from analysis.quarterly_report import kpi_section, quarterly_warnings
    text = next(w["text"] for w in quarterly_warnings(report, "en") if w["code"] == "spend_without_leads")
    assert "«Ghost» 5,500" in text
    assert "«Ghost» 5,500" in kpi_section(report, load_dataset(leads_path, spend, as_of="2026-12-31"), "en").html()
