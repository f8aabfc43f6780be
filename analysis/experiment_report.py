"""The experiment report's sections, built from an :class:`~analysis.experiment.Evaluation`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .display import Html, Section, callout, escape, figure, format_number, format_share, heading, paragraph, section, table
from .experiment import Evaluation
from .i18n import t
from .jobs import parse_period
from .plots import daily_arms_plot, ratio_forest_plot, untouched_channels_plot
from .stats._common import format_p

ICONS = {"adopt_variant": "▲", "keep_control": "●", "inconclusive": "?"}
RATE_METRICS = ("qualified_rate", "contact_rate", "deal_rate")
MONEY_METRICS = ("cpl", "cpql", "cac")


def _x(value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "ru" else text


def _value(name: str, value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    if name in RATE_METRICS:
        return format_share(value, lang)
    if name in MONEY_METRICS:
        return format_number(value, lang)
    return format_number(value, lang, 3 if value < 10 else 1)


def _labels(ev: Evaluation) -> dict[str, str]:
    return {"control": ev.control.label, "variant": ev.variant.label}


def experiment_warnings(ev: Evaluation, lang: str) -> list[dict[str, str]]:
    """The SPEC 3.2.1 warning codes with their texts, for the JSON and the checks section."""
    out = []
    for code in ev.warnings:
        if code == "srm" and ev.srm is not None:
            text = t("ex.warning.srm", lang, unit=t(f"ex.srm_unit.{ev.srm_unit}", lang), p=format_p(ev.srm.p_value, lang))
        elif code == "underpowered":
            text = t("ex.warning.underpowered", lang, power=format_share(ev.power_20, lang, 0))
        elif code == "overdispersed":
            text = t("ex.warning.overdispersed", lang, phi=_x(ev.dispersion, lang))
        elif code == "immature_deals":
            text = t("ex.warning.immature_deals", lang, days=ev.params.get("deal_days", 90))
        else:
            text = t(f"ex.warning.{code}", lang)
        out.append({"code": code, "text": text})
    return out


def decision_section(ev: Evaluation, lang: str) -> Section:
    """The decision, its reason, the numbers behind it and the Bayesian probability."""
    low, high = ev.ratio.ratio_ci
    wl, wu = ev.workload.ratio_ci
    badge = Html(f'<div class="la-verdict la-decision-{escape(ev.decision)}"><span class="la-verdict-icon">'
                 f'{ICONS[ev.decision]}</span> {escape(t("ex.decision." + ev.decision, lang))}</div>')
    reason = t(f"ex.reason.{ev.decision_reason}", lang, low=_x(low, lang), high=_x(high, lang), wu=_x(wu, lang),
               limit=_x(1 - ev.params["margin"], lang))
    metrics = {m.name: m for m in ev.metrics}
    share = metrics["qualified_rate"]
    if ev.exposure == "spend":
        per = metrics["qualified_per_1000"]
        numbers = t("ex.numbers", lang, c=_value("x", per.control, lang), v=_value("x", per.variant, lang),
                    r=_x(ev.ratio.ratio, lang), low=_x(low, lang), high=_x(high, lang), p=format_p(ev.ratio.p_value, lang),
                    w=_x(ev.workload.ratio, lang), wl=_x(wl, lang), wu=_x(wu, lang),
                    qc=format_share(share.control, lang), qv=format_share(share.variant, lang))
    else:
        numbers = t("ex.numbers.per_day", lang, unit=t(f"ex.unit.{ev.exposure}", lang),
                    c=ev.control.qualified, v=ev.variant.qualified, r=_x(ev.ratio.ratio, lang), low=_x(low, lang),
                    high=_x(high, lang), p=format_p(ev.ratio.p_value, lang), w=_x(ev.workload.ratio, lang),
                    wl=_x(wl, lang), wu=_x(wu, lang))
    parts: list[Any] = [heading("ex.section.decision", lang), badge, paragraph(reason, "la-lead"), paragraph(numbers)]
    if "underpowered" in ev.warnings:
        parts.append(callout(t("ex.warning.underpowered", lang, power=format_share(ev.power_20, lang, 0)), warn=True))
    if "time_split" in ev.warnings:
        parts.append(callout(t("ex.warning.time_split", lang), warn=True))
    if ev.p_variant_better is not None:
        parts.append(paragraph(t("ex.posterior", lang, p=format_share(ev.p_variant_better, lang, 0))))
    if ev.decision == "inconclusive" and ev.weeks_needed is not None:
        needed = format_number(ev.events_needed, lang)
        parts.append(callout(t("ex.weeks", lang, needed=needed, weeks=format_number(ev.weeks_needed, lang, 1)), warn=True))
    parts.append(paragraph(t("ex.share_trap", lang), "la-note"))
    if ev.maturity_cut is not None:
        parts.append(paragraph(t("ex.maturity", lang, cut=f"{ev.maturity_cut:%d.%m.%Y}"), "la-note"))
    return section(*parts)


def arms_section(ev: Evaluation, lang: str) -> Section:
    def money(value):
        return "—" if value is None else f"{format_number(value, lang)} ₽"
    def dates(arm) -> str:
        return "" if arm.first_day is None else f" ({arm.first_day:%d.%m.%Y} — {arm.last_day:%d.%m.%Y})"
    text = t("ex.arms.text", lang, c=ev.control.label + dates(ev.control), cl=format_number(ev.control.leads, lang),
             cd=format_number(ev.control.days, lang), cs=money(ev.control.spend), v=ev.variant.label,
             vl=format_number(ev.variant.leads, lang), vd=format_number(ev.variant.days, lang), vs=money(ev.variant.spend)).replace(f"«{ev.variant.label}»", f"«{ev.variant.label}»{dates(ev.variant)}")
    parts: list[Any] = [heading("ex.section.arms", lang), paragraph(text)]
    if ev.skipped:
        parts.append(paragraph(t("ex.skipped", lang, metrics=", ".join(ev.skipped)), "la-note"))
    return section(*parts)


def metrics_section(ev: Evaluation, lang: str) -> Section:
    rows, forest = [], []
    for metric in ev.metrics:
        label = t(f"ex.metric.{metric.name}", lang)
        if metric.effect_type == "ratio":
            effect = "—" if metric.effect is None else \
                f"×{_x(metric.effect, lang)} ({_x(metric.effect_ci[0], lang)}–{_x(metric.effect_ci[1], lang)})"
            if metric.effect is not None and metric.effect_ci[0] and metric.effect_ci[1]:
                forest.append({"label": label, "effect": metric.effect, "low": metric.effect_ci[0],
                               "high": metric.effect_ci[1], "decision": metric.name == ev.decision_metric})
        else:
            effect = "—" if metric.effect is None else \
                f"{metric.effect * 100:+.1f} pp ({metric.effect_ci[0] * 100:+.1f}…{metric.effect_ci[1] * 100:+.1f})"
            if lang == "ru":
                effect = effect.replace("pp", "п.п.").replace(".", ",").replace(",,,", "…").replace("п,п,", "п.п.")
        rows.append({t("col.metric", lang): label,
                     t("col.control", lang): f"{_value(metric.name, metric.control, lang)}",
                     t("col.variant", lang): f"{_value(metric.name, metric.variant, lang)}",
                     t("col.effect", lang): effect, t("col.p_value", lang): format_p(metric.p_value, lang)})
    parts: list[Any] = [heading("ex.section.metrics", lang), table(pd.DataFrame(rows), lang)]
    if forest:
        parts.append(figure(ratio_forest_plot(pd.DataFrame(forest), lang), t("plot.ex.metrics.title", lang)))
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
        parts.append(paragraph(t("ex.did", lang, s=_x(ev.did["scope_change"], lang), u=_x(ev.did["untouched_change"], lang),
                                 r=_x(ev.did["ratio_of_ratios"], lang), low=_x(low, lang), high=_x(high, lang),
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
    return section(*parts)
