"""The experiment report's sections, built from an :class:`~analysis.experiment.Evaluation`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .display import (
    Html, Section, callout, escape, figure, format_date, format_number, format_share, heading, paragraph, section, table,
)
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


def decision_section(ev: Evaluation, lang: str) -> Section:
    """The decision, its reason, the numbers behind it and the Bayesian probability."""
    low, high = ev.ratio.ratio_ci
    wl, wu = ev.workload.ratio_ci
    words = _decision_words(ev, lang)
    badge = Html(f'<div class="la-verdict la-decision-{escape(ev.decision)}"><span class="la-verdict-icon">'
                 f'{ICONS[ev.decision]}</span> {escape(t("ex.decision." + ev.decision, lang))}</div>')
    if ev.decision_reason == "immature":
        empty = [arm for arm in (ev.control, ev.variant) if arm.mature_leads == 0]
        dates = [arm.known_by for arm in empty if arm.known_by is not None]
        reason = t("ex.reason.immature", lang, arm=" / ".join(f"«{arm.label}»" for arm in empty),
                   date=format_date(max(dates) if dates else None, lang))
        return section(heading("ex.section.decision", lang), badge, callout(reason, warn=True))
    reason = t(f"ex.reason.{ev.decision_reason}", lang, low=_x(low, lang), high=_x(high, lang), wu=_x(wu, lang),
               limit=_x(1 - ev.params["margin"], lang), **words)
    metrics = {m.name: m for m in ev.metrics}
    share = metrics["qualified_rate"]
    if ev.exposure == "spend":
        # the decision metric's own rates (qualified or, when deals decide, deals per 1000 ₽ of known outcomes)
        what = "deals" if ev.decision_metric == "deals_per_1000" else "qualified"
        numbers = t("ex.numbers", lang, what=t(f"ex.numbers.what.{what}", lang), c=_value("x", ev.ratio.rate2, lang),
                    v=_value("x", ev.ratio.rate1, lang),
                    r=_x(ev.ratio.ratio, lang), low=_x(low, lang), high=_x(high, lang), p=format_p(ev.ratio.p_value, lang),
                    w=_x(ev.workload.ratio, lang), wl=_x(wl, lang), wu=_x(wu, lang),
                    qc=format_share(share.control, lang), qv=format_share(share.variant, lang))
    elif ev.exposure == "rows":
        numbers = t("ex.numbers.rows", lang, qc=format_share(share.control, lang), qv=format_share(share.variant, lang),
                    c=format_number(ev.control.qualified, lang), nc=format_number(ev.control.mature_leads, lang),
                    v=format_number(ev.variant.qualified, lang), nv=format_number(ev.variant.mature_leads, lang),
                    r=_x(ev.ratio.ratio, lang), low=_x(low, lang), high=_x(high, lang),
                    p=format_p(ev.ratio.p_value, lang))
    else:
        numbers = t("ex.numbers.per_day", lang, unit=t(f"ex.unit.{ev.exposure}", lang),
                    c=ev.control.qualified, v=ev.variant.qualified, r=_x(ev.ratio.ratio, lang), low=_x(low, lang),
                    high=_x(high, lang), p=format_p(ev.ratio.p_value, lang), w=_x(ev.workload.ratio, lang),
                    wl=_x(wl, lang), wu=_x(wu, lang))
    parts: list[Any] = [heading("ex.section.decision", lang), badge, paragraph(reason, "la-lead"), paragraph(numbers)]
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
        return t(f"col.{arm.name}", lang) + f" «{arm.label}»: " + ", ".join(parts) + "."

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
    elif ev.control.first_day is None:
        parts.append(paragraph(t("ex.daily.no_dates", lang), "la-note"))
    return section(*parts)
