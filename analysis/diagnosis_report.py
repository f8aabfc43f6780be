"""The complaint diagnosis report's sections: one function per section, each a displayable
:class:`~analysis.display.Section` built from a :class:`~analysis.diagnosis.Diagnosis`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .config import UNKNOWN
from .diagnosis import Diagnosis
from .display import (
    Html, Section, callout, escape, figure, format_date, format_number, format_share, glossary, heading, paragraph,
    points, section, summary_block, table,
)
from .i18n import reason_label, t
from . import stats
from .plots import funnel_plot, stage_comparison_plot, survival_plot, trend_plot
from .stats._common import format_p

#: a funnel stage resting on fewer leads (in scope or baseline) shows no gap: greyed, with the counts
MIN_STAGE_LEADS = 20
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


STAGE_WORDS = {"contacted": "stage.contacted", "qualified": "stage.qualified", "visit": "stage.visited",
               "deal": "stage.won"}


def stage_word(stage: str, lang: str) -> str:
    return t(STAGE_WORDS[stage], lang) if stage in STAGE_WORDS else stage


def gap_words(worse_by: float | None, lang: str) -> str:
    """A gap in words, one convention in the whole report: «хуже на 20,1 п.п.» / «лучше на 3,6 п.п.»."""
    if worse_by is None:
        return "—"
    if round(abs(worse_by) * 100, 1) == 0:
        return t("dx.gap.same", lang)
    return t("dx.gap.worse" if worse_by > 0 else "dx.gap.better", lang, pts=points(worse_by, lang))


def _signed_pts(value: float | None, lang: str) -> str:
    """An interval bound of a shortfall (plus = worse), in points with its sign."""
    if value is None:
        return "—"
    return ("−" if value < 0 else "") + points(value, lang)


def _range(worse_by: float | None, low: float | None, high: float | None, lang: str) -> str:
    """A shortfall's interval read in the direction of its words: «от 15,5 до 24,2 п.п.» after «хуже на 20,1»,
    the better-by bounds after «лучше на» (a bound on the other side of zero keeps a minus)."""
    if low is None or high is None:
        return "—"
    if worse_by is not None and worse_by < 0:
        low, high = -high, -low
    bare_low = ("−" if low < 0 else "") + format_number(abs(low) * 100, lang, 1)  # the unit follows the high bound
    return t("dx.range", lang, low=bare_low, high=_signed_pts(high, lang))


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
    return t("dx.weeks", lang, delta=points(dx.verdict.gap.min_gap, lang), weeks=format_number(weeks, lang))


def _open_text(dx: Diagnosis, lang: str) -> str | None:
    """What the still-open young leads could change, or the one message when the scope
    has no known outcome yet; None when every outcome is known."""
    bounds = dx.still_open
    if bounds is None or not (bounds.scope or bounds.baseline):
        return None
    date = "—" if bounds.known_by is None else format_date(bounds.known_by, lang)
    stage = stage_word(dx.stage, lang)
    if dx.counts.scope_total == 0:
        return t("dx.open.nothing", lang, stage=stage, date=date)
    if bounds.verdict_all == bounds.verdict_none:  # «if all …, X; if none, X» reads as a slip
        return t("dx.open.same", lang, scope=format_number(bounds.scope, lang),
                 baseline=format_number(bounds.baseline, lang), stage=stage)
    text = t("dx.open", lang, scope=format_number(bounds.scope, lang), baseline=format_number(bounds.baseline, lang),
             stage=stage, every=t("dx.verdict." + bounds.verdict_all, lang),
             none=t("dx.verdict." + bounds.verdict_none, lang))
    return text + " " + (t("dx.open.stands", lang) if bounds.stands else t("dx.open.changes", lang, date=date))


_STOP = {"лиды", "лидов", "лидом", "клиент", "клиенты", "leads", "which", "about", "their", "there"}


def _stems(text: str) -> set[str]:
    """Crude word stems (first five letters of words of four or more) to tell when two texts echo."""
    import re

    return {word[:5] for word in re.findall(r"\w{4,}", text.lower()) if word not in _STOP and not word.isdigit()}


def echoed_reasons(dx: Diagnosis) -> list[tuple[str, int]]:
    """Loss reasons not in the mapping whose words echo the complaint (e.g. «Просто интересовался»
    for a complaint about people who "just ask the price"), largest first."""
    complaint = _stems(dx.params.get("complaint") or "")
    if not complaint:
        return []
    return sorted(((text, count) for text, count in dx.unmapped_reasons.items() if _stems(text) & complaint),
                  key=lambda item: -item[1])


def _gap_numbers(dx: Diagnosis, lang: str) -> list[tuple[str, str, str]]:
    """The three numbers of the summary: the scope's rate, the baseline's, the gap in words."""
    test, counts, v = dx.verdict.gap, dx.counts, dx.verdict
    if test.scope_rate is None or test.baseline_rate is None:
        return []
    metric = _metric_label(dx, lang)
    tone = {"supported": "bad", "partly_supported": "bad", "not_supported": "neutral"}.get(v.verdict, "neutral")
    if test.gap is not None and test.gap < 0 and test.p_value is not None and test.p_value < dx.params["alpha"]:
        tone = "good"
    gap_label = t("dx.number.gap", lang, range=_range(test.gap, *test.ci, lang),
                  delta=points(test.min_gap, lang))
    if dx.adjusted is not None and dx.adjusted.gap is not None:
        gap_label = t("dx.number.gap_adjusted", lang, range=_range(test.gap, *test.ci, lang),
                      adjusted=gap_words(dx.adjusted.gap, lang))
    return [
        (format_share(test.scope_rate, lang), t("dx.number.scope", lang, metric=metric.capitalize(),
                                                scope=dx.scope_label or t("dx.label.scope", lang),
                                                events=format_number(counts.scope_events, lang),
                                                total=format_number(counts.scope_total, lang)), tone),
        (format_share(test.baseline_rate, lang), t("dx.number.baseline", lang, baseline=t(f"dx.baseline.{dx.baseline_kind}", lang),
                                                   events=format_number(counts.baseline_events, lang),
                                                   total=format_number(counts.baseline_total, lang)), "neutral"),
        (gap_words(test.gap, lang), gap_label, tone),
    ]


def summary_section(dx: Diagnosis, lang: str) -> Section:
    """The first screen: the verdict, where the problem sits, three numbers and what to do, with owners."""
    v = dx.verdict
    tone = {"supported": "bad", "partly_supported": "mixed", "not_supported": "good"}.get(v.verdict, "neutral")
    lines = [t(f"dx.location.{v.problem_location}", lang)]
    for text, count in echoed_reasons(dx)[:1]:
        lines.append(t("dx.summary.echo", lang, text=text, count=format_number(count, lang)))
    weeks = _weeks_text(dx, lang)
    if weeks:
        lines.append(weeks)
    still_open = _open_text(dx, lang)
    if still_open and dx.still_open is not None and not dx.still_open.stands:
        lines.append(still_open)
    complaint = t("dx.complaint", lang, text=dx.params["complaint"]) if dx.params["complaint"] else None
    return section(summary_block(lang, answer=f"{ICONS[v.verdict]} {t('dx.verdict.' + v.verdict, lang)}",
                                 answer_tone=tone, lines=lines, numbers=_gap_numbers(dx, lang),
                                 actions=actions(dx, lang), quote=complaint, title=t("dx.summary.title", lang)))


def verdict_section(dx: Diagnosis, lang: str) -> Section:
    """The numbers behind the verdict: the primary metric, the gap with processing held equal, open leads."""
    v = dx.verdict
    test = v.gap
    level = format_share(1 - dx.params["alpha"], lang, 0)
    parts: list[Any] = [heading("dx.section.verdict", lang)]
    numbers = t("dx.numbers", lang, metric=_metric_label(dx, lang), scope_rate=format_share(test.scope_rate, lang),
                scope_events=format_number(dx.counts.scope_events, lang),
                scope_total=format_number(dx.counts.scope_total, lang),
                base_rate=format_share(test.baseline_rate, lang), base_events=format_number(dx.counts.baseline_events, lang),
                base_total=format_number(dx.counts.baseline_total, lang), gap_words=gap_words(test.gap, lang),
                range=_range(test.gap, *test.ci, lang), p=format_p(test.p_value, lang),
                delta=points(test.min_gap, lang))
    parts.append(paragraph(numbers))
    if dx.adjusted is not None:
        share = "" if v.processing_share is None else t("dx.numbers.share", lang,
                                                         share=format_share(min(max(v.processing_share, 0), 1), lang, 0))
        parts.append(paragraph(t("dx.numbers.adjusted", lang, gap_words=gap_words(dx.adjusted.gap, lang),
                                 range=_range(dx.adjusted.gap, *dx.adjusted.ci, lang),
                                 coverage=format_share(dx.adjusted.coverage, lang, 0),
                                 manager=t("dx.numbers.manager", lang) if dx.strata == "bucket_manager" else "",
                                 share=share)))
        clock = dx.adjusted_clock
        if clock is not None:
            parts.append(paragraph(t("dx.numbers.clock", lang, gap_words=gap_words(clock.gap, lang),
                                     range=_range(clock.gap, *clock.ci, lang))))
            evidence = dx.evidence
            if evidence is not None and evidence.axes_disagree(v.gap.min_gap):
                working = evidence.adjusted_gap_ci[0] is not None and evidence.adjusted_gap_ci[0] > 0
                parts.append(callout(t("dx.numbers.clock_disagrees" if working else "dx.numbers.clock_only", lang),
                                     warn=True))
    else:
        parts.append(paragraph(t("dx.numbers.no_processing", lang)))
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
    counts = [t("dx.scope.count.first", lang, n=format_number(dx.scope_rows - dx.scope_repeats, lang))]
    counts += [t("dx.scope.count.stage", lang, stage=t(f"dx.stage.{row.stage}", lang), n=format_number(row.scope.nobs, lang))
               for row in dx.funnel if row.settled]
    return section(heading("dx.section.scope", lang), paragraph(text),
                   paragraph(t("dx.scope.counts", lang, parts="; ".join(counts))), paragraph(checks, "la-note"))


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
                         t("col.baseline_rate", lang): "—", t("col.gap_words", lang): "—",
                         t("col.p_value", lang): "—"})
            continue
        tiny = min(row.scope.nobs, row.baseline.nobs) < MIN_STAGE_LEADS
        # a conversion is better when higher: the scope's shortfall is baseline − scope
        worse = None if comparison.difference is None else -comparison.difference
        rows.append({t("col.stage_name", lang): name, t("col.scope_rate", lang): _rate_cell(row.scope, lang),
                     t("col.baseline_rate", lang): _rate_cell(row.baseline, lang),
                     t("col.gap_words", lang): t("dx.funnel.tiny", lang, scope=format_number(row.scope.nobs, lang),
                                                 baseline=format_number(row.baseline.nobs, lang)) if tiny or worse is None
                     else f"{gap_words(worse, lang)} ({_range(worse, -comparison.difference_ci[1], -comparison.difference_ci[0], lang)})",
                     t("col.p_value", lang): "—" if tiny else format_p(comparison.p_value, lang)})
        if tiny:
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
        t("col.gap_rest", lang): scan["difference"].map(lambda v: gap_words(None if pd.isna(v) else v * worse_sign, lang)),
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
                         t("col.worse_by", lang): gap_words(worse_by, lang), t("col.p_one_sided", lang): format_p(c.p_value, lang),
                         t("col.flag", lang): t("dx.flag.deficit", lang) if check.flagged else t("dx.flag.none", lang)})
        parts += [subheading(t("dx.processing.checks", lang, alpha=format_number(dx.params["alpha"], lang, 2))), table(pd.DataFrame(rows), lang)]
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

        def tail(name: str) -> str:
            value = km[name].p90 if name in km else None
            return t("dx.km.tail", lang, p90=format_number(value, lang)) if value is not None else t("dx.km.tail_never", lang)

        parts.append(paragraph(t("dx.km.text", lang, m1=q("scope", "median"), tail1=tail("scope"),
                                 m2=q("baseline", "median"), tail2=tail("baseline"))))
        if any(check.name == "sla_share" for check in dx.deficit):
            parts.append(paragraph(t("dx.km.attempts", lang, minutes=f"{dx.sla_minutes:g}"), "la-note"))
        chart = survival_plot({name: result.curve for name, result in km.items()}, _labels(lang), lang, dx.sla_minutes)
        parts.append(figure(chart, t("plot.km.title", lang)))
    if dx.mh_bucket is not None or dx.glm is not None:
        def odds(result) -> str:
            if result is None or result.odds_ratio is None:
                return "—"
            return f"{format_number(result.odds_ratio, lang, 2)} ({format_number(result.ci[0], lang, 2)}–{format_number(result.ci[1], lang, 2)}, " \
                   f"{format_p(result.cmh_p, lang)})"
        glm = "—"
        if dx.glm is not None and not dx.glm.table.empty:
            row = dx.glm.table.loc[dx.glm.table["term"] == "group"]
            if len(row):
                r = row.iloc[0]
                glm = f"{format_number(r.odds_ratio, lang, 2)} ({format_number(r.odds_ratio_low, lang, 2)}–{format_number(r.odds_ratio_high, lang, 2)}, " \
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
    said = _trend_words(dx, lang)
    return section(*parts, figure(chart, t("plot.trend.title", lang)), paragraph(said) if said else None,
                   paragraph(t("dx.trend.text", lang), "la-note"))


def _trend_words(dx: Diagnosis, lang: str) -> str | None:
    """The weekly chart's conclusion in words: in how many weeks the scope was worse, and for how long in a row."""
    frame = dx.trend
    if "baseline" not in set(frame["group"]):
        return None
    wide = frame.pivot_table(index="week", columns="group", values="rate").dropna()
    if len(wide) < 4:
        return None
    sign = 1 if dx.higher_is_worse else -1
    worse = ((wide["scope"] - wide["baseline"]) * sign > 0).tolist()
    run = 0
    for flag in reversed(worse):
        if not flag:
            break
        run += 1
    if run == len(worse):
        return t("dx.trend.always", lang, weeks=len(worse))
    key = "dx.trend.worse" if sum(worse) >= 0.75 * len(worse) and run >= 3 else "dx.trend.mixed"
    return t(key, lang, worse=sum(worse), weeks=len(worse), run=run)


