"""The complaint diagnosis report's sections: one function per section, each a displayable
:class:`~analysis.display.Section` built from a :class:`~analysis.diagnosis.Diagnosis`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .config import UNKNOWN
from .diagnosis import Diagnosis
from .display import (
    Html, Section, callout, escape, figure, format_date, format_number, format_share, heading, paragraph, section, table,
)
from .i18n import reason_label, t
from . import stats
from .plots import funnel_plot, stage_comparison_plot, survival_plot, trend_plot
from .stats._common import format_p

ICONS = {"supported": "▲", "partly_supported": "◆", "not_supported": "●", "insufficient_data": "?"}


def subheading(text: str) -> Html:
    return Html(f"<h3>{escape(text)}</h3>")


def diagnosis_warnings(dx: Diagnosis, lang: str) -> list[dict[str, str]]:
    """Warnings of the analysis itself for the JSON summary (lineage warnings are added apart)."""
    out = []
    still_open = _open_text(dx, lang)
    if still_open:
        out.append({"code": "immature_leads", "text": still_open})
    if dx.adjusted is None:
        out.append({"code": "no_processing_columns", "text": t("dx.numbers.no_processing", lang)})
    elif "low_coverage" in dx.adjusted.warnings:
        out.append({"code": "low_coverage", "text": t("stats.warning.low_coverage", lang)})
    if dx.overdispersion is not None and dx.overdispersion.overdispersed:
        out.append({"code": "overdispersed", "text": t("dx.channels.overdispersed", lang)})
    if dx.verdict.verdict == "insufficient_data":
        out.append({"code": "insufficient_data", "text": _weeks_text(dx, lang) or t("dx.verdict.insufficient_data", lang)})
    return out


def _num(value: Any, digits: int = 2, lang: str = "en") -> str:
    """A plain number, "—" for a missing or infinite one (decimal comma in Russian)."""
    if value is None or pd.isna(value) or abs(float(value)) == float("inf"):
        return "—"
    text = f"{float(value):.{digits}f}"
    return text.replace(".", ",") if lang == "ru" else text


STAGE_WORDS = {"contacted": "stage.contacted", "qualified": "stage.qualified", "visit": "stage.visited",
               "deal": "stage.won"}


def stage_word(stage: str, lang: str) -> str:
    return t(STAGE_WORDS[stage], lang) if stage in STAGE_WORDS else stage


def _pts(value: float | None, lang: str) -> str:
    """A gap in percentage points with a sign."""
    if value is None:
        return "—"
    text = f"{value * 100:+.1f}"
    return text.replace(".", ",") if lang == "ru" else text


def _metric_label(dx: Diagnosis, lang: str) -> str:
    return t(f"dx.metric.{dx.metric}", lang, reason=reason_label(dx.claim, lang))


def _label(value: str, lang: str) -> str:
    return t("unknown", lang) if value == UNKNOWN else value


def _labels(lang: str) -> dict[str, str]:
    return {"scope": t("dx.label.scope", lang), "baseline": t("dx.label.baseline", lang)}


def _ratio(count: int, total: int, lang: str) -> str:
    """«18 345/78 355»: counts grouped like every other number of the report."""
    return f"{format_number(count, lang)}/{format_number(total, lang)}"


def _rate_cell(result, lang: str) -> str:
    if result.rate is None:
        return "—"
    return f"{format_share(result.rate, lang)} ({format_share(result.ci[0], lang)}–{format_share(result.ci[1], lang)}; " \
           f"{_ratio(result.count, result.nobs, lang)})"


def _weeks_text(dx: Diagnosis, lang: str) -> str | None:
    weeks = dx.verdict.weeks_needed
    if dx.verdict.verdict != "insufficient_data":
        return None
    if weeks is None or weeks > 520:
        return t("dx.weeks.never", lang)
    return t("dx.weeks", lang, delta=_pts(dx.verdict.gap.min_gap, lang).lstrip("+"), weeks=format_number(weeks, lang))


def _open_text(dx: Diagnosis, lang: str) -> str | None:
    """What the still-open young leads could change (SPEC 2.5), or the one message when the scope
    has no known outcome yet; None when every outcome is known."""
    bounds = dx.still_open
    if bounds is None or not (bounds.scope or bounds.baseline):
        return None
    date = "—" if bounds.known_by is None else format_date(bounds.known_by, lang)
    stage = stage_word(dx.stage, lang)
    if dx.counts.scope_total == 0:
        return t("dx.open.nothing", lang, stage=stage, date=date)
    text = t("dx.open", lang, scope=format_number(bounds.scope, lang), baseline=format_number(bounds.baseline, lang),
             stage=stage, every=t("dx.verdict." + bounds.verdict_all, lang),
             none=t("dx.verdict." + bounds.verdict_none, lang))
    return text + " " + (t("dx.open.stands", lang) if bounds.stands else t("dx.open.changes", lang, date=date))


def verdict_section(dx: Diagnosis, lang: str) -> Section:
    """Section 1: the verdict, where the problem sits, and the numbers behind it."""
    v = dx.verdict
    test = v.gap
    level = format_share(1 - dx.params["alpha"], lang, 0)
    badge = Html(f'<div class="la-verdict la-verdict-{escape(v.verdict)}"><span class="la-verdict-icon">'
                 f'{ICONS[v.verdict]}</span> {escape(t("dx.verdict." + v.verdict, lang))}</div>')
    parts: list[Any] = [heading("dx.section.verdict", lang)]
    if dx.params["complaint"]:
        parts.append(paragraph(t("dx.complaint", lang, text=dx.params["complaint"]), "la-complaint"))
    parts += [badge, paragraph(t(f"dx.location.{v.problem_location}", lang), "la-lead")]
    numbers = t("dx.numbers", lang, metric=_metric_label(dx, lang), scope_rate=format_share(test.scope_rate, lang),
                scope_events=format_number(dx.counts.scope_events, lang),
                scope_total=format_number(dx.counts.scope_total, lang),
                base_rate=format_share(test.baseline_rate, lang), base_events=format_number(dx.counts.baseline_events, lang),
                base_total=format_number(dx.counts.baseline_total, lang), gap=_pts(test.gap, lang), low=_pts(test.ci[0], lang),
                high=_pts(test.ci[1], lang), delta=_pts(test.min_gap, lang).lstrip("+"))
    parts.append(paragraph(numbers + f" ({format_p(test.p_value, lang)})."))
    if dx.adjusted is not None:
        share = "" if v.processing_share is None else t("dx.numbers.share", lang,
                                                         share=format_share(min(max(v.processing_share, 0), 1), lang, 0))
        parts.append(paragraph(t("dx.numbers.adjusted", lang, q=_pts(dx.adjusted.gap, lang), low=_pts(dx.adjusted.ci[0], lang),
                                 high=_pts(dx.adjusted.ci[1], lang), coverage=format_share(dx.adjusted.coverage, lang, 0),
                                 manager=t("dx.numbers.manager", lang) if dx.strata == "bucket_manager" else "",
                                 share=share)))
        clock = dx.adjusted_clock
        if clock is not None:
            parts.append(paragraph(t("dx.numbers.clock", lang, q=_pts(clock.gap, lang), low=_pts(clock.ci[0], lang),
                                     high=_pts(clock.ci[1], lang))))
            evidence = dx.evidence
            if evidence is not None and evidence.axes_disagree(v.gap.min_gap):
                working = evidence.adjusted_gap_ci[0] is not None and evidence.adjusted_gap_ci[0] > 0
                parts.append(callout(t("dx.numbers.clock_disagrees" if working else "dx.numbers.clock_only", lang),
                                     warn=True))
    else:
        parts.append(paragraph(t("dx.numbers.no_processing", lang)))
    weeks = _weeks_text(dx, lang)
    if weeks:
        parts.append(callout(weeks, warn=True))
    still_open = _open_text(dx, lang)
    if still_open:
        parts.append(paragraph(still_open, "la-note"))
    parts.append(paragraph(t("dx.confidence", lang, p=format_p(test.p_value, lang), level=level), "la-note"))
    parts.append(paragraph(t("dx.causal", lang), "la-note"))
    return section(*parts)


def scope_section(dx: Diagnosis, lang: str, lineage) -> Section:
    """Section 2: what the scope and the baseline are, and what the export's checks found."""
    start, end = dx.period
    base_start, base_end = dx.baseline_period
    text = t("dx.scope.text", lang, scope=dx.scope_label or t("scope.all", lang), start=f"{start:%d.%m.%Y}",
             end=f"{end:%d.%m.%Y}", leads=format_number(dx.scope_rows, lang), repeats=format_number(dx.scope_repeats, lang),
             baseline=t(f"dx.baseline.{dx.baseline_kind}", lang), base_leads=format_number(dx.baseline_rows, lang),
             base_start=f"{base_start:%d.%m.%Y}", base_end=f"{base_end:%d.%m.%Y}")
    checks = t("dx.data_checks", lang, dups=lineage.count("duplicate_rows"), ids=lineage.count("duplicate_ids"),
               status=lineage.count("no_status"), dates=lineage.count("bad_created_at"),
               unmapped=lineage.count("unmapped_reasons"))
    return section(heading("dx.section.scope", lang), paragraph(text), paragraph(checks, "la-note"))


