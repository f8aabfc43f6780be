"""The verdict rule of the verdict rule with exact counts, rule by rule, in its order."""

from __future__ import annotations

import pytest

from analysis.verdict import Evidence, MetricCounts, decide, default_min_gap, gap_test, processing_share

NO_EVIDENCE = Evidence(None, (None, None), True, False, False, False)


def evidence(q=None, q_ci=(None, None), processing_columns=True, reason=False, criteria=False, deficit=False):
    return Evidence(q, q_ci, processing_columns, reason, criteria, deficit)


def test_min_gap_default():
    assert default_min_gap(0.43) == pytest.approx(0.086)
    assert default_min_gap(0.1) == 0.03


def test_rule1_too_few_mature_leads():
    counts = MetricCounts(10, 25, 400, 1000, 29)
    result = decide(counts, False, NO_EVIDENCE)
    assert (result.verdict, result.problem_location, result.rule) == ("insufficient_data", "unknown", 1)
    assert result.weeks_needed is None  # no period given: weeks cannot be computed


def test_rule1_too_few_events():
    counts = MetricCounts(3, 200, 400, 1000, 200)  # 3 events < 5
    result = decide(counts, False, NO_EVIDENCE, scope_weeks=13)
    assert result.rule == 1 and result.verdict == "insufficient_data"
    assert result.weeks_needed is not None and result.weeks_needed > 0


def test_rule2_not_worse_by_a_relevant_amount():
    # scope 440/1000 vs baseline 430/1000: G = -0.01, U well below δ = 0.086
    counts = MetricCounts(440, 1000, 430, 1000, 1000)
    result = decide(counts, False, NO_EVIDENCE)
    assert (result.verdict, result.problem_location, result.rule) == ("not_supported", "neither", 2)
    deficit = decide(counts, False, evidence(deficit=True))
    assert deficit.problem_location == "processing"


def test_rule3_the_data_cannot_tell():
    # 30 of 80 vs 43% of 2000: G ≈ 0.055 but the interval straddles 0 and reaches past δ
    counts = MetricCounts(30, 80, 860, 2000, 80)
    result = decide(counts, False, NO_EVIDENCE, scope_weeks=10)
    test = gap_test(counts, False, 0.05)
    assert test.ci[0] <= 0 and test.ci[1] >= test.min_gap
    assert (result.verdict, result.rule) == ("insufficient_data", 3)
    assert result.weeks_needed > 0


def test_rule4_supported_when_the_adjusted_gap_holds():
    counts = MetricCounts(100, 418, 945, 2180, 517)  # 23.9% vs 43.3%
    result = decide(counts, False, evidence(q=0.19, q_ci=(0.146, 0.241)))
    assert (result.verdict, result.rule, result.problem_location) == ("supported", 4, "lead_quality")
    assert result.processing_share == pytest.approx((result.gap.gap - 0.19) / result.gap.gap)


def test_rule5_partly_supported_when_processing_explains_the_gap():
    counts = MetricCounts(1650, 2470, 12400, 14750, 2470)  # contact 66.8% vs 84.1%
    result = decide(counts, False, evidence(q=-0.03, q_ci=(-0.06, -0.002), deficit=True))
    assert (result.verdict, result.rule, result.problem_location) == ("partly_supported", 5, "processing")
    assert result.processing_share > 1  # Q below zero: processing explains more than the whole gap


def test_rule5_when_the_gap_is_real_but_smaller_than_delta():
    counts = MetricCounts(185, 500, 860, 2000, 500)  # 37% vs 43%: G = 0.06 < δ = 0.086, L > 0, U > δ
    result = decide(counts, False, evidence(q=0.05, q_ci=(0.01, 0.09)))
    assert result.gap.gap < result.gap.min_gap and result.gap.ci[0] > 0 and result.gap.ci[1] >= result.gap.min_gap
    assert (result.verdict, result.rule, result.problem_location) == ("partly_supported", 5, "lead_quality")


def test_location_both_and_unknown():
    counts = MetricCounts(100, 418, 945, 2180, 517)
    both = decide(counts, False, evidence(q=0.19, q_ci=(0.146, 0.241), deficit=True))
    assert both.problem_location == "both"
    no_q = decide(counts, False, evidence(q=None, processing_columns=False))
    assert (no_q.verdict, no_q.problem_location) == ("partly_supported", "unknown")


def test_without_processing_columns_q_equals_g_and_proves_nothing_alone():
    counts = MetricCounts(100, 418, 945, 2180, 517)
    plain = gap_test(counts, False, 0.05)
    result = decide(counts, False, evidence(q=plain.gap, q_ci=plain.ci, processing_columns=False))
    assert result.verdict == "supported" and result.problem_location == "unknown"
    reasons = decide(counts, False, evidence(q=plain.gap, q_ci=plain.ci, processing_columns=False, reason=True))
    assert reasons.problem_location == "lead_quality"


def test_higher_is_worse_metrics_flip_the_sign():
    counts = MetricCounts(120, 400, 100, 1000, 400)  # no_budget 30% vs 10%
    test = gap_test(counts, True, 0.05)
    assert test.gap == pytest.approx(0.2) and test.ci[0] > 0


def test_processing_share_defined_only_for_a_positive_gap():
    assert processing_share(0.2, 0.05) == pytest.approx(0.75)
    assert processing_share(-0.1, 0.0) is None and processing_share(None, 0.1) is None


def test_the_adjusted_gap_must_hold_on_both_time_axes():
    # an earlier review / docs/methods.md §8: a slow team's channel whose contact decays in clock time shows a
    # positive Q in working minutes; on the clock it vanishes, and then Q is no lead-quality evidence
    counts = MetricCounts(60, 400, 900, 2000, 400)  # 15% vs 45%: G = 0.30, far beyond δ = 0.09
    working_only = Evidence(0.25, (0.18, 0.32), True, False, False, False,
                            adjusted_gap_clock=0.02, adjusted_gap_clock_ci=(-0.05, 0.09))
    result = decide(counts, False, working_only)
    assert result.rule == 5 and result.verdict == "partly_supported"
    assert result.problem_location in ("processing", "unknown") and not result.quality_evidence
    assert working_only.axes_disagree(result.gap.min_gap)
    both = Evidence(0.25, (0.18, 0.32), True, False, False, False,
                    adjusted_gap_clock=0.24, adjusted_gap_clock_ci=(0.17, 0.31))
    assert decide(counts, False, both).verdict == "supported" and not both.axes_disagree(0.09)
    # an export with one axis only (a minutes column) keeps the working-time rule
    one_axis = Evidence(0.25, (0.18, 0.32), True, False, False, False)
    assert decide(counts, False, one_axis).verdict == "supported"
