"""Experiment evaluation: fewer leads but better ones — is it worth it?

:func:`evaluate` splits the leads into two arms (by campaign, by a column's value, or by
two periods), finds each arm's exposure (spend from the spend table or the parameters;
days or rows without spend), computes every metric per arm and as an effect, and applies
the written decision rule (docs/methods.md §5) on qualified leads per ₽ — never on the qualified share
alone, whose denominator the variant changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from . import stats
from .aggregate import period_mask, settled
from .errors import ScopeError
from .jobs import arm_data_column, parse_period
from .dataset import Dataset, has_column

#: the decision rule
WORKLOAD_CUT = 0.8
DETECT_CHANGE = 1.2
POSTERIOR_DRAWS = 100_000
POSTERIOR_SEED = 20261122
SRM_THRESHOLD = 0.001
#: φ from which the report says the intervals were widened (they are whenever φ > 1)
NOTICEABLE_DISPERSION = 1.1
#: deals decide only when each arm's leads still open for a deal are at most this share of its deals
DEAL_OPEN_SHARE = 0.1


@dataclass(frozen=True)
class Arm:
    """One arm's counts and exposure."""

    name: str
    label: str
    leads: int
    mature_leads: int
    qualified: int
    contacted: int
    contact_total: int
    deals: int
    deal_total: int
    days: float
    spend: float | None
    units: float | None
    first_day: pd.Timestamp | None
    last_day: pd.Timestamp | None
    still_open: int = 0
    known_by: pd.Timestamp | None = None
    deal_open: int = 0

    @property
    def known_share(self) -> float:
        """Share of the arm's leads whose qualification is known (scales exposure to them)."""
        return self.mature_leads / self.leads if self.leads else 0.0


@dataclass(frozen=True)
class Metric:
    """One metric per arm and as an effect (``ratio`` for per-₽/per-day metrics and costs,
    ``difference`` for rates)."""

    name: str
    control: float | None
    variant: float | None
    control_ci: tuple[float | None, float | None]
    variant_ci: tuple[float | None, float | None]
    effect: float | None
    effect_ci: tuple[float | None, float | None]
    p_value: float | None
    effect_type: str

    def to_json(self) -> dict[str, Any]:
        return {"control": self.control, "variant": self.variant, "control_ci": list(self.control_ci),
                "variant_ci": list(self.variant_ci), "effect": self.effect, "effect_ci": list(self.effect_ci),
                "p_value": self.p_value, "effect_type": self.effect_type}


@dataclass(frozen=True)
class Evaluation:
    """Everything the experiment report shows."""

    params: dict[str, Any]
    control: Arm
    variant: Arm
    exposure: str  # "spend", "days" or "rows"
    decision: str
    decision_reason: str
    decision_metric: str
    ratio: stats.PoissonComparison
    workload: stats.PoissonComparison
    metrics: tuple[Metric, ...]
    dispersion: float
    overdispersed: bool
    power_20: float | None
    weeks_needed: float | None
    p_variant_better: float | None
    srm: stats.SampleRatioCheck | None
    srm_unit: str | None
    did: dict[str, Any] | None
    weekday_mix: pd.DataFrame | None
    daily: pd.DataFrame
    warnings: tuple[str, ...]
    skipped: tuple[str, ...]
    deals_mature: bool
    maturity_cut: pd.Timestamp | None = None
    events_needed: float | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    running: "Running | None" = None  #: the always-valid look, with --running

    def figures(self) -> dict[str, Any]:
        """``figures`` of the JSON summary."""
        return {
            "decision_metric": self.decision_metric,
            "decision_reason": self.decision_reason,
            "exposure": self.exposure,
            "metrics": {**{name: {"control": None, "variant": None, "control_ci": [None, None],
                                  "variant_ci": [None, None], "effect": None, "effect_ci": [None, None],
                                  "p_value": None, "effect_type": "ratio"} for name in self.skipped},
                        **{metric.name: metric.to_json() for metric in self.metrics}},
            "p_variant_better": self.p_variant_better,
            "ratio": self.ratio.ratio, "ratio_ci": list(self.ratio.ratio_ci),
            "workload_ratio": self.workload.ratio, "workload_ratio_ci": list(self.workload.ratio_ci),
            "dispersion": self.dispersion,
            "power_to_detect_20pct": self.power_20,
            "weeks_needed": self.weeks_needed,
            "arms": {arm.name: {"label": arm.label, "leads": arm.leads, "mature_leads": arm.mature_leads,
                                "qualified": arm.qualified, "deals": arm.deals, "days": arm.days, "spend": arm.spend}
                     for arm in (self.control, self.variant)},
            "srm_p_value": None if self.srm is None else self.srm.p_value,
            "did": None if self.did is None else {k: v for k, v in self.did.items() if k != "daily"},
            "skipped_metrics": list(self.skipped),
            **({"running": None if self.running is None else self.running.to_json()}
               if self.params.get("running") else {}),
            "still_open": None if not self.notes.get("open_bounds") else {
                key: (value.date().isoformat() if isinstance(value, pd.Timestamp) else value)
                for key, value in self.notes["open_bounds"].items()},
        }


