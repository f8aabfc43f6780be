"""Calibration: do the verdict and decision rules keep their error rates near nominal?

Simulates COUNT TABLES (numpy binomial / Poisson / gamma draws per stratum or per day, never
rows per lead) and runs them through the package's own statistics and rules:

- ``standardised_gap`` (the adjusted gap Q of the verdict rule): coverage of its 95% interval,
  beside the two formulas it replaced (pooled variance, raw plug-in), computed here;
- ``verdict.decide`` with ``Evidence`` on working-time and clock-time bucket tables: how often
  lead quality is blamed when only processing differs (delays in working time, delays that
  cross closed hours — docs/methods.md §8), and the power when quality truly differs;
- ``experiment.decide_experiment`` on ``compare_poisson`` with φ from ``experiment._dispersion``
  (A/A false decisions with and without φ, power at +50% qualified per ₽), and on
  ``experiment._unit_comparison`` for user-level files.

The scenario functions are shared with ``tests/test_calibration.py`` (which runs them with a few
hundred simulations and asserts); this script runs them with many more and prints each rate with
its Monte-Carlo standard error. It is not a test.

    python benchmarks/calibration.py --sims 5000 --jobs 2
"""

from __future__ import annotations

import argparse
import inspect
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats as sps

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis import stats  # noqa: E402
from analysis.experiment import _dispersion, _unit_comparison, decide_experiment  # noqa: E402
from analysis.verdict import Evidence, MetricCounts, decide  # noqa: E402

ALPHA = 0.05
#: response-delay buckets (minutes), the strata of the adjusted gap, on either axis
BUCKETS = ("≤5", "5–15", "15–60", "60–240", "240+")
LEAD_QUALITY = ("lead_quality", "both")


@dataclass(frozen=True)
class Rate:
    """``hits`` out of ``sims`` simulations, with its Monte-Carlo standard error."""

    name: str
    hits: int
    sims: int
    target: str = ""

    @property
    def rate(self) -> float:
        return self.hits / self.sims if self.sims else float("nan")

    @property
    def se(self) -> float:
        return math.sqrt(self.rate * (1 - self.rate) / self.sims) if self.sims else float("nan")

    def __str__(self) -> str:
        return f"{self.name} = {self.rate:.3f} ± {self.se:.3f} ({self.hits}/{self.sims})"


@dataclass(frozen=True)
class Result:
    """A scenario's rates (by key) and a few averages worth printing (``notes``)."""

    scenario: str
    rates: dict[str, Rate]
    notes: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def __getitem__(self, key: str) -> Rate:
        return self.rates[key]


# --------------------------------------------------------------------------- 1. coverage of Q

def _gap_coverage(scenario: str, sims: int, seed: int, scope_rates, baseline_rates, scope_n, baseline_n) -> Result:
    """Coverage of ``standardised_gap``'s interval of Q = Σ w_k (p_b,k − p_s,k), w = the baseline's
    stratum shares (here fixed, so the truth is exact). Also the old pooled-variance and raw plug-in
    intervals on the same draws (the references a broken implementation would give)."""
    start = time.perf_counter()
    ps, pb = np.asarray(scope_rates, float), np.asarray(baseline_rates, float)
    ns, nb = np.asarray(scope_n, int), np.asarray(baseline_n, int)
    rng = np.random.default_rng(seed)
    ks = rng.binomial(ns, ps, size=(sims, len(ns)))
    kb = rng.binomial(nb, pb, size=(sims, len(nb)))
    weights = nb / nb.sum()
    truth = float((weights * (pb - ps)).sum())
    covered = below = above = 0
    ses = np.empty(sims)
    gaps = np.empty(sims)
    for i in range(sims):
        result = stats.standardised_gap(ks[i], ns, kb[i], nb, alpha=ALPHA, higher_is_better=True)
        low, high = result.ci
        covered += low <= truth <= high
        below += truth < low  # the interval overstates how much worse the scope is: the false-blame side
        above += truth > high
        ses[i], gaps[i] = result.standard_error, result.gap
    # references on the same draws: the formulas standardised_gap used before (docs/methods.md)
    z = sps.norm.ppf(1 - ALPHA / 2)
    rs, rb = ks / ns, kb / nb
    gap = ((rb - rs) * weights).sum(axis=1)
    pooled = (ks + kb) / (ns + nb)
    var_pooled = (weights ** 2 * pooled * (1 - pooled) * (1 / ns + 1 / nb)).sum(axis=1)
    var_raw = (weights ** 2 * (rs * (1 - rs) / ns + rb * (1 - rb) / nb)).sum(axis=1)

    def cover(variance: np.ndarray) -> int:
        se = np.sqrt(variance)
        return int(((gap - z * se <= truth) & (truth <= gap + z * se)).sum())

    rates = {
        "coverage": Rate("coverage of the 95% interval", int(covered), sims, "0.95"),
        "truth_below": Rate("truth below the interval (overstated gap)", int(below), sims, "0.025"),
        "truth_above": Rate("truth above the interval", int(above), sims, "0.025"),
        "coverage_pooled": Rate("reference: pooled-variance interval (old)", cover(var_pooled), sims, "broken"),
        "coverage_raw": Rate("reference: raw plug-in interval (old)", cover(var_raw), sims, "broken"),
    }
    notes = {"truth": truth, "mean_gap": float(gaps.mean()),
             # > 1: the reported standard error overstates the gap's spread (a conservative interval)
             "se_over_sd": float(np.median(ses) / gaps.std(ddof=1))}
    return Result(scenario, rates, notes, time.perf_counter() - start)


