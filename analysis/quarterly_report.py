"""The quarterly report's sections, built from a :class:`~analysis.quarterly.Quarterly`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .config import UNKNOWN
from .display import (
    Html, Section, callout, escape, figure, format_date, format_money, format_number, format_share, glossary, heading,
    kpi_tile, paragraph, points, section, sparkline, summary_block, table, tone,
)
from .i18n import reason_label, t
from .jobs import quarter_name
from .dataset import Dataset
from .plots import funnel_plot, funnel_steps_plot, quarter_trend_plot
from .quarterly import Change, Kpis, Quarterly
from . import stats
from .stats._common import format_p
from .worktime import WorkingCalendar

SHARE_KEYS = ("qualified_rate", "contact_rate")  # and every first-attempt share, sla_<N> (see is_share)
MONEY_KEYS = ("spend", "cpl", "cpql", "cac")
#: the level the raw p-value of a change is read at for the "on the edge" badge (the report's alpha is 0.05 by default)
ALPHA_SHOWN = 0.05
#: the loss reasons listed one by one (the rest, unless changed beyond noise, in one line)
TOP_REASONS = 8
#: which way is good for the business: +1 up, −1 down, 0 neither (spend is chosen, not earned)
GOOD_DIRECTION = {"leads": 1, "qualified_rate": 1, "contact_rate": 1, "deals": 1, "spend": 0, "cpl": -1, "cpql": -1,
                  "cac": -1}


def _target(report: Quarterly) -> str:
    """The first-attempt target in minutes, as the texts write it."""
    return f"{report.sla_targets[0]:g}"


def is_share(key: str) -> bool:
    """A KPI that is a share (shown in %, changes in points): the rates and the first-attempt shares."""
    return key in SHARE_KEYS or key.startswith("sla_")


def good_direction(key: str) -> int:
    return 1 if key.startswith("sla_") else GOOD_DIRECTION.get(key, 0)


def kpi_label(key: str, lang: str, kind: str = "kpi") -> str:
    """A KPI's name (``kind``: ``kpi`` for tables, ``tile`` for the summary); ``sla_<N>`` names its N minutes."""
    if key.startswith("sla_"):
        return t(f"q.{kind}.sla", lang, minutes=key[4:])
    return t(f"q.{kind}.{key}", lang)


def _stages(stages, lang: str) -> str:
    words = {"qualified": "stage.qualified", "deal": "stage.won", "contacted": "stage.contacted", "visit": "stage.visited"}
    return ", ".join(t(words[s], lang).lower() if s in words else s for s in stages)


def _joined(names: list[str], lang: str) -> str:
    """«А, Б и В» / "A, B and C"."""
    word = " и " if lang == "ru" else " and "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + word + names[-1]


def _label(value: str, lang: str) -> str:
    return t("unknown", lang) if value == UNKNOWN else value


def _kpi_value(key: str, kpis: Kpis | None, lang: str) -> str:
    value = _kpi_raw(key, kpis)
    if value is None:
        return "—"
    return format_share(value, lang) if is_share(key) else format_number(value, lang)


def _kpi_short(key: str, kpis: Kpis | None, lang: str) -> str:
    """A KPI as a tile shows it: money in readable units («8,4 млн ₽»)."""
    if key in MONEY_KEYS:
        return format_money(_kpi_raw(key, kpis), lang)  # "—" for a missing cost, like every other figure
    return _kpi_value(key, kpis, lang)


def _kpi_raw(key: str, kpis: Kpis | None) -> float | None:
    if kpis is None:
        return None
    return {"leads": kpis.leads, "qualified_rate": kpis.qualified_rate, "contact_rate": kpis.contact_rate,
            "deals": kpis.deals if kpis.deal_total else None, "spend": kpis.spend_total, "cpl": kpis.cpl,
            "cpql": kpis.cpql, "cac": kpis.cac,
            **({key: kpis.sla_share(float(key[4:]))} if key.startswith("sla_") else {})}[key]


