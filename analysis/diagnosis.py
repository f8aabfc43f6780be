"""Complaint diagnosis: is "the leads are bad" supported, and whose problem is it?

:func:`diagnose` turns a dataset and validated parameters into a frozen :class:`Diagnosis`:
the scope and its baseline, the primary metric's counts on mature leads, the verdict of
the verdict rule with its evidence, and every section's tables. It calls the aggregation layer
for counts and :mod:`analysis.stats` for every test; the report module only displays it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import stats
from .aggregate import (
    BUCKET_LABELS, NEVER_ATTEMPTED, UNKNOWN_BUCKET, contact_durations, funnel_counts, has_contact_times, in_parallel, period_mask,
    clock_minutes, response_bucket, scope_and_baseline, settled, sums_by, weekly_counts,
)
from .config import UNKNOWN
from .dataset import Dataset, has_column
from .mapping import normalize_label
from .readers import in_text_order, label_counts
from .verdict import (
    PRIMARY_METRIC, PROCESSING_DEFICIT, Evidence, MetricCounts, VerdictResult, decide, gap_test,
)

#: minimum contacted leads a manager needs to enter the label-noise comparison
LABEL_NOISE_MIN_LEADS = 20
TREND_WEEKS = 26


@dataclass(frozen=True)
class StageRow:
    stage: str
    scope: stats.RateResult
    baseline: stats.RateResult
    comparison: stats.RateComparison
    #: young leads of the step whose outcome is not known yet, per group
    scope_open: int = 0
    baseline_open: int = 0

    @property
    def settled(self) -> bool:
        """Few enough open leads in both groups for the step's rates to be shown (not "not mature")."""
        return settled(self.scope.nobs, self.scope_open) and settled(self.baseline.nobs, self.baseline_open)


@dataclass(frozen=True)
class DeficitCheck:
    """One processing check of the verdict rule's D: scope vs baseline share, flagged when worse by ≥ 0.10."""

    name: str
    comparison: stats.RateComparison
    flagged: bool


@dataclass(frozen=True)
class Diagnosis:
    """Everything the complaint diagnosis report shows (see :func:`diagnose`)."""

    params: dict[str, Any]
    claim: str
    metric: str
    stage: str
    higher_is_worse: bool
    period: tuple[pd.Timestamp, pd.Timestamp]
    baseline_kind: str
    baseline_period: tuple[pd.Timestamp, pd.Timestamp]
    scope_label: str
    baseline_label: str
    scope_rows: int
    baseline_rows: int
    scope_repeats: int
    counts: MetricCounts
    immature_scope: int
    immature_baseline: int
    verdict: VerdictResult
    adjusted: stats.AdjustedGap | None
    strata: str
    adjusted_clock: stats.AdjustedGap | None
    funnel: tuple[StageRow, ...]
    channel_scan: stats.GroupScan | None
    funnel_limits: stats.FunnelLimits | None
    overdispersion: stats.Overdispersion | None
    buckets: pd.DataFrame
    deficit: tuple[DeficitCheck, ...]
    sla_minutes: float
    min_attempts: int
    time_to_contact: dict[str, stats.TimeToEvent]
    response_median: dict[str, float | None]
    mh_bucket: stats.MantelHaenszel | None
    mh_manager: stats.MantelHaenszel | None
    glm: stats.GLMResult | None
    attempts: pd.DataFrame | None
    missed_calls: pd.DataFrame | None
    manager_mix: pd.DataFrame | None
    reasons: pd.DataFrame
    association: stats.AssociationResult | None
    owners: pd.DataFrame
    coding_quality: dict[str, stats.RateResult]
    unmapped_reasons: dict[str, int]
    overrepresented: tuple[str, ...]
    criteria: stats.RateComparison | None
    trend: pd.DataFrame
    label_noise: pd.DataFrame
    costs: pd.DataFrame | None
    funnel_rates: dict[str, dict[str, Any]] = field(default_factory=dict)
    still_open: "OpenBounds | None" = None
    has_reasons: bool = True  # the export has a loss-reason column
    evidence: Evidence | None = None

    def figures(self) -> dict[str, Any]:
        """The ``figures`` of the JSON summary."""
        test = self.verdict.gap
        return {
            "primary_metric": self.metric,
            "claim": self.claim,
            "gap": test.gap,
            "gap_ci": list(test.ci),
            "p_value": test.p_value,
            "min_gap": test.min_gap,
            "adjusted_gap": None if self.adjusted is None else self.adjusted.gap,
            "adjusted_gap_ci": [None, None] if self.adjusted is None else list(self.adjusted.ci),
            "adjusted_coverage": None if self.adjusted is None else self.adjusted.coverage,
            "adjusted_gap_clock": None if self.adjusted_clock is None else self.adjusted_clock.gap,
            "adjusted_gap_clock_ci": [None, None] if self.adjusted_clock is None else list(self.adjusted_clock.ci),
            "processing_share": self.verdict.processing_share,
            "weeks_needed": self.verdict.weeks_needed,
            "rule": self.verdict.rule,
            "scope": self.funnel_rates["scope"],
            "baseline": self.funnel_rates["baseline"],
            "immature_leads": {"scope": self.immature_scope, "baseline": self.immature_baseline},
            "still_open": None if self.still_open is None else self.still_open.to_json(),
            # the funnel table's rows under the same names: each step out of the last stage shown before it
            "funnel": {row.stage: {"settled": row.settled, "scope_open": row.scope_open,
                                   "baseline_open": row.baseline_open, "scope": row.scope.rate,
                                   "scope_ci": list(row.scope.ci),
                                   "scope_events": row.scope.count, "scope_total": row.scope.nobs,
                                   "baseline": row.baseline.rate, "baseline_events": row.baseline.count,
                                   "baseline_total": row.baseline.nobs, "difference": row.comparison.difference,
                                   "difference_ci": list(row.comparison.difference_ci),
                                   "p_value": row.comparison.p_value} for row in self.funnel},
            "processing_deficit": {check.name: check.flagged for check in self.deficit},
            "overrepresented_reasons": list(self.overrepresented),
            "period": [self.period[0].isoformat(), self.period[1].isoformat()],
            "baseline_period": [self.baseline_period[0].isoformat(), self.baseline_period[1].isoformat()],
        }


