"""The weekly monitor's sections, built from a :class:`~analysis.monitor.Monitor`."""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .display import (
    Html, Section, callout, escape, figure, format_date, format_number, format_share, glossary, heading, paragraph,
    section, summary_block, table,
)
from .i18n import reason_label, t
from .dataset import Dataset
from .monitor import METRICS, Monitor
from .plots import PALETTE, _figure

#: the alarms drawn week by week (the table lists them all)
PLOTTED = 4
#: the alarms turned into actions on the first screen
ACTIONS = 4


def metric_name(metric: str, report: Monitor, lang: str) -> str:
    return t(f"mo.metric.{metric}", lang, minutes=f"{report.sla_minutes:g}")


def _unit(row: pd.Series, lang: str) -> str:
    """«канал «Сайт»» / "channel “Сайт”"."""
    return t(f"mo.unit.{row['dimension']}", lang, name=row["unit"])


def _window(row: pd.Series, lang: str, report: Monitor | None = None) -> str:
    """«эта неделя» / «последние 3 недели», with the dates when the report is given."""
    window = int(row["window"])
    words = t("mo.window.week", lang) if window == 1 else t("mo.window.recent", lang, n=window)
    if report is None:
        return words
    start, end = report.window_dates(window)
    return f"{words} ({format_date(start, lang)} — {format_date(end, lang)})"


def _owner(row: pd.Series) -> str:
    return "sales" if row["dimension"] == "manager" else METRICS[row["metric"]][0]


def _move(row: pd.Series, report: Monitor, lang: str) -> str:
    """What moved, in words: «доля квалифицированных 9% против обычных 38%» / the reason that grew."""
    if row["metric"] == "reasons":
        return t("mo.move.reason", lang, reason=reason_label(str(row["reason"]), lang), now=format_share(row["rate"], lang, 0),
                 before=format_share(row["baseline_rate"], lang, 0))
    return t("mo.move.rate", lang, metric=metric_name(row["metric"], report, lang), now=format_share(row["rate"], lang, 0),
             count=format_number(row["count"], lang), n=format_number(row["n"], lang),
             before=format_share(row["baseline_rate"], lang, 0))


def _rest(row: pd.Series, lang: str) -> str:
    if row["metric"] == "reasons" or pd.isna(row["rest_rate"]):
        return ""
    return t("mo.rest", lang, now=format_share(row["rest_rate"], lang, 0),
             before=format_share(row["rest_baseline_rate"], lang, 0))


def _cost(row: pd.Series, lang: str) -> str:
    key = "mo.cost.reason" if row["metric"] == "reasons" else f"mo.cost.{row['metric']}.{row['direction']}"
    return t(key, lang, n=format_number(row["cost"], lang))


def summary_section(report: Monitor, data: Dataset, lang: str) -> Section:
    """The first screen: whether anything moved beyond noise this week, what it cost, who looks at it."""
    first, last = report.edges[0], report.edges[-1] - pd.Timedelta(days=1)
    title = t("mo.summary.title", lang, week_start=format_date(report.edges[-2], lang), end=format_date(last, lang))
    alerts = report.alerts
    worse = alerts.loc[alerts["direction"] == "worse"] if len(alerts) else alerts
    judged = report.judged
    units = judged.drop_duplicates(["dimension", "unit"]) if len(judged) else judged
    scanned = report.scanned.drop_duplicates(["dimension", "unit"])
    # the dimensions this export has: a channel-only export lists no "0 campaigns"
    listed = ", ".join(t(f"mo.count.{dimension}", lang, n=int((scanned["dimension"] == dimension).sum()))
                       for dimension in report.dimensions)
    lines = [_overall(report, lang),
             t("mo.summary.scanned", lang, weeks=report.weeks, start=format_date(first, lang),
               total=format_number(len(scanned), lang), units=format_number(len(units), lang),
               listed=listed,
               tests=format_number(len(report.scanned), lang), judged=format_number(len(judged), lang),
               alpha=format_share(report.alpha, lang, 0))]
    if not report.enough_history:
        answer, tone = t("mo.answer.history", lang, weeks=report.weeks_with_leads,
                         needed=report.recent + 4), "neutral"
        lines = []
    elif not report.anything_judged:
        answer, tone = t("mo.answer.nothing_judged", lang), "neutral"
    elif len(worse):
        top = worse.iloc[0]
        answer = t("mo.answer.alerts" if len(alerts) > 1 else "mo.answer.alert", lang, n=len(alerts),
                   unit=_unit(top, lang), move=_move(top, report, lang), window=_window(top, lang, report))
        tone = "bad"
    elif len(alerts):
        answer, tone = t("mo.answer.better", lang, n=len(alerts)), "good"
    else:
        answer, tone = t("mo.answer.quiet", lang), "good"
    # by channel alone: a campaign's or a manager's alarm counts the same leads again
    lost = worse.loc[(worse["metric"] == "qualified_rate") & (worse["dimension"] == "channel"), "cost"].sum() \
        if len(worse) else 0
    numbers = [(format_number(len(alerts), lang), t("mo.number.alerts", lang), "bad" if len(worse) else "good"),
               (("≈ " if lost else "") + format_number(lost, lang), t("mo.number.qualified_lost", lang),
                "bad" if lost else "neutral"),
               (format_number(len(units), lang), t("mo.number.units", lang, total=format_number(len(scanned), lang)),
                "neutral")]
    actions = [(_owner(row), t("mo.action", lang, unit=_unit(row, lang), move=_move(row, report, lang),
                               window=_window(row, lang, report), claim=t("mo.claim." + METRICS[row["metric"]][1], lang),
                               command=report.command(row)))
               for _, row in worse.head(ACTIONS).iterrows()]
    if len(worse) > ACTIONS:
        actions.append(("management", t("mo.action.more", lang, n=len(worse) - ACTIONS)))
    if not actions and report.enough_history and report.anything_judged:
        actions = [("marketing", t("mo.action.none", lang))]
    notes = [t("mo.summary.note", lang)]
    stale = (pd.Timestamp.today().normalize() - report.edges[-1]).days + 1
    if stale > STALE_DAYS:
        notes.insert(0, t("mo.stale", lang, as_of=format_date(last, lang), days=stale))
    block = summary_block(lang, answer=answer, answer_tone=tone, lines=lines, numbers=numbers if report.enough_history
                          else [], actions=actions, title=title, note=" ".join(notes))
    return section(block)