def coverage_main(sims: int, seed: int = 11) -> Result:
    """5 response buckets; scope worse and near 0.5, baseline 10× bigger (where the pooled variance
    undercovered at ~0.86)."""
    return _gap_coverage("1a coverage of Q: 5 strata, scope at 0.5", sims, seed,
                         [0.5] * 5, [0.9, 0.9, 0.85, 0.8, 0.8], [100, 80, 60, 40, 20], [1000, 800, 600, 400, 200])


THIN_SCOPE = [0.02, 0.05, 0.05, 0.1, 0.1, 0.9, 0.9, 0.95, 0.95, 0.98]
THIN_BASELINE = [0.05, 0.05, 0.1, 0.1, 0.15, 0.95, 0.95, 0.97, 0.98, 0.99]


def coverage_thin(sims: int, seed: int = 12) -> Result:
    """10 strata with 2 scope leads each (baseline 20 each), rates near 0 and 1 (where the raw
    plug-in undercovered)."""
    return _gap_coverage("1b coverage of Q: thin strata, rates 0.02–0.98", sims, seed,
                         THIN_SCOPE, THIN_BASELINE, [2] * 10, [20] * 10)


def coverage_thin_moderate(sims: int, seed: int = 13) -> Result:
    """As :func:`coverage_thin` with rates 0.1 and 0.9: how the conservativeness depends on the rates."""
    return _gap_coverage("1c coverage of Q: thin strata, rates 0.1/0.9", sims, seed,
                         [0.1] * 5 + [0.9] * 5, [0.1] * 5 + [0.9] * 5, [2] * 10, [20] * 10)


# --------------------------------------------------------------------------- 2–4. the verdict

def _diagonal(mix) -> np.ndarray:
    """Joint (working bucket × clock bucket) shares when both axes agree."""
    return np.diag(np.asarray(mix, float))


def _by_axis(rates, axis: str) -> np.ndarray:
    """Event probability per (working, clock) cell from per-bucket rates on one axis."""
    rates = np.asarray(rates, float)
    return np.tile(rates[:, None], (1, len(rates))) if axis == "working" else np.tile(rates[None, :], (len(rates), 1))


def _holds_alone(gap, min_gap: float) -> bool:
    return gap.gap is not None and gap.ci[0] is not None and gap.ci[0] > 0 and gap.gap >= min_gap / 2