# --------------------------------------------------------------------------- the metric

def metric_rows(dataset: Dataset, claim: str) -> tuple[pd.Series, pd.Series]:
    """(denominator rows, event rows) of the claim's primary metric over all leads."""
    leads = dataset.leads
    metric, stage, _ = PRIMARY_METRIC[claim]
    first = ~leads["is_repeat"]
    mature = dataset.mature(stage)
    if metric == "contact_rate":
        return first & mature, leads["contacted"]
    if metric == "qualified_of_contacted":
        return first & mature & leads["contacted"], leads["qualified"]
    if metric == "qualified_rate":
        return first & mature, leads["qualified"]
    if metric == "reason_rate":
        return first & mature & leads["contacted"], leads["disqualification_reason"].eq(claim)
    return pd.Series(True, index=leads.index), leads["is_repeat"]  # repeat_rate: every row, repeats included


def _rate(events: pd.Series, rows: pd.Series, alpha: float) -> stats.RateResult:
    return stats.rate_interval(int((rows & events).sum()), int(rows.sum()), alpha)


# --------------------------------------------------------------------------- processing

def _strata(leads: pd.DataFrame, bucket: pd.Series, rows_scope: pd.Series, rows_base: pd.Series
            ) -> tuple[pd.Series | None, str]:
    """Stratum of each lead: response bucket × manager where managers overlap ≥ 80%."""
    has_response = has_column(leads, "response_minutes") and leads["response_minutes"].notna().any()
    has_manager = "manager" in leads and (leads["manager"] != UNKNOWN).any()
    bucket = bucket if has_response else None
    use_manager = False
    if has_manager:
        scope_managers = set(leads.loc[rows_scope, "manager"].unique()) - {UNKNOWN}
        base = leads.loc[rows_base, "manager"]
        overlap = base.isin(scope_managers).mean() if len(base) else 0.0
        use_manager = overlap >= stats.strata.MIN_COVERAGE
    if bucket is not None and use_manager:
        return _joined(bucket, leads["manager"], " × "), "bucket_manager"
    if bucket is not None:
        return in_text_order(bucket), "bucket"
    if use_manager:
        return _text_key(leads["manager"]), "manager"
    return None, "none"


def _joined(first: pd.Series, second: pd.Series, separator: str) -> pd.Series:
    """``first + separator + second`` as text, built once per distinct pair (a few dozen), not per lead;
    a categorical whose categories sort as the texts do (groups come out in the same order)."""
    first_codes, first_values = _codes(first)
    second_codes, second_values = _codes(second)
    width = max(len(second_values), 1)
    pair_codes, pairs = pd.factorize(first_codes.astype(np.int64) * width + second_codes)
    labels = np.array([f"{first_values[p // width]}{separator}{second_values[p % width]}" for p in pairs], dtype=object)
    return in_text_order(pd.Series(pd.Categorical.from_codes(pair_codes, categories=pd.Index(labels, dtype=object)),
                                   index=first.index))


def _codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and the text of each code (a categorical's own codes: no pass over the rows' text)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        values = np.asarray(series.cat.categories.astype(str), dtype=object)
        missing = codes < 0
        if missing.any():  # a code of its own, with the text a missing value has as text
            codes = np.where(missing, len(values), codes)
            values = np.append(values, str(np.nan))
        return codes, values
    codes, values = pd.factorize(series.astype(str), use_na_sentinel=False)
    return codes, np.asarray(values, dtype=object)


def _text_key(labels: pd.Series) -> pd.Series:
    """A label column as a grouping key that groups as its text: a categorical stays one, its
    categories in text order (its text would cost seconds on 10M leads)."""
    return in_text_order(labels) if isinstance(labels.dtype, pd.CategoricalDtype) else labels.astype(str)


def _stratified_counts(key: pd.Series, events: pd.Series, rows_scope: pd.Series, rows_base: pd.Series) -> pd.DataFrame:
    grouped = sums_by({"key": key, "scope": rows_scope}, events, rows_scope | rows_base).unstack("scope", fill_value=0)
    out = pd.DataFrame(index=grouped.index)
    for flag, name in ((True, "scope"), (False, "base")):
        out[f"{name}_events"] = grouped[("sum", flag)] if ("sum", flag) in grouped else 0
        out[f"{name}_total"] = grouped[("size", flag)] if ("size", flag) in grouped else 0
    return out.astype("int64")


def adjusted_gap(dataset: Dataset, bucket: pd.Series, rows_scope: pd.Series, rows_base: pd.Series,
                 events: pd.Series, higher_is_worse: bool, alpha: float) -> tuple[stats.AdjustedGap | None, str]:
    """Q of the verdict rule: the scope's rate standardised to the baseline's processing mix
    (``bucket``: :func:`response_bucket` of the leads)."""
    leads = dataset.leads
    key, strata = _strata(leads, bucket, rows_scope, rows_base)
    if key is None:
        return None, "none"
    table = _stratified_counts(key, events, rows_scope, rows_base)
    result = stats.standardised_gap(table["scope_events"], table["scope_total"], table["base_events"],
                                    table["base_total"], alpha=alpha, higher_is_better=not higher_is_worse)
    if strata == "bucket_manager" and result.coverage < stats.strata.MIN_COVERAGE:
        # docs/methods.md §8: drop the manager stratifier first when the overlap covers too little
        table = _stratified_counts(in_text_order(bucket), events, rows_scope, rows_base)
        result = stats.standardised_gap(table["scope_events"], table["scope_total"], table["base_events"],
                                        table["base_total"], alpha=alpha, higher_is_better=not higher_is_worse)
        strata = "bucket"
    return result, strata