def funnel_section(dx: Diagnosis, lang: str) -> Section:
    """Section 3: each stage's conversion, scope vs baseline, with intervals and tests."""
    rows, plot_rows = [], []
    for row in dx.funnel:
        name = t(f"dx.stage.{row.stage}", lang)
        comparison = row.comparison
        if not row.settled:  # mostly young leads still open: no rate that leans to the early outcome
            note = t("dx.funnel.open", lang, scope=format_number(row.scope_open, lang),
                     baseline=format_number(row.baseline_open, lang))
            rows.append({t("col.stage_name", lang): name, t("col.scope_rate", lang): note,
                         t("col.baseline_rate", lang): "—", t("col.scope_minus_base", lang): "—",
                         t("col.p_value", lang): "—"})
            continue
        rows.append({t("col.stage_name", lang): name, t("col.scope_rate", lang): _rate_cell(row.scope, lang),
                     t("col.baseline_rate", lang): _rate_cell(row.baseline, lang),
                     t("col.scope_minus_base", lang): "—" if comparison.difference is None else
                     f"{_pts(comparison.difference, lang)} ({_pts(comparison.difference_ci[0], lang)}…"
                     f"{_pts(comparison.difference_ci[1], lang)})",
                     t("col.p_value", lang): format_p(comparison.p_value, lang)})
        if min(row.scope.nobs, row.baseline.nobs) < 20:
            continue  # a stage with a handful of leads would dominate the chart with noise; it stays in the table
        for group, result in ((0, row.scope), (1, row.baseline)):
            if result.rate is not None:
                plot_rows.append({"stage": name, "group": group, "rate": result.rate, "low": result.ci[0], "high": result.ci[1]})
    labels = _labels(lang)
    parts = [heading("dx.section.funnel", lang), table(pd.DataFrame(rows), lang)]
    if plot_rows:
        parts.append(figure(stage_comparison_plot(pd.DataFrame(plot_rows), lang, (labels["scope"], labels["baseline"])),
                            t("plot.stage.title", lang)))
    parts.append(paragraph(t("dx.funnel.note", lang), "la-note"))
    return section(*parts)