# --------------------------------------------------------------------------- arms

def arm_masks(dataset: Dataset, params: dict[str, Any]) -> tuple[pd.Series, pd.Series]:
    """Leads of the control and the variant arm (first leads; the scope channel when given)."""
    leads = dataset.leads
    base = ~leads["is_repeat"]
    if params["scope_channel"]:
        base &= leads["channel"].eq(params["scope_channel"])
    kind = params["arms_by"]
    if kind == "campaign":
        return base & leads["campaign"].eq(params["control"]), base & leads["campaign"].eq(params["variant"])
    if kind == "column":
        column = leads[arm_data_column(params, leads)].astype(str)
        return base & column.eq(params["control"]), base & column.eq(params["variant"])
    control = parse_period(params["control"], "control")
    variant = parse_period(params["variant"], "variant")
    return base & period_mask(leads, *control), base & period_mask(leads, *variant)


def check_arms(dataset: Dataset, params: dict[str, Any]) -> None:
    """An arm with no leads is bad input (exit 2), named with what to do."""
    control, variant = arm_masks(dataset, params)
    for name, mask in (("control", control), ("variant", variant)):
        if not mask.any():
            where = f" in channel «{params['scope_channel']}»" if params["scope_channel"] else ""
            raise ScopeError(f"the {name} arm «{params[name]}» has no leads{where}", value=params[name],
                             hint="check the arm's name or period and --scope-channel")


def _spend_rows(dataset: Dataset, params: dict[str, Any], arm: str, days: tuple | None) -> pd.DataFrame | None:
    spend = dataset.spend
    if spend is None:
        return None
    rows = pd.Series(True, index=spend.index)
    if params["scope_channel"]:
        rows &= spend["channel"].eq(params["scope_channel"])
    if params["arms_by"] == "campaign":
        rows &= spend["campaign"].eq(params[arm])
    elif params["arms_by"] == "period" and days is not None:
        rows &= (spend["date"] >= days[0].normalize()) & (spend["date"] <= days[1])
    else:
        return None
    chosen = spend.loc[rows]
    return chosen if len(chosen) and chosen["spend"].sum() > 0 else None