def _delta(change: Change, lang: str) -> str:
    """The change itself: «+14%» for counts and costs, «+1,4 п.п.» for shares."""
    if is_share(change.key):
        return ("+" if change.now >= change.then else "−") + points(change.now - change.then, lang)
    if not change.then:
        return ""
    percent = (change.now / change.then - 1) * 100
    return ("+" if percent >= 0 else "−") + format_number(abs(percent), lang, 0) + "%"


def _signed(value: float, lang: str, digits: int) -> str:
    text = format_number(abs(value), lang, digits)
    return text if text.strip("0,.") == "" else ("+" if value > 0 else "−") + text


def _badge(change: Change | None, lang: str) -> str:
    """Whether a change is beyond noise, in a word: it is shown apart from its colour."""
    if change is None or change.now is None or change.then is None:
        return ""
    if change.immature:
        return t("q.badge.early", lang)
    if change.key == "spend":
        return t("q.badge.chosen", lang)
    if not change.beyond_noise and change.p_value is not None and change.p_value < ALPHA_SHOWN:
        return t("q.badge.edge", lang)  # beyond noise alone, not once every comparison of the page is counted
    return t("q.badge.real" if change.beyond_noise else "q.badge.noise", lang)


def _tone(change: Change | None) -> str:
    if change is None or change.now is None or change.then is None or change.immature:
        return "muted" if change is not None and change.immature else "neutral"
    return tone(change.now - change.then, good_direction(change.key), change.beyond_noise)


def _change_text(change: Change | None, lang: str) -> str:
    """A change for the KPI table: the change, its interval, and whether it is beyond noise."""
    if change is None or change.now is None or change.then is None:
        return t("q.change.none", lang)
    text = _delta(change, lang)
    low, high = change.effect_ci
    if low is not None and high is not None and not change.immature:
        if change.effect_type == "ratio":
            interval = f"{_signed((low - 1) * 100, lang, 0)}…{_signed((high - 1) * 100, lang, 0)}%"
        else:
            interval = f"{_signed(low * 100, lang, 1)}…{_signed(high * 100, lang, 1)}"
        text += f" ({interval})"
    return f"{text} · {_badge(change, lang)}"


def quarterly_warnings(report: Quarterly, lang: str) -> list[dict[str, str]]:
    texts = {"partial_quarter": t("q.partial", lang, as_of=""), "no_spend": t("q.no_spend", lang),
             "immature_stages": t("q.immature", lang, stages=_stages(report.current.immature, lang)),
             "spend_without_leads": _orphan_text(report, lang)}
    return [{"code": code, "text": texts[code]} for code in report.warnings]


def _orphan_text(report: Quarterly, lang: str) -> str:
    orphans = report.current.spend_without_leads
    named = ", ".join(f"«{channel}» {format_number(amount, lang)}" for channel, amount in orphans.items())
    return t("q.spend_without_leads", lang, channels=named, total=format_number(sum(orphans.values()), lang))


def _kpi_keys(report: Quarterly) -> list[str]:
    now = report.current
    # a rate the export cannot tell (a yes/no export's contact rate) is left out, not shown as 100%
    keys = ["leads", *[k for k in ("qualified_rate", "contact_rate") if getattr(now, k) is not None],
            *(["deals"] if now.deal_total else [])]  # no deal status in the export: no "0 deals" tile
    if report.has_spend:
        keys += ["spend", "cpl", "cpql", "cac"]
    return keys + [f"sla_{minutes:g}" for minutes in report.sla_targets if now.sla_share(minutes) is not None]


def _changes(report: Quarterly) -> tuple[dict[str, Change], str]:
    """The changes the summary speaks of: against the previous quarter, else a year earlier."""
    if report.changes_previous:
        return {c.key: c for c in report.changes_previous}, "previous"
    return {c.key: c for c in report.changes_year_ago}, "year_ago"