def processing_deficit(dataset: Dataset, scope: pd.Series, baseline: pd.Series, sla_minutes: float,
                       alpha: float) -> tuple[DeficitCheck, ...]:
    """D of the verdict rule: slower first attempts, more leads never attempted, or unreached leads given up early."""
    leads = dataset.leads
    if not has_column(leads, "attempted"):
        return ()
    mature = dataset.mature("contacted") & ~leads["is_repeat"]
    checks = []
    minutes = leads["response_minutes"] if has_column(leads, "response_minutes") else pd.Series(np.nan, index=leads.index)
    attempted = leads["attempted"] & minutes.notna()
    on_time = attempted & (minutes <= sla_minutes)

    def check(name: str, events: pd.Series, rows: pd.Series, worse: str) -> None:
        s_rows, b_rows = rows & scope & mature, rows & baseline & mature
        comparison = stats.compare_rates(int((events & s_rows).sum()), int(s_rows.sum()),
                                         int((events & b_rows).sum()), int(b_rows.sum()), alpha=alpha,
                                         alternative=worse)
        difference = comparison.difference
        flagged = bool(difference is not None and comparison.p_value is not None and comparison.p_value < alpha
                       and (-difference if worse == "smaller" else difference) >= PROCESSING_DEFICIT)
        checks.append(DeficitCheck(name, comparison, flagged))

    if attempted.any():
        check("sla_share", on_time, attempted, "smaller")
    all_rows = pd.Series(True, index=leads.index)
    check("never_attempted", ~leads["attempted"], all_rows, "larger")
    if has_column(leads, "call_attempts"):
        min_attempts = dataset.mapping.settings.min_attempts
        unreached = leads["attempted"] & ~leads["contacted"] & leads["stage"].eq("disqualified")
        early = unreached & (leads["call_attempts"].fillna(0) < min_attempts)
        if unreached.any():
            check("given_up_early", early, unreached, "larger")
    return tuple(checks)


def _mh(key: pd.Series, events: pd.Series, rows_scope: pd.Series, rows_base: pd.Series,
        alpha: float) -> stats.MantelHaenszel | None:
    table = _stratified_counts(key, events, rows_scope, rows_base)
    if table.empty:
        return None
    tables = [[[r.scope_events, r.scope_total - r.scope_events], [r.base_events, r.base_total - r.base_events]]
              for r in table.itertuples()]
    return stats.mantel_haenszel(tables, alpha=alpha)


# --------------------------------------------------------------------------- reasons

def reason_tables(dataset: Dataset, scope: pd.Series, baseline: pd.Series, alpha: float
                  ) -> tuple[pd.DataFrame, stats.AssociationResult | None, tuple[str, ...], bool]:
    """Per reason: counts, per-lead-at-risk rates, one-sided test; association of the mix.

    Leads at risk of a reason: first leads old enough to be qualified; for a reason that
    does not imply "new", only the contacted ones. Every count comes from one bincount of
    the reasons per group (a dozen passes over every lead per reason took 2 s at 10M leads).
    """
    leads = dataset.leads
    reason = leads["disqualification_reason"]
    lost = reason.notna() & ~leads["is_repeat"]
    codes = list(label_counts(reason.loc[lost & (scope | baseline)]).index)
    position = np.asarray(pd.Categorical(reason, categories=codes).codes, dtype=np.int64)  # -1: another reason or none
    at_risk = ~leads["is_repeat"] & dataset.mature("qualified")
    contacted = at_risk & leads["contacted"]

    def on_leads(mask: pd.Series) -> np.ndarray:
        """A mask built with pandas' & (aligned by label, missing as False) on the leads' rows."""
        return mask.reindex(leads.index).fillna(False).to_numpy(dtype=bool)

    def per_reason(mask: np.ndarray) -> np.ndarray:
        chosen = position[mask]
        return np.bincount(chosen[chosen >= 0], minlength=len(codes))

    counts = {}
    for name, group in (("scope", scope), ("baseline", baseline)):
        new_rows, contacted_rows = on_leads(at_risk & group), on_leads(contacted & group)
        counts[name] = {"new": (per_reason(new_rows), int(new_rows.sum())),
                        "contacted": (per_reason(contacted_rows), int(contacted_rows.sum())),
                        "lost": per_reason(on_leads(lost & group))}
    rows = []
    for i, code in enumerate(codes):
        implies = dataset.mapping.reasons[code].implies if code in dataset.mapping.reasons else "contacted"
        kind = "new" if implies == "new" else "contacted"
        (s_events, s_rows), (b_events, b_rows) = counts["scope"][kind], counts["baseline"][kind]
        comparison = stats.compare_rates(int(s_events[i]), s_rows, int(b_events[i]), b_rows,
                                         alpha=alpha, alternative="larger")
        rows.append({"reason": code, "owner": dataset.mapping.reasons.get(code).owner if code in dataset.mapping.reasons
                     else "unknown", "scope_lost": int(counts["scope"]["lost"][i]),
                     "baseline_lost": int(counts["baseline"]["lost"][i]), "scope_rate": comparison.rate1,
                     "baseline_rate": comparison.rate2, "p_value": comparison.p_value})
    table = pd.DataFrame(rows, columns=["reason", "owner", "scope_lost", "baseline_lost", "scope_rate", "baseline_rate",
                                        "p_value"])
    tested = table["p_value"].notna().sum()
    cut = alpha / tested if tested else 0.0
    table["overrepresented"] = table["p_value"].fillna(1.0) < cut
    over = tuple(table.loc[table["overrepresented"], "reason"])
    marketing = bool(table.loc[table["overrepresented"], "owner"].eq("marketing").any())
    association = None
    if len(table) >= 2:
        association = stats.test_association([table["scope_lost"].tolist(), table["baseline_lost"].tolist()],
                                             ["scope", "baseline"], table["reason"].tolist(), alpha=alpha)
    return table, association, over, marketing