def _arm(dataset: Dataset, params: dict[str, Any], name: str, mask: pd.Series) -> tuple[Arm, pd.DataFrame | None]:
    """One arm's counts over every day it ran: outcomes are counted where they are
    known — old enough leads, and young ones already qualified or lost — and the still-open
    young leads are counted apart (``open``) so the decision can be checked at both bounds."""
    leads = dataset.leads
    dated = has_column(leads, "created_at")
    first = last = None
    if params["arms_by"] == "period":
        first, last = parse_period(params[name], name)
    elif dated and mask.any():
        created = leads.loc[mask, "created_at"]
        first, last = created.min().normalize(), created.max().normalize() + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    spend_rows = _spend_rows(dataset, params, name, None if first is None else (first, last))
    if spend_rows is not None and params["arms_by"] == "campaign" and first is not None:
        first = min(first, spend_rows["date"].min())
        last = max(last, spend_rows["date"].max() + pd.Timedelta(days=1) - pd.Timedelta(seconds=1))
    days = 0.0 if first is None else max(0.0, (last - first).total_seconds() / 86400.0)
    explicit = params[f"spend_{name}"]
    spend = float(explicit) if explicit is not None else \
        (float(spend_rows["spend"].sum()) if spend_rows is not None else None)
    units = None
    if spend_rows is not None:
        for unit in ("impressions", "clicks"):
            if unit in spend_rows and spend_rows[unit].notna().any():
                units = float(spend_rows[unit].sum())
                break
    known = mask & dataset.mature("qualified")
    deal_rows = mask & dataset.mature("deal")
    contact_rows = mask & dataset.mature("contacted")
    arm = Arm(name, params[name], int(mask.sum()), int(known.sum()), int((known & leads["qualified"]).sum()),
              int((contact_rows & leads["contacted"]).sum()), int(contact_rows.sum()),
              int((deal_rows & leads["won"]).sum()), int(deal_rows.sum()), days, spend, units, first, last,
              still_open=int((mask & ~known).sum()), known_by=dataset.known_by("qualified", mask),
              deal_open=int((mask & ~deal_rows).sum()))
    daily = None
    if dated and mask.any():
        day = leads.loc[mask, "created_at"].dt.normalize()
        daily = pd.DataFrame({"day": day, "qualified": (known & leads["qualified"]).loc[mask].astype(int)}) \
            .groupby("day").agg(leads=("qualified", "size"), qualified=("qualified", "sum"))
        # every day the arm ran, days without a lead included (docs/methods.md §4: leaving them out makes φ too small)
        days_run = pd.date_range(first.normalize(), last.normalize(), freq="D", name="day")
        daily = daily.reindex(days_run, fill_value=0).reset_index()
        if spend_rows is not None and explicit is None:
            per_day = spend_rows.groupby("date")["spend"].sum()
            daily["spend"] = daily["day"].map(per_day).fillna(0.0)
        daily["arm"] = name
    return arm, daily


def decide_experiment(ratio: stats.PoissonComparison, workload: stats.PoissonComparison,
                      margin: float = 0.10) -> tuple[str, str]:
    """the decision rule in order: (decision, reason) from R = variant/control on the decision metric
    and W = variant/control leads per exposure, both with their (widened) intervals."""
    low, high = ratio.ratio_ci
    _, work_high = workload.ratio_ci
    if low is not None and low > 1:
        return "adopt_variant", "better"
    if high is not None and high < 1:
        return "keep_control", "worse"
    if low is not None and low > 1 - margin and work_high is not None and work_high < WORKLOAD_CUT:
        return "adopt_variant", "workload"
    return "inconclusive", "inconclusive"


# --------------------------------------------------------------------------- metrics

def _ratio_metric(name: str, count_c: float, exposure_c: float, count_v: float, exposure_v: float, alpha: float,
                  dispersion: float = 1.0, scale: float = 1.0, inverse: bool = False) -> Metric:
    """A per-exposure metric (×scale) or a cost (inverse: exposure per event) with its ratio."""
    comparison = stats.compare_poisson(count_v, exposure_v, count_c, exposure_c, alpha=alpha, dispersion=dispersion)
    rate_c = stats.poisson_rate(count_c, exposure_c, alpha)
    rate_v = stats.poisson_rate(count_v, exposure_v, alpha)

    def shown(rate: stats.PoissonRate) -> tuple[float | None, tuple]:
        if rate.rate is None:
            return None, (None, None)
        low, high = rate.ci
        if not inverse:
            return rate.rate * scale, (None if low is None else low * scale, None if high is None else high * scale)
        value = 1 / rate.rate if rate.rate else None
        return value, (1 / high if high else None, 1 / low if low else None)

    control, control_ci = shown(rate_c)
    variant, variant_ci = shown(rate_v)
    effect, ci = comparison.ratio, comparison.ratio_ci
    if inverse and effect:
        effect, ci = 1 / effect, (1 / ci[1] if ci[1] else None, 1 / ci[0] if ci[0] else None)
    elif inverse:
        effect, ci = None, (None, None)
    return Metric(name, control, variant, control_ci, variant_ci, effect, ci, comparison.p_value, "ratio")