#: days an export may be older than the report before the summary says so
STALE_DAYS = 7


def _overall(report: Monitor, lang: str) -> str:
    """The whole dealership this week: leads, and the qualified share against the usual (preliminary)."""
    overall = report.overall
    leads = int(overall["leads"][-1])
    if "qualified_rate_n" not in overall or not overall["qualified_rate_n"][-1]:
        return t("mo.overall.leads", lang, leads=format_number(leads, lang))
    baseline = slice(0, report.weeks - report.recent)
    usual_n = overall["qualified_rate_n"][baseline].sum()
    usual = overall["qualified_rate_count"][baseline].sum() / usual_n if usual_n else None
    return t("mo.overall", lang, leads=format_number(leads, lang),
             rate=format_share(overall["qualified_rate_count"][-1] / overall["qualified_rate_n"][-1], lang, 0),
             usual=format_share(usual, lang, 0))


def watch_plot(report: Monitor, rows: pd.DataFrame, lang: str) -> Figure:
    """Week by week, each alarm's unit against the rest of the leads, the tested window shaded."""
    count = len(rows)
    figure_ = _figure(9.0, 2.6 * ((count + 1) // 2))
    panels = figure_.subplots((count + 1) // 2, 2 if count > 1 else 1, squeeze=False).ravel()
    weeks = report.weeks
    labels = [f"{start:%d.%m}" for start in report.edges[:-1]]
    for axes, (_, row) in zip(panels, rows.iterrows()):
        weekly = report.weekly
        part = weekly.loc[(weekly["dimension"] == row["dimension"]) & (weekly["unit"] == row["unit"])
                          & (weekly["metric"] == row["metric"])].sort_values("week")
        unit_rate = (part["count"] / part["n"].where(part["n"] > 0)) * 100
        rest_rate = (part["rest_count"] / part["rest_n"].where(part["rest_n"] > 0)) * 100
        axes.axvspan(weeks - int(row["window"]) - 0.5, weeks - 0.5, color=PALETTE[3], alpha=0.45, lw=0)
        axes.plot(part["week"], rest_rate, color="#9aa5b1", marker="o", ms=3, lw=1.4, label=t("mo.plot.rest", lang))
        axes.plot(part["week"], unit_rate, color=PALETTE[4], marker="o", ms=4, lw=2.0, label=str(row["unit"]))
        axes.set_title(f"{row['unit']}: {metric_name(row['metric'], report, lang)}", fontsize=10)
        axes.set_ylabel("%")
        axes.set_xticks(range(0, weeks, 2), labels[::2], fontsize=8)
        axes.set_ylim(0, 100)
        axes.legend(fontsize=7, loc="lower left")
    for axes in panels[count:]:
        axes.set_visible(False)
    return figure_


def alerts_section(report: Monitor, lang: str) -> Section:
    """Every alarm, worse first and by the leads it cost, with the command that examines it."""
    parts: list[Any] = [heading("mo.section.alerts", lang)]
    alerts = report.alerts.loc[report.alerts["metric"] != "reasons"] if len(report.alerts) else report.alerts
    mixes = report.alerts.loc[report.alerts["metric"] == "reasons"] if len(report.alerts) else report.alerts
    if report.alerts.empty:
        parts.append(paragraph(t("mo.alerts.none", lang, alpha=format_share(report.alpha, lang, 0))))
        return section(*parts)
    parts.append(paragraph(t("mo.alerts.intro", lang), "la-note"))
    rows = [{t("mo.col.unit", lang): _unit(row, lang), t("mo.col.metric", lang): metric_name(row["metric"], report, lang),
             t("mo.col.window", lang): _window(row, lang, report),
             t("mo.col.now", lang): f"{format_share(row['rate'], lang, 0)} ({format_number(row['count'], lang)}/"
                                    f"{format_number(row['n'], lang)})",
             t("mo.col.usual", lang): format_share(row["baseline_rate"], lang, 0),
             t("mo.col.rest", lang): _rest(row, lang), t("mo.col.cost", lang): _cost(row, lang),
             t("mo.col.q", lang): _p(row["adjusted_p"], lang)} for _, row in alerts.iterrows()]
    if rows:
        parts.append(table(pd.DataFrame(rows), lang))
    for _, row in mixes.iterrows():
        parts.append(paragraph(t("mo.alerts.mix", lang, unit=_unit(row, lang), window=_window(row, lang),
                                 move=_move(row, report, lang), cost=_cost(row, lang), q=_p(row["adjusted_p"], lang))))
    plotted = alerts.head(PLOTTED)
    if len(plotted):
        parts.append(figure(watch_plot(report, plotted, lang), t("mo.plot.alt", lang)))
        parts.append(paragraph(t("mo.plot.alt", lang), "la-note"))
    commands = "".join(f"<li><code>{escape(report.command(row))}</code></li>" for _, row in report.alerts.iterrows())
    parts += [heading("mo.section.commands", lang, level=3), Html(f'<ul class="la-commands">{commands}</ul>')]
    return section(*parts)


def _p(value: Any, lang: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    return "< 0,001" if value < 0.001 and lang == "ru" else "< 0.001" if value < 0.001 else \
        format_number(value, lang, 3)


def quiet_section(report: Monitor, lang: str) -> Section:
    """The largest moves that are within noise, and why they are not alarms."""
    quiet = report.quiet
    parts: list[Any] = [heading("mo.section.quiet", lang)]
    if quiet.empty:
        parts.append(paragraph(t("mo.quiet.none", lang)))
        return section(*parts)
    rows = [{t("mo.col.unit", lang): _unit(row, lang), t("mo.col.metric", lang): metric_name(row["metric"], report, lang),
             t("mo.col.window", lang): _window(row, lang), t("mo.col.now", lang): format_share(row["rate"], lang, 0),
             t("mo.col.usual", lang): format_share(row["baseline_rate"], lang, 0),
             t("mo.col.leads", lang): int(row["n"]), t("mo.col.why", lang): t(f"mo.why.{row['why']}", lang,
                                                                            rest=_rest(row, lang),
                                                                            n=format_number(row["n"], lang))}
            for _, row in quiet.iterrows()]
    parts += [paragraph(t("mo.quiet.intro", lang), "la-note"), table(pd.DataFrame(rows), lang)]
    return section(*parts)


def coverage_section(report: Monitor, lang: str) -> Section:
    """What was watched: units per dimension and metric, how many had enough leads to be judged."""
    scanned = report.scanned
    parts: list[Any] = [heading("mo.section.coverage", lang)]
    if scanned.empty:
        parts.append(paragraph(t("mo.coverage.none", lang)))
        return section(*parts)
    rows = []
    for dimension in report.dimensions:
        for metric in report.metrics:
            part = scanned.loc[(scanned["dimension"] == dimension) & (scanned["metric"] == metric)]
            if part.empty:
                continue
            judged = part.loc[part["p_value"].notna(), "unit"].nunique()  # in either window
            rows.append({t("mo.col.dimension", lang): t(f"mo.dimension.{dimension}", lang),
                         t("mo.col.metric", lang): metric_name(metric, report, lang),
                         t("mo.col.units", lang): int(part["unit"].nunique()), t("mo.col.judged", lang): int(judged)})
    parts.append(table(pd.DataFrame(rows), lang))
    missing = [m for m in METRICS if m not in report.metrics]
    if missing:
        parts.append(callout(t("mo.coverage.missing", lang, metrics=", ".join(metric_name(m, report, lang)
                                                                           for m in missing)), warn=True))
    parts.append(paragraph(t("mo.coverage.method", lang, weeks=report.weeks, baseline=report.weeks - report.recent,
                             recent=report.recent, alpha=format_share(report.alpha, lang, 0),
                             min_leads=10), "la-note"))
    return section(*parts)


def glossary_section(report: Monitor, lang: str) -> Section:
    return glossary(["mo.gap", "mo.fdr", "mo.known"], lang)


def monitor_warnings(report: Monitor, lang: str) -> list[dict[str, str]]:
    """The JSON summary's warnings: a history too short to judge."""
    if report.enough_history:
        return []
    return [{"code": "short_history", "text": t("mo.answer.history", lang, weeks=report.weeks_with_leads,
                                                needed=report.recent + 4)}]


__all__ = ["alerts_section", "coverage_section", "glossary_section", "monitor_warnings", "quiet_section",
           "summary_section", "watch_plot"]