def criteria_check(dataset: Dataset, scope: pd.Series, baseline: pd.Series, alpha: float) -> stats.RateComparison | None:
    """Share of leads meeting the mapping's quiz criteria, scope vs baseline (one-sided: lower)."""
    criteria = dataset.mapping.criteria
    leads = dataset.leads
    if criteria is None:
        return None
    answered = pd.Series(False, index=leads.index)
    meets = pd.Series(True, index=leads.index)
    if criteria.budget_min is not None and has_column(leads, "budget"):
        answered |= leads["budget"].notna()
        meets &= leads["budget"].fillna(-1) >= criteria.budget_min
    if criteria.purchase_horizon and has_column(leads, "purchase_horizon"):
        answered |= leads["purchase_horizon"].notna()
        meets &= leads["purchase_horizon"].isin(list(criteria.purchase_horizon))
    if criteria.models and "model" in leads:
        meets &= leads["model"].map(normalize_label).isin(list(criteria.models))
    rows = answered & ~leads["is_repeat"]
    if not (rows & scope).any() or not (rows & baseline).any():
        return None
    s, b = rows & scope, rows & baseline
    return stats.compare_rates(int((meets & s).sum()), int(s.sum()), int((meets & b).sum()), int(b.sum()),
                               alpha=alpha, alternative="smaller")


# --------------------------------------------------------------------------- the whole diagnosis

def _summary_rates(dataset: Dataset, rows: pd.Series, alpha: float, sla_minutes: float) -> dict[str, Any]:
    leads = dataset.leads
    first = rows & ~leads["is_repeat"]
    qualified_rows = first & dataset.mature("qualified")
    qualified = stats.rate_interval(int((qualified_rows & leads["qualified"]).sum()), int(qualified_rows.sum()), alpha)
    contact_rows = first & dataset.mature("contacted")
    deal_rows = first & dataset.mature("deal")
    median, sla = None, None
    if has_column(leads, "response_minutes") and has_column(leads, "attempted"):
        minutes = leads.loc[first & leads["attempted"], "response_minutes"].dropna()
        if len(minutes):
            median = float(minutes.median())
            sla = float((minutes <= sla_minutes).mean())
    # a stage the export cannot tell apart has no rate (null, not 100%), nor one whose young leads
    # are mostly still open (the known ones lean to the outcome that comes first)
    told = dataset.funnel_stages
    shown = {stage: stage in told and settled(int(known.sum()), int((first & ~known).sum()))
             for stage, known in (("qualified", qualified_rows), ("contacted", contact_rows), ("deal", deal_rows))}
    return {
        "leads": int(rows.sum()),
        "first_leads": int(first.sum()),
        "mature_leads": int(qualified_rows.sum()),
        "qualified_rate": qualified.rate if shown["qualified"] else None,
        "qualified_rate_ci": list(qualified.ci) if shown["qualified"] else [None, None],
        "contact_rate": stats.rate_interval(int((contact_rows & leads["contacted"]).sum()),
                                            int(contact_rows.sum())).rate if shown["contacted"] else None,
        "deal_rate": stats.rate_interval(int((deal_rows & leads["won"]).sum()),
                                         int(deal_rows.sum())).rate if shown["deal"] else None,
        "median_response_minutes": median,
        "sla_share": sla,
    }