def channels_section(dx: Diagnosis, lang: str) -> Section:
    """Section 4: every channel vs the rest (Holm-corrected) and the funnel plot."""
    parts: list[Any] = [heading("dx.section.channels", lang)]
    if dx.channel_scan is None:
        return section(*parts, paragraph(t("stats.warning.not_enough_groups", lang)))
    scan = dx.channel_scan.table.sort_values("nobs", ascending=False)
    worse_sign = 1 if dx.higher_is_worse else -1

    def flag(row) -> str:
        if not row.flagged:
            return t("dx.flag.none", lang)
        return t("dx.flag.worse" if row.difference * worse_sign > 0 else "dx.flag.better", lang)

    shown = pd.DataFrame({
        t("col.channel", lang): scan["group"].map(lambda c: _label(c, lang)),
        t("col.leads_n", lang): scan["nobs"].astype("int64"),
        _metric_label(dx, lang).capitalize() + " (95%)": [
            _rate_cell(stats.rate_interval(int(r["count"]), int(r["nobs"]), dx.params["alpha"]), lang)
            for _, r in scan.iterrows()],
        t("col.rest_rate", lang): scan["rest_rate"].map(lambda v: format_share(v, lang)),
        t("col.channel_minus_rest", lang): scan["difference"].map(lambda v: _pts(v, lang)),
        t("col.p_adjusted", lang): scan["p_adjusted"].map(lambda v: format_p(None if pd.isna(v) else float(v), lang)),
        t("col.flag", lang): [flag(row) for row in scan.itertuples()],
    })
    parts += [table(shown, lang), paragraph(dx.channel_scan.summary(lang, _metric_label(dx, lang)))]
    if dx.funnel_limits is not None:
        chart = funnel_plot(dx.channel_scan.table, dx.funnel_limits.table, dx.funnel_limits.p0, lang,
                            set(dx.params["channel"]), _metric_label(dx, lang).capitalize())
        parts.append(figure(chart, t("plot.funnel.title", lang)))
    if dx.overdispersion is not None and dx.overdispersion.overdispersed:
        parts.append(paragraph(t("dx.channels.overdispersed", lang), "la-note"))
    parts.append(paragraph(t("dx.channels.note", lang), "la-note"))
    return section(*parts)