def _said(change: Change | None, lang: str, good: str, bad: str) -> str:
    """A change in words for the story: «дороже на 14%, и это не шум» / «+6%, в пределах шума»."""
    if change is None or change.now is None or change.then is None:
        return ""
    delta = _delta(change, lang).lstrip("+−")
    if change.immature:
        return t("q.story.early", lang)
    if not change.beyond_noise:
        return t("q.story.noise", lang, delta=_delta(change, lang))
    return t(good if change.now > change.then else bad, lang, delta=delta)


def _story(report: Quarterly, lang: str) -> tuple[str, str, list[str]]:
    """The quarter's management story: a headline, its tone, and two or three sentences."""
    changes, against = _changes(report)
    now = report.current
    vs = t(f"q.vs.{against}", lang)
    lines = []
    leads = changes.get("leads")
    if report.has_spend and now.spend_total:
        spend = changes.get("spend")
        lines.append(t("q.story.spend", lang, spend=format_money(now.spend_total, lang),
                       spend_change=_delta(spend, lang) if spend and spend.then else "—",
                       leads=format_number(now.leads, lang), leads_change=_said(leads, lang, "q.story.more", "q.story.fewer")
                       or "—", vs=vs))
        cost = [f"{t('q.story.cpl', lang)} {_said(changes.get('cpl'), lang, 'q.story.dearer', 'q.story.cheaper')}"]
        if changes.get("cpql") is not None:
            cost.append(f"{t('q.story.cpql', lang)} ({format_money(now.cpql, lang)}) "
                        f"{_said(changes.get('cpql'), lang, 'q.story.dearer', 'q.story.cheaper')}")
        lines.append("; ".join(cost) + ".")
    elif leads is not None:
        lines.append(t("q.story.leads", lang, leads=format_number(now.leads, lang),
                       change=_said(leads, lang, "q.story.more", "q.story.fewer"), vs=vs))
    if against == "previous" and report.changes_year_ago:  # the same season a year earlier: no seasonal swing
        year = {c.key: c for c in report.changes_year_ago}
        said = [f"{t('q.story.yoy.' + key, lang)} {_delta(year[key], lang)} ({_badge(year[key], lang)})"
                for key in ("leads", "cpl", "cpql") if key in year and year[key].then]
        if said:
            lines.append(t("q.story.yoy", lang, items=", ".join(said)))
    # quality gets a line when it moved (the tiles show it either way)
    quality = [(key, changes.get(key)) for key in ("qualified_rate", "contact_rate") if getattr(now, key) is not None]
    if quality and any(change is not None and (change.beyond_noise or change.immature) for _, change in quality):
        words = [f"{t('q.kpi.' + key, lang).lower()} {format_share(getattr(now, key), lang)} "
                 f"({_said(change, lang, 'q.story.up', 'q.story.down') if change else '—'})" for key, change in quality]
        lines.append(t("q.story.quality", lang, items="; ".join(words)))
    target = report.sla_targets[0]
    sla = now.sla_share(target)
    if sla is not None:
        slow = [values for kind, values in report.findings if kind == "slow_channel"]
        text = t("q.story.speed", lang, share=format_share(sla, lang, 0),
                 minutes=f"{target:g}",
                 change=_said(changes.get(f"sla_{target:g}"), lang, "q.story.up", "q.story.down") or "—")
        if slow:
            text += " " + t("q.story.slowest", lang, channel=_label(slow[0]["channel"], lang),
                            share=format_share(slow[0]["share"], lang, 0))
        lines.append(text)
    # the headline: volume and what it cost — a cost per qualified lead that moved beyond noise first
    cpql, cpl, spend = changes.get("cpql"), changes.get("cpl"), changes.get("spend")
    quality_change = changes.get("qualified_rate")
    real = lambda c: c is not None and c.beyond_noise and not c.immature  # noqa: E731
    if not changes:
        return t("q.headline.no_history", lang), "neutral", lines
    parts = []
    if real(leads):
        parts.append(t("q.headline.more" if leads.now > leads.then else "q.headline.fewer", lang,
                       leads=_delta(leads, lang).lstrip("+−")))
    else:
        parts.append(t("q.headline.leads_same", lang))
    if spend is not None and spend.then and abs(spend.now / spend.then - 1) >= 0.1:
        parts[-1] += t("q.headline.spend", lang, delta=_delta(spend, lang))
    if real(cpql):
        parts.append(t("q.headline.cpql_up" if cpql.now > cpql.then else "q.headline.cpql_down", lang,
                       delta=_delta(cpql, lang).lstrip("+−")))
        tone = "bad" if cpql.now > cpql.then else "good"
    elif real(cpl):
        parts.append(t("q.headline.cpl_up" if cpl.now > cpl.then else "q.headline.cpl_down", lang,
                       delta=_delta(cpl, lang).lstrip("+−")))
        tone = "mixed" if cpl.now > cpl.then else "good"
    elif real(quality_change):
        parts.append(t("q.headline.quality_up" if quality_change.now > quality_change.then else "q.headline.quality_down",
                       lang))
        tone = "good" if quality_change.now > quality_change.then else "bad"
    else:
        parts.append(t("q.headline.cost_same" if cpql is not None else "q.headline.quality_same", lang))
        tone = "good" if real(leads) and leads.now > leads.then else "neutral"
    if real(quality_change) and quality_change.now < quality_change.then:
        tone = "bad"
    return "; ".join(parts), tone, lines