def diagnose(dataset: Dataset, params: dict[str, Any]) -> Diagnosis:
    """Run the complaint diagnosis on a loaded dataset with validated parameters."""
    leads = dataset.leads
    alpha = params["alpha"]
    claim = params["claim"]
    metric, stage, higher_is_worse = PRIMARY_METRIC[claim]
    sla_minutes = params["sla_minutes"]
    scope, baseline, period, base_period = scope_and_baseline(dataset, params)
    rows, events = metric_rows(dataset, claim)
    rows_scope, rows_base = rows & scope, rows & baseline
    first = ~leads["is_repeat"]
    mature_stage = dataset.mature(stage)
    immature_scope = int((scope & first & ~mature_stage).sum())
    immature_baseline = int((baseline & first & ~mature_stage).sum())
    counts = MetricCounts(int((rows_scope & events).sum()), int(rows_scope.sum()), int((rows_base & events).sum()),
                          int(rows_base.sum()), int((scope & first & mature_stage).sum()))
    if metric == "repeat_rate" and "duplicate_copies" in leads:
        # removed exact copies count as rows read and as repeats — each on its kept row's own
        # channel and date, so only the copies of the compared period's rows enter
        copies = leads["duplicate_copies"]
        in_scope, in_base = int(copies[rows_scope].sum()), int(copies[rows_base].sum())
        counts = MetricCounts(counts.scope_events + in_scope, counts.scope_total + in_scope,
                              counts.baseline_events + in_base, counts.baseline_total + in_base,
                              counts.scope_mature_leads)

    bucket = response_bucket(leads)  # once: the strata, the bucket table, Mantel–Haenszel and the GLM share it
    clock = clock_minutes(leads)
    bucket_key = in_text_order(bucket)
    has_manager = bool((leads["manager"] != UNKNOWN).any())
    with_contact = has_contact_times(leads)
    # the parts below only read the leads; a pool runs them side by side (pandas and numpy
    # work mostly without the GIL: 10M leads, the heavy half of them 6.2-7.3 s -> 4.1-4.7 s)
    done = in_parallel({
        "glm": (_glm, leads, bucket, events, rows_scope, rows_base, alpha),
        "reasons": (reason_tables, dataset, scope, baseline, alpha),
        "time_scope": (_time_to_contact, dataset, scope & first, alpha, sla_minutes) if with_contact else None,
        "time_baseline": (_time_to_contact, dataset, baseline & first, alpha, sla_minutes) if with_contact else None,
        "adjusted": (adjusted_gap, dataset, bucket, rows_scope, rows_base, events, higher_is_worse, alpha),
        # docs/methods.md §8: the same standardisation with the delays on the clock (closed hours count)
        "adjusted_clock": (adjusted_gap, dataset, response_bucket(leads, clock), rows_scope, rows_base, events,
                           higher_is_worse, alpha) if clock is not None else None,
        "label_noise": (_label_noise, dataset, period, alpha),
        "trend": (_trend, dataset, rows, events, scope, params["baseline"], period, alpha),
        "buckets": (_bucket_table, dataset, bucket, scope, baseline, alpha),
        "mh_bucket": (_mh, bucket_key, events, rows_scope, rows_base, alpha) if has_column(leads, "response_minutes") else None,
        "mh_manager": (_mh, _text_key(leads["manager"]), events, rows_scope, rows_base, alpha) if has_manager else None,
        "scan": (_channel_scan, dataset, rows, events, period, alpha, higher_is_worse),
        "deficit": (processing_deficit, dataset, scope, baseline, sla_minutes, alpha),
        "criteria": (criteria_check, dataset, scope, baseline, alpha),
        "funnel_scope": (funnel_counts, leads, scope, dataset),
        "funnel_base": (funnel_counts, leads, baseline, dataset),
        "summary_scope": (_summary_rates, dataset, scope, alpha, sla_minutes),
        "summary_base": (_summary_rates, dataset, baseline, alpha, sla_minutes),
        "attempts": (_attempts, leads, scope, baseline, dataset),
        "missed_calls": (_missed_calls, leads, scope, baseline, alpha),
        "manager_mix": (_manager_mix, leads, rows_scope, rows_base),
        "owners": (_owner_split, leads, scope, baseline),
        "coding": (_coding_quality, leads, scope, baseline, alpha),
        "costs": (_costs, dataset, params, scope, baseline, period, alpha),
    })
    adjusted, strata = done["adjusted"]
    adjusted_clock = None if done["adjusted_clock"] is None else done["adjusted_clock"][0]
    processing_columns = adjusted is not None and adjusted.gap is not None
    deficit = done["deficit"]
    reasons, association, over, marketing_over = done["reasons"]
    criteria = done["criteria"]
    criteria_lower = bool(criteria is not None and criteria.p_value is not None and criteria.p_value < alpha)
    if processing_columns:
        q, q_ci = adjusted.gap, adjusted.ci
    else:  # without processing columns Q = G: it proves nothing about location by itself
        plain = gap_test(counts, higher_is_worse, alpha, params["min_gap"])
        q, q_ci = plain.gap, plain.ci
    clock_holds = processing_columns and adjusted_clock is not None and adjusted_clock.gap is not None
    evidence = Evidence(
        adjusted_gap=q, adjusted_gap_ci=q_ci,
        adjusted_gap_clock=adjusted_clock.gap if clock_holds else None,
        adjusted_gap_clock_ci=adjusted_clock.ci if clock_holds else (None, None),
        processing_columns=processing_columns, marketing_reason_overrepresented=marketing_over,
        criteria_lower=criteria_lower, processing_deficit=any(check.flagged for check in deficit),
    )
    weeks = max(1.0, (period[1] - period[0]).total_seconds() / (7 * 86400))
    verdict = decide(counts, higher_is_worse, evidence, alpha=alpha, min_gap=params["min_gap"], scope_weeks=weeks)
    still_open = _open_bounds(dataset, claim, scope, baseline, counts, verdict, higher_is_worse, evidence, alpha,
                              params["min_gap"], weeks)

    funnel_scope, funnel_base = done["funnel_scope"], done["funnel_base"]
    funnel = tuple(
        StageRow(name, stats.rate_interval(*funnel_scope[name][:2], alpha),
                 stats.rate_interval(*funnel_base[name][:2], alpha),
                 stats.compare_rates(*funnel_scope[name][:2], *funnel_base[name][:2], alpha=alpha),
                 funnel_scope[name][2], funnel_base[name][2])
        for name in funnel_scope)
    scan, limits, dispersion = done["scan"]
    durations = {name: done[f"time_{name}"] for name in ("scope", "baseline") if done.get(f"time_{name}") is not None}
    summary_scope, summary_base = done["summary_scope"], done["summary_base"]
    unmapped = dataset.lineage.issue("unmapped_reasons")
    return Diagnosis(
        params=params, claim=claim, metric=metric, stage=stage, higher_is_worse=higher_is_worse, period=period,
        baseline_kind=params["baseline"], baseline_period=base_period,
        scope_label=_scope_label(params), baseline_label=params["baseline"],
        scope_rows=int(scope.sum()), baseline_rows=int(baseline.sum()),
        scope_repeats=int((scope & leads["is_repeat"]).sum()), counts=counts, immature_scope=immature_scope,
        immature_baseline=immature_baseline, verdict=verdict, adjusted=adjusted if processing_columns else None,
        strata=strata, adjusted_clock=adjusted_clock if clock_holds else None, funnel=funnel, channel_scan=scan, funnel_limits=limits, overdispersion=dispersion,
        buckets=done["buckets"], deficit=deficit, sla_minutes=sla_minutes,
        min_attempts=dataset.mapping.settings.min_attempts, time_to_contact=durations,
        response_median={"scope": summary_scope["median_response_minutes"],
                         "baseline": summary_base["median_response_minutes"]},
        mh_bucket=done["mh_bucket"], mh_manager=done["mh_manager"], glm=done["glm"],
        attempts=done["attempts"], missed_calls=done["missed_calls"], manager_mix=done["manager_mix"],
        reasons=reasons, association=association, owners=done["owners"], coding_quality=done["coding"],
        unmapped_reasons={} if unmapped is None else dict(unmapped.values), overrepresented=over,
        criteria=criteria, trend=done["trend"], label_noise=done["label_noise"], costs=done["costs"],
        funnel_rates={"scope": summary_scope, "baseline": summary_base}, still_open=still_open,
        has_reasons="disqualification_reason" in dataset.mapping.columns, evidence=evidence,
    )