def processing_section(dx: Diagnosis, lang: str) -> Section:
    """Section 5: speed to lead, SLA, stratified comparisons, attempts, missed calls, manager mix."""
    parts: list[Any] = [heading("dx.section.processing", lang)]
    if not dx.deficit and dx.buckets.empty and not dx.time_to_contact and dx.attempts is None \
            and dx.missed_calls is None and dx.manager_mix is None:
        return section(*parts, paragraph(t("dx.processing.none", lang)))
    attempts = dx.min_attempts
    if dx.deficit:
        rows = []
        for check in dx.deficit:
            c = check.comparison
            name = t(f"dx.check.{check.name}", lang, minutes=f"{dx.sla_minutes:g}", attempts=attempts)
            worse_by = None if c.difference is None else (-c.difference if c.alternative == "smaller" else c.difference)
            rows.append({t("col.check", lang): name,
                         t("col.scope_rate", lang): "—" if c.rate1 is None else f"{format_share(c.rate1, lang)} ({_ratio(c.count1, c.nobs1, lang)})",
                         t("col.baseline_rate", lang): "—" if c.rate2 is None else f"{format_share(c.rate2, lang)} ({_ratio(c.count2, c.nobs2, lang)})",
                         t("col.worse_by", lang): _pts(worse_by, lang), t("col.p_one_sided", lang): format_p(c.p_value, lang),
                         t("col.flag", lang): t("dx.flag.deficit", lang) if check.flagged else t("dx.flag.none", lang)})
        parts += [subheading(t("dx.processing.checks", lang, alpha=dx.params["alpha"])), table(pd.DataFrame(rows), lang)]
    if not dx.buckets.empty:
        frame = dx.buckets
        shown = pd.DataFrame({
            t("col.bucket", lang): frame["bucket"].map(lambda b: t(f"bucket.{b}", lang) if b in ("never", "n/a") else b),
            t("col.scope_share_leads", lang): frame["scope_share"].map(lambda v: format_share(v, lang)),
            t("col.scope_contact", lang): frame["scope_contact"].map(lambda v: format_share(v, lang)),
            t("col.baseline_share_leads", lang): frame["baseline_share"].map(lambda v: format_share(v, lang)),
            t("col.baseline_contact", lang): frame["baseline_contact"].map(lambda v: format_share(v, lang)),
        })
        parts += [subheading(t("dx.buckets.title", lang)), table(shown, lang)]
    if dx.time_to_contact:
        km = dx.time_to_contact

        def q(name: str, attribute: str) -> str:
            value = getattr(km[name], attribute) if name in km else None
            return t("stats.not_reached", lang) if value is None else format_number(value, lang)

        parts.append(paragraph(t("dx.km.text", lang, m1=q("scope", "median"), p1=q("scope", "p90"),
                                 m2=q("baseline", "median"), p2=q("baseline", "p90"))))
        chart = survival_plot({name: result.curve for name, result in km.items()}, _labels(lang), lang, dx.sla_minutes)
        parts.append(figure(chart, t("plot.km.title", lang)))
    if dx.mh_bucket is not None or dx.glm is not None:
        def odds(result) -> str:
            if result is None or result.odds_ratio is None:
                return "—"
            return f"{_num(result.odds_ratio, lang=lang)} ({_num(result.ci[0], lang=lang)}–{_num(result.ci[1], lang=lang)}, " \
                   f"{format_p(result.cmh_p, lang)})"
        glm = "—"
        if dx.glm is not None and not dx.glm.table.empty:
            row = dx.glm.table.loc[dx.glm.table["term"] == "group"]
            if len(row):
                r = row.iloc[0]
                glm = f"{_num(r.odds_ratio, lang=lang)} ({_num(r.odds_ratio_low, lang=lang)}–{_num(r.odds_ratio_high, lang=lang)}, " \
                      f"{format_p(None if pd.isna(r.p_value) else float(r.p_value), lang)})"
        parts.append(paragraph(t("dx.mh.text", lang, bucket=odds(dx.mh_bucket), manager=odds(dx.mh_manager), glm=glm)))
    if dx.attempts is not None and len(dx.attempts):
        frame = dx.attempts.copy()
        frame["group"] = frame["group"].map(_labels(lang))
        frame["reached"] = frame["reached"].map(lambda r: t("yes" if r else "no", lang))
        for column in ("1", "2", "3", "4–5", "6+"):
            frame[column] = frame[column].map(lambda v: format_share(v, lang, 0))
        frame = frame.rename(columns={"group": t("col.group", lang), "reached": t("col.reached", lang),
                                      "leads": t("col.leads_n", lang)})
        parts += [subheading(t("dx.attempts.title", lang)), table(frame, lang),
                  paragraph(t("dx.attempts.note", lang), "la-note")]
    if dx.missed_calls is not None:
        frame = dx.missed_calls
        shown = pd.DataFrame({t("col.group", lang): frame["group"].map(_labels(lang)), t("col.calls", lang): frame["calls"],
                              t("col.missed", lang): frame["missed"],
                              t("col.missed_share", lang): frame["missed_share"].map(lambda v: format_share(v, lang)),
                              t("col.missed_contacted", lang): frame["missed_contacted"].map(lambda v: format_share(v, lang))})
        parts += [subheading(t("dx.missed.title", lang)), table(shown, lang)]
    if dx.manager_mix is not None and len(dx.manager_mix):
        frame = dx.manager_mix.head(12)
        shown = pd.DataFrame({t("col.manager", lang): frame["manager"].map(lambda m: _label(m, lang)),
                              t("col.scope_share", lang): frame["scope_share"].map(lambda v: format_share(v, lang)),
                              t("col.baseline_share", lang): frame["baseline_share"].map(lambda v: format_share(v, lang))})
        parts += [subheading(t("dx.managers.title", lang)), table(shown, lang)]
    return section(*parts)