def _decisions(report: Quarterly, data: Dataset, lang: str) -> list[tuple[str, str]]:
    """Two to four decisions with owners, each from a finding the report shows."""
    out: list[tuple[str, str]] = []
    found = dict.fromkeys(kind for kind, _ in report.findings)
    for kind, values in report.findings:
        if kind == "outlier" and values["direction"] == "below":
            out.append(("marketing", t("q.do.outlier", lang, channel=_label(values["channel"], lang),
                                       rate=format_share(values["rate"], lang), low=format_share(values["low"], lang, 0))))
        elif kind == "budget":
            out.append(("marketing", t("q.do.budget", lang, to=_label(values["to"], lang), from_=_label(values["from"], lang),
                                       to_cpql=format_money(values["to_cpql"], lang),
                                       from_cpql=format_money(values["from_cpql"], lang))))
        elif kind == "slow_channel":
            if values.get("managers"):
                out.append(("sales", t("q.do.slow_managers", lang, minutes=_target(report), channel=_label(values["channel"], lang),
                                       managers=_joined(values["managers"], lang),
                                       share=format_share(values["managers_share"], lang, 0),
                                       within=format_share(values["managers_within"], lang, 0),
                                       overall=format_share(values["overall"], lang, 0))))
            else:
                out.append(("sales", t("q.do.slow_channel", lang, minutes=_target(report), channel=_label(values["channel"], lang),
                                       share=format_share(values["share"], lang, 0),
                                       overall=format_share(values["overall"], lang, 0))))
        elif kind == "slow_manager":
            out.append(("sales", t("q.do.slow_manager", lang, manager=values["manager"], rate=format_share(values["rate"], lang),
                                   expected=format_share(values["expected"], lang))))
    changes, _ = _changes(report)
    cpl, spend = changes.get("cpl"), changes.get("spend")
    if cpl is not None and cpl.beyond_noise and cpl.now > cpl.then and spend is not None and spend.then \
            and spend.now > spend.then:
        cpql = changes.get("cpql")
        out.append(("management", t("q.do.scale", lang, spend=_delta(spend, lang), cpl=_delta(cpl, lang),
                                    cpql=_said(cpql, lang, "q.story.dearer", "q.story.cheaper") if cpql else "—")))
    if "immature" in found:
        days = max(data.mapping.settings.maturity_days.get(stage, 0) for stage in report.current.immature)
        date = format_date(report.current.period.end + pd.Timedelta(days=days), lang)
        out.append(("management", t("q.do.immature", lang, stages=_stages(report.current.immature, lang), date=date)))
    return out[:5]


