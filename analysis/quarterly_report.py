"""The quarterly report's sections, built from a :class:`~analysis.quarterly.Quarterly`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .config import UNKNOWN
from .display import Html, Section, callout, escape, figure, format_number, format_share, heading, paragraph, section, table
from .i18n import reason_label, t
from .loading import Dataset
from .plots import funnel_plot, quarter_trend_plot
from .quarterly import Change, Kpis, Quarterly
from .stats._common import format_p
from .worktime import WorkingCalendar

SHARE_KEYS = ("qualified_rate", "contact_rate", "sla_15", "sla_30")
MONEY_KEYS = ("spend", "cpl", "cpql", "cac")


def _stages(stages, lang: str) -> str:
    words = {"qualified": "stage.qualified", "deal": "stage.won", "contacted": "stage.contacted", "visit": "stage.visited"}
    return ", ".join(t(words[s], lang).lower() if s in words else s for s in stages)


def _label(value: str, lang: str) -> str:
    return t("unknown", lang) if value == UNKNOWN else value


def _kpi_value(key: str, kpis: Kpis | None, lang: str) -> str:
    if kpis is None:
        return "—"
    value = {"leads": kpis.leads, "qualified_rate": kpis.qualified_rate, "contact_rate": kpis.contact_rate,
             "deals": kpis.deals if kpis.deal_total else None, "spend": kpis.spend_total, "cpl": kpis.cpl, "cpql": kpis.cpql, "cac": kpis.cac,
             "sla_15": kpis.sla_share(15), "sla_30": kpis.sla_share(30)}[key]
    if value is None:
        return "—"
    return format_share(value, lang) if key in SHARE_KEYS else format_number(value, lang)


def _change_text(change: Change | None, lang: str) -> str:
    if change is None or change.now is None or change.then is None:
        return t("q.change.none", lang)
    delta = ""
    if change.then and change.key not in SHARE_KEYS:
        delta = f"{(change.now / change.then - 1) * 100:+.0f}%; "
    elif change.key in SHARE_KEYS:
        delta = f"{(change.now - change.then) * 100:+.1f} " + ("п.п.; " if lang == "ru" else "pts; ")
    if lang == "ru":
        delta = delta.replace(".", ",").replace("п,п,", "п.п.")
    if change.immature:
        return delta + t("q.change.immature", lang)
    if change.key == "spend":
        return delta + t("q.change.untested", lang)
    text = delta + t(f"q.change.{change.direction}", lang)
    low, high = change.effect_ci
    if low is not None and high is not None:
        if change.effect_type == "ratio":
            interval = f"{(low - 1) * 100:+.0f}…{(high - 1) * 100:+.0f}%"
        else:
            interval = f"{low * 100:+.1f}…{high * 100:+.1f}"
            interval = (interval.replace(".", ",") + " п.п.") if lang == "ru" else interval + " pts"
        text += " " + t("q.change.interval", lang, interval=interval)
    if change.p_adjusted is not None:
        text += f" ({t('q.change.p_holm', lang, p=format_p(change.p_adjusted, lang))})"
    return text


def quarterly_warnings(report: Quarterly, lang: str) -> list[dict[str, str]]:
    texts = {"partial_quarter": t("q.partial", lang, as_of=""), "no_spend": t("q.no_spend", lang),
             "immature_stages": t("q.immature", lang, stages=_stages(report.current.immature, lang)),
             "spend_without_leads": _orphan_text(report, lang)}
    return [{"code": code, "text": texts[code]} for code in report.warnings]


def _orphan_text(report: Quarterly, lang: str) -> str:
    orphans = report.current.spend_without_leads
    named = ", ".join(f"«{channel}» {format_number(amount, lang)}" for channel, amount in orphans.items())
    return t("q.spend_without_leads", lang, channels=named, total=format_number(sum(orphans.values()), lang))


def kpi_section(report: Quarterly, data: Dataset, lang: str) -> Section:
    """First screen: KPIs with previous quarter and a year earlier, each change tested."""
    now, previous, year_ago = report.current, report.previous, report.year_ago
    # a rate the export cannot tell (a yes/no export's contact rate) is left out, not shown as 100%
    keys = ["leads", *[k for k in ("qualified_rate", "contact_rate") if getattr(now, k) is not None],
            *(["deals"] if now.deal_total else [])]  # no deal status in the export: no "0 deals" tile
    if report.has_spend:
        keys += ["spend", "cpl", "cpql", "cac"]
    keys += [k for k in ("sla_15", "sla_30") if now.sla_share(int(k[4:])) is not None]
    by_previous = {c.key: c for c in report.changes_previous}
    by_year = {c.key: c for c in report.changes_year_ago}
    cards = "".join(f'<div class="la-kpi"><div class="la-kpi-value">{escape(_kpi_value(k, now, lang))}</div>'
                    f'<div class="la-kpi-label">{escape(t("q.kpi." + k, lang))}</div>'
                    f'<div class="la-kpi-change">{escape(_change_text(by_previous.get(k), lang))}</div></div>'
                    for k in keys[:8])
    rows = [{t("col.kpi", lang): t(f"q.kpi.{k}", lang), t("col.now", lang): _kpi_value(k, now, lang),
             t("col.previous", lang): _kpi_value(k, previous, lang),
             t("col.change_previous", lang): _change_text(by_previous.get(k), lang),
             t("col.year_ago", lang): _kpi_value(k, year_ago, lang),
             t("col.change_year", lang): _change_text(by_year.get(k), lang)} for k in keys]
    parts: list[Any] = [heading("q.section.kpis", lang), Html(f'<div class="la-kpis">{cards}</div>'),
                        table(pd.DataFrame(rows), lang)]
    if report.has_revenue and now.spend:
        drr = format_share(now.spend / now.revenue, lang, 1) if now.revenue else "—"
        extra = f"{t('q.kpi.roas', lang, drr=drr)}: {format_number(now.roas, lang, 1)}"
        if report.margin is not None and now.revenue is not None:
            romi = (now.revenue * report.margin - now.spend) / now.spend
            extra += f"; {t('q.kpi.romi', lang, margin=format_share(report.margin, lang, 0))}: {format_share(romi, lang, 0)}"
        parts.append(paragraph(extra))
    parts.append(paragraph(t("q.cohort", lang, as_of=f"{data.as_of:%d.%m.%Y}", repeats=format_number(now.repeats, lang)),
                           "la-note"))
    if now.partial:
        parts.append(callout(t("q.partial", lang, as_of=f"{data.as_of:%d.%m.%Y}"), warn=True))
    if now.immature:
        parts.append(callout(t("q.immature", lang, stages=_stages(now.immature, lang)), warn=True))
    if now.spend_without_leads:
        parts.append(callout(_orphan_text(report, lang), warn=True))
    if not report.has_spend:
        parts.append(callout(t("q.no_spend", lang), warn=True))
    if previous is None and year_ago is None:
        parts.append(paragraph(t("q.no_history", lang), "la-note"))
    return section(*parts)


def findings_section(report: Quarterly, lang: str) -> Section:
    items = []
    for kind, values in report.findings:
        if kind == "change":
            key = values["key"]
            fmt = (lambda v: format_share(v, lang)) if key in SHARE_KEYS else (lambda v: format_number(v, lang))
            items.append(t("q.finding.change", lang, kpi=t(f"q.kpi.{key}", lang), now=fmt(values["now"]),
                           then=fmt(values["then"]), direction=t(f"q.change.{values['direction']}", lang),
                           p=format_p(values["p"], lang)))
        elif kind == "budget":
            items.append(t("q.finding.budget", lang, to=_label(values["to"], lang), from_=_label(values["from"], lang),
                           to_cpql=format_number(values["to_cpql"], lang), from_cpql=format_number(values["from_cpql"], lang)))
        elif kind == "sla":
            items.append(t("q.finding.sla", lang, share=format_share(values["share"], lang, 0)))
        elif kind == "reason":
            items.append(t("q.finding.reason", lang, reason=reason_label(values["reason"], lang), share=format_share(values["share"], lang, 0)))
        elif kind == "immature":
            items.append(t("q.finding.immature", lang, stages=_stages(values["stages"].split(", "), lang)))
        elif kind == "slow_channel":
            items.append(t("q.finding.slow_channel", lang, channel=_label(values["channel"], lang),
                           share=format_share(values["share"], lang, 0), overall=format_share(values["overall"], lang, 0),
                           median=t("stats.not_reached", lang) if values["median"] is None else format_number(values["median"], lang)))
        elif kind == "slow_manager":
            items.append(t("q.finding.slow_manager", lang, manager=_label(values["manager"], lang), rate=format_share(values["rate"], lang),
                           expected=format_share(values["expected"], lang)))
        else:
            items.append(t("q.finding.partial", lang))
    listed = "".join(f"<li>{escape(item)}</li>" for item in items)
    return section(heading("q.section.findings", lang), Html(f'<ol class="la-actions">{listed}</ol>'))


def funnel_section(report: Quarterly, lang: str) -> Section:
    frame = report.funnel
    shown = pd.DataFrame({t("col.stage", lang): frame["stage"].map(lambda s: t(f"q.funnel.stage.{s}", lang)),
                          t("col.count_abs", lang): frame["count"].round(0).astype("int64"),
                          t("col.conversion", lang): frame["conversion"].map(lambda v: format_share(v, lang, 2 if v < 0.1 else 1)
                                                                             if pd.notna(v) else "—")})
    parts: list[Any] = [heading("q.section.funnel", lang), table(shown, lang)]
    if "impressions" in set(frame["stage"]):
        parts.append(paragraph(t("q.funnel.note", lang), "la-note"))
    return section(*parts)


def channels_section(report: Quarterly, lang: str) -> Section:
    frame = report.channels.sort_values("leads", ascending=False)

    def ci(row) -> str:
        if row.shrunk_rate is None or pd.isna(row.shrunk_rate):
            return format_share(row.qualified_rate, lang)
        return f"{format_share(row.shrunk_rate, lang)} ({format_share(row.shrunk_low, lang)}–{format_share(row.shrunk_high, lang)})"

    def qoq(row) -> str:
        if row.qualified_rate_previous is None or pd.isna(row.qualified_rate_previous):
            return "—"
        p = row.qoq_p
        word = t("q.change.flat", lang) if p is None or p >= report.params["alpha"] else \
            t("q.change.up" if row.qualified_rate > row.qualified_rate_previous else "q.change.down", lang)
        return f"{format_share(row.qualified_rate_previous, lang)} → {format_share(row.qualified_rate, lang)}: {word}"

    columns = {
        t("col.channel", lang): frame["channel"].map(lambda c: _label(c, lang)),
        t("col.leads", lang): frame["leads"].astype("int64"),
        t("col.qualified_share_ci", lang): [ci(r) for r in frame.itertuples()],
        t("col.won", lang): frame["deals"].astype("int64"),
    }
    if report.has_spend:
        money = lambda v: "—" if v is None or pd.isna(v) else format_number(v, lang)  # noqa: E731
        columns.update({t("col.spend", lang): frame["spend"].map(money), t("q.kpi.cpl", lang): frame["cpl"].map(money),
                        t("q.kpi.cpql", lang): frame["cpql"].map(money), t("q.kpi.cac", lang): frame["cac"].map(money)})
        if report.has_revenue:
            columns[t("col.roas", lang)] = frame["roas"].map(lambda v: "—" if v is None or pd.isna(v) else f"{v:.0f}")
    columns[t("col.qoq", lang)] = [qoq(r) for r in frame.itertuples()]
    parts: list[Any] = [heading("q.section.channels", lang), table(pd.DataFrame(columns), lang),
                        paragraph(t("q.channels.note", lang), "la-note")]
    if report.channel_limits is not None:
        points = frame.loc[frame["channel"] != UNKNOWN].rename(columns={"channel": "group", "leads": "nobs",
                                                                         "qualified_rate": "rate"})
        chart = funnel_plot(points, report.channel_limits.table, report.channel_limits.p0, lang, set(),
                            t("q.kpi.qualified_rate", lang))
        parts.append(figure(chart, t("plot.funnel.title", lang)))
    if not report.has_spend:
        parts.append(paragraph(t("q.no_spend", lang), "la-note"))
    return section(*parts)


def trends_section(report: Quarterly, data: Dataset, lang: str) -> Section:
    period = report.current.period
    labels = {"leads": t("q.kpi.leads", lang), "qualified": t("stage.qualified", lang), "deals": t("q.kpi.deals", lang)}
    settings = data.mapping.settings
    first, last = data.period()
    holidays = [pd.Timestamp(day) for day in WorkingCalendar.from_settings(settings, holidays_closed=True)
                .holiday_days(first.date(), last.date())] if first is not None else []
    weeks = sorted({day.to_period("W-SUN").start_time for day in holidays})
    parts: list[Any] = [heading("q.section.trends", lang),
                        figure(quarter_trend_plot(report.monthly, "month", ["leads", "qualified", "deals"], labels, lang,
                                                  t("plot.q.monthly.title", lang), (period.start, period.end)),
                               t("plot.q.monthly.title", lang)),
                        figure(quarter_trend_plot(report.weekly, "week", ["leads", "qualified"], labels, lang,
                                                  t("plot.q.weekly.title", lang), (period.start, period.end), weeks),
                               t("plot.q.weekly.title", lang))]
    if report.seasonality is not None:
        months = ", ".join(f"{int(r.moy):02d}: {r.index:.2f}".replace(".", "," if lang == "ru" else ".")
                           for r in report.seasonality.itertuples())
        parts.append(paragraph(t("q.seasonality", lang, months=months), "la-note"))
    return section(*parts)


def processing_section(report: Quarterly, lang: str) -> Section:
    parts: list[Any] = [heading("q.section.processing", lang)]
    km = report.time_to_contact

    def minutes(value) -> str:
        return t("stats.not_reached", lang) if value is None or pd.isna(value) else format_number(value, lang)

    if km is not None:
        parts.append(paragraph(t("q.processing.text", lang, median=minutes(km.median), p90=minutes(km.p90))))
    if report.missed_calls is not None:
        calls, missed, reached = report.missed_calls
        parts.append(paragraph(t("q.missed", lang, calls=format_number(calls, lang), missed=format_number(missed, lang),
                                 reached=format_number(reached, lang))))
    frame = report.processing_channels
    if len(frame):
        share = lambda v: "—" if v is None or pd.isna(v) else format_share(v, lang)  # noqa: E731
        shown = pd.DataFrame({t("col.channel", lang): frame["channel"].map(lambda c: _label(c, lang)),
                              t("col.leads", lang): frame["leads"].astype("int64"),
                              t("col.within_15", lang): frame["within_15"].map(share),
                              t("col.within_30", lang): frame["within_30"].map(share),
                              t("col.median_minutes", lang): frame["median"].map(minutes),
                              t("col.p90_minutes", lang): frame["p90"].map(minutes),
                              t("col.contact_rate", lang): frame["contact_rate"].map(share)})
        parts += [Html(f"<h3>{escape(t('col.channel', lang))}</h3>"), table(shown, lang)]
    managers = report.processing_managers
    if len(managers):
        share = lambda v: "—" if v is None or pd.isna(v) else format_share(v, lang)  # noqa: E731
        shown = pd.DataFrame({
            t("col.manager", lang): managers["manager"], t("col.leads", lang): managers["leads"].astype("int64"),
            t("col.contact_shrunk", lang): [f"{share(r.shrunk_rate)} ({share(r.shrunk_low)}–{share(r.shrunk_high)})"
                                            for r in managers.itertuples()],
            t("col.expected_mix", lang): [share(r.expected_rate) + (f" · {t('q.below_expected', lang)}"
                                                                    if r.shrunk_high < r.expected_rate else "")
                                          for r in managers.itertuples()],
            t("col.within_15", lang): managers["within_15"].map(share),
            t("col.median_minutes", lang): managers["median"].map(minutes)})
        parts += [Html(f"<h3>{escape(t('col.manager', lang))}</h3>"), table(shown, lang),
                  paragraph(t("q.managers.note", lang), "la-note")]
    return section(*parts)


def reasons_section(report: Quarterly, lang: str) -> Section:
    frame = report.reasons
    parts: list[Any] = [heading("q.section.reasons", lang)]
    if frame.empty:
        return section(*parts, paragraph(t("q.reasons.none", lang)))
    columns = {t("col.reason", lang): frame["reason"].map(lambda r: reason_label(r, lang)), t("col.owner", lang): frame["owner"].map(lambda o: t(f"owner.{o}", lang)),
               t("col.lost_count", lang): frame["lost"].astype("int64"),
               t("col.share_of_losses", lang): frame["share"].map(lambda v: format_share(v, lang)),
               t("col.cumulative", lang): frame["cumulative"].map(lambda v: format_share(v, lang)),
               t("col.per_lead", lang): frame["per_lead"].map(lambda v: format_share(v, lang))}
    if "per_lead_previous" in frame:
        columns[t("col.per_lead_previous", lang)] = frame["per_lead_previous"].map(lambda v: format_share(v, lang))
        columns[t("col.p_adjusted", lang)] = frame["p_value"].map(lambda v: format_p(v, lang))
    owners = pd.DataFrame({t("col.owner", lang): report.owners["owner"].map(lambda o: t(f"owner.{o}", lang)),
                           t("col.share_of_losses", lang): report.owners["share"].map(lambda v: format_share(v, lang))})
    return section(*parts, table(pd.DataFrame(columns), lang), Html(f"<h3>{escape(t('dx.owners.title', lang))}</h3>"),
                   table(owners, lang))


def budget_section(report: Quarterly, lang: str) -> Section:
    parts: list[Any] = [heading("q.section.budget", lang)]
    frame = report.budget
    if frame.empty:
        return section(*parts, paragraph(t("q.no_spend", lang)))
    shown = pd.DataFrame({t("col.channel", lang): frame["channel"], t("col.spend", lang): frame["spend"].round(0),
                          t("q.kpi.cpql", lang): [f"{format_number(r.cpql, lang)} ({format_number(r.cpql_low, lang)}–"
                                                  f"{format_number(r.cpql_high, lang)})" for r in frame.itertuples()],
                          t("q.kpi.cac", lang): frame["cac"].map(lambda v: "—" if v is None or pd.isna(v)
                                                                 else format_number(v, lang)),
                          t("col.verdict", lang): [t(f"q.budget.{r.verdict}", lang)
                                                   + (t("q.budget.slow", lang) if getattr(r, "slow", False) else "")
                                                   for r in frame.itertuples()]})
    return section(*parts, table(shown, lang, digits=0),
                   paragraph(t("q.budget.note", lang, average=format_number(frame["average_cpql"].iloc[0], lang)), "la-note"))