def reasons_section(dx: Diagnosis, lang: str) -> Section:
    """Section 6: reasons in scope vs baseline, over-represented ones, owners, coding quality, criteria."""
    parts: list[Any] = [heading("dx.section.reasons", lang)]
    if not dx.has_reasons:
        return section(*parts, paragraph(t("dx.reasons.none", lang)))
    if len(dx.reasons):
        frame = dx.reasons.sort_values("scope_lost", ascending=False)
        shown = pd.DataFrame({
            t("col.reason", lang): frame["reason"].map(lambda r: reason_label(r, lang)), t("col.owner", lang): frame["owner"].map(lambda o: t(f"owner.{o}", lang)),
            t("col.scope_lost", lang): frame["scope_lost"].astype("int64"),
            t("col.baseline_lost", lang): frame["baseline_lost"].astype("int64"),
            t("col.scope_reason_rate", lang): frame["scope_rate"].map(lambda v: format_share(v, lang)),
            t("col.baseline_reason_rate", lang): frame["baseline_rate"].map(lambda v: format_share(v, lang)),
            t("col.over", lang): frame["overrepresented"].map(lambda v: t("yes" if v else "no", lang)),
        })
        parts += [table(shown, lang), paragraph(t("dx.reasons.note", lang), "la-note")]
    if dx.association is not None and dx.association.p_value is not None:
        parts.append(paragraph(dx.association.summary(lang, lambda row: t(f"group.{row}", lang),
                                                      lambda code: reason_label(code, lang))))
    if len(dx.owners):
        owners = pd.DataFrame({t("col.owner", lang): dx.owners["owner"].map(lambda o: t(f"owner.{o}", lang)),
                               t("col.scope_share", lang): dx.owners["scope_share"].map(lambda v: format_share(v, lang)),
                               t("col.baseline_share", lang): dx.owners["baseline_share"].map(lambda v: format_share(v, lang))})
        parts += [subheading(t("dx.owners.title", lang)), table(owners, lang)]
    coding = dx.coding_quality
    if coding["scope"].nobs or coding["baseline"].nobs:  # no loss at all: nothing to say about its coding
        parts.append(paragraph(t("dx.coding", lang, scope=format_share(coding["scope"].rate, lang),
                                 base=format_share(coding["baseline"].rate, lang))))
    else:
        parts.append(paragraph(t("dx.reasons.no_losses", lang)))
    if dx.unmapped_reasons:
        texts = ", ".join(f"«{k}» ({v})" for k, v in dx.unmapped_reasons.items())
        parts.append(paragraph(t("dx.unmapped", lang, texts=texts), "la-note"))
    if dx.criteria is not None:
        c = dx.criteria
        verdict = t("dx.criteria.lower" if c.p_value is not None and c.p_value < dx.params["alpha"] else "dx.criteria.same",
                    lang, p=format_p(c.p_value, lang))
        parts.append(paragraph(t("dx.criteria", lang, scope=format_share(c.rate1, lang), base=format_share(c.rate2, lang),
                                 verdict=verdict)))
    return section(*parts)