def summary_section(report: Quarterly, data: Dataset, lang: str) -> Section:
    """The first screen: the quarter's story, its KPIs coloured by what is good for the business,
    and the decisions they imply, with owners."""
    now = report.current
    headline, tone, lines = _story(report, lang)
    changes, against = _changes(report)
    tiles = []
    for key in _kpi_keys(report)[:8]:
        change = changes.get(key)
        history = [_kpi_raw(key, kpis) for kpis in report.history] if report.history else []
        css = _tone(change)
        vs = "" if change is None or change.then is None else t(f"q.vs.short.{against}", lang, delta=_delta(change, lang))
        tiles.append(kpi_tile(_kpi_short(key, now, lang), kpi_label(key, lang, "tile"), vs, css, _badge(change, lang),
                              sparkline(history, css)))
    period = now.period
    title = t("q.summary.title", lang, quarter=quarter_name(period.label, lang), start=format_date(period.start, lang),
              end=format_date(period.end, lang))
    warnings = []
    if now.partial:
        warnings.append(t("q.partial", lang, as_of=f"{data.as_of:%d.%m.%Y}"))
    if not report.has_spend:
        warnings.append(t("q.no_spend", lang))
    if report.previous is None and report.year_ago is None:
        warnings.append(t("q.no_history", lang))
    block = summary_block(lang, answer=headline, answer_tone=tone, lines=lines, numbers=[],
                          tiles=f'<div class="la-kpis">{"".join(tiles)}</div>', actions=_decisions(report, data, lang),
                          title=title, note=" ".join(warnings) or t("q.summary.note", lang))
    return section(block)


def kpi_section(report: Quarterly, data: Dataset, lang: str) -> Section:
    """KPIs against the previous quarter and a year earlier, each change tested (Holm across all)."""
    now, previous, year_ago = report.current, report.previous, report.year_ago
    keys = _kpi_keys(report)
    by_previous = {c.key: c for c in report.changes_previous}
    by_year = {c.key: c for c in report.changes_year_ago}
    rows = [{t("col.kpi", lang): kpi_label(k, lang), t("col.now", lang): _kpi_value(k, now, lang),
             t("col.previous", lang): _kpi_value(k, previous, lang),
             t("col.change_previous", lang): _change_text(by_previous.get(k), lang),
             t("col.year_ago", lang): _kpi_value(k, year_ago, lang),
             t("col.change_year", lang): _change_text(by_year.get(k), lang)} for k in keys]
    parts: list[Any] = [heading("q.section.kpis", lang), table(pd.DataFrame(rows), lang)]
    if report.has_revenue and now.spend and "deal" not in now.immature:  # revenue of deals still closing would mislead
        drr = format_share(now.spend / now.revenue, lang, 1) if now.revenue else "—"
        extra = f"{t('q.kpi.roas', lang, drr=drr)}: {format_number(now.roas, lang, 1)}"
        if report.margin is not None and now.revenue is not None:
            romi = (now.revenue * report.margin - now.spend) / now.spend
            extra += f"; {t('q.kpi.romi', lang, margin=format_share(report.margin, lang, 0))}: {format_share(romi, lang, 0)}"
        parts.append(paragraph(extra))
    parts.append(paragraph(t("q.cohort", lang, as_of=f"{data.as_of:%d.%m.%Y}", repeats=format_number(now.repeats, lang))
                           + " " + t("q.kpis.note", lang), "la-note"))
    if now.immature:
        parts.append(callout(t("q.immature", lang, stages=_stages(now.immature, lang)), warn=True))
    if now.spend_without_leads:
        parts.append(callout(_orphan_text(report, lang), warn=True))
    return section(*parts)


