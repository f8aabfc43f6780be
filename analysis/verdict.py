"""The verdict rule of the verdict rule, on counts, exactly as written there.

Everything here takes numbers (counts, a gap, intervals, booleans of evidence); the
diagnosis module computes them from the data. Keeping the rule apart makes it testable
with exact counts and keeps every engineer's implementation the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .stats import compare_rates, sample_size_two_rates, weeks_needed

Verdict = Literal["supported", "partly_supported", "not_supported", "insufficient_data"]
Location = Literal["lead_quality", "processing", "both", "neither", "unknown"]

#: claim → (primary metric, stage whose maturity applies, True when a higher value is worse)
PRIMARY_METRIC: dict[str, tuple[str, str, bool]] = {
    "no_contact": ("contact_rate", "contacted", False),
    "not_target": ("qualified_of_contacted", "qualified", False),
    "cold": ("qualified_of_contacted", "qualified", False),
    "general": ("qualified_rate", "qualified", False),
    "no_budget": ("reason_rate", "qualified", True),
    "wrong_model": ("reason_rate", "qualified", True),
    "duplicates": ("repeat_rate", "contacted", True),
}
#: the verdict rule rule 1
MIN_MATURE_LEADS = 30
MIN_EVENTS = 5
#: processing deficit D: a difference of at least this much, one-sided p < alpha
PROCESSING_DEFICIT = 0.10


def default_min_gap(baseline_rate: float | None) -> float:
    """δ = max(0.03, 0.2 × baseline rate)."""
    return max(0.03, 0.2 * (baseline_rate or 0.0))


@dataclass(frozen=True)
class MetricCounts:
    """Events and denominator of the primary metric in scope and baseline (mature leads only)."""

    scope_events: int
    scope_total: int
    baseline_events: int
    baseline_total: int
    scope_mature_leads: int


@dataclass(frozen=True)
class GapTest:
    """G (positive = scope worse), its Newcombe interval [L, U], p-value and δ."""

    gap: float | None
    ci: tuple[float | None, float | None]
    p_value: float | None
    min_gap: float
    scope_rate: float | None
    baseline_rate: float | None


def gap_test(counts: MetricCounts, higher_is_worse: bool, alpha: float, min_gap: float | None = None) -> GapTest:
    """The gap of the verdict rule with its sign chosen so that positive means worse for the scope."""
    comparison = compare_rates(counts.scope_events, counts.scope_total, counts.baseline_events,
                               counts.baseline_total, alpha=alpha)
    delta = min_gap if min_gap is not None else default_min_gap(comparison.rate2)
    if comparison.difference is None:
        return GapTest(None, (None, None), None, delta, comparison.rate1, comparison.rate2)
    low, high = comparison.difference_ci
    if higher_is_worse:
        gap, ci = comparison.difference, (low, high)
    else:
        gap, ci = -comparison.difference, (None if high is None else -high, None if low is None else -low)
    return GapTest(gap, ci, comparison.p_value, delta, comparison.rate1, comparison.rate2)


def _holds(gap: float | None, ci: tuple[float | None, float | None], min_gap: float) -> bool:
    """An adjusted gap that counts: lower bound above 0 and at least half of δ."""
    return gap is not None and ci[0] is not None and ci[0] > 0 and gap >= min_gap / 2


@dataclass(frozen=True)
class Evidence:
    """What points at lead quality and what at processing (the verdict rule "Location")."""

    adjusted_gap: float | None
    adjusted_gap_ci: tuple[float | None, float | None]
    processing_columns: bool
    marketing_reason_overrepresented: bool
    criteria_lower: bool
    processing_deficit: bool
    #: Q with the response delays on the clock (closed hours included); None when the export
    #: has one axis only (docs/methods.md §8)
    adjusted_gap_clock: float | None = None
    adjusted_gap_clock_ci: tuple[float | None, float | None] = (None, None)

    def adjusted_holds(self, min_gap: float) -> bool:
        """Q's lower bound > 0 and Q ≥ δ/2 — on the working-time axis and, where the export has
        it, on the clock axis too: contact that decays in clock time must not pass a slow team's
        channel off as a lead-quality problem (docs/methods.md)."""
        clock = self.adjusted_gap_clock is None or _holds(self.adjusted_gap_clock, self.adjusted_gap_clock_ci, min_gap)
        return _holds(self.adjusted_gap, self.adjusted_gap_ci, min_gap) and clock

    def axes_disagree(self, min_gap: float) -> bool:
        """Q holds in working time but not on the clock (or the other way round)."""
        if self.adjusted_gap_clock is None:
            return False
        return _holds(self.adjusted_gap, self.adjusted_gap_ci, min_gap) != _holds(
            self.adjusted_gap_clock, self.adjusted_gap_clock_ci, min_gap)

    def quality(self, min_gap: float) -> bool:
        adjusted = self.processing_columns and self.adjusted_holds(min_gap)
        return bool(adjusted or self.marketing_reason_overrepresented or self.criteria_lower)

    def processing(self, processing_share: float | None) -> bool:
        return bool(self.processing_deficit or (processing_share is not None and processing_share >= 0.5))


@dataclass(frozen=True)
class VerdictResult:
    """The verdict, where the problem sits, the rule that decided, and the numbers behind it."""

    verdict: str
    problem_location: str
    rule: int
    gap: GapTest
    processing_share: float | None
    weeks_needed: float | None
    quality_evidence: bool
    processing_evidence: bool


def processing_share(gap: float | None, adjusted_gap: float | None) -> float | None:
    """P = (G − Q) / G, defined only when G > 0."""
    if gap is None or adjusted_gap is None or gap <= 0:
        return None
    return (gap - adjusted_gap) / gap


def weeks_for_power(counts: MetricCounts, test: GapTest, higher_is_worse: bool, scope_weeks: float,
                    alpha: float, power: float = 0.8) -> float | None:
    """Weeks of the scope's own flow (its denominator units) for 80% power at δ (rule 3)."""
    base = test.baseline_rate
    if base is None or scope_weeks <= 0 or counts.scope_total == 0:
        return None
    worse = base + test.min_gap if higher_is_worse else base - test.min_gap
    if not 0 < worse < 1 or not 0 < base < 1:
        return None
    ratio = counts.baseline_total / counts.scope_total if counts.scope_total else 1.0
    needed = sample_size_two_rates(worse, base, alpha=alpha, power=power, ratio=max(ratio, 1e-6))
    return weeks_needed(needed, counts.scope_total / scope_weeks, already=counts.scope_total)


