"""The experiment report's sections, built from an :class:`~analysis.experiment.Evaluation`."""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.dates import DateFormatter

from .display import (
    Html, Section, callout, escape, figure, format_date, format_money, format_number, format_share, glossary, heading,
    interval_bar, paragraph, points, section, summary_block, tone,
)
from .experiment import Evaluation
from .i18n import t
from .jobs import parse_period
from .plots import PALETTE, _figure, daily_arms_plot, untouched_channels_plot
from .stats._common import format_p

ICONS = {"adopt_variant": "▲", "keep_control": "●", "inconclusive": "?"}
RATE_METRICS = ("qualified_rate", "contact_rate", "deal_rate")
MONEY_METRICS = ("cpl", "cpql", "cac")
#: which way is good: +1 higher is better, −1 lower is better, 0 neither (fewer leads: less volume, less work)
GOOD_DIRECTION = {"leads_per_day": 0, "leads_per_1000": 0, "qualified_rate": 1, "qualified_per_1000": 1,
                  "qualified_per_day": 1, "qualified_per_row": 1, "cpl": -1, "cpql": -1, "contact_rate": 1,
                  "deal_rate": 1, "cac": -1, "deals_per_1000": 1}
#: deal-based rows, hidden while deals are still closing (their costs would mislead)
DEAL_METRICS = ("deal_rate", "cac", "deals_per_1000")
#: the order of the metric rows: the decision metric's own cost first, then what guards it
ORDER = ("cpql", "qualified_per_1000", "qualified_per_day", "qualified_per_row", "leads_per_1000", "leads_per_day",
         "cpl", "qualified_rate", "contact_rate", "deal_rate", "cac", "deals_per_1000")