def trend_section(dx: Diagnosis, lang: str) -> Section:
    """Section 7: the weekly primary metric, so one bad week is seen as such."""
    parts: list[Any] = [heading("dx.section.trend", lang)]
    if dx.trend.empty:
        return section(*parts, paragraph(t("overview.no_dates", lang)))
    chart = trend_plot(dx.trend, _labels(lang), lang, _metric_label(dx, lang).capitalize(), dx.period)
    return section(*parts, figure(chart, t("plot.trend.title", lang)), paragraph(t("dx.trend.text", lang), "la-note"))


def label_noise_section(dx: Diagnosis, lang: str) -> Section:
    """Section 8: how much managers differ in qualified share within the same channel."""
    parts: list[Any] = [heading("dx.section.label_noise", lang), paragraph(t("dx.noise.text", lang))]
    if dx.label_noise.empty:
        return section(*parts, paragraph(t("dx.noise.none", lang), "la-note"))
    frame = dx.label_noise
    shown = pd.DataFrame({
        t("col.channel", lang): frame["channel"], t("col.managers", lang): frame["managers"].astype("int64"),
        t("col.leads_n", lang): frame["leads"].astype("int64"),
        t("col.lowest", lang): [f"{format_share(r.lowest, lang)} ({r.lowest_manager})" for r in frame.itertuples()],
        t("col.highest", lang): [f"{format_share(r.highest, lang)} ({r.highest_manager})" for r in frame.itertuples()],
        t("col.p_value", lang): frame["p_value"].map(lambda v: format_p(v, lang)),
    })
    return section(*parts, table(shown, lang))