def decide(counts: MetricCounts, higher_is_worse: bool, evidence: Evidence, alpha: float = 0.05,
           min_gap: float | None = None, scope_weeks: float = 0.0) -> VerdictResult:
    """Apply the verdict rule in order; the first rule that matches decides."""
    test = gap_test(counts, higher_is_worse, alpha, min_gap)
    share = processing_share(test.gap, evidence.adjusted_gap)
    quality = evidence.quality(test.min_gap)
    processing = evidence.processing(share)
    events = (counts.scope_events, counts.scope_total - counts.scope_events,
              counts.baseline_events, counts.baseline_total - counts.baseline_events)
    if counts.scope_mature_leads < MIN_MATURE_LEADS or min(events) < MIN_EVENTS or test.gap is None:
        return VerdictResult("insufficient_data", "unknown", 1, test, share,
                             weeks_for_power(counts, test, higher_is_worse, scope_weeks, alpha), quality, processing)
    low, high = test.ci
    if high < test.min_gap:
        return VerdictResult("not_supported", "processing" if evidence.processing_deficit else "neither", 2, test,
                             share, None, quality, processing)
    if low <= 0:
        return VerdictResult("insufficient_data", "unknown", 3, test, share,
                             weeks_for_power(counts, test, higher_is_worse, scope_weeks, alpha), quality, processing)
    if test.gap >= test.min_gap and evidence.adjusted_holds(test.min_gap):
        verdict, rule = "supported", 4
    else:
        verdict, rule = "partly_supported", 5
    location = "both" if quality and processing else "lead_quality" if quality else "processing" if processing \
        else "unknown"
    return VerdictResult(verdict, location, rule, test, share, None, quality, processing)