def label_noise_section(dx: Diagnosis, lang: str) -> Section:
    """Section 8: how much managers differ in qualified share within the same channel."""
    parts: list[Any] = [heading("dx.section.label_noise", lang), paragraph(t("dx.noise.text", lang))]
    if dx.label_noise.empty:
        return section(*parts, paragraph(t("dx.noise.none", lang), "la-note"))
    frame = dx.label_noise
    shown = pd.DataFrame({
        t("col.channel", lang): frame["channel"], t("col.managers", lang): frame["managers"].astype("int64"),
        t("col.leads_n", lang): frame["leads"].astype("int64"),
        t("col.lowest", lang): [f"{format_share(r.lowest, lang)} ({r.lowest_manager}, {format_number(r.lowest_leads, lang)})"
                                for r in frame.itertuples()],
        t("col.highest", lang): [f"{format_share(r.highest, lang)} ({r.highest_manager}, {format_number(r.highest_leads, lang)})"
                                 for r in frame.itertuples()],
        t("col.noise", lang): [t("dx.noise.differ", lang, p=format_p(r.p_value, lang))
                               if r.p_value is not None and r.p_value < dx.params["alpha"] else t("dx.noise.same", lang)
                               for r in frame.itertuples()],
    })
    return section(*parts, table(shown, lang))