def _rate_metric(name: str, count_c: int, total_c: int, count_v: int, total_v: int, alpha: float) -> Metric:
    comparison = stats.compare_rates(count_v, total_v, count_c, total_c, alpha=alpha)
    c = stats.rate_interval(count_c, total_c, alpha)
    v = stats.rate_interval(count_v, total_v, alpha)
    return Metric(name, c.rate, v.rate, c.ci, v.ci, comparison.difference, comparison.difference_ci, comparison.p_value,
                  "difference")


def p_variant_better(q_control: float, exposure_control: float, q_variant: float, exposure_variant: float) -> float | None:
    """P(λ_variant > λ_control) under independent Gamma(0.5 + q, exposure) posteriors (Jeffreys), seeded."""
    if exposure_control <= 0 or exposure_variant <= 0:
        return None
    rng = np.random.default_rng(POSTERIOR_SEED)
    control = rng.gamma(0.5 + q_control, 1.0 / exposure_control, POSTERIOR_DRAWS)
    variant = rng.gamma(0.5 + q_variant, 1.0 / exposure_variant, POSTERIOR_DRAWS)
    return float((variant > control).mean())


def _dispersion(daily: pd.DataFrame | None, column: str, exposure: str) -> tuple[float, bool]:
    """φ of the arms' daily counts (docs/methods.md §4): a Poisson GLM with an arm effect over every day
    each arm ran (zero days included; with spend, the days that had spend, offset log spend).
    φ widens the intervals whenever it is above 1 — not only when a test of it is significant;
    the second value says whether it widens them noticeably (φ ≥ 1.1), for the warning."""
    if daily is None or len(daily) < 6:
        return 1.0, False
    if exposure == "spend" and "spend" in daily:
        daily = daily.loc[daily["spend"] > 0]  # a day without spend bought no exposure
        if len(daily) < 6:
            return 1.0, False
        offset = daily["spend"].to_numpy()
    else:
        offset = None
    result = stats.count_dispersion(daily[column].to_numpy(), offset, groups=daily["arm"].tolist())
    phi = max(1.0, result.phi)
    return phi, phi >= NOTICEABLE_DISPERSION


def _did(dataset: Dataset, params: dict[str, Any], alpha: float) -> dict[str, Any] | None:
    """Difference-in-differences of qualified leads per day against the untouched channels (docs/methods.md §6)."""
    if params["arms_by"] != "period" or not params["scope_channel"]:
        return None
    leads = dataset.leads
    first = ~leads["is_repeat"]
    scope = leads["channel"].eq(params["scope_channel"])
    untouched = ~scope & leads["channel"].ne("unknown")
    if not (untouched & first).any():
        return None
    counts = {}
    for arm in ("control", "variant"):
        start, end = parse_period(params[arm], arm)
        window = period_mask(leads, start, end) & first
        counts[arm] = (int((window & scope & leads["qualified"]).sum()), int((window & untouched & leads["qualified"]).sum()))
    (qcs, qcu), (qvs, qvu) = counts["control"], counts["variant"]
    # daily qualified leads of the experiment's channel and of the untouched ones, from two weeks before the
    # control period (parallel trends) to the end of the variant period: the report plots them
    start = parse_period(params["control"], "control")[0] - pd.Timedelta(days=14)
    end = parse_period(params["variant"], "variant")[1]
    window = period_mask(leads, start, end) & first & leads["qualified"]
    day = leads.loc[window, "created_at"].dt.normalize()
    group = np.where(scope[window], "scope", "untouched")
    daily = pd.DataFrame({"day": day, "group": group}).groupby(["day", "group"]).size().unstack(fill_value=0)
    daily = daily.reindex(columns=["scope", "untouched"], fill_value=0).reset_index()
    if min(qcs, qcu, qvs, qvu) == 0:
        return {"ratio_of_ratios": None, "ci": [None, None], "counts": counts, "daily": daily}
    log_ror = math.log(qvs / qcs) - math.log(qvu / qcu)
    se = math.sqrt(1 / qvs + 1 / qcs + 1 / qvu + 1 / qcu)
    z = sps.norm.ppf(1 - alpha / 2)
    p_value = float(2 * sps.norm.sf(abs(log_ror) / se))
    return {"ratio_of_ratios": math.exp(log_ror), "ci": [math.exp(log_ror - z * se), math.exp(log_ror + z * se)],
            "p_value": p_value, "scope_change": qvs / qcs, "untouched_change": qvu / qcu,
            "counts": {"control_scope": qcs, "control_untouched": qcu, "variant_scope": qvs, "variant_untouched": qvu},
            "daily": daily}