@dataclass(frozen=True)
class OpenBounds:
    """Still-open young leads of the primary metric and the verdict at both bounds:
    every one of them ends as an event, or none does. ``stands`` when both give the verdict."""

    scope: int
    baseline: int
    verdict_all: str
    verdict_none: str
    stands: bool
    known_by: pd.Timestamp | None

    def to_json(self) -> dict[str, Any]:
        return {"scope": self.scope, "baseline": self.baseline, "verdict_if_all": self.verdict_all,
                "verdict_if_none": self.verdict_none, "verdict_stands": self.stands,
                "known_by": None if self.known_by is None else self.known_by.date().isoformat()}


def _open_bounds(dataset: Dataset, claim: str, scope: pd.Series, baseline: pd.Series, counts: MetricCounts,
                 verdict: VerdictResult, higher_is_worse: bool, evidence: Evidence, alpha: float,
                 min_gap: float | None, weeks: float) -> OpenBounds | None:
    """The verdict re-decided with the still-open leads counted as events, then as non-events
    (None when every outcome is known)."""
    metric, stage, _ = PRIMARY_METRIC[claim]
    leads = dataset.leads
    if metric == "repeat_rate":  # a repeat is known when the row is read
        return None
    rows = ~leads["is_repeat"] & dataset.still_open(stage)
    if metric in ("qualified_of_contacted", "reason_rate"):
        rows &= leads["contacted"]
    in_scope, in_base = int((rows & scope).sum()), int((rows & baseline).sum())
    if not in_scope and not in_base:
        return None

    def redecided(events: bool) -> str:
        bound = MetricCounts(counts.scope_events + in_scope * events, counts.scope_total + in_scope,
                             counts.baseline_events + in_base * events, counts.baseline_total + in_base,
                             counts.scope_mature_leads + in_scope)
        return decide(bound, higher_is_worse, evidence, alpha=alpha, min_gap=min_gap, scope_weeks=weeks).verdict

    every, none = redecided(True), redecided(False)
    stands = every == none == verdict.verdict
    return OpenBounds(in_scope, in_base, every, none, stands, dataset.known_by(stage, rows & (scope | baseline)))


def _time_to_contact(dataset: Dataset, rows: pd.Series, alpha: float, sla_minutes: float) -> stats.TimeToEvent | None:
    """Kaplan–Meier curve of working minutes to first contact of the group's mature first leads."""
    chosen = rows & dataset.mature("contacted")
    if not chosen.any():
        return None
    time, status = contact_durations(dataset, chosen)
    return stats.kaplan_meier(time, status, alpha=alpha, within=(sla_minutes, 30, 60))


def _coding_quality(leads: pd.DataFrame, scope: pd.Series, baseline: pd.Series, alpha: float) -> dict[str, Any]:
    """Share of lost first leads whose reason is "other" or "missing", per group."""
    lost = leads["disqualification_reason"].notna() & ~leads["is_repeat"]
    vague = lost & leads["disqualification_reason"].isin(["other", "missing"])
    return {name: stats.rate_interval(int((mask & vague).sum()), int((mask & lost).sum()), alpha)
            for name, mask in (("scope", scope), ("baseline", baseline))}


def _scope_label(params: dict[str, Any]) -> str:
    parts = [*params["channel"], *params["campaign"], *params["model"], *params["manager"]]
    return ", ".join(parts)