def findings_section(report: Quarterly, lang: str) -> Section:
    """What the quarter's data shows beyond noise, each finding connected to what explains it."""
    items = []
    for kind, values in report.findings:
        if kind == "change":
            key = values["key"]
            fmt = (lambda v: format_share(v, lang)) if is_share(key) else (lambda v: _kpi_short(key, None, lang) if v is None
                                                                               else format_number(v, lang))
            items.append(t("q.finding.change", lang, kpi=kpi_label(key, lang), now=fmt(values["now"]),
                           then=fmt(values["then"]), direction=t(f"q.change.{values['direction']}", lang),
                           p=format_p(values["p"], lang)))
        elif kind == "outlier":
            items.append(t(f"q.finding.outlier.{values['direction']}", lang, channel=_label(values["channel"], lang),
                           rate=format_share(values["rate"], lang), overall=format_share(values["overall"], lang),
                           low=format_share(values["low"], lang), high=format_share(values["high"], lang)))
        elif kind == "budget":
            items.append(t("q.finding.budget", lang, to=_label(values["to"], lang), from_=_label(values["from"], lang),
                           to_cpql=format_money(values["to_cpql"], lang), from_cpql=format_money(values["from_cpql"], lang)))
        elif kind == "sla":
            items.append(t("q.finding.sla", lang, minutes=_target(report), share=format_share(values["share"], lang, 0)))
        elif kind == "reason":
            items.append(t("q.finding.reason", lang, reason=reason_label(values["reason"], lang), share=format_share(values["share"], lang, 0)))
        elif kind == "immature":
            items.append(t("q.finding.immature", lang, stages=_stages(values["stages"].split(", "), lang)))
        elif kind == "slow_channel":
            text = t("q.finding.slow_channel", lang, minutes=_target(report), channel=_label(values["channel"], lang),
                     share=format_share(values["share"], lang, 0), overall=format_share(values["overall"], lang, 0),
                     median=t("stats.not_reached", lang) if values["median"] is None else format_number(values["median"], lang))
            if values.get("managers"):
                text += " " + t("q.finding.slow_managers", lang, minutes=_target(report), managers=_joined(values["managers"], lang),
                                share=format_share(values["managers_share"], lang, 0),
                                within=format_share(values["managers_within"], lang, 1))
            items.append(text)
        elif kind == "slow_manager":
            items.append(t("q.finding.slow_manager", lang, manager=_label(values["manager"], lang), rate=format_share(values["rate"], lang),
                           expected=format_share(values["expected"], lang)))
        else:
            items.append(t("q.finding.partial", lang))
    listed = "".join(f"<li>{escape(item)}</li>" for item in items)
    return section(heading("q.section.findings", lang), Html(f'<ol class="la-actions">{listed}</ol>'))


def funnel_section(report: Quarterly, lang: str) -> Section:
    """The funnel from leads down as a chart (with the previous quarter behind), the table with
    impressions and clicks where the spend file has them."""
    frame = report.funnel
    shown = pd.DataFrame({t("col.stage", lang): frame["stage"].map(lambda s: t(f"q.funnel.stage.{s}", lang)),
                          t("col.count_abs", lang): frame["count"].round(0).astype("int64"),
                          t("col.conversion", lang): frame["conversion"].map(lambda v: format_share(v, lang, 2 if v < 0.1 else 1)
                                                                             if pd.notna(v) else "—")})
    parts: list[Any] = [heading("q.section.funnel", lang)]
    steps = frame.loc[~frame["stage"].isin(["impressions", "clicks"])]
    if len(steps) >= 2:
        previous = None
        if report.funnel_previous is not None:
            previous = report.funnel_previous.loc[~report.funnel_previous["stage"].isin(["impressions", "clicks"])]
        labels = {stage: t(f"q.funnel.stage.{stage}", lang) for stage in steps["stage"]}
        names = (quarter_name(report.current.period.label, lang),
                 quarter_name(report.previous.period.label, lang) if report.previous else "")
        parts.append(figure(funnel_steps_plot(steps, previous, labels, lang, names), t("plot.q.funnel.title", lang)))
    if len(steps) >= 2:  # the chart shows leads down: the table keeps what comes before them
        shown = shown.loc[frame["stage"].isin(["impressions", "clicks", "leads"]).to_numpy()]
    if len(shown) > 1:
        parts.append(table(shown, lang))
    if "impressions" in set(frame["stage"]):
        parts.append(paragraph(t("q.funnel.note", lang), "la-note"))
    return section(*parts)


