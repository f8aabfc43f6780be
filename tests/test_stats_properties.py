"""Invariants of the statistics, over many generated inputs (hypothesis), and malformed arguments."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import stats
from analysis.errors import StatisticsError
from analysis.stats import messages


@st.composite
def proportion(draw, max_n=400):
    nobs = draw(st.integers(0, max_n))
    return draw(st.integers(0, nobs)), nobs


def finite_or_none(*values):
    return all(v is None or (isinstance(v, float) and math.isfinite(v)) or isinstance(v, int) for v in values)


@settings(max_examples=200, deadline=None)
@given(proportion(), st.sampled_from([0.01, 0.05, 0.1]))
def test_rate_interval_contains_its_estimate_within_0_1(pair, alpha):
    result = stats.rate_interval(*pair, alpha=alpha)
    if pair[1] == 0:
        assert result.rate is None and messages.NO_DATA in result.warnings
        return
    low, high = result.ci
    assert 0 <= low <= result.rate <= high <= 1
    if pair[0] in (0, pair[1]):
        assert messages.ALL_SAME_OUTCOME in result.warnings


@settings(max_examples=150, deadline=None)
@given(proportion(60), proportion(60))
def test_two_rates_p_in_0_1_and_swapping_mirrors(first, second):
    forward = stats.compare_rates(*first, *second)
    backward = stats.compare_rates(*second, *first)
    assert finite_or_none(forward.p_value, forward.difference, forward.ratio, *forward.difference_ci, *forward.ratio_ci)
    if first[1] == 0 or second[1] == 0:
        assert messages.NO_DATA in forward.warnings and forward.p_value is None
        return
    assert 0 <= forward.p_value <= 1
    assert forward.p_value == pytest.approx(backward.p_value, abs=1e-9)
    assert forward.difference == pytest.approx(-backward.difference)
    assert forward.difference_ci[0] == pytest.approx(-backward.difference_ci[1], abs=1e-9)
    assert forward.difference_ci[0] <= forward.difference <= forward.difference_ci[1]
    if forward.ratio is not None and forward.ratio_ci[0] is not None and forward.ratio > 0:
        assert forward.ratio_ci[0] <= forward.ratio * (1 + 1e-9) and forward.ratio <= forward.ratio_ci[1] * (1 + 1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(proportion(100), min_size=1, max_size=6), st.randoms())
def test_pooling_counts_is_order_independent(pairs, random):
    parts = [stats.Proportion(*pair) for pair in pairs]
    shuffled = list(parts)
    random.shuffle(shuffled)
    total = sum(parts[1:], parts[0])
    assert sum(shuffled[1:], shuffled[0]) == total
    assert total.count == sum(p[0] for p in pairs) and total.nobs == sum(p[1] for p in pairs)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 500), st.floats(0.1, 100), st.integers(0, 500), st.floats(0.1, 100))
def test_poisson_comparison_is_reciprocal_when_swapped(count1, exposure1, count2, exposure2):
    forward = stats.compare_poisson(count1, exposure1, count2, exposure2)
    backward = stats.compare_poisson(count2, exposure2, count1, exposure1)
    assert finite_or_none(forward.p_value, forward.ratio, *forward.ratio_ci)
    if forward.p_value is not None:
        assert 0 <= forward.p_value <= 1
    if forward.ratio and backward.ratio:
        assert forward.ratio == pytest.approx(1 / backward.ratio)
        assert forward.p_value == pytest.approx(backward.p_value, abs=1e-9)
        assert forward.ratio_ci[0] <= forward.ratio <= forward.ratio_ci[1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=3, max_size=3), min_size=2, max_size=4))
def test_association_never_raises_on_valid_tables(rows):
    table = np.array(rows)
    result = stats.test_association(table, [f"r{i}" for i in range(len(rows))], ["a", "b", "c"])
    assert finite_or_none(result.p_value, result.statistic, result.cramers_v)
    if result.p_value is not None:
        assert 0 <= result.p_value <= 1
        assert result.handling in ("none", "merged", "monte_carlo")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 500), st.booleans()), min_size=0, max_size=40))
def test_kaplan_meier_never_gives_nan(observations):
    durations = [d for d, _ in observations]
    events = [e for _, e in observations]
    result = stats.kaplan_meier(durations, events)
    assert finite_or_none(result.median, result.p90, *result.median_ci)
    assert all(v is None or 0 <= v <= 1 for v in result.share_within.values())
    assert "nan" not in result.summary("en").lower()


@pytest.mark.parametrize(("pair1", "pair2"), [((0, 0), (5, 10)), ((0, 1), (1, 1)), ((10, 10), (20, 20)),
                                              ((0, 10), (0, 20)), ((1, 1), (0, 1))])
def test_degenerate_comparisons_warn_instead_of_failing(pair1, pair2):
    result = stats.compare_rates(*pair1, *pair2)
    assert result.warnings, "degenerate data carries a warning code"
    assert finite_or_none(result.p_value, result.difference, *result.difference_ci, result.ratio, *result.ratio_ci)
    assert result.summary("ru", ("A", "B"), "доля")  # always printable


def test_degenerate_inputs_of_every_other_function():
    assert messages.NO_DATA in stats.poisson_rate(0, 0).warnings
    assert messages.NO_DATA in stats.compare_poisson(1, 0, 1, 1).warnings
    assert stats.compare_poisson(0, 1, 0, 1).p_value == 1.0
    assert messages.NOT_ENOUGH_GROUPS in stats.compare_groups(["a"], [1], [2]).warnings
    assert messages.NO_DATA in stats.shrink_rates([], [], []).warnings
    assert messages.NOT_ENOUGH_GROUPS in stats.test_association([[1, 2]], ["a"], ["x", "y"]).warnings
    assert messages.NO_DATA in stats.mantel_haenszel([[[0, 0], [0, 0]]]).warnings
    assert messages.NO_DATA in stats.standardised_gap([0], [0], [1], [2]).warnings
    assert messages.NOT_REACHED in stats.kaplan_meier([10, 20], [False, False]).warnings
    assert messages.NO_DATA in stats.ratio_delta([], []).warnings
    assert stats.sample_ratio_check([0, 0]).p_value is None
    assert stats.count_dispersion([0, 0, 0]).phi == 1.0
    assert stats.weeks_needed(100, 0) is None
    assert stats.mde_two_rates(0.5, 3) is None  # three leads cannot detect anything
    result = stats.binomial_glm(__import__("pandas").DataFrame({"k": [0, 0], "n": [3, 4], "g": ["a", "b"]}),
                                "k", "n", ["g"])
    assert messages.ALL_SAME_OUTCOME in result.warnings


@pytest.mark.parametrize(("call", "message"), [
    (lambda: stats.rate_interval(-1, 10), "not a whole number"),
    (lambda: stats.rate_interval(11, 10), "exceeds nobs"),
    (lambda: stats.rate_interval(1.5, 10), "not a whole number"),
    (lambda: stats.rate_interval("3", 10), "not a number"),
    (lambda: stats.rate_interval(1, 10, alpha=0), "outside"),
    (lambda: stats.rate_interval(1, 10, alpha=0.7), "outside"),
    (lambda: stats.compare_poisson(-1, 1, 1, 1), "≥ 0"),
    (lambda: stats.compare_groups(["a", "a"], [1, 1], [2, 2]), "unique"),
    (lambda: stats.compare_groups(["a"], [1, 1], [2]), "same length"),
    (lambda: stats.compare_groups(["a", "b"], [1, 1], [2, 2], adjust="bonferroni"), "holm or fdr_bh"),
    (lambda: stats.funnel_limits(1.2, [10]), "strictly between"),
    (lambda: stats.funnel_limits(0.3, [0]), "≥ 1"),
    (lambda: stats.test_association([[1, -1]], ["a"], ["x", "y"]), "whole counts"),
    (lambda: stats.mantel_haenszel([[1, 2, 3]]), "2×2"),
    (lambda: stats.standardised_gap([5], [3], [1], [2]), "at most"),
    (lambda: stats.sample_size_two_rates(0.2, 0.2), "no effect"),
    (lambda: stats.sample_size_poisson_ratio(1.0), "no effect"),
    (lambda: stats.sample_ratio_check([10]), "two or more"),
    (lambda: stats.kaplan_meier([1, -2], [True, True]), "≥ 0"),
    (lambda: stats.ratio_delta([1, 2], [1]), "one value per unit"),
    (lambda: stats.adjust_pvalues([0.2, 1.5]), "[0, 1]"),
    (lambda: stats.noninferiority_rates(45, 100, 50, 100, 0.1, worse_is="Lower"), "lower or higher"),
    (lambda: stats.power_poisson_ratio(100, 1.2, dispersion=0.5), "≥ 1"),
    (lambda: stats.ratio_bootstrap([1, 2], [1]), "one value per unit"),
])
def test_malformed_arguments_raise_statistics_errors(call, message):
    with pytest.raises(StatisticsError, match=__import__("re").escape(message)):
        call()


def test_results_have_frames_and_summaries_in_both_languages():
    results = [
        stats.rate_interval(20, 100), stats.compare_rates(20, 100, 30, 60), stats.compare_poisson(100, 7, 60, 7),
        stats.noninferiority_rates(45, 100, 50, 100, 0.1), stats.sample_ratio_check([5210, 4790]),
        stats.standardised_gap([40, 20], [50, 50], [180, 30], [200, 100]),
        stats.mantel_haenszel([[[81, 6], [234, 36]], [[192, 71], [55, 25]]]),
        stats.kaplan_meier([5, 10, 20], [1, 1, 0]),
        stats.test_association([[30, 10], [10, 30]], ["a", "b"], ["x", "y"]),
        stats.compare_groups(["a", "b", "c"], [10, 20, 30], [100, 100, 100]),
    ]
    for result in results:
        frame = result.to_frame()
        assert len(frame) >= 1
        for lang in ("ru", "en"):
            if hasattr(result, "summary"):
                text = result.summary(lang) if not isinstance(result, stats.RateResult) else result.summary(lang, "A", "x")
                assert text and "nan" not in text.lower() and "{" not in text
    for combination in itertools.product([0.01, 0.05], ["two-sided", "larger", "smaller"]):
        result = stats.compare_rates(30, 100, 20, 100, alpha=combination[0], alternative=combination[1])
        assert 0 <= result.p_value <= 1