def _channel_scan(dataset: Dataset, rows: pd.Series, events: pd.Series, period: tuple, alpha: float,
                  higher_is_worse: bool) -> tuple[stats.GroupScan | None, stats.FunnelLimits | None,
                                                  stats.Overdispersion | None]:
    leads = dataset.leads
    mask = rows & period_mask(leads, *period) & leads["channel"].ne(UNKNOWN)
    grouped = sums_by({"channel": leads["channel"]}, events, mask)
    grouped = grouped.loc[grouped["size"] > 0]
    if len(grouped) < 2:
        return None, None, None
    scan = stats.compare_groups(grouped.index.tolist(), grouped["sum"].tolist(), grouped["size"].tolist(),
                                alpha=alpha, adjust="holm")
    pooled = grouped["sum"].sum() / grouped["size"].sum()
    dispersion = stats.funnel_overdispersion(grouped["sum"].tolist(), grouped["size"].tolist())
    limits = None
    if 0 < pooled < 1:
        sizes = np.unique(np.geomspace(max(1, grouped["size"].min() // 2), grouped["size"].max() * 1.2, 60).astype(int))
        limits = stats.funnel_limits(pooled, sizes, method="exact", tau2=dispersion.tau2)
    return scan, limits, dispersion


def _bucket_table(dataset: Dataset, bucket: pd.Series, scope: pd.Series, baseline: pd.Series,
                  alpha: float) -> pd.DataFrame:
    leads = dataset.leads
    if not has_column(leads, "response_minutes"):
        return pd.DataFrame()
    rows = ~leads["is_repeat"] & dataset.mature("contacted")
    labels = [*BUCKET_LABELS, NEVER_ATTEMPTED, UNKNOWN_BUCKET]

    def per_bucket(mask: pd.Series) -> pd.DataFrame:  # leads and contacted leads: one count, not passes per bucket
        table = sums_by({"bucket": bucket}, leads["contacted"], rows & mask)
        table.index = table.index.astype(object)
        return table.reindex(labels, fill_value=0)

    counts = {"scope": per_bucket(scope), "baseline": per_bucket(baseline)}
    out = []
    for label in labels:
        s, b = counts["scope"].loc[label], counts["baseline"].loc[label]
        if not (s["size"] or b["size"]):
            continue
        out.append({"bucket": label, "scope_leads": int(s["size"]),
                    "scope_share": s["size"] / max(1, counts["scope"]["size"].sum()),
                    "scope_contact": stats.rate_interval(int(s["sum"]), int(s["size"]), alpha).rate,
                    "baseline_leads": int(b["size"]), "baseline_share": b["size"] / max(1, counts["baseline"]["size"].sum()),
                    "baseline_contact": stats.rate_interval(int(b["sum"]), int(b["size"]), alpha).rate})
    return pd.DataFrame(out)


def _glm(leads: pd.DataFrame, bucket: pd.Series, events: pd.Series, rows_scope: pd.Series, rows_base: pd.Series,
         alpha: float) -> stats.GLMResult | None:
    if not has_column(leads, "response_minutes"):
        return None
    # the bucket's categories in text order: groups come out as its text would group them
    counts = sums_by({"group": rows_scope, "bucket": in_text_order(bucket)}, events, rows_scope | rows_base).reset_index()
    counts["group"] = counts["group"].map({True: "scope", False: "baseline"})
    counts = counts.astype({"bucket": str})
    # a bucket whose outcome is certain (never attempted → never contacted) carries no information on
    # the group effect and makes the logit's estimate run off to infinity: leave it out
    pooled = counts.groupby("bucket")[["sum", "size"]].transform("sum")
    counts = counts.loc[(pooled["sum"] > 0) & (pooled["sum"] < pooled["size"])]
    if counts["group"].nunique() < 2:
        return None
    return stats.binomial_glm(counts, "sum", "size", ["group", "bucket"], reference={"group": "baseline"}, alpha=alpha)


ATTEMPT_BINS = ("1", "2", "3", "4–5", "6+")


def _attempts(leads: pd.DataFrame, scope: pd.Series, baseline: pd.Series, dataset: Dataset) -> pd.DataFrame | None:
    if not has_column(leads, "call_attempts"):
        return None
    rows = (~leads["is_repeat"] & leads["call_attempts"].notna() & dataset.mature("contacted")).to_numpy()
    # each count's bin as pd.cut's intervals (-0.5, 1.5], (1.5, 2.5] … (5.5, inf] put it, and
    # one bincount of (bin, reached) per group (pd.cut and value_counts: 0.5 s at 10M leads)
    attempts = leads["call_attempts"].to_numpy(dtype=float, na_value=np.nan)
    bins = sum((attempts > edge).astype(np.int8) for edge in (1.5, 2.5, 3.5, 5.5))
    binned = rows & (attempts > -0.5)  # NaN compares False
    contacted = leads["contacted"].to_numpy(dtype=bool)
    width = len(ATTEMPT_BINS)
    key = (bins + width * contacted.astype(np.int8)).astype(np.int8)  # bin; + width when reached
    counts, leads_in = {}, {}
    for name, mask in (("scope", scope), ("baseline", baseline)):
        chosen = mask.to_numpy(dtype=bool)
        # the chosen rows' keys moved past the others': one pass, no selection of rows
        counts[name] = np.bincount(key + np.int8(2 * width) * (binned & chosen), minlength=4 * width)[2 * width:]
        leads_in[name] = np.bincount(contacted[rows & chosen], minlength=2)
    out = []
    for reached in (True, False):
        for name in ("scope", "baseline"):
            found = counts[name][width * reached:width * (reached + 1)]
            shares = found / found.sum() if found.sum() else np.full(width, np.nan)  # none: unknown
            out.append({"group": name, "reached": reached, "leads": int(leads_in[name][int(reached)]),
                        **dict(zip(ATTEMPT_BINS, shares.tolist()))})
    return pd.DataFrame(out)


def _missed_calls(leads: pd.DataFrame, scope: pd.Series, baseline: pd.Series, alpha: float) -> pd.DataFrame | None:
    if "lead_type" not in leads or not leads["lead_type"].eq("missed_call").any():
        return None
    calls = leads["lead_type"].isin(["call", "missed_call"]) & ~leads["is_repeat"]
    missed = leads["lead_type"].eq("missed_call") & ~leads["is_repeat"]  # a subset of the calls counted
    out = []
    for name, mask in (("scope", scope), ("baseline", baseline)):
        c = calls & mask
        m = missed & mask
        out.append({"group": name, "calls": int(c.sum()), "missed": int(m.sum()),
                    "missed_share": stats.rate_interval(int(m.sum()), int(c.sum()), alpha).rate,
                    "missed_contacted": stats.rate_interval(int((m & leads["contacted"]).sum()), int(m.sum()), alpha).rate})
    return pd.DataFrame(out)


def _manager_mix(leads: pd.DataFrame, rows_scope: pd.Series, rows_base: pd.Series) -> pd.DataFrame | None:
    if not (leads["manager"] != UNKNOWN).any():
        return None
    scope = label_counts(leads.loc[rows_scope, "manager"], normalize=True)
    base = label_counts(leads.loc[rows_base, "manager"], normalize=True)
    mix = pd.DataFrame({"scope_share": scope, "baseline_share": base}).fillna(0.0)
    mix.index.name = "manager"
    return mix.sort_values("scope_share", ascending=False).reset_index()


def _owner_split(leads: pd.DataFrame, scope: pd.Series, baseline: pd.Series) -> pd.DataFrame:
    lost = leads["disqualification_reason"].notna() & ~leads["is_repeat"]
    out = {}
    for name, mask in (("scope", scope), ("baseline", baseline)):
        out[f"{name}_share"] = label_counts(leads.loc[lost & mask, "reason_owner"], normalize=True)
    frame = pd.DataFrame(out).fillna(0.0)
    frame.index.name = "owner"
    return frame.reset_index()


def _trend(dataset: Dataset, rows: pd.Series, events: pd.Series, scope: pd.Series, baseline_kind: str,
           period: tuple, alpha: float) -> pd.DataFrame:
    """Weekly primary metric of the scope's dimensions over the last months (and of the rest)."""
    leads = dataset.leads
    if not has_column(leads, "created_at"):
        return pd.DataFrame()
    window = period_mask(leads, period[1] - pd.Timedelta(weeks=TREND_WEEKS), period[1])
    dims = _dims_of(scope, leads)
    groups = [("scope", dims)] + ([("baseline", ~dims)] if baseline_kind == "rest" else [])
    frames = []
    for name, mask in groups:
        weekly = weekly_counts(leads, rows & window & mask, events)
        intervals = [stats.rate_interval(int(e), int(n), alpha) for e, n in zip(weekly["events"], weekly["total"])]
        weekly["group"] = name
        weekly["rate"] = [r.rate for r in intervals]
        weekly["low"] = [r.ci[0] for r in intervals]
        weekly["high"] = [r.ci[1] for r in intervals]
        frames.append(weekly)
    return pd.concat(frames, ignore_index=True)


def _dims_of(scope: pd.Series, leads: pd.DataFrame) -> pd.Series:
    """Leads sharing the scope's channel/campaign/model/manager values (any period)."""
    dims = ("channel", "campaign", "model", "manager")
    chosen = leads.loc[scope, list(dims)]  # four columns, not a copy of every column of the scope
    mask = pd.Series(True, index=leads.index)
    for column in dims:
        values = set(chosen[column].unique())
        if 0 < len(values) < leads[column].nunique():
            mask &= leads[column].isin(values)
    return mask


def _label_noise(dataset: Dataset, period: tuple, alpha: float) -> pd.DataFrame:
    """Per channel: how much managers differ in qualified share of contacted leads (shrunk)."""
    leads = dataset.leads
    rows = ~leads["is_repeat"] & dataset.mature("qualified") & leads["contacted"] & period_mask(leads, *period)
    rows &= leads["manager"].ne(UNKNOWN) & leads["channel"].ne(UNKNOWN)
    out = []
    # one count table channel × manager (three columns, not a copy of every lead row)
    counts = sums_by({"channel": leads["channel"], "manager": leads["manager"]}, leads["qualified"], rows)
    for channel, per_manager in counts.groupby(level="channel"):
        per_manager = per_manager.droplevel("channel")
        per_manager = per_manager.loc[per_manager["size"] >= LABEL_NOISE_MIN_LEADS]
        if len(per_manager) < 2:
            continue
        scan = stats.compare_groups(per_manager.index.tolist(), per_manager["sum"].tolist(),
                                    per_manager["size"].tolist(), alpha=alpha)
        # the managers' own shares (shrunk ones collapse to one value when they do not differ beyond noise,
        # and "lowest = highest" reads as an error); whether they differ is the test's p-value
        rates = (per_manager["sum"] / per_manager["size"]).sort_values(kind="stable")
        out.append({"channel": channel, "managers": len(per_manager), "leads": int(per_manager["size"].sum()),
                    "lowest_manager": rates.index[0], "lowest": float(rates.iloc[0]),
                    "lowest_leads": int(per_manager.loc[rates.index[0], "size"]),
                    "highest_manager": rates.index[-1], "highest": float(rates.iloc[-1]),
                    "highest_leads": int(per_manager.loc[rates.index[-1], "size"]),
                    "p_value": scan.homogeneity_p})
    return pd.DataFrame(out)


def _costs(dataset: Dataset, params: dict[str, Any], scope: pd.Series, baseline: pd.Series, period: tuple,
           alpha: float) -> pd.DataFrame | None:
    """Cost per lead and per qualified lead of the scope vs the rest of the paid channels."""
    spend = dataset.spend
    if spend is None or not params["channel"] or params["baseline"] != "rest":
        return None
    leads = dataset.leads
    maturity = pd.Timedelta(days=dataset.mapping.settings.maturity_days.get("qualified", 14))
    end = min(period[1], dataset.as_of - maturity)
    if end <= period[0]:
        return None
    in_window = (spend["date"] >= period[0].normalize()) & (spend["date"] <= end)
    lead_window = period_mask(leads, period[0], end) & ~leads["is_repeat"]
    out = []
    # only channels the leads name: spend of a channel without leads bought none of them
    paid = set(spend["channel"]) & set(label_counts(leads["channel"]).index)
    for name, channels in (("scope", set(params["channel"])), ("baseline", paid - set(params["channel"]))):
        money = float(spend.loc[in_window & spend["channel"].isin(channels), "spend"].sum())
        chosen = lead_window & leads["channel"].isin(channels)
        if params["campaign"] and name == "scope":
            chosen &= leads["campaign"].isin(params["campaign"])
        qualified = int((chosen & leads["qualified"]).sum())
        cpql = stats.cost_per_event(money, qualified, alpha)
        cpl = stats.cost_per_event(money, int(chosen.sum()), alpha)
        out.append({"group": name, "spend": money, "leads": int(chosen.sum()), "qualified": qualified,
                    "cpl": cpl.cost, "cpql": cpql.cost, "cpql_low": cpql.ci[0], "cpql_high": cpql.ci[1]})
    frame = pd.DataFrame(out)
    return frame if frame["spend"].gt(0).all() else None