def channels_section(report: Quarterly, lang: str) -> Section:
    frame = report.channels.sort_values("leads", ascending=False)

    def ci(row) -> str:
        # the channel's own share (the one the text and the previous-quarter column quote) with its interval
        if row.qualified_rate is None or pd.isna(row.qualified_rate) or not row.leads:
            return "—"
        interval = stats.rate_interval(int(row.qualified), int(row.leads), report.params["alpha"]).ci
        return f"{format_share(row.qualified_rate, lang)} ({format_share(interval[0], lang)}–{format_share(interval[1], lang)})"

    def qoq(row) -> str:
        if row.qualified_rate_previous is None or pd.isna(row.qualified_rate_previous):
            return "—"
        p = row.qoq_p
        word = t("q.badge.noise", lang) if p is None or p >= report.params["alpha"] else \
            t("q.change.up" if row.qualified_rate > row.qualified_rate_previous else "q.change.down", lang)
        return f"{format_share(row.qualified_rate_previous, lang)} → {format_share(row.qualified_rate, lang)} · {word}"

    columns = {
        t("col.channel", lang): frame["channel"].map(lambda c: _label(c, lang)),
        t("col.leads", lang): frame["leads"].astype("int64"),
        t("col.qualified_share_ci", lang): [ci(r) for r in frame.itertuples()],
    }
    if report.current.deal_total:  # an export without a deal status has no "0 deals" column
        columns[t("col.won", lang)] = frame["deals"].astype("int64")
    if report.has_spend:
        money = lambda v: "—" if v is None or pd.isna(v) else format_number(v, lang)  # noqa: E731
        columns.update({t("col.spend", lang): frame["spend"].map(money), t("q.kpi.cpl", lang): frame["cpl"].map(money),
                        t("q.kpi.cpql", lang): frame["cpql"].map(money)})
        deals_open = "deal" in report.current.immature  # a cost per deal of deals still closing would mislead
        if not deals_open:
            columns[t("q.kpi.cac", lang)] = frame["cac"].map(money)
        if report.has_revenue and not deals_open:
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
                               t("plot.q.weekly.title", lang), "la-screen-only")]
    if report.seasonality is not None:
        season = report.seasonality.set_index("moy")["index"]
        row = {t(f"month.{m}", lang): format_number(season.get(m), lang, 2) for m in range(1, 13)}
        parts += [paragraph(t("q.seasonality", lang), "la-note"), table(pd.DataFrame([row]), lang)]
    return section(*parts)


def processing_section(report: Quarterly, lang: str) -> Section:
    parts: list[Any] = [heading("q.section.processing", lang)]
    km = report.time_to_contact

    def minutes(value) -> str:
        return t("stats.not_reached", lang) if value is None or pd.isna(value) else format_number(value, lang)

    if km is not None:
        parts.append(paragraph(t("q.processing.text" if km.p90 is not None else "q.processing.text_never", lang,
                                 median=minutes(km.median), p90=minutes(km.p90))))
    if report.missed_calls is not None:
        calls, missed, reached = report.missed_calls
        parts.append(paragraph(t("q.missed", lang, calls=format_number(calls, lang), missed=format_number(missed, lang),
                                 reached=format_number(reached, lang))))
    frame = report.processing_channels
    if len(frame):
        share = lambda v: "—" if v is None or pd.isna(v) else format_share(v, lang)  # noqa: E731
        shown = pd.DataFrame({t("col.channel", lang): frame["channel"].map(lambda c: _label(c, lang)),
                              t("col.leads", lang): frame["leads"].astype("int64"),
                              t("col.within", lang, minutes=f"{report.sla_targets[0]:g}"): frame["within_target"].map(share),
                              t("col.within", lang, minutes=f"{report.sla_targets[1]:g}"): frame["within_double"].map(share),
                              t("col.median_minutes", lang): frame["median"].map(minutes),
                              t("col.contact_rate", lang): frame["contact_rate"].map(share)})
        parts += [Html(f"<h3>{escape(t('q.by_channel', lang))}</h3>"), table(shown, lang)]
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
            t("col.within", lang, minutes=f"{report.sla_targets[0]:g}"): managers["within_target"].map(share),
            t("col.median_minutes", lang): managers["median"].map(minutes)})
        parts += [Html(f"<h3>{escape(t('q.by_manager', lang))}</h3>"), table(shown, lang),
                  paragraph(t("q.managers.note", lang), "la-note")]
    return section(*parts)