def _weekday_mix(dataset: Dataset, control: pd.Series, variant: pd.Series) -> pd.DataFrame:
    leads = dataset.leads
    out = {}
    for name, mask in (("control", control), ("variant", variant)):
        out[name] = leads.loc[mask, "created_at"].dt.day_of_week.value_counts(normalize=True).reindex(range(7), fill_value=0.0)
    return pd.DataFrame(out).rename_axis("weekday").reset_index()


def _unit_comparison(count1: int, units1: int, count2: int, units2: int, alpha: float) -> stats.PoissonComparison:
    """Share of units (group 1 / group 2) as a ratio with its score interval: rows are units (a
    user-level file), so the binomial is the model and traffic swings do not widen it (docs/methods.md §4)."""
    result = stats.compare_rates(count1, units1, count2, units2, alpha=alpha)
    return stats.PoissonComparison(float(count1), float(units1), float(count2), float(units2), result.rate1,
                                   result.rate2, result.ratio, result.ratio_ci, result.statistic, result.p_value, 1.0,
                                   alpha, result.warnings)


def evaluate(dataset: Dataset, params: dict[str, Any]) -> Evaluation:
    """Evaluate the experiment with its written decision rule (docs/methods.md §5).

    Every day of each arm counts. The decision metric counts qualified leads among the leads
    whose outcome is known over the exposure those leads bought (the arm's spend,
    days or rows times their share of the arm's leads); the still-open young leads are then
    added as all qualified and as none, and a decision that differs at either bound is
    reported as not yet final, with the date its leads will have matured."""
    alpha = params["alpha"]
    margin = params["margin"]
    control_mask, variant_mask = arm_masks(dataset, params)
    control, daily_c = _arm(dataset, params, "control", control_mask)
    variant, daily_v = _arm(dataset, params, "variant", variant_mask)
    frames = [d for d in (daily_c, daily_v) if d is not None]
    daily = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    warnings: list[str] = []
    skipped: list[str] = []
    dated = control.first_day is not None and variant.first_day is not None and control.days > 0 \
        and variant.days > 0
    has_spend = control.spend is not None and variant.spend is not None and control.spend > 0 and variant.spend > 0
    if has_spend:
        exposure, exp_c, exp_v = "spend", control.spend / 1000, variant.spend / 1000
    elif params["arms_by"] == "column" or not dated:
        exposure, exp_c, exp_v = "rows", float(control.leads), float(variant.leads)
        skipped += ["leads_per_1000", "qualified_per_1000", "cpl", "cpql", "cac"]
    else:
        exposure, exp_c, exp_v = "days", control.days, variant.days
        skipped += ["leads_per_1000", "qualified_per_1000", "cpl", "cpql", "cac"]
    if skipped:
        warnings.append("no_spend")  # the per-₽ metrics are null in the JSON: this says why
    nothing_known = control.mature_leads == 0 or variant.mature_leads == 0
    # the deal horizon is mature when the leads still open for a deal are at most a tenth of each
    # arm's deals: they could then move deals per ₽ by a tenth at most
    deals_mature = all(arm.deal_total > 0 and arm.deal_open <= DEAL_OPEN_SHARE * max(arm.deals, 1)
                       for arm in (control, variant))
    # deals decide only when mature AND present in both arms; otherwise qualified leads do
    deals_decide = deals_mature and control.deals > 0 and variant.deals > 0
    if not deals_mature and not nothing_known:
        warnings.append("immature_deals")
    units = exposure == "rows"
    phi_q, over_q = (1.0, False) if units else _dispersion(daily if len(daily) else None, "qualified", exposure)
    phi_l, over_l = (1.0, False) if units else _dispersion(daily if len(daily) else None, "leads", exposure)
    if over_q or over_l:
        warnings.append("overdispersed")
    if units:
        decision_metric = "qualified_per_row"
    elif deals_decide and exposure == "spend":
        decision_metric = "deals_per_1000"
    else:
        decision_metric = "qualified_per_1000" if exposure == "spend" else "qualified_per_day"
    # exposure bought by the leads whose outcome is known: for qualification, and for deals
    qualified_c, qualified_v = exp_c * control.known_share, exp_v * variant.known_share
    if decision_metric == "deals_per_1000":
        events_c, events_v = control.deals, variant.deals
        known_c, known_v = exp_c * control.deal_total / control.leads, exp_v * variant.deal_total / variant.leads
    else:
        events_c, events_v = control.qualified, variant.qualified
        known_c, known_v = qualified_c, qualified_v

    def compare(count_v: float, exposure_v: float, count_c: float, exposure_c: float) -> stats.PoissonComparison:
        if units:
            return _unit_comparison(int(count_v), int(round(exposure_v)), int(count_c), int(round(exposure_c)), alpha)
        return stats.compare_poisson(count_v, exposure_v, count_c, exposure_c, alpha=alpha, dispersion=phi_q)

    ratio = compare(events_v, known_v, events_c, known_c)
    # the work sales must do is every lead, known outcome or not
    workload = stats.compare_poisson(variant.leads, exp_v, control.leads, exp_c, alpha=alpha, dispersion=phi_l)
    decision, reason = decide_experiment(ratio, workload, margin)
    bounds = None
    if nothing_known:
        decision, reason = "inconclusive", "immature"
    elif decision_metric != "deals_per_1000" and (control.still_open or variant.still_open):
        at_bounds = [decide_experiment(compare(events_v + variant.still_open * every, exp_v,
                                               events_c + control.still_open * every, exp_c), workload, margin)[0]
                     for every in (True, False)]
        dates = [d for d in (control.known_by, variant.known_by) if d is not None]
        bounds = {"control": control.still_open, "variant": variant.still_open, "decision_if_all": at_bounds[0],
                  "decision_if_none": at_bounds[1], "decision_stands": at_bounds[0] == at_bounds[1] == decision,
                  "known_by": max(dates) if dates else None}
        if not bounds["decision_stands"]:
            warnings.append("open_outcomes")
    power_20, weeks, needed = None, None, None
    if not nothing_known:
        if units:
            base = control.qualified / control.mature_leads
            if 0 < base < 1 / DETECT_CHANGE:
                power_20 = stats.power_two_rates(base * DETECT_CHANGE, base, variant.mature_leads, control.mature_leads,
                                                 alpha=alpha)
            else:
                power_20 = 0.0 if base == 0 else None
        else:
            needed = stats.sample_size_poisson_ratio(DETECT_CHANGE, alpha=alpha) * phi_q
            power_20 = stats.power_poisson_ratio(events_c, DETECT_CHANGE, alpha=alpha, dispersion=phi_q) \
                if events_c else 0.0
        if power_20 is not None and power_20 < 0.8:
            warnings.append("underpowered")
        if decision == "inconclusive" and needed is not None and dated and control.days > 0:
            weekly = events_c / (control.days / 7)
            weeks = stats.weeks_needed(needed, weekly, already=events_c) if weekly else None

    told = dataset.funnel_stages  # a rate the export cannot tell apart (100% by construction) is not shown
    metrics = [_rate_metric("qualified_rate", control.qualified, control.mature_leads, variant.qualified,
                            variant.mature_leads, alpha)]
    if "contacted" in told:
        metrics.append(_rate_metric("contact_rate", control.contacted, control.contact_total, variant.contacted,
                                    variant.contact_total, alpha))
    if dated:
        metrics.insert(0, _ratio_metric("leads_per_day", control.leads, control.days, variant.leads, variant.days,
                                        alpha, phi_l))
    if has_spend:
        metrics += [
            _ratio_metric("leads_per_1000", control.leads, exp_c, variant.leads, exp_v, alpha, phi_l),
            _ratio_metric("qualified_per_1000", control.qualified, qualified_c, variant.qualified, qualified_v, alpha,
                          phi_q),
            _ratio_metric("cpl", control.leads, control.spend, variant.leads, variant.spend, alpha, phi_l,
                          inverse=True),
            _ratio_metric("cpql", control.qualified, control.spend * control.known_share, variant.qualified,
                          variant.spend * variant.known_share, alpha, phi_q, inverse=True),
        ]
    elif not units:
        metrics.append(_ratio_metric("qualified_per_day", control.qualified, qualified_c, variant.qualified,
                                     qualified_v, alpha, phi_q))
    deals_settled = all(settled(arm.deal_total, arm.deal_open) for arm in (control, variant))
    if control.deal_total and variant.deal_total and "deal" in told and deals_settled:
        metrics.append(_rate_metric("deal_rate", control.deals, control.deal_total, variant.deals, variant.deal_total,
                                    alpha))
        if has_spend and deals_mature:  # deals counted among known outcomes, over the spend that bought those
            metrics.append(_ratio_metric("cac", control.deals, control.spend * control.deal_total / control.leads,
                                         variant.deals, variant.spend * variant.deal_total / variant.leads, alpha,
                                         inverse=True))
    if has_spend and "cac" not in {metric.name for metric in metrics}:
        skipped.append("cac")  # no deal cost over immature deals (it would be far too high): null, and said why
    posterior = None if nothing_known or units else p_variant_better(events_c, known_c, events_v, known_v)
    if units and not nothing_known:
        posterior = p_variant_better_shares(events_c, control.mature_leads, events_v, variant.mature_leads)

    srm, srm_unit = None, None
    shares = [float(part) for part in params["expected_split"].split(":")]
    if params["arms_by"] == "column":
        srm, srm_unit = stats.sample_ratio_check([control.leads, variant.leads], shares, SRM_THRESHOLD), "rows"
    elif params["arms_by"] == "campaign" and control.units and variant.units:
        srm, srm_unit = stats.sample_ratio_check([control.units, variant.units], shares, SRM_THRESHOLD), "impressions"
    if srm is not None and srm.mismatch:
        warnings.append("srm")
    did, mix = None, None
    if params["arms_by"] == "period":
        warnings.insert(0, "time_split")
        did = _did(dataset, params, alpha)
        mix = _weekday_mix(dataset, control_mask, variant_mask)
    running = running_look(daily, exposure, alpha, margin) if params.get("running") else None
    return Evaluation(params, control, variant, exposure, decision, reason, decision_metric, ratio, workload,
                      tuple(metrics), phi_q, over_q, power_20, weeks, posterior, srm, srm_unit, did, mix, daily,
                      tuple(dict.fromkeys(warnings)), tuple(skipped), deals_mature, None, needed,
                      notes={"open_bounds": bounds, "deal_days": dataset.mapping.settings.maturity_days.get("deal", 90),
                             "as_of": dataset.as_of.normalize()},
                      running=running)