def _verdict_rates(scenario: str, sims: int, seed: int, joint_scope: np.ndarray, joint_base: np.ndarray,
                   p_scope: np.ndarray, p_base: np.ndarray, n_scope: int, n_base: int,
                   references: tuple[str, ...] = ()) -> Result:
    """Each lead falls in a (working bucket, clock bucket) cell with the group's joint shares and has
    the primary event (contact, qualification) with the cell's probability. Per simulation: the
    multinomial cell counts and binomial events per cell, summed into a working-time and a clock-time
    bucket table; Q on each (``standardised_gap``); ``decide`` on the crude counts with the Evidence
    a diagnosis with processing columns would build (no marketing reason, criteria not lower, no
    processing deficit).

    ``references`` adds what a rule with less evidence would do on the same draws:
    ``working_only`` / ``clock_only`` (Evidence with one axis) and ``unadjusted`` (the crude gap
    passed off as Q: the rule without standardisation)."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    size = joint_scope.size
    cells_s = rng.multinomial(n_scope, joint_scope.ravel() / joint_scope.sum(), size=sims)
    cells_b = rng.multinomial(n_base, joint_base.ravel() / joint_base.sum(), size=sims)
    events_s = rng.binomial(cells_s, np.broadcast_to(p_scope.ravel(), (sims, size)))
    events_b = rng.binomial(cells_b, np.broadcast_to(p_base.ravel(), (sims, size)))
    shape = (sims, *joint_scope.shape)
    tables = {}
    for name, cells, events in (("s", cells_s, events_s), ("b", cells_b, events_b)):
        cells, events = cells.reshape(shape), events.reshape(shape)
        tables[name] = {"working": (events.sum(axis=2), cells.sum(axis=2)),
                        "clock": (events.sum(axis=1), cells.sum(axis=1))}
    hits = dict.fromkeys(["blame", "supported_quality", "q_working", "q_clock", "q_working_holds", "q_clock_holds",
                          "q_working_negative", "q_clock_negative", "crude_significant", *references], 0)
    q_working = np.empty(sims)
    q_clock = np.empty(sims)
    for i in range(sims):
        gaps = {}
        for axis in ("working", "clock"):
            (ks, ns), (kb, nb) = tables["s"][axis], tables["b"][axis]
            gaps[axis] = stats.standardised_gap(ks[i], ns[i], kb[i], nb[i], alpha=ALPHA, higher_is_better=True)
        work, clock = gaps["working"], gaps["clock"]
        q_working[i], q_clock[i] = work.gap, clock.gap
        counts = MetricCounts(int(events_s[i].sum()), int(cells_s[i].sum()), int(events_b[i].sum()),
                              int(cells_b[i].sum()), int(cells_s[i].sum()))

        def evidence(first, second=None) -> Evidence:
            return Evidence(first.gap, first.ci, processing_columns=True, marketing_reason_overrepresented=False,
                            criteria_lower=False, processing_deficit=False,
                            adjusted_gap_clock=None if second is None else second.gap,
                            adjusted_gap_clock_ci=(None, None) if second is None else second.ci)

        result = decide(counts, higher_is_worse=False, evidence=evidence(work, clock), alpha=ALPHA, min_gap=None)
        blamed = result.problem_location in LEAD_QUALITY
        hits["blame"] += blamed
        hits["supported_quality"] += blamed and result.verdict == "supported"
        hits["crude_significant"] += result.gap.ci[0] is not None and result.gap.ci[0] > 0
        delta = result.gap.min_gap
        hits["q_working"] += work.ci[0] is not None and work.ci[0] > 0
        hits["q_clock"] += clock.ci[0] is not None and clock.ci[0] > 0
        hits["q_working_negative"] += work.ci[1] is not None and work.ci[1] < 0
        hits["q_clock_negative"] += clock.ci[1] is not None and clock.ci[1] < 0
        hits["q_working_holds"] += _holds_alone(work, delta)
        hits["q_clock_holds"] += _holds_alone(clock, delta)
        for reference in references:
            if reference == "unadjusted":
                test = result.gap
                crude = Evidence(test.gap, test.ci, True, False, False, False)
                other = decide(counts, False, crude, ALPHA, None)
            else:
                one = work if reference == "working_only" else clock
                other = decide(counts, False, evidence(one), ALPHA, None)
            hits[reference] += other.problem_location in LEAD_QUALITY
    labels = {
        "blame": ("lead quality blamed (both axes required)", ""),
        "supported_quality": ("verdict supported, located in lead quality", ""),
        "crude_significant": ("crude gap G: lower bound > 0", "report"),
        "q_working": ("Q working time: lower bound > 0", "report"),
        "q_clock": ("Q clock time: lower bound > 0", "report"),
        "q_working_negative": ("Q working time: upper bound < 0", "report"),
        "q_clock_negative": ("Q clock time: upper bound < 0", "report"),
        "q_working_holds": ("Q working time holds (L > 0, Q ≥ δ/2)", "report"),
        "q_clock_holds": ("Q clock time holds (L > 0, Q ≥ δ/2)", "report"),
        "working_only": ("reference: blamed with the working axis only", "report"),
        "clock_only": ("reference: blamed with the clock axis only", "report"),
        "unadjusted": ("reference: blamed with the crude gap as Q", "report"),
    }
    rates = {key: Rate(labels[key][0], int(value), sims, labels[key][1]) for key, value in hits.items()}
    notes = {"mean_q_working": float(q_working.mean()), "mean_q_clock": float(q_clock.mean())}
    return Result(scenario, rates, notes, time.perf_counter() - start)


CONTACT = [0.9, 0.85, 0.75, 0.6, 0.45]  # contact probability by response bucket (decays with delay)
FAST_MIX = [0.40, 0.30, 0.15, 0.10, 0.05]  # the baseline's fast team
SLOW_MIX = [0.05, 0.10, 0.20, 0.30, 0.35]  # the scope's slow team


def processing_only(sims: int, seed: int = 21) -> Result:
    """2. Contact decays with working-time delay; same contact probability per bucket in both groups;
    the scope's leads sit in slower buckets (clock buckets = working buckets). Target for
    ``blame``: ≤ alpha."""
    joint_s, joint_b = _diagonal(SLOW_MIX), _diagonal(FAST_MIX)
    contact = _by_axis(CONTACT, "working")
    result = _verdict_rates("2 processing only (decay in working time)", sims, seed, joint_s, joint_b, contact,
                            contact, 400, 4000, references=("unadjusted",))
    return _target(result, blame="≤ 0.05")


#: share of the scope's leads that arrive before closing and are called next morning
NEXT_MORNING = 0.5


def clock_decay(sims: int, seed: int = 31) -> Result:
    """3. Contact decays in CLOCK time, buckets also in working minutes (docs/methods.md §8): half of the slow
    team's leads arrive before closing and are called next morning — working bucket 5–15 min, clock
    bucket 240+; the rest as the slow team. Same contact probability per clock bucket in both
    groups. The working-time Q alone would blame quality; with both axes required it must not."""
    joint_s = (1 - NEXT_MORNING) * _diagonal(SLOW_MIX)
    joint_s[1, 4] += NEXT_MORNING
    joint_b = _diagonal(FAST_MIX)
    contact = _by_axis(CONTACT, "clock")
    result = _verdict_rates("3 processing only (decay in clock time)", sims, seed, joint_s, joint_b, contact,
                            contact, 400, 4000, references=("working_only",))
    return _target(result, blame="≤ 0.05", working_only="large")


#: share of the baseline's leads that arrive after hours and are answered at opening
AFTER_HOURS = 0.3


def working_decay_mirror(sims: int, seed: int = 32) -> Result:
    """3 (mirror). Contact decays in WORKING time, clock buckets uninformative: 30% of the fast team's
    leads arrive after hours (clock 240+, working ≤5 min) and are reached as well as its other fast
    leads. The clock-time Q alone would blame quality; with both axes required it must not."""
    joint_s = _diagonal(SLOW_MIX)
    joint_b = (1 - AFTER_HOURS) * _diagonal(FAST_MIX)
    joint_b[0, 4] += AFTER_HOURS
    contact = _by_axis(CONTACT, "working")
    result = _verdict_rates("3m processing only (decay in working time, after-hours leads)", sims, seed, joint_s,
                            joint_b, contact, contact, 400, 4000, references=("clock_only",))
    return _target(result, blame="≤ 0.05", clock_only="large")


QUALIFIED = [0.5, 0.45, 0.4, 0.35, 0.3]  # qualification probability by response bucket
QUALITY_MIX = [0.25, 0.25, 0.2, 0.15, 0.15]


def quality_differs(sims: int, seed: int = 41) -> Result:
    """4. The scope's qualification probability is 0.15 lower in every bucket, same bucket mix
    (scope 400 leads, baseline 4000). Target for ``supported_quality``: ≥ 0.8."""
    joint = _diagonal(QUALITY_MIX)
    base = _by_axis(QUALIFIED, "working")
    result = _verdict_rates("4 quality differs by 0.15 (power)", sims, seed, joint, joint, base - 0.15, base,
                            400, 4000)
    return _target(result, supported_quality="≥ 0.8")


def _target(result: Result, **targets: str) -> Result:
    rates = dict(result.rates)
    for key, target in targets.items():
        rates[key] = Rate(rates[key].name, rates[key].hits, rates[key].sims, target)
    return Result(result.scenario, rates, result.notes, result.seconds)


# --------------------------------------------------------------------------- 5–7. the experiment rule

DAYS = 28
LEADS_PER_DAY = 20.0
#: gamma shape of the daily lead rate: variance of daily leads = mean + mean² / shape (20 + 40 = 60)
GAMMA_SHAPE = 10.0
QUALIFIED_SHARE = 0.3
SPEND_PER_DAY = 5000.0
MARGIN = 0.10


def _experiment_rates(scenario: str, sims: int, seed: int, variant_share: float, naive_sims: int | None) -> Result:
    """Two arms of ``DAYS`` days each with a fixed spend per day: daily leads gamma-Poisson (mean
    ``LEADS_PER_DAY``, variance 3× the Poisson's), qualified ~ Binomial(leads, share). Per
    simulation, as :func:`analysis.experiment.evaluate` does with spend: φ of the daily qualified
    and lead counts from ``experiment._dispersion`` (Poisson GLM with an arm effect, offset log
    spend, applied whenever > 1); R = ``compare_poisson`` of qualified per 1000 ₽ with φ_q, W the
    same on leads with φ_l; ``decide_experiment(R, W, margin)``. For the first ``naive_sims``
    simulations also the decision with φ = 1 (overdispersion ignored)."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    naive_sims = sims if naive_sims is None else min(naive_sims, sims)
    rate = rng.gamma(GAMMA_SHAPE, LEADS_PER_DAY / GAMMA_SHAPE, size=(sims, 2, DAYS))
    leads = rng.poisson(rate)
    qualified = rng.binomial(leads, np.array([QUALIFIED_SHARE, variant_share])[None, :, None])
    arms = ["control"] * DAYS + ["variant"] * DAYS
    spend = np.full(2 * DAYS, SPEND_PER_DAY)
    exposure = SPEND_PER_DAY * DAYS / 1000
    hits = dict.fromkeys(["adopt", "keep", "decided", "adopt_workload", "paired_decided", "naive_adopt", "naive_keep",
                          "naive_decided"], 0)
    phis_q, phis_l = np.empty(sims), np.empty(sims)
    for i in range(sims):
        daily = pd.DataFrame({"arm": arms, "leads": leads[i].ravel(), "qualified": qualified[i].ravel(),
                              "spend": spend})
        phi_q, _ = _dispersion(daily, "qualified", "spend")
        phi_l, _ = _dispersion(daily, "leads", "spend")
        phis_q[i], phis_l[i] = phi_q, phi_l
        (q_c, q_v), (l_c, l_v) = qualified[i].sum(axis=1), leads[i].sum(axis=1)
        ratio = stats.compare_poisson(q_v, exposure, q_c, exposure, alpha=ALPHA, dispersion=phi_q)
        workload = stats.compare_poisson(l_v, exposure, l_c, exposure, alpha=ALPHA, dispersion=phi_l)
        decision, reason = decide_experiment(ratio, workload, MARGIN)
        hits["adopt"] += decision == "adopt_variant"
        hits["keep"] += decision == "keep_control"
        hits["decided"] += decision != "inconclusive"
        hits["adopt_workload"] += reason == "workload"
        if i < naive_sims:
            hits["paired_decided"] += decision != "inconclusive"
            ratio = stats.compare_poisson(q_v, exposure, q_c, exposure, alpha=ALPHA, dispersion=1.0)
            workload = stats.compare_poisson(l_v, exposure, l_c, exposure, alpha=ALPHA, dispersion=1.0)
            decision, _ = decide_experiment(ratio, workload, MARGIN)
            hits["naive_adopt"] += decision == "adopt_variant"
            hits["naive_keep"] += decision == "keep_control"
            hits["naive_decided"] += decision != "inconclusive"
    labels = {
        "adopt": "adopt_variant", "keep": "keep_control", "decided": "a decision (adopt or keep)",
        "adopt_workload": "adopt_variant on the workload path",
        "paired_decided": "a decision, on the draws of the φ = 1 rows",
        "naive_adopt": "reference: adopt_variant with φ = 1", "naive_keep": "reference: keep_control with φ = 1",
        "naive_decided": "reference: a decision with φ = 1 (overdispersion ignored)",
    }
    paired = ("paired_decided", "naive_adopt", "naive_keep", "naive_decided")
    rates = {key: Rate(labels[key], int(value), naive_sims if key in paired else sims, "report")
             for key, value in hits.items() if naive_sims or key not in paired}
    notes = {"mean_phi_qualified": float(phis_q.mean()), "mean_phi_leads": float(phis_l.mean())}
    return Result(scenario, rates, notes, time.perf_counter() - start)


def experiment_aa(sims: int, seed: int = 51, naive_sims: int | None = None) -> Result:
    """5. A/A: both arms qualify 30% of their leads. Target for ``decided``: ≤ alpha."""
    result = _experiment_rates("5 experiment A/A (28 days, overdispersed days)", sims, seed, QUALIFIED_SHARE,
                               naive_sims)
    return _target(result, decided="≤ 0.05", naive_decided="higher")


def experiment_power(sims: int, seed: int = 61, naive_sims: int | None = 0) -> Result:
    """6. The variant qualifies 45% (qualified per ₽ × 1.5). Target for ``adopt``: ≥ 0.8."""
    result = _experiment_rates("6 experiment power (qualified per ₽ × 1.5)", sims, seed, 1.5 * QUALIFIED_SHARE,
                               naive_sims)
    return _target(result, adopt="≥ 0.8")


USERS = 3000
CONVERSION = 0.1


def units_aa(sims: int, seed: int = 71) -> Result:
    """7. User-level file (rows are units), A/A: 3000 users per arm converting at 10%. As evaluate does
    with rows as exposure: R from ``_unit_comparison`` (binomial, score interval of the ratio of
    shares), W = ``compare_poisson`` of rows per row (identical arms' sizes: W = 1).
    Target for ``decided``: ≤ alpha."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    conversions = rng.binomial(USERS, CONVERSION, size=(sims, 2))
    workload = stats.compare_poisson(USERS, float(USERS), USERS, float(USERS), alpha=ALPHA)
    hits = dict.fromkeys(["adopt", "keep", "decided"], 0)
    for count_c, count_v in conversions:
        ratio = _unit_comparison(int(count_v), USERS, int(count_c), USERS, ALPHA)
        decision, _ = decide_experiment(ratio, workload, MARGIN)
        hits["adopt"] += decision == "adopt_variant"
        hits["keep"] += decision == "keep_control"
        hits["decided"] += decision != "inconclusive"
    labels = {"adopt": "adopt_variant", "keep": "keep_control", "decided": "a decision (adopt or keep)"}
    rates = {key: Rate(labels[key], int(value), sims, "≤ 0.05" if key == "decided" else "report")
             for key, value in hits.items()}
    return Result("7 user-level A/A (3000 users per arm, 10%)", rates, {}, time.perf_counter() - start)


#: name → scenario function(sims, seed=...) in the order of the report
SCENARIOS: dict[str, Callable[..., Result]] = {
    "coverage_main": coverage_main,
    "coverage_thin": coverage_thin,
    "coverage_thin_moderate": coverage_thin_moderate,
    "processing_only": processing_only,
    "clock_decay": clock_decay,
    "working_decay_mirror": working_decay_mirror,
    "quality_differs": quality_differs,
    "experiment_aa": experiment_aa,
    "experiment_power": experiment_power,
    "units_aa": units_aa,
}


# --------------------------------------------------------------------------- the table

def _run(args: tuple[str, int, int]) -> Result:
    name, sims, seed = args
    function = SCENARIOS[name]
    default_seed = inspect.signature(function).parameters["seed"].default  # each scenario's own, moved by --seed
    return function(sims, seed=default_seed + seed)


def print_table(results: list[Result], out=sys.stdout) -> None:
    width = max(len(rate.name) for result in results for rate in result.rates.values())
    for result in results:
        print(f"\n{result.scenario}  ({result.seconds:.1f} s)", file=out)
        print(f"  {'quantity':<{width}}  {'target':>8}  {'rate':>6}  {'MC s.e.':>7}  {'sims':>6}", file=out)
        for rate in result.rates.values():
            print(f"  {rate.name:<{width}}  {rate.target:>8}  {rate.rate:6.3f}  {rate.se:7.4f}  {rate.sims:>6}",
                  file=out)
        if result.notes:
            print("  " + ", ".join(f"{key} = {value:.4f}" for key, value in result.notes.items()), file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sims", type=int, default=5000, help="simulations per scenario (default 5000)")
    parser.add_argument("--seed", type=int, default=0, help="added to every scenario's own seed (default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="scenarios run in this many processes (default 1)")
    parser.add_argument("--only", nargs="+", choices=list(SCENARIOS), help="run these scenarios only")
    args = parser.parse_args(argv)
    names = args.only or list(SCENARIOS)
    start = time.perf_counter()
    tasks = [(name, args.sims, args.seed) for name in names]
    if args.jobs > 1:
        # the slow experiment scenarios first, so the pool's processes finish together
        order = sorted(tasks, key=lambda task: not task[0].startswith("experiment"))
        with ProcessPoolExecutor(args.jobs) as pool:
            done = dict(zip([task[0] for task in order], pool.map(_run, order)))
        results = [done[name] for name in names]
    else:
        results = [_run(task) for task in tasks]
    print(f"calibration: {args.sims} simulations per scenario, alpha = {ALPHA}, seed offset {args.seed}")
    print_table(results)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