def actions(dx: Diagnosis, lang: str) -> list[tuple[str, str]]:
    """Recommendations derived from the findings, each tied to the number that motivates it, with its
    owner: marketing (lead quality, budget), sales (processing) or management (data, waiting)."""
    out: list[tuple[str, str]] = []
    alpha = dx.params["alpha"]
    if dx.verdict.verdict == "insufficient_data":
        out.append(("management", t("act.wait", lang, text=_weeks_text(dx, lang) or "")))
    for row in dx.reasons.loc[dx.reasons["overrepresented"]].itertuples() if len(dx.reasons) else []:
        key = f"act.reason.{row.reason}"
        from .i18n import TEXTS
        if key in TEXTS:
            owner = row.owner if row.owner in ("marketing", "sales") else "management"
            out.append((owner, t(key, lang, rate=format_share(row.scope_rate, lang), base=format_share(row.baseline_rate, lang))))
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
            out.append(("sales", t("act.sla", lang, minutes=f"{dx.sla_minutes:g}", scope=format_share(c.rate1, lang),
                         base=format_share(c.rate2, lang), fast=fast, slow=slow)))
        elif check.name == "never_attempted":
            out.append(("sales", t("act.never", lang, scope=format_share(c.rate1, lang), base=format_share(c.rate2, lang))))
        else:
            out.append(("sales", t("act.given_up", lang, attempts=dx.min_attempts, scope=format_share(c.rate1, lang),
                                   base=format_share(c.rate2, lang))))
    v = dx.verdict
    if dx.adjusted is not None and v.processing_share is not None and v.processing_share >= 0.5 and v.gap.gap and v.gap.gap > 0:
        out.append(("sales", t("act.routing", lang, q=points(dx.adjusted.gap, lang), g=points(v.gap.gap, lang))))
    coding = dx.coding_quality["scope"]
    if dx.has_reasons and coding.rate is not None and coding.rate > 0.2 and coding.nobs >= 20:
        out.append(("management", t("act.coding", lang, share=format_share(coding.rate, lang))))
    noisy = dx.label_noise.loc[dx.label_noise["p_value"].fillna(1) < alpha] if not dx.label_noise.empty else dx.label_noise
    for row in noisy.itertuples() if len(noisy) else []:
        if row.channel in dx.params["channel"] or not dx.params["channel"]:
            out.append(("sales", t("act.noise", lang, channel=row.channel, low=format_share(row.lowest, lang),
                                   high=format_share(row.highest, lang), p=format_p(row.p_value, lang).replace("p ", ""))))
    if dx.costs is not None and len(dx.costs) == 2:
        scope, base = dx.costs.iloc[0], dx.costs.iloc[1]
        if scope.cpql and base.cpql:
            verdict = None  # a cost within the uncertainty of the others' is no action: it stays in the cost table
            if scope.cpql_high is not None and scope.cpql_high < base.cpql:
                verdict = t("act.budget.cheaper", lang)
            elif scope.cpql_low is not None and scope.cpql_low > base.cpql:
                verdict = t("act.budget.dearer", lang)
            if verdict:
                out.append(("marketing", t("act.budget", lang, scope=format_number(scope.cpql, lang),
                                           base=format_number(base.cpql, lang), verdict=verdict)))
    for text, count in echoed_reasons(dx)[:1]:  # a data fix for whoever keeps the export: last
        out.append(("management", t("act.echo", lang, text=text, count=format_number(count, lang))))
    return out or [("management", t("act.none", lang))]


def actions_section(dx: Diagnosis, lang: str) -> Section:
    """What the scope's and the baseline's leads cost, when spend is given (the actions are in the summary)."""
    if dx.costs is None:  # the actions are in the summary; this section is the cost comparison
        return section()
    parts: list[Any] = [heading("dx.section.actions", lang)]
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


def glossary_section(dx: Diagnosis, lang: str) -> Section:
    """The words of method this report uses, each with what it means for the decision."""
    keys = ["noise", "p_value", "interval", "pts", "min_gap", "baseline"]
    if dx.adjusted is not None:
        keys += ["adjusted", "working_minutes"]
    if dx.mh_bucket is not None or dx.glm is not None:
        keys.append("odds_ratio")
    if dx.time_to_contact:
        keys.append("time_to_contact")
    if dx.association is not None and dx.association.p_value is not None:
        keys.append("association")
    if dx.funnel_limits is not None:
        keys += ["funnel_limits", "holm"]
    if dx.still_open is not None and (dx.still_open.scope or dx.still_open.baseline):
        keys.append("immature")
    return glossary(keys, lang)