# --------------------------------------------------------------------------- a look at a running experiment

#: what a look at a running experiment says, in the order of the rule
RUNNING_DECISIONS = ("stop_adopt", "stop_keep_control", "stop_no_difference", "keep_running")
#: the first day the interval is drawn from (a few days of data give an interval from 0 to infinity)
RUNNING_FROM_DAY = 7


@dataclass(frozen=True)
class Running:
    """A look at a running experiment: the always-valid interval of qualified leads per exposure
    (:func:`analysis.stats.always_valid_ratio`), the decision it allows now, and its path by day."""

    decision: str
    result: stats.SequentialRatio
    exposure: str
    margin: float
    path: pd.DataFrame  #: day, ratio, low, high: the interval as each earlier look saw it

    def to_json(self) -> dict[str, Any]:
        low, high = self.result.ci_running
        return {"decision": self.decision, "ratio": self.result.ratio, "ratio_ci": [low, high],
                "p_value": self.result.p_value, "looks": self.result.looks, "tau": self.result.tau,
                "exposure": self.exposure, "method": "mixture SPRT, conditional binomial (always valid)"}


def decide_running(low: float | None, high: float | None, margin: float) -> str:
    """Stop when the always-valid interval of R (variant/control) is clear of 1, or lies inside the
    band of no difference worth having (1 − margin, 1 / (1 − margin)); else keep running."""
    if low is not None and low > 1:
        return "stop_adopt"
    if high is not None and high < 1:
        return "stop_keep_control"
    if low is not None and high is not None and low > 1 - margin and high < 1 / (1 - margin):
        return "stop_no_difference"
    return "keep_running"