def actions(dx: Diagnosis, lang: str) -> list[str]:
    """Recommendations derived from the findings, each tied to the number that motivates it."""
    out: list[str] = []
    alpha = dx.params["alpha"]
    if dx.verdict.verdict == "insufficient_data":
        out.append(t("act.wait", lang, text=_weeks_text(dx, lang) or ""))
    for row in dx.reasons.loc[dx.reasons["overrepresented"]].itertuples() if len(dx.reasons) else []:
        key = f"act.reason.{row.reason}"
        from .i18n import TEXTS
        if key in TEXTS:
            out.append(t(key, lang, rate=format_share(row.scope_rate, lang), base=format_share(row.baseline_rate, lang)))
    for check in dx.deficit:
        if not check.flagged:
            continue
        c = check.comparison
        if check.name == "sla_share":
            fast = slow = "—"
            if not dx.buckets.empty:
                table_ = dx.buckets.set_index("bucket")
                if "0–5" in table_.index:
                    fast = format_share(table_.loc["0–5", "baseline_contact"], lang)
                if "60–240" in table_.index:
                    slow = format_share(table_.loc["60–240", "baseline_contact"], lang)
            out.append(t("act.sla", lang, minutes=f"{dx.sla_minutes:g}", scope=format_share(c.rate1, lang),
                         base=format_share(c.rate2, lang), fast=fast, slow=slow))
        elif check.name == "never_attempted":
            out.append(t("act.never", lang, scope=format_share(c.rate1, lang), base=format_share(c.rate2, lang)))
        else:
            out.append(t("act.given_up", lang, attempts=dx.min_attempts, scope=format_share(c.rate1, lang), base=format_share(c.rate2, lang)))
    v = dx.verdict
    if dx.adjusted is not None and v.processing_share is not None and v.processing_share >= 0.5 and v.gap.gap and v.gap.gap > 0:
        out.append(t("act.routing", lang, q=_pts(dx.adjusted.gap, lang), g=_pts(v.gap.gap, lang)))
    coding = dx.coding_quality["scope"]
    if dx.has_reasons and coding.rate is not None and coding.rate > 0.2 and coding.nobs >= 20:
        out.append(t("act.coding", lang, share=format_share(coding.rate, lang)))
    noisy = dx.label_noise.loc[dx.label_noise["p_value"].fillna(1) < alpha] if not dx.label_noise.empty else dx.label_noise
    for row in noisy.itertuples() if len(noisy) else []:
        if row.channel in dx.params["channel"] or not dx.params["channel"]:
            out.append(t("act.noise", lang, channel=row.channel, low=format_share(row.lowest, lang),
                         high=format_share(row.highest, lang), p=format_p(row.p_value, lang).replace("p ", "")))
    if dx.costs is not None and len(dx.costs) == 2:
        scope, base = dx.costs.iloc[0], dx.costs.iloc[1]
        if scope.cpql and base.cpql:
            if scope.cpql_high is not None and scope.cpql_high < base.cpql:
                verdict = t("act.budget.cheaper", lang)
            elif scope.cpql_low is not None and scope.cpql_low > base.cpql:
                verdict = t("act.budget.dearer", lang)
            else:
                verdict = t("act.budget.similar", lang)
            out.append(t("act.budget", lang, scope=format_number(scope.cpql, lang), base=format_number(base.cpql, lang),
                         verdict=verdict))
    return out or [t("act.none", lang)]


def actions_section(dx: Diagnosis, lang: str) -> Section:
    """Section 9: what to do, with the cost comparison when spend is given."""
    items = "".join(f"<li>{escape(item)}</li>" for item in actions(dx, lang))
    parts: list[Any] = [heading("dx.section.actions", lang), Html(f'<ol class="la-actions">{items}</ol>')]
    if dx.costs is not None:
        frame = dx.costs
        shown = pd.DataFrame({
            t("col.group", lang): frame["group"].map(_labels(lang)), t("col.spend", lang): frame["spend"].round(0),
            t("col.leads_n", lang): frame["leads"].astype("int64"), t("col.qualified", lang): frame["qualified"].astype("int64"),
            t("col.cpl", lang): frame["cpl"].map(lambda v: format_number(v, lang)),
            t("col.cpql", lang): frame["cpql"].map(lambda v: format_number(v, lang)),
            t("col.cpql_ci", lang): [f"{format_number(r.cpql_low, lang)}–{format_number(r.cpql_high, lang)}"
                                     for r in frame.itertuples()],
        })
        parts += [subheading(t("dx.costs.title", lang)), table(shown, lang, digits=0),
                  paragraph(t("dx.costs.note", lang), "la-note")]
    return section(*parts)
