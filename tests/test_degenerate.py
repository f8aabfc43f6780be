"""Valid but degenerate data — one channel, zero deals, all leads in one day, three leads in total —
gives reports that say what they could not judge, never a crash."""

from __future__ import annotations

import json
import re

import pytest

import analysis.notebook as la
from analysis.loading import load_dataset
from analysis.summary import build_summary, dumps

from .conftest import SAMPLE_HEADERS, sample_row, write_csv


def rows_for(kind: str):
    if kind == "three_leads":
        return [sample_row(1, created="01.09.2026 10:00", channel="A", campaign="c1", status="Квалифицирован",
                           response="01.09.2026 10:05", contact="01.09.2026 10:05", phone="+7 900 000 00 01"),
                sample_row(2, created="02.09.2026 11:00", channel="B", campaign="c2", status="Отказ", reason="Нет денег",
                           phone="+7 900 000 00 02"),
                sample_row(3, created="03.09.2026 12:00", channel="A", campaign="c2", status="Новый",
                           phone="+7 900 000 00 03")]
    rows = []
    for i in range(60):
        day = "15.09.2026" if kind == "one_day" else f"{1 + i % 28:02d}.{7 + (i // 30):02d}.2026"
        channel = "A" if kind == "one_channel" else ["A", "B"][i % 2]
        status = ["Новый", "В работе", "Квалифицирован", "Отказ"][i % 4] if kind == "zero_deals" else \
            ["Новый", "В работе", "Квалифицирован", "Продажа", "Отказ"][i % 5]
        rows.append(sample_row(i + 1, created=f"{day} {9 + i % 10:02d}:00", channel=channel, campaign=["c1", "c2"][i % 2],
                               status=status, reason="Нет денег" if status == "Отказ" else "",
                               response=f"{day} {9 + i % 10:02d}:10", phone=f"+7 900 100 {i:04d}"))
    return rows


KINDS = ["one_channel", "zero_deals", "one_day", "three_leads"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_report_survives(tmp_path, kind):
    data = load_dataset(write_csv(tmp_path / f"{kind}.csv", SAMPLE_HEADERS, rows_for(kind)), as_of="2026-12-31")
    if kind == "one_channel":
        dx_params = la.diagnose_parameters(leads="x", channel=["A"], period="2026-08-01:2026-08-31",
                                           baseline="previous_period")
        ex_params = la.experiment_parameters(leads="x", arms_by="period", control="2026-07-01:2026-07-31",
                                             variant="2026-08-01:2026-08-31")
    else:
        dx_params = la.diagnose_parameters(leads="x", channel=["A"])
        ex_params = la.experiment_parameters(leads="x", arms_by="campaign", control="c1", variant="c2")
    quarter = la.quarterly_parameters(leads="x", quarter="2026Q3")

    dx = la.diagnose(data, dx_params)
    html = "".join(section.html() for section in (
        la.summary_section(dx, "en"), la.verdict_section(dx, "en"), la.scope_section(dx, "en", data.lineage),
        la.funnel_section(dx, "en"), la.glossary_section(dx, "en"),
        la.channels_section(dx, "en"), la.processing_section(dx, "en"), la.reasons_section(dx, "en"),
        la.trend_section(dx, "en"), la.label_noise_section(dx, "en"), la.actions_section(dx, "en")))
    if kind == "three_leads":
        assert dx.verdict.verdict == "insufficient_data" and "Not enough data" in html

    ev = la.evaluate(data, ex_params)
    html += "".join(section.html() for section in (la.experiment_summary_section(ev, "ru"), la.decision_section(ev, "ru"),
                                                   la.arms_section(ev, "ru"), la.experiment_glossary_section(ev, "ru"),
                                                   la.metrics_section(ev, "ru"), la.checks_section(ev, "ru"),
                                                   la.daily_section(ev, "ru")))
    if kind == "three_leads":
        assert ev.decision == "inconclusive" and "underpowered" in ev.warnings

    report = la.quarterly(data, quarter)
    html += "".join(section.html() for section in (
        la.quarter_summary_section(report, data, "en"), la.kpi_section(report, data, "en"),
        la.findings_section(report, "en"), la.quarter_funnel_section(report, "en"), la.quarter_glossary_section(report, "en"),
        la.quarter_channels_section(report, "en"), la.quarter_trends_section(report, data, "en"),
        la.quarter_processing_section(report, "en"), la.quarter_reasons_section(report, "en"),
        la.budget_section(report, "en")))
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)  # embedded plots are not text
    assert not re.search(r"\bnan\b|\bNone\b|\binf\b", text, re.I), "a number the data cannot give is «—», never NaN"
    for job, params, figures, extra in (("diagnose", dx_params, dx.figures(), {"verdict": dx.verdict.verdict}),
                                        ("experiment", ex_params, ev.figures(), {"decision": ev.decision}),
                                        ("quarterly", quarter, report.figures(), {})):
        text = dumps(build_summary(job, data, params, figures, **extra))
        json.loads(text)  # strict JSON: dumps refuses NaN and infinity