def running_look(daily: pd.DataFrame, exposure: str, alpha: float, margin: float) -> Running | None:
    """The always-valid look at qualified leads per ₽ (or per day without spend), from each day's counts.

    Leads still open are missing from both arms' recent days alike, and such a shared shortfall cancels
    in the conditional likelihood. None without daily data, when rows are the units (a share, not a rate), or
    when no day has both arms running (a time split)."""
    if daily.empty or exposure == "rows" or "qualified" not in daily:
        return None
    by_arm = {arm: part.set_index("day").sort_index() for arm, part in daily.groupby("arm")}
    if set(by_arm) != {"control", "variant"}:
        return None
    days = by_arm["control"].index.union(by_arm["variant"].index)
    column = "spend" if exposure == "spend" and all("spend" in part for part in by_arm.values()) else None

    def arm(name: str) -> tuple[np.ndarray, np.ndarray]:
        part = by_arm[name].reindex(days)
        ran = part["qualified"].notna().to_numpy()
        counts = part["qualified"].fillna(0).to_numpy(dtype=float)
        spent = part[column].fillna(0).to_numpy(dtype=float) if column else ran.astype(float)
        return counts, spent

    (count_c, exposure_c), (count_v, exposure_v) = arm("control"), arm("variant")
    result = stats.always_valid_ratio(count_c, exposure_c, count_v, exposure_v, alpha=alpha)
    if not result.looks:  # no day with both arms (a time split): the look compares arms on the same days
        return None
    # the interval as a weekly look would have seen it (each look is a full computation, a week apart keeps it
    # quick), ending with today's look, which is ``result``
    looks = [stats.always_valid_ratio(count_c[:end], exposure_c[:end], count_v[:end], exposure_v[:end], alpha=alpha)
             for end in range(RUNNING_FROM_DAY, len(days), 7)] + ([result] if len(days) >= RUNNING_FROM_DAY else [])
    ends = [*range(RUNNING_FROM_DAY, len(days), 7), len(days)]
    path = [{"day": days[end - 1], "ratio": seen.ratio, "low": seen.ci_running[0], "high": seen.ci_running[1]}
            for end, seen in zip(ends, looks)]
    decision = decide_running(*result.ci_running, margin)
    return Running(decision, result, "spend" if column else "days", margin, pd.DataFrame(path))


def p_variant_better_shares(q_control: int, n_control: int, q_variant: int, n_variant: int) -> float | None:
    """P(p_variant > p_control) under independent Beta(0.5 + q, 0.5 + n − q) posteriors (Jeffreys), seeded:
    the unit-level counterpart of :func:`p_variant_better`."""
    if n_control <= 0 or n_variant <= 0:
        return None
    rng = np.random.default_rng(POSTERIOR_SEED)
    control = rng.beta(0.5 + q_control, 0.5 + n_control - q_control, POSTERIOR_DRAWS)
    variant = rng.beta(0.5 + q_variant, 0.5 + n_variant - q_variant, POSTERIOR_DRAWS)
    return float((variant > control).mean())