def _value(name: str, value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    if name in RATE_METRICS:
        return format_share(value, lang)
    if name in MONEY_METRICS:
        return format_number(value, lang)
    if name.endswith("_per_day"):
        return format_number(value, lang, 1)
    return format_number(value, lang, 3 if value < 10 else 1)


def _labels(ev: Evaluation) -> dict[str, str]:
    return {"control": ev.control.label, "variant": ev.variant.label}


def experiment_warnings(ev: Evaluation, lang: str) -> list[dict[str, str]]:
    """The the decision rule warning codes with their texts, for the JSON and the checks section."""
    out = []
    for code in ev.warnings:
        if code == "srm" and ev.srm is not None:
            text = t("ex.warning.srm", lang, unit=t(f"ex.srm_unit.{ev.srm_unit}", lang), p=format_p(ev.srm.p_value, lang))
        elif code == "underpowered":
            text = t("ex.warning.underpowered", lang, power=format_share(ev.power_20, lang, 0))
        elif code == "overdispersed":
            text = t("ex.warning.overdispersed", lang, phi=format_number(ev.dispersion, lang, 2))
        elif code == "immature_deals":
            text = t("ex.warning.immature_deals", lang, days=ev.notes.get("deal_days", 90))
        elif code == "no_spend" and ev.exposure == "rows":
            text = t("ex.warning.no_spend.rows", lang)
        else:
            text = t(f"ex.warning.{code}", lang)
        out.append({"code": code, "text": text})
    return out


def _decision_words(ev: Evaluation, lang: str) -> dict[str, str]:
    """The decision metric in words (no "per rouble" without spend): ``dm`` and the form after "по"."""
    kind = "deals" if ev.decision_metric == "deals_per_1000" else ev.exposure
    return {"dm": t(f"ex.dm.{kind}", lang), "dm_by": t(f"ex.dm.{kind}.by", lang)}


def _open_text(ev: Evaluation, lang: str) -> str | None:
    bounds = ev.notes.get("open_bounds")
    if not bounds:
        return None
    text = t("ex.open", lang, c=format_number(bounds["control"], lang), v=format_number(bounds["variant"], lang),
             every=t("ex.decision." + bounds["decision_if_all"], lang),
             none=t("ex.decision." + bounds["decision_if_none"], lang))
    return text + (t("ex.open.stands", lang) if bounds["decision_stands"] else
                   t("ex.open.changes", lang, date=format_date(bounds["known_by"], lang)))


def _relative(metric) -> tuple[float, float, float] | None:
    """A metric's change as a relative change (ratio − 1, or difference / control), with its interval."""
    low, high = metric.effect_ci
    if metric.effect is None or low is None or high is None:
        return None
    if metric.effect_type == "ratio":
        return metric.effect - 1, low - 1, high - 1
    if not metric.control:
        return None
    return metric.effect / metric.control, low / metric.control, high / metric.control


def _direction(ev: Evaluation, name: str) -> int:
    """Which way is good for a metric of this experiment: when the decision rests on the sales work
    saved, fewer leads per rouble or per day is the gain and a dearer lead is its price, not a loss."""
    if ev.decision_reason == "workload" and name in ("leads_per_1000", "leads_per_day"):
        return -1
    if ev.decision_reason == "workload" and name == "cpl":
        return 0
    return GOOD_DIRECTION.get(name, 0)


def _metric_tone(metric, alpha: float, good: int) -> str:
    """Green or red by ``good`` (see :func:`_direction`), only when the change is beyond noise."""
    change = _relative(metric)
    return tone(None if change is None else change[0], good, metric.p_value is not None and metric.p_value < alpha)


def _change_words(metric, lang: str) -> str:
    """«−14%» for ratios and costs, «+21,9 п.п.» for shares."""
    if metric.effect is None:
        return "—"
    if metric.effect_type == "ratio":
        value = (metric.effect - 1) * 100
        return ("+" if value >= 0 else "−") + format_number(abs(value), lang, 0) + "%"
    return ("+" if metric.effect >= 0 else "−") + points(metric.effect, lang)


def _interval_words(metric, lang: str) -> str:
    """The change's interval in the change's own unit: «−28…+2%» for ratios, «+16,8…+26,9 п.п.» for shares."""
    low, high = metric.effect_ci
    if metric.effect is None or low is None or high is None:
        return "—"
    if metric.effect_type == "ratio":
        sign = lambda v: ("+" if v >= 1 else "−") + format_number(abs(v - 1) * 100, lang, 0)  # noqa: E731
        return f"{sign(low)}…{sign(high)}%"
    sign = lambda v: ("+" if v >= 0 else "−") + format_number(abs(v) * 100, lang, 1)  # noqa: E731
    return f"{sign(low)}…{sign(high)}" + ("\u00a0п.п." if lang == "ru" else "\u00a0pts")


def _calls_saved(ev: Evaluation) -> float | None:
    """Leads sales would not have to call in a quarter (91 days) for the control's qualified volume:
    the control's qualified leads per quarter over each arm's qualified share."""
    c, v = ev.control, ev.variant
    if ev.exposure == "rows" or not c.days or not c.mature_leads or not v.mature_leads or not c.qualified or not v.qualified:
        return None
    per_quarter = c.qualified / c.days * 91
    return per_quarter * (c.mature_leads / c.qualified - v.mature_leads / v.qualified)


def summary_section(ev: Evaluation, lang: str) -> Section:
    """The first screen: the decision, why (reconciled with p when the workload rule decides), the
    business effect in words, three numbers and who does what."""
    tone = {"adopt_variant": "good", "keep_control": "neutral", "inconclusive": "neutral"}[ev.decision]
    chosen = {"adopt_variant": ev.variant.label, "keep_control": ev.control.label}.get(ev.decision)
    quoted = "" if chosen is None else (f" «{chosen}»" if lang == "ru" else f" “{chosen}”")
    answer = f"{ICONS[ev.decision]} {t('ex.decision.' + ev.decision, lang)}{quoted}"
    words = _decision_words(ev, lang)
    if ev.decision_reason == "immature":
        return section(summary_block(lang, answer=answer, answer_tone="neutral", lines=[_immature_text(ev, lang)],
                                     numbers=[], actions=[("marketing", t("ex.do.wait", lang))]))
    alpha = ev.params["alpha"]
    lines = []
    low, high = ev.ratio.ratio_ci
    if ev.decision_reason == "workload":
        lines.append(t("ex.why.workload", lang, p=format_p(ev.ratio.p_value, lang),
                       limit=format_share(ev.params["margin"], lang, 0), cut=format_share(1 - (ev.workload.ratio or 1), lang, 0),
                       **words))
    else:
        lines.append(t(f"ex.reason.{ev.decision_reason}", lang, low=format_number(low, lang, 2), high=format_number(high, lang, 2),
                       wu=format_number(ev.workload.ratio_ci[1], lang, 2), limit=format_number(1 - ev.params["margin"], lang, 2), **words))
    actions = _actions(ev, lang)
    if ev.running is not None:  # the experiment still runs: the answer is whether it may stop now
        planned = f"{t('ex.decision.' + ev.decision, lang)}{quoted}"
        answer, tone = _running_words(ev, lang), RUNNING_TONE[ev.running.decision]
        lines.insert(0, t("ex.running.line", lang, planned=planned))
        actions = _running_actions(ev, lang, actions)
    saved = _calls_saved(ev)
    if saved is not None and abs(saved) >= 1:
        lines.append(t("ex.effect.fewer" if saved > 0 else "ex.effect.more", lang,
                       n=format_number(round(abs(saved), -1) if abs(saved) >= 50 else abs(saved), lang)))
    metrics = {m.name: m for m in ev.metrics}
    numbers = []
    main = metrics.get("cpql") if ev.exposure == "spend" else metrics.get(ev.decision_metric)
    if main is not None and main.control is not None and main.variant is not None:
        shown = (lambda v: format_money(v, lang)) if main.name in MONEY_METRICS else (lambda v: _value(main.name, v, lang))
        numbers.append((f"{shown(main.control)} → {shown(main.variant)}",
                        t("ex.number.main", lang, metric=t(f"ex.metric.{main.name}", lang).split(",")[0],
                          change=_change_words(main, lang), p=format_p(main.p_value, lang)),
                        _metric_tone(main, alpha, _direction(ev, main.name))))
    workload = metrics.get("leads_per_1000") or metrics.get("leads_per_day")
    if workload is not None and workload.effect is not None and ev.exposure != "rows":
        tile = (_change_words(workload, lang), t(f"ex.number.workload.{ev.exposure}", lang,
                                                 range=_interval_words(workload, lang)),
                _metric_tone(workload, alpha, _direction(ev, workload.name)))
        # the number the decision rests on comes first
        numbers.insert(0, tile) if ev.decision_reason == "workload" else numbers.append(tile)
    if ev.p_variant_better is not None:
        numbers.append((format_share(ev.p_variant_better, lang, 0), t("ex.number.posterior", lang, **words), "neutral"))
    return section(summary_block(lang, answer=answer, answer_tone=tone, lines=lines, numbers=numbers,
                                 actions=actions))


RUNNING_TONE = {"stop_adopt": "good", "stop_keep_control": "neutral", "stop_no_difference": "neutral",
                "keep_running": "neutral"}


def _running_names(ev: Evaluation, lang: str) -> dict[str, str]:
    """The arms' names and the exposure's words ("на рубль", "в день") the running texts take."""
    per = "ex.running.per_spend" if ev.running.exposure == "spend" else "ex.running.per_day"
    return {"variant": ev.variant.label, "control": ev.control.label, "per": t(per, lang)}


def _running_words(ev: Evaluation, lang: str) -> str:
    """What the look at a running experiment allows, in words."""
    return t("ex.running." + ev.running.decision, lang, **_running_names(ev, lang))


def _running_actions(ev: Evaluation, lang: str, planned: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What to do after a look: keep the test untouched, or stop it the way the look says."""
    decision = ev.running.decision
    control, variant = ev.control.label, ev.variant.label
    if decision == "stop_adopt":
        return [("marketing", t("ex.do.adopt", lang, variant=variant, control=control))]
    if decision == "stop_keep_control":
        return [("marketing", t("ex.do.keep", lang, variant=variant, control=control))]
    if decision == "stop_no_difference":
        return [("marketing", t("ex.do.no_difference", lang, margin=format_share(ev.params["margin"], lang, 0)))]
    return [("marketing", t("ex.do.keep_running", lang))] + [item for item in planned if item[0] == "management"]


def running_section(ev: Evaluation, lang: str) -> Section:
    """With --running: can the experiment stop now? The always-valid interval, its path week by week,
    and the fixed-horizon interval beside it (which only holds for one look at the planned end)."""
    running = ev.running
    if not ev.params.get("running"):
        return section()
    parts: list[Any] = [heading("ex.section.running", lang)]
    if running is None:
        parts.append(paragraph(t("ex.running.none", lang)))
        return section(*parts)
    low, high = running.result.ci_running
    words = _running_names(ev, lang)
    parts.append(Html(f'<div class="la-answer la-{RUNNING_TONE[running.decision]}">'
                      f'{escape(_running_words(ev, lang))}</div>'))
    fixed_low, fixed_high = ev.ratio.ratio_ci
    parts.append(paragraph(t("ex.running.interval", lang, ratio=format_number(running.result.ratio, lang, 2),
                             low=format_number(low, lang, 2), high=format_number(high, lang, 2),
                             fixed_low=format_number(fixed_low, lang, 2), fixed_high=format_number(fixed_high, lang, 2),
                             looks=running.result.looks, band_low=format_number(1 - running.margin, lang, 2),
                             band_high=format_number(1 / (1 - running.margin), lang, 2),
                             alpha=format_share(ev.params["alpha"], lang, 0), **words)))
    last = max((arm.last_day for arm in (ev.control, ev.variant) if arm.last_day is not None), default=None)
    as_of = ev.notes.get("as_of")
    if last is not None and as_of is not None and (as_of - last.normalize()).days > STALE_DAYS:
        parts.append(callout(t("ex.running.stale", lang, last=format_date(last, lang), as_of=format_date(as_of, lang)),
                             warn=True))
    if len(running.path) >= 2:
        parts.append(figure(running_plot(running, lang), t("ex.running.plot", lang)))
        parts.append(paragraph(t("ex.running.plot", lang), "la-note"))
    parts.append(paragraph(t("ex.running.how", lang), "la-note"))
    return section(*parts)


#: days between an experiment's last lead and the export after which "running" is doubted
STALE_DAYS = 7


def running_plot(running: Any, lang: str):
    """The always-valid interval of R week by week, the line of no difference and the band around it."""
    path = running.path
    chart = _figure(9.0, 3.2)
    axes = chart.subplots()
    high = path["high"].astype(float).fillna(float(path["high"].max(skipna=True) or 3.0) * 1.2)
    axes.fill_between(path["day"], path["low"].astype(float), high, color=PALETTE[2], alpha=0.5, lw=0)
    axes.plot(path["day"], path["ratio"].astype(float), color=PALETTE[0], marker="o", ms=3)
    axes.axhline(1.0, color="#52606d", lw=1)
    axes.axhspan(1 - running.margin, 1 / (1 - running.margin), color="#e4e7eb", alpha=0.6, lw=0)
    axes.set_ylabel(t("ex.running.y", lang))
    axes.set_ylim(0, min(3.0, float(high.max()) * 1.05))
    axes.xaxis.set_major_formatter(DateFormatter("%d.%m"))
    return chart


def _actions(ev: Evaluation, lang: str) -> list[tuple[str, str]]:
    out = []
    control, variant = ev.control.label, ev.variant.label
    if ev.decision == "adopt_variant":
        out.append(("marketing", t("ex.do.adopt", lang, variant=variant, control=control)))
        if ev.decision_reason == "workload":
            out.append(("sales", t("ex.do.fewer_calls", lang)))
    elif ev.decision == "keep_control":
        out.append(("marketing", t("ex.do.keep", lang, variant=variant, control=control)))
    else:
        weeks = "—" if ev.weeks_needed is None else format_number(ev.weeks_needed, lang, 0)
        out.append(("marketing", t("ex.do.continue", lang, weeks=weeks)))
    if "immature_deals" in ev.warnings:
        days = ev.notes.get("deal_days", 90)
        last = max((arm.last_day for arm in (ev.control, ev.variant) if arm.last_day is not None), default=None)
        date = "—" if last is None else format_date(last + pd.Timedelta(days=days), lang)
        out.append(("management", t("ex.do.deals_later", lang, days=days, date=date)))
    if "srm" in ev.warnings:
        out.insert(0, ("marketing", t("ex.do.srm", lang)))
    return out


def _immature_text(ev: Evaluation, lang: str) -> str:
    empty = [arm for arm in (ev.control, ev.variant) if arm.mature_leads == 0]
    dates = [arm.known_by for arm in empty if arm.known_by is not None]
    return t("ex.reason.immature", lang, arm=" / ".join(f"«{arm.label}»" for arm in empty),
             date=format_date(max(dates) if dates else None, lang))


def decision_section(ev: Evaluation, lang: str) -> Section:
    """How the decision was reached: its rule, the numbers behind it and the Bayesian probability."""
    low, high = ev.ratio.ratio_ci
    wl, wu = ev.workload.ratio_ci
    words = _decision_words(ev, lang)
    if ev.decision_reason == "immature":
        return section(heading("ex.section.decision", lang), callout(_immature_text(ev, lang), warn=True))
    reason = t(f"ex.reason.{ev.decision_reason}", lang, low=format_number(low, lang, 2), high=format_number(high, lang, 2), wu=format_number(wu, lang, 2),
               limit=format_number(1 - ev.params["margin"], lang, 2), **words)
    metrics = {m.name: m for m in ev.metrics}
    share = metrics["qualified_rate"]
    if ev.exposure == "spend":
        # the decision metric's own rates (qualified or, when deals decide, deals per 1000 ₽ of known outcomes)
        what = "deals" if ev.decision_metric == "deals_per_1000" else "qualified"
        numbers = t("ex.numbers", lang, what=t(f"ex.numbers.what.{what}", lang), c=_value("x", ev.ratio.rate2, lang),
                    v=_value("x", ev.ratio.rate1, lang),
                    r=format_number(ev.ratio.ratio, lang, 2), low=format_number(low, lang, 2), high=format_number(high, lang, 2), p=format_p(ev.ratio.p_value, lang),
                    w=format_number(ev.workload.ratio, lang, 2), wl=format_number(wl, lang, 2), wu=format_number(wu, lang, 2),
                    qc=format_share(share.control, lang), qv=format_share(share.variant, lang))
    elif ev.exposure == "rows":
        numbers = t("ex.numbers.rows", lang, qc=format_share(share.control, lang), qv=format_share(share.variant, lang),
                    c=format_number(ev.control.qualified, lang), nc=format_number(ev.control.mature_leads, lang),
                    v=format_number(ev.variant.qualified, lang), nv=format_number(ev.variant.mature_leads, lang),
                    r=format_number(ev.ratio.ratio, lang, 2), low=format_number(low, lang, 2), high=format_number(high, lang, 2),
                    p=format_p(ev.ratio.p_value, lang))
    else:
        numbers = t("ex.numbers.per_day", lang, unit=t(f"ex.unit.{ev.exposure}", lang),
                    c=ev.control.qualified, v=ev.variant.qualified, r=format_number(ev.ratio.ratio, lang, 2), low=format_number(low, lang, 2),
                    high=format_number(high, lang, 2), p=format_p(ev.ratio.p_value, lang), w=format_number(ev.workload.ratio, lang, 2),
                    wl=format_number(wl, lang, 2), wu=format_number(wu, lang, 2))
    parts: list[Any] = [heading("ex.section.decision", lang), paragraph(reason), paragraph(numbers)]
    still_open = _open_text(ev, lang)
    if still_open:
        parts.append(callout(still_open, warn="open_outcomes" in ev.warnings))
    if "underpowered" in ev.warnings:
        parts.append(callout(t("ex.warning.underpowered", lang, power=format_share(ev.power_20, lang, 0)), warn=True))
    if "time_split" in ev.warnings:
        parts.append(callout(t("ex.warning.time_split", lang), warn=True))
    if ev.p_variant_better is not None:
        parts.append(paragraph(t("ex.posterior", lang, p=format_share(ev.p_variant_better, lang, 0), **words)))
    if ev.decision == "inconclusive" and ev.weeks_needed is not None:
        needed = format_number(ev.events_needed, lang)
        parts.append(callout(t("ex.weeks", lang, needed=needed, weeks=format_number(ev.weeks_needed, lang, 1)), warn=True))
    saved = _calls_saved(ev)
    if saved is not None and abs(saved) >= 1:
        parts.append(paragraph(t("ex.effect.how", lang, n=format_number(abs(saved), lang)), "la-note"))
    if ev.exposure != "rows":
        parts.append(paragraph(t("ex.share_trap", lang, **words), "la-note"))
    return section(*parts)


def arms_section(ev: Evaluation, lang: str) -> Section:
    """Each arm's leads, days and spend as far as the data has them, and the planned split."""
    def money(value):
        return "—" if value is None else f"{format_number(value, lang)} ₽"

    def arm_text(arm) -> str:
        parts = [t("ex.arm.leads", lang, n=format_number(arm.leads, lang))]
        if arm.first_day is not None:
            parts.append(f"{format_date(arm.first_day, lang)} — {format_date(arm.last_day, lang)}")
            parts.append(t("ex.arm.days", lang, n=format_number(arm.days, lang)))
        if arm.spend is not None:
            parts.append(t("ex.arm.spend", lang, s=money(arm.spend)))
        quoted = f"«{arm.label}»" if lang == "ru" else f"“{arm.label}”"
        return t(f"col.{arm.name}", lang) + f" {quoted}: " + ", ".join(parts) + "."

    parts: list[Any] = [heading("ex.section.arms", lang), paragraph(arm_text(ev.control) + " " + arm_text(ev.variant))]
    planned = [float(part) for part in str(ev.params["expected_split"]).split(":")]
    observed = (ev.srm.observed if ev.srm is not None else None)
    if ev.srm is not None or ev.params["expected_split"] != "50:50":
        total = sum(planned)
        counts = [ev.control.leads, ev.variant.leads] if observed is None else list(observed)
        whole = sum(counts) or 1
        parts.append(paragraph(t("ex.split", lang, split=ev.params["expected_split"], c=ev.control.label,
                                 v=ev.variant.label, cs=format_share(planned[0] / total, lang, 0),
                                 vs=format_share(planned[1] / total, lang, 0),
                                 ac=format_share(counts[0] / whole, lang, 1), av=format_share(counts[1] / whole, lang, 1))))
    if ev.skipped and ev.exposure == "days":  # units have no spend to miss; with spend, immature_deals says why
        parts.append(paragraph(t("ex.skipped", lang, metrics=", ".join(ev.skipped)), "la-note"))
    return section(*parts)


def metrics_section(ev: Evaluation, lang: str) -> Section:
    """Each metric as an experiment page shows it: the decision metric's cost first, guardrails below,
    each change with its interval drawn inline and coloured by whether it is good or bad."""
    alpha = ev.params["alpha"]
    deals_open = "immature_deals" in ev.warnings
    shown = [m for m in sorted(ev.metrics, key=lambda m: ORDER.index(m.name) if m.name in ORDER else len(ORDER))
             if not (deals_open and m.name in DEAL_METRICS)]
    spans = [abs(bound) for m in shown if (r := _relative(m)) for bound in r[1:]]
    edge = min(max(spans + [0.1]) * 1.1, 1.5)
    rows, main = [], ("cpql" if ev.exposure == "spend" else ev.decision_metric)
    for metric in shown:
        change = _relative(metric)
        css = _metric_tone(metric, alpha, _direction(ev, metric.name))
        interval = _interval_words(metric, lang)
        bar = interval_bar(*(change or (None, None, None)), (-edge, edge), css)
        label = t(f"ex.metric.{metric.name}", lang)
        rows.append(f'<tr class="{"la-main" if metric.name == main else ""}">'
                    f'<td class="text">{escape(label)}{" ★" if metric.name == main else ""}</td>'
                    f'<td class="num">{escape(_value(metric.name, metric.control, lang))}</td>'
                    f'<td class="num">{escape(_value(metric.name, metric.variant, lang))}</td>'
                    f'<td class="num la-{css}">{escape(_change_words(metric, lang))}</td>'
                    f'<td class="num">{escape(interval)}</td><td class="la-bar">{bar}</td>'
                    f'<td class="num">{escape(format_p(metric.p_value, lang))}</td></tr>')
    head = "".join(f'<th class="{cls}">{escape(text)}</th>' for text, cls in (
        (t("col.metric", lang), "text"), (t("col.control", lang), "num"), (t("col.variant", lang), "num"),
        (t("col.change", lang), "num"), (t("col.interval", lang), "num"), ("", "text"), (t("col.p_value", lang), "num")))
    html = (f'<div class="la-scroll"><table class="la-table la-metrics"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')
    parts: list[Any] = [heading("ex.section.metrics", lang), Html(html),
                        paragraph(t("ex.metrics.note", lang) + (" " + t("ex.metrics.deals_hidden", lang,
                                                                        days=ev.notes.get("deal_days", 90))
                                                                 if deals_open and any(m.name in DEAL_METRICS for m in ev.metrics)
                                                                 else ""), "la-note")]
    return section(*parts)


def checks_section(ev: Evaluation, lang: str) -> Section:
    parts: list[Any] = [heading("ex.section.checks", lang)]
    for warning in experiment_warnings(ev, lang):
        if warning["code"] not in ("time_split", "underpowered"):  # both stand beside the decision already
            parts.append(callout(warning["text"], warn=True))
    if ev.srm is not None and not ev.srm.mismatch:
        parts.append(paragraph(t("ex.warning.srm_ok", lang, unit=t(f"ex.srm_unit.{ev.srm_unit}", lang), p=format_p(ev.srm.p_value, lang))))
    if ev.did is not None and ev.did.get("ratio_of_ratios") is not None:
        low, high = ev.did["ci"]
        parts.append(paragraph(t("ex.did", lang, s=format_number(ev.did["scope_change"], lang, 2), u=format_number(ev.did["untouched_change"], lang, 2),
                                 r=format_number(ev.did["ratio_of_ratios"], lang, 2), low=format_number(low, lang, 2), high=format_number(high, lang, 2),
                                 p=format_p(ev.did["p_value"], lang))))
    if ev.did is not None and ev.did.get("daily") is not None and len(ev.did["daily"]):
        labels = {"scope": t("plot.ex.untouched.scope", lang), "untouched": t("plot.ex.untouched.other", lang),
                  "control": t("col.control", lang), "variant": t("col.variant", lang)}
        periods = {arm: parse_period(ev.params[arm], arm) for arm in ("control", "variant")}
        parts.append(figure(untouched_channels_plot(ev.did["daily"], periods, labels, lang),
                            t("plot.ex.untouched.title", lang)))
    if ev.weekday_mix is not None:
        mix = ev.weekday_mix
        parts.append(paragraph(t("ex.weekday", lang, c=" / ".join(format_share(v, lang, 0) for v in mix["control"]),
                                 v=" / ".join(format_share(v, lang, 0) for v in mix["variant"]))))
    return section(*parts)


def daily_section(ev: Evaluation, lang: str) -> Section:
    parts: list[Any] = [heading("ex.section.daily", lang)]
    if not ev.daily.empty:
        parts.append(figure(daily_arms_plot(ev.daily, _labels(ev), lang), t("plot.ex.daily.title", lang)))
        parts.append(paragraph(t("ex.daily.reading", lang), "la-note"))
        ramp = _ramp_up(ev)
        if ramp is not None:
            parts.append(paragraph(t("ex.daily.ramp", lang, arm=ramp[0], first=format_number(ramp[1], lang, 1),
                                     later=format_number(ramp[2], lang, 1))))
    elif ev.control.first_day is None:
        parts.append(paragraph(t("ex.daily.no_dates", lang), "la-note"))
    return section(*parts)


def _ramp_up(ev: Evaluation) -> tuple[str, float, float] | None:
    """An arm whose first week brought under 70% of its later daily leads (a campaign still ramping up)."""
    daily = ev.daily
    if daily.empty or "arm" not in daily or "leads" not in daily:
        return None
    for arm in (ev.variant, ev.control):
        part = daily.loc[daily["arm"] == arm.name].sort_values("day")
        if len(part) < 21:
            continue
        first, later = float(part["leads"].iloc[:7].mean()), float(part["leads"].iloc[7:].mean())
        if later > 0 and first < 0.7 * later:
            return arm.label, first, later
    return None


def glossary_section(ev: Evaluation, lang: str) -> Section:
    rule = {"spend": "decision_rule", "days": "decision_rule.days"}.get(ev.exposure, "decision_rule.units")
    keys = [rule, "noise", "interval", "p_value"]
    if ev.p_variant_better is not None:
        keys.append("posterior")
    return glossary(keys, lang)