def reasons_section(report: Quarterly, lang: str) -> Section:
    frame = report.reasons
    parts: list[Any] = [heading("q.section.reasons", lang)]
    if frame.empty:
        return section(*parts, paragraph(t("q.reasons.none", lang)))
    # the reasons that make most of the losses, and any that changed beyond noise; the tail in one line
    changed = frame["p_value"].fillna(1) < report.params["alpha"] if "p_value" in frame else False
    keep = (pd.Series(range(len(frame)), index=frame.index) < TOP_REASONS) | changed
    rest = frame.loc[~keep]
    frame = frame.loc[keep]
    columns = {t("col.reason", lang): frame["reason"].map(lambda r: reason_label(r, lang)), t("col.owner", lang): frame["owner"].map(lambda o: t(f"owner.{o}", lang)),
               t("col.lost_count", lang): frame["lost"].astype("int64"),
               t("col.share_of_losses", lang): frame["share"].map(lambda v: format_share(v, lang)),
               t("col.cumulative", lang): frame["cumulative"].map(lambda v: format_share(v, lang)),
               t("col.per_lead", lang): frame["per_lead"].map(lambda v: format_share(v, lang))}
    if "per_lead_previous" in frame:
        columns[t("col.per_lead_previous", lang)] = frame["per_lead_previous"].map(lambda v: format_share(v, lang))
        columns[t("col.p_adjusted", lang)] = frame["p_value"].map(lambda v: format_p(v, lang))
    owners = paragraph(t("q.owners", lang, owners="; ".join(
        f"{t(f'owner.{row.owner}', lang)} — {format_share(row.share, lang, 0)}" for row in report.owners.itertuples())))
    tail = paragraph(t("q.reasons.rest", lang, count=len(rest), lost=format_number(rest["lost"].sum(), lang),
                       share=format_share(rest["share"].sum(), lang)), "la-note") if len(rest) else None
    return section(*parts, table(pd.DataFrame(columns), lang), tail, owners)


def budget_section(report: Quarterly, lang: str) -> Section:
    parts: list[Any] = [heading("q.section.budget", lang)]
    frame = report.budget
    if frame.empty:
        return section(*parts, paragraph(t("q.no_spend", lang)))
    shown = pd.DataFrame({t("col.channel", lang): frame["channel"], t("col.spend", lang): frame["spend"].round(0),
                          t("q.kpi.cpql", lang): [f"{format_number(r.cpql, lang)} ({format_number(r.cpql_low, lang)}–"
                                                  f"{format_number(r.cpql_high, lang)})" for r in frame.itertuples()],
                          **({} if "deal" in report.current.immature else {
                              t("q.kpi.cac", lang): frame["cac"].map(lambda v: "—" if v is None or pd.isna(v)
                                                                     else format_number(v, lang))}),
                          t("col.verdict", lang): [t(f"q.budget.{r.verdict}", lang)
                                                   + (t("q.budget.slow", lang) if getattr(r, "slow", False) else "")
                                                   for r in frame.itertuples()]})
    return section(*parts, table(shown, lang, digits=0),
                   paragraph(t("q.budget.note", lang, average=format_number(frame["average_cpql"].iloc[0], lang)), "la-note"))


def glossary_section(report: Quarterly, lang: str) -> Section:
    """The words of method this report uses, each with what it means for a decision."""
    keys = ["noise", "edge", "interval", "holm", "pts", "cohort", "working_minutes"]
    if report.channel_limits is not None:
        keys.append("funnel_limits")
    if len(report.processing_managers):
        keys.append("shrinkage")
    if report.current.immature:
        keys.append("immature")
    return glossary(keys, lang)
