"""The JSON summary and the HTML report give the same figure under the same name.

:func:`check_report` reads the HTML's tables and text and, for every figure both show, checks
that the HTML shows the JSON's value as the report formats it: the diagnosis's gap, interval,
p-value and funnel rows; the experiment's metric table; the quarterly KPI and channel tables.
It returns how many figures it compared, so a test can insist that it compared something.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from analysis.diagnosis_report import MIN_STAGE_LEADS, _range, gap_words
from analysis.display import format_number, format_share
from analysis.experiment_report import DEAL_METRICS, _value
from analysis.i18n import t
from analysis.quarterly_report import is_share, kpi_label
from analysis.stats._common import format_p


def tables(page: str) -> list[list[list[str]]]:
    """Every table of the page as rows of cell texts (tags stripped, entities decoded)."""
    out = []
    for body in re.findall(r"<table[^>]*>(.*?)</table>", page, re.S):
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
        out.append(rows)
    return out


def table_with(page: str, header: str) -> dict[str, dict[str, str]]:
    """The table whose header row has ``header``: first cell → {column: cell}."""
    for rows in tables(page):
        if rows and header in rows[0]:
            head = rows[0]
            return {row[0]: dict(zip(head, row)) for row in rows[1:] if row}
    raise AssertionError(f"no table with the column «{header}»")


def text_of(page: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"data:image/[^\"']+", "", page)))


def check_report(summary: dict[str, Any], page: str, lang: str) -> int:
    figures = summary["figures"]
    if summary["job"] == "experiment":  # deal rows are hidden while deals are still closing
        figures = {**figures, "deals_open": any(w["code"] == "immature_deals" for w in summary.get("warnings", []))}
    return {"diagnose": _diagnose, "experiment": _experiment, "quarterly": _quarterly,
            "monitor": _monitor}[summary["job"]](figures, page, lang)


def _diagnose(figures: dict[str, Any], page: str, lang: str) -> int:
    text = text_of(page)
    compared = 0
    # one sign convention: the gap in words («хуже на 20,1 п.п.»), its interval read the same way
    for shown in (gap_words(figures["gap"], lang), _range(figures["gap"], *figures["gap_ci"], lang)):
        assert shown in text, f"gap figure not shown as «{shown}»"
        compared += 1
    assert format_p(figures["p_value"], lang) in text
    compared += 1
    if figures["adjusted_gap"] is not None:
        assert gap_words(figures["adjusted_gap"], lang) in text
        compared += 1
    funnel = table_with(page, t("col.stage_name", lang))
    assert set(funnel) == {t(f"dx.stage.{step}", lang) for step in figures["funnel"]}, "funnel rows differ"
    for step, row in figures["funnel"].items():
        shown = funnel[t(f"dx.stage.{step}", lang)]
        if not row["settled"]:  # mostly still open: the HTML says so instead of a leaning rate
            assert format_number(row["scope_open"], lang) in shown[t("col.scope_rate", lang)]
            compared += 1
            continue
        for group in ("scope", "baseline"):
            cell = shown[t(f"col.{group}_rate", lang)]
            expected = format_share(row[group], lang)
            events = f"{format_number(row[f'{group}_events'], lang)}/{format_number(row[f'{group}_total'], lang)}"
            assert cell.startswith(expected) and events in cell, f"{step} {group}: JSON {expected} {events}, HTML {cell}"
            compared += 1
        tiny = min(row["scope_total"], row["baseline_total"]) < MIN_STAGE_LEADS  # greyed: no gap, no p
        assert shown[t("col.p_value", lang)] == ("—" if tiny else format_p(row["p_value"], lang))
        compared += 1
    # the JSON's contact rate is the funnel's contact step (both over leads whose contact outcome is known)
    if "contact" in figures["funnel"]:
        assert figures["scope"]["contact_rate"] == figures["funnel"]["contact"]["scope"]
        assert figures["baseline"]["contact_rate"] == figures["funnel"]["contact"]["baseline"]
    assert format_number(figures["scope"]["leads"], lang) in text
    return compared + 1


def _experiment(figures: dict[str, Any], page: str, lang: str) -> int:
    shown = {name.removesuffix(" ★"): row for name, row in table_with(page, t("col.metric", lang)).items()}
    compared = 0
    for name, metric in figures["metrics"].items():
        if name in figures["skipped_metrics"] or (figures.get("deals_open") and name in DEAL_METRICS):
            assert t(f"ex.metric.{name}", lang) not in shown, f"{name} is null (or its deals still closing) but shown"
            continue
        row = shown[t(f"ex.metric.{name}", lang)]
        for arm in ("control", "variant"):
            assert row[t(f"col.{arm}", lang)] == _value(name, metric[arm], lang), f"{name} {arm}"
            compared += 1
        assert row[t("col.p_value", lang)] == format_p(metric["p_value"], lang), name
        compared += 1
    for name in shown:
        assert any(t(f"ex.metric.{key}", lang) == name for key in figures["metrics"]), f"{name}: not in the JSON"
    for arm in ("control", "variant"):
        assert format_number(figures["arms"][arm]["leads"], lang) in text_of(page)
        compared += 1
    return compared


def _quarterly(figures: dict[str, Any], page: str, lang: str) -> int:
    kpis = table_with(page, t("col.kpi", lang))
    compared = 0
    columns = {"kpis": t("col.now", lang), "kpis_previous": t("col.previous", lang),
               "kpis_year_ago": t("col.year_ago", lang)}
    keys = {"leads": "leads", "qualified_rate": "qualified_rate", "contact_rate": "contact_rate", "deals": "deals",
            "spend": "spend", "cpl": "cpl", "cpql": "cpql", "cac": "cac",
            **{f"sla_{name[10:]}": name for name in figures["kpis"] if name.startswith("sla_share_")}}
    for key, json_key in keys.items():
        label = kpi_label(key, lang)
        if label not in kpis:
            assert figures["kpis"].get(json_key) is None or key.startswith("sla"), f"{key} in the JSON, not shown"
            continue
        for block, column in columns.items():
            value = None if figures[block] is None else figures[block].get(json_key)
            expected = "—" if value is None else (format_share(value, lang) if is_share(key)
                                                  else format_number(value, lang))
            assert kpis[label][column] == expected, f"{block}.{json_key}: JSON {expected}, HTML {kpis[label][column]}"
            compared += 1
    channels = table_with(page, t("col.channel", lang))
    for channel, entry in figures["channels"].items():
        name = t("unknown", lang) if channel == "unknown" else channel
        row = channels[name]
        assert row[t("col.leads", lang)] == format_number(entry["leads"], lang), name
        compared += 1
        if t("col.won", lang) in row:
            assert row[t("col.won", lang)] == format_number(entry["deals"], lang), name
            compared += 1
    return compared


def _monitor(figures: dict[str, Any], page: str, lang: str) -> int:
    """Each alarm's row (now, usual, the rest, what it cost, q) and its command; the scan's size in the summary."""
    from analysis.monitor_report import _p

    text = re.sub(r"\s+", " ", text_of(page))
    compared = 0
    for key in ("scanned", "judged"):
        assert format_number(figures[key], lang) in text, f"{key} = {figures[key]} not in the summary"
        compared += 1
    assert f"{format_number(len(figures['alerts']), lang)} {t('mo.number.alerts', lang)}" in text
    compared += 1
    rows = [row for table in tables(page) if table and t("mo.col.q", lang) in table[0] for row in table[1:]]
    for alert in figures["alerts"]:
        assert alert["command"] in text, f"the command «{alert['command']}» is not shown"
        compared += 1
        if alert["metric"] == "reasons":
            continue
        shown = [format_share(alert["rate"], lang, 0), format_share(alert["baseline_rate"], lang, 0),
                 t("mo.rest", lang, now=format_share(alert["rest_rate"], lang, 0),
                   before=format_share(alert["rest_baseline_rate"], lang, 0)), _p(alert["adjusted_p"], lang),
                 format_number(alert["leads_cost"], lang),
                 t("mo.window.week", lang) if alert["window_weeks"] == 1 else t("mo.window.recent", lang,
                                                                                 n=alert["window_weeks"])]
        row = next((row for row in rows if str(alert["unit"]) in row[0] and all(
            any(value in cell for cell in row) for value in shown)), None)
        assert row is not None, f"no alarm row shows {shown} for {alert['unit']}"
        compared += len(shown)
    return compared
