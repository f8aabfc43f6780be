"""Every statistic against reference values: docs/methods.md sections 5, 7, 8, 9 (statsmodels 0.14.6 /
0.15.0 and scipy 1.17, as computed there), and independent computations cited per test."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from analysis import stats
from analysis.stats import messages

REL = 1e-9


# --- docs/methods.md -----------------------------------------------------------------------------

def test_two_rate_score_test_equals_pooled_z():
    # docs/methods.md: proportions_ztest([20,30],[100,60]) z -3.9634695544548983, p 7.386828793761122e-05
    result = stats.compare_rates(20, 100, 30, 60)
    assert result.test == "score"
    assert result.statistic == pytest.approx(-3.9634695544548983, rel=1e-9)
    assert result.p_value == pytest.approx(7.386828793761122e-05, rel=1e-6)


def test_wilson_interval():
    # docs/methods.md: proportion_confint(20,100,method='wilson')
    assert stats.rate_interval(20, 100).ci == pytest.approx((0.1333669333310325, 0.2888291655931589), rel=REL)


def test_difference_intervals_newcombe_and_score():
    # docs/methods.md: newcomb (-0.439581, -0.148562); score (-0.437439, -0.150449)
    assert stats.compare_rates(20, 100, 30, 60).difference_ci == pytest.approx((-0.439581, -0.148562), abs=1e-6)
    assert stats.compare_rates(20, 100, 30, 60, interval="score").difference_ci == \
        pytest.approx((-0.437439, -0.150449), abs=1e-6)


def test_risk_ratio_katz_and_score_cross_check():
    # docs/methods.md: risk ratio 20/100 vs 30/60, Katz log: 0.4, (0.25086119959221825, 0.637802897618621)
    ratio, ci = stats.ratio_interval_katz(20, 100, 30, 60)
    assert ratio == pytest.approx(0.4) and ci == pytest.approx((0.25086119959221825, 0.637802897618621), rel=REL)
    score = stats.compare_rates(20, 100, 30, 60).ratio_ci  # reports use the score interval
    assert score == pytest.approx(ci, abs=0.005)


def test_fisher_and_boschloo():
    # docs/methods.md: fisher_exact([[3,7],[12,8]]) OR 0.2857142857, p 0.2450774612693653
    fisher = stats.exact_test(3, 10, 12, 20, method="fisher")
    assert fisher.odds_ratio == pytest.approx(0.2857142857, rel=1e-9)
    assert fisher.p_value == pytest.approx(0.2450774612693653, rel=1e-9)
    # docs/methods.md gives Boschloo p 0.1418316377 = boschloo_exact([[3,7],[12,8]]) as written, but scipy takes
    # each COLUMN as a group, so that call conditions on the success/failure totals, not the group sizes.
    # Brute force with the group sizes fixed (max over the nuisance rate of P(Fisher one-sided p ≤ observed)):
    # one-sided 0.0782234, two-sided (scipy doubles the smaller one-sided p) 0.1564469 — what we return.
    assert sps.boschloo_exact([[3, 7], [12, 8]]).pvalue == pytest.approx(0.1418316377, rel=1e-8)  # docs/methods.md' call
    assert stats.exact_test(3, 10, 12, 20, method="boschloo").p_value == pytest.approx(0.1564468996, rel=1e-8)
    assert stats.exact_test(3, 10, 12, 20, "smaller", method="boschloo").p_value == pytest.approx(0.0782234, abs=1e-6)
    assert stats.exact_test(3, 10, 12, 20).test == "boschloo"
    assert stats.exact_test(3, 300, 12, 200).test == "fisher"  # Boschloo's cost grows with n1·n2


def test_small_expected_counts_switch_to_the_exact_test():
    result = stats.compare_rates(1, 12, 6, 14)  # an expected cell below 5
    assert result.test == "boschloo" and messages.SMALL_SAMPLE in result.warnings
    assert result.p_value == pytest.approx(stats.exact_test(1, 12, 6, 14, method="boschloo").p_value)


def test_chi_square_residuals_and_cramers_v():
    # docs/methods.md: chi2_contingency([[30,10,10],[20,25,15],[10,15,35]]): χ² 33.71666666666666, df 4,
    # p 8.518434418987742e-07; V 0.31490739379485305; adjusted residual [0,0] 4.351071, [2,2] 4.642462
    table = [[30, 10, 10], [20, 25, 15], [10, 15, 35]]
    result = stats.test_association(table, ["a", "b", "c"], ["x", "y", "z"])
    assert result.statistic == pytest.approx(33.71666666666666, rel=REL)
    assert result.df == 4 and result.handling == "none"
    assert result.p_value == pytest.approx(8.518434418987742e-07, rel=1e-8)
    assert stats.cramers_v(np.array(table), bias_corrected=False) == pytest.approx(0.31490739379485305, rel=REL)
    assert result.residuals.loc["a", "x"] == pytest.approx(4.351071, abs=1e-6)
    assert result.residuals.loc["c", "z"] == pytest.approx(4.642462, abs=1e-6)
    assert ("a", "x", pytest.approx(4.351071, abs=1e-6)) in result.flagged
    assert result.cut == pytest.approx(sps.norm.ppf(1 - 0.05 / 18))
    # the bias-corrected V (Bergsma 2013) is smaller than the plain one
    assert result.cramers_v < 0.31490739379485305


def test_statsmodels_table_residuals_agree():
    # adjusted residuals cross-checked against statsmodels' Table(shift_zeros=False)
    from statsmodels.stats.contingency_tables import Table

    table = np.array([[30, 10, 10], [20, 25, 15], [10, 15, 35]])
    expected = Table(table, shift_zeros=False).standardized_resids
    assert stats.adjusted_residuals(table) == pytest.approx(np.asarray(expected), rel=1e-9)


def test_poisson_score_test_and_ratio_interval():
    # docs/methods.md: test_poisson_2indep(100,7,60,7) score: z 3.162277660168379, p 0.001565402258002548;
    # ratio CI (1.21181, 2.292254)
    result = stats.compare_poisson(100, 7, 60, 7)
    assert result.statistic == pytest.approx(3.162277660168379, rel=REL)
    assert result.p_value == pytest.approx(0.001565402258002548, rel=1e-8)
    assert result.ratio_ci == pytest.approx((1.21181, 2.292254), abs=1e-5)


def test_holm_and_benjamini_hochberg():
    # docs/methods.md: Holm rejects 1; BH rejects 2 (adj .008,.032,.0672,.0672,.0672,.08,.084571,.205)
    p = [.001, .008, .039, .041, .042, .06, .074, .205]
    holm_rejected, _ = stats.adjust_pvalues(p, method="holm")
    bh_rejected, bh_adjusted = stats.adjust_pvalues(p, method="fdr_bh")
    assert holm_rejected.sum() == 1
    assert bh_rejected.sum() == 2
    assert bh_adjusted == pytest.approx([.008, .032, .0672, .0672, .0672, .08, .084571, .205], abs=1e-6)


def test_holm_written_out_equals_statsmodels():
    # our Holm (no gc.collect per call) against statsmodels' multipletests on the docs/methods.md
    # p-values, unsorted input, ties and values that adjust above 1
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(7)
    cases = [[.001, .008, .039, .041, .042, .06, .074, .205], [.04, .01, .04, .9, .5], [0.3],
             list(rng.uniform(0, 0.2, 40)), list(rng.uniform(0, 1, 7))]
    for p in cases:
        for alpha in (0.05, 0.1):
            rejected, adjusted = stats.adjust_pvalues(p, alpha=alpha, method="holm")
            expected_rejected, expected, _, _ = multipletests(p, alpha=alpha, method="holm")
            assert adjusted == pytest.approx(expected, abs=1e-15)
            assert (rejected == expected_rejected).all()
    # docs/methods.md by hand: sorted p × (8, 7, …): .008, .056, then the running maximum
    _, adjusted = stats.adjust_pvalues([.001, .008, .039, .041, .042, .06, .074, .205], method="holm")
    assert adjusted[:3] == pytest.approx([.008, .056, .234])


def test_power_for_two_rates():
    # docs/methods.md: 0.25 vs 0.20, α .05, power .8: h 0.11990233319498567; n 1091.8961587 (NormalIndPower),
    # 1093.7390458 (samplesize_proportions_2indep_onetail)
    assert stats.cohens_h(0.25, 0.20) == pytest.approx(0.11990233319498567, rel=REL)
    assert stats.sample_size_two_rates(0.25, 0.20) == pytest.approx(1091.8961587, rel=1e-9)
    assert stats.sample_size_two_rates(0.25, 0.20, method="onetail") == pytest.approx(1093.7390458, rel=1e-9)
    # with unequal groups the answer is group 1's size: n1(r1, r2, k) · k = n1(r2, r1, 1/k) (both are group 2's)
    for method in ("cohens_h", "onetail"):
        n1 = stats.sample_size_two_rates(0.25, 0.20, ratio=2, method=method)
        assert n1 * 2 == pytest.approx(stats.sample_size_two_rates(0.20, 0.25, ratio=0.5, method=method), rel=1e-6)
    assert stats.power_two_rates(0.25, 0.20, 1091.8961587) == pytest.approx(0.8, abs=1e-9)


def test_sample_ratio_mismatch():
    # docs/methods.md: chisquare([5210,4790],[5000,5000]) 17.64, p 2.6691498031812692e-05
    result = stats.sample_ratio_check([5210, 4790], [50, 50])
    assert result.statistic == pytest.approx(17.64, rel=REL)
    assert result.p_value == pytest.approx(2.6691498031812692e-05, rel=1e-8)
    assert result.mismatch


def test_funnel_limits():
    # docs/methods.md: p0 .3, n 50: normal 95% (0.17298, 0.42702); exact 95% (0.166139, 0.420136); 99.8% (0.09973, 0.50027)
    normal = stats.funnel_limits(0.3, [50], method="normal").table.iloc[0]
    exact = stats.funnel_limits(0.3, [50], method="exact").table.iloc[0]
    assert (normal.low_95, normal.high_95) == pytest.approx((0.17298, 0.42702), abs=1e-5)
    assert (exact.low_95, exact.high_95) == pytest.approx((0.166139, 0.420136), abs=1e-6)
    assert (normal.low_998, normal.high_998) == pytest.approx((0.09973, 0.50027), abs=1e-5)
    # exact 99.8%, checked independently by the reviewer's own interpolation: (0.103130, 0.499070)
    assert (exact.low_998, exact.high_998) == pytest.approx((0.103130, 0.499070), abs=1e-6)
    # plain binom.ppf/n is not Spiegelhalter's limit
    assert sps.binom.ppf(0.025, 50, 0.3) / 50 == pytest.approx(0.18) != exact.low_95


# --- docs/methods.md: Mantel–Haenszel and Simpson's paradox --------------------------------------

def test_mantel_haenszel_simpsons_paradox():
    # docs/methods.md: channel 1 [[81, 6], [234, 36]], channel 2 [[192, 71], [55, 25]] (rows fast/slow,
    # columns contacted/not); crude OR 0.748; MH OR 1.44684662494262 (0.915793–2.285849), CMH p 0.11874052970979887
    result = stats.mantel_haenszel([[[81, 6], [234, 36]], [[192, 71], [55, 25]]])
    assert result.crude_odds_ratio == pytest.approx(0.748, abs=5e-4)
    assert result.odds_ratio == pytest.approx(1.44684662494262, rel=REL)
    assert result.ci == pytest.approx((0.915793, 2.285849), abs=1e-6)
    assert result.cmh_p == pytest.approx(0.11874052970979887, rel=1e-9)
    assert result.breslow_day_p is not None and 0 <= result.breslow_day_p <= 1
    assert result.crude_odds_ratio < 1 < result.odds_ratio  # the crude comparison points the wrong way


# --- docs/methods.md: price in the ad ------------------------------------------------------------

def test_price_in_ad_example():
    # docs/methods.md: 100 000 ₽ per arm; A 200 leads, 60 qualified; B 140 leads, 63 qualified.
    share = stats.compare_rates(63, 140, 60, 200)
    assert (share.rate1, share.rate2) == (0.45, 0.30)
    # docs/methods.md quotes p 0.0047, rounded: the pooled z used here gives 0.00461, the score test with
    # statsmodels' default n/(n−1) correction 0.00467; both within 1e-4 of it
    assert share.p_value == pytest.approx(0.0047, abs=1e-4)
    volume = stats.compare_poisson(140, 100, 200, 100)  # leads per 1000 ₽
    assert (volume.rate1, volume.rate2) == (1.4, 2.0)
    assert volume.p_value == pytest.approx(0.0011, abs=5e-5)
    qualified = stats.compare_poisson(63, 100, 60, 100)  # qualified per 1000 ₽: the decision metric
    assert qualified.ratio == pytest.approx(1.05)
    assert qualified.ratio_ci == pytest.approx((0.739, 1.493), abs=5e-4)
    assert qualified.p_value == pytest.approx(0.79, abs=5e-3)


def test_poisson_sample_size_for_a_ratio():
    # docs/methods.md: qualified leads needed in control ≈ (z_{α/2}+z_β)²(1/r+1)/(ln r)², 433 for r = 1.2
    assert round(stats.sample_size_poisson_ratio(1.2)) == 433
    assert stats.power_poisson_ratio(stats.sample_size_poisson_ratio(1.2), 1.2) == pytest.approx(0.8, abs=2e-3)


# --- independent computations ----------------------------------------------------------------

def test_cost_per_event_uses_the_exact_poisson_interval():
    # Garwood interval from the chi-square distribution: [χ²(α/2, 2k)/2, χ²(1−α/2, 2k+2)/2]
    low_count = sps.chi2.ppf(0.025, 126) / 2
    high_count = sps.chi2.ppf(0.975, 128) / 2
    result = stats.cost_per_event(100_000, 63)
    assert result.cost == pytest.approx(100_000 / 63)
    assert result.ci == pytest.approx((100_000 / high_count, 100_000 / low_count), rel=1e-9)
    zero = stats.cost_per_event(50_000, 0)
    assert zero.cost is None and zero.ci[0] == pytest.approx(50_000 / (sps.chi2.ppf(0.975, 2) / 2))
    assert messages.RATIO_UNDEFINED in zero.warnings


def test_noninferiority_matches_one_side_of_statsmodels_tost():
    from statsmodels.stats.proportion import tost_proportions_2indep

    result = stats.noninferiority_rates(45, 100, 50, 100, margin=0.10)
    tost = tost_proportions_2indep(45, 100, 50, 100, -0.10, 0.10, method="score", compare="diff", correction=False)
    assert result.p_value == pytest.approx(tost.results_larger.pvalue, rel=1e-9)
    assert not result.shown  # 5 points lower with n = 100 each: not enough evidence
    assert "does not mean it is worse" in result.summary("en")


def test_adjusted_gap_by_hand():
    # two strata (fast, slow response): scope 40/50 fast, 20/50 slow; baseline 180/200 fast, 30/100 slow.
    # weights from the baseline: 2/3, 1/3 → scope 2/3·0.8 + 1/3·0.4 = 0.6667; baseline 2/3·0.9 + 1/3·0.3 = 0.7
    result = stats.standardised_gap([40, 20, 0], [50, 50, 0], [180, 30, 5], [200, 100, 10])
    assert result.scope_rate == pytest.approx(2 / 3 * 0.8 + 1 / 3 * 0.4)
    assert result.baseline_rate == pytest.approx(2 / 3 * 0.9 + 1 / 3 * 0.3)
    assert result.gap == pytest.approx(0.7 - 2 / 3 * 0.8 - 1 / 3 * 0.4)
    # docs/methods.md / the verdict rule: the sum of both groups' delta-method variances, each from its own
    # stratum rates, with the plug-in (k + 1/2)/(n + 1): scope fast 40.5/51, slow 20.5/51;
    # baseline fast 180.5/201, slow 30.5/101 (weights 2/3, 1/3)
    def part(k, n):
        p = (k + 0.5) / (n + 1)
        return p * (1 - p) / n
    variance = (4 / 9) * (part(40, 50) + part(180, 200)) + (1 / 9) * (part(20, 50) + part(30, 100))
    assert result.standard_error == pytest.approx(math.sqrt(variance), rel=1e-12)
    # the pooled form p̄(1 − p̄)(1/n_s + 1/n_b) the code once used is not it (it undercovers)
    pooled = (4 / 9) * 0.88 * 0.12 * (1 / 50 + 1 / 200) + (1 / 9) * (1 / 3) * (2 / 3) * (1 / 50 + 1 / 100)
    assert abs(result.standard_error - math.sqrt(pooled)) > 0.001
    assert result.coverage == pytest.approx(300 / 310)
    assert result.strata_used == 2 and result.warnings == ()
    low = stats.standardised_gap([5, 1], [10, 2], [50, 500], [100, 1000])
    assert low.coverage == pytest.approx(100 / 1100 + 1000 / 1100) and low.strata_used == 2
    assert stats.standardised_gap([5, 0], [10, 0], [50, 500], [100, 1000]).coverage == pytest.approx(100 / 1100)
    assert messages.LOW_COVERAGE in stats.standardised_gap([5, 0], [10, 0], [50, 500], [100, 1000]).warnings


def test_grouped_binomial_glm_equals_the_row_level_logit():
    # independent: statsmodels Logit on the expanded rows gives the same coefficients and errors
    counts = pd.DataFrame({"channel": ["A", "A", "B", "B"], "bucket": ["fast", "slow", "fast", "slow"],
                           "contacted": [80, 40, 60, 23], "leads": [100, 80, 90, 60]})
    result = stats.binomial_glm(counts, "contacted", "leads", ["channel", "bucket"],
                                reference={"channel": "A", "bucket": "fast"})
    rows = counts.loc[counts.index.repeat(counts["leads"])].reset_index(drop=True)
    rows["y"] = np.concatenate([[1] * k + [0] * (n - k) for k, n in zip(counts["contacted"], counts["leads"])])
    design = pd.DataFrame({"const": 1.0, "B": (rows["channel"] == "B").astype(float),
                           "slow": (rows["bucket"] == "slow").astype(float)})
    logit = sm.Logit(rows["y"], design).fit(disp=0)
    assert result.table["coefficient"].to_numpy() == pytest.approx(logit.params.to_numpy(), rel=1e-6)
    assert result.table["std_error"].to_numpy() == pytest.approx(logit.bse.to_numpy(), rel=1e-6)
    assert result.table["level"].tolist() == ["", "B", "slow"]


def test_kaplan_meier_by_hand():
    # durations 5, 10, 10, 20 (contacted) and 30, 40, 50 (never contacted, censored), by hand:
    # at 5: 7 at risk, 1 event → S = 6/7; at 10: 6 at risk, 2 events → 4/7; at 20: 4 at risk, 1 → 3/7
    result = stats.kaplan_meier([5, 10, 10, 20, 30, 40, 50], [1, 1, 1, 1, 0, 0, 0], within=(5, 15))
    assert result.median == 20  # first time S ≤ 0.5
    assert result.share_within[5.0] == pytest.approx(1 / 7)
    assert result.share_within[15.0] == pytest.approx(3 / 7)
    # S never falls below 3/7: the 90th percentile is not reached
    assert result.p90 is None and messages.NOT_REACHED in result.warnings
    assert "not reached" in result.summary("en") and "не достигнут" in result.summary("ru")


def test_shrinkage_maximises_the_beta_binomial_likelihood():
    counts, nobs = [2, 30, 12, 45, 7], [10, 100, 40, 120, 50]
    result = stats.shrink_rates(list("abcde"), counts, nobs)
    # independent check: a coarse grid over (mean, strength) finds no better likelihood
    def loglik(a, b):
        return sps.betabinom.logpmf(counts, nobs, a, b).sum()
    best = loglik(result.a, result.b)
    grid = [loglik(m * s, (1 - m) * s) for m in np.linspace(0.05, 0.6, 56) for s in np.geomspace(1, 1e4, 60)]
    assert best >= max(grid) - 1e-6
    table = result.table
    expected = (table["count"] + result.a) / (table["nobs"] + result.a + result.b)
    assert table["shrunk_rate"].to_numpy() == pytest.approx(expected.to_numpy())
    # small groups move further toward the prior mean than large ones
    move = (table["shrunk_rate"] - table["rate"]).abs() / (result.prior_mean - table["rate"]).abs()
    assert move.iloc[0] > move.iloc[3]


def test_shrinkage_without_between_group_variation_pools():
    result = stats.shrink_rates(list("abcd"), [30, 30, 30, 30], [100, 100, 100, 100])
    assert messages.NO_VARIATION in result.warnings
    assert result.table["shrunk_rate"].to_numpy() == pytest.approx(0.3, abs=1e-3)


def test_funnel_overdispersion():
    rng = np.random.default_rng(1)
    nobs = rng.integers(50, 400, size=40)
    calm = stats.funnel_overdispersion(rng.binomial(nobs, 0.3), nobs)
    wild_rates = rng.uniform(0.1, 0.6, size=40)
    wild = stats.funnel_overdispersion(rng.binomial(nobs, wild_rates), nobs)
    assert not calm.overdispersed and calm.tau2 == 0
    assert wild.overdispersed and wild.phi > 3 and wild.tau2 > 0
    widened = stats.funnel_limits(0.3, [100], tau2=wild.tau2).table.iloc[0]
    plain = stats.funnel_limits(0.3, [100], method="normal").table.iloc[0]
    assert widened.low_95 < plain.low_95 and widened.high_95 > plain.high_95


def test_count_dispersion_detects_negative_binomial_days():
    rng = np.random.default_rng(2)
    poisson_days = rng.poisson(20, size=120)
    clumpy_days = rng.negative_binomial(4, 4 / (4 + 20), size=120)
    assert stats.count_dispersion(poisson_days).phi == pytest.approx(1.0, abs=0.35)
    clumpy = stats.count_dispersion(clumpy_days)
    assert clumpy.overdispersed and clumpy.phi > 2
    plain = stats.compare_poisson(300, 10, 250, 10)
    widened = stats.compare_poisson(300, 10, 250, 10, dispersion=clumpy.phi)
    assert widened.ratio == pytest.approx(plain.ratio)
    assert widened.p_value > plain.p_value and widened.ratio_ci[0] < plain.ratio_ci[0]


def test_ratio_delta_method_agrees_with_bootstrap():
    rng = np.random.default_rng(3)
    spend = rng.uniform(8_000, 12_000, size=90)
    qualified = rng.poisson(spend / 2_000)
    delta = stats.ratio_delta(qualified, spend)
    boot = stats.ratio_bootstrap(qualified, spend)
    assert delta.method == "delta" and boot.method == "bootstrap"
    assert delta.ratio == pytest.approx(qualified.sum() / spend.sum())
    assert delta.ci == pytest.approx(boot.ci, rel=0.03)
    assert stats.ratio_delta(qualified[:5], spend[:5]).method == "bootstrap"


def test_mde_is_the_effect_with_the_target_power():
    mde = stats.mde_two_rates(0.4, 300, 300)
    assert stats.power_two_rates(0.4 - mde, 0.4, 300, 300) == pytest.approx(0.8, abs=1e-6)
    assert stats.weeks_needed(1092, 100, already=392) == pytest.approx(7.0)


def test_group_scan_corrects_for_the_number_of_groups():
    result = stats.compare_groups(["A", "B", "C", "D"], [30, 45, 44, 60], [200, 100, 100, 130])
    table = result.table.set_index("group")
    assert table.loc["A", "flagged"]
    # Holm by hand: A has the smallest of 4 p-values, so its adjusted p is 4 × p
    assert table.loc["A", "p_adjusted"] == pytest.approx(min(1.0, 4 * table.loc["A", "p_value"]))
    assert result.homogeneity_df == 3 and result.homogeneity_p < 0.001
    assert "A (15% vs" in result.summary("en", "qualified share")


def test_thin_strata_keep_a_positive_variance():
    # every scope stratum at 0% or 100%: the raw plug-in variance would be zero; (k + 1/2)/(n + 1) is not
    result = stats.standardised_gap([2, 0], [2, 2], [40, 10], [50, 50])
    assert result.standard_error > 0.1 and result.ci[0] < result.gap < result.ci[1]


def test_one_sided_directions():
    assert stats.compare_rates(6, 15, 1, 15, alternative="larger").p_value < 0.05
    assert stats.compare_rates(6, 15, 1, 15, alternative="smaller").p_value > 0.9


def test_zero_control_events_still_give_a_test_and_a_lower_bound():
    result = stats.compare_poisson(20, 10, 0, 10)
    assert result.p_value < 0.001 and result.ratio is None
    assert result.ratio_ci[0] is not None and result.ratio_ci[0] > 1 and result.ratio_ci[1] is None


def test_bootstrap_refuses_false_precision():
    assert stats.ratio_bootstrap([1, 2], [200, 300]).ci == (None, None)


def test_exact_conditional_ratio_interval():
    # independent: given 160 events, 100 in group 1 ~ Binomial(160, π); statsmodels' Clopper–Pearson
    # interval for π (method='beta') mapped to r = π/(1 − π) at equal exposure
    from statsmodels.stats.proportion import proportion_confint

    from analysis.stats.counts import exact_ratio_interval

    low, high = proportion_confint(100, 160, alpha=0.05, method="beta")
    assert exact_ratio_interval(100, 7, 60, 7) == pytest.approx((low / (1 - low), high / (1 - high)), rel=1e-9)
    # a zero count: the score interval fails there, the exact one starts at 0
    zero = stats.compare_poisson(0, 2, 1, 1)
    assert zero.ratio == 0 and zero.ratio_ci[0] == 0 and zero.ratio_ci[1] > 1


def test_equivalence_is_statsmodels_tost():
    # independent: statsmodels' TOST with the same score test (correction off)
    from statsmodels.stats.proportion import tost_proportions_2indep

    result = stats.equivalence_rates(450, 1000, 460, 1000, margin=0.05)
    expected = tost_proportions_2indep(450, 1000, 460, 1000, -0.05, 0.05, method="score", compare="diff",
                                       correction=False)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert result.equivalent
    assert not stats.equivalence_rates(45, 100, 46, 100, margin=0.05).equivalent  # too few to show equality


def _statsmodels_km(durations, events, alpha=0.05):
    from statsmodels.duration.survfunc import SurvfuncRight

    fit = SurvfuncRight(np.asarray(durations, dtype=float), np.asarray(events, dtype=int))
    with np.errstate(divide="ignore", invalid="ignore"):
        ci = fit.quantile_ci(0.5, alpha=alpha)
    return fit, fit.quantile(0.5), fit.quantile(0.9), ci


@pytest.mark.parametrize("seed", range(12))
def test_kaplan_meier_as_statsmodels(seed):
    """analysis.stats.survival computes the curve on counts per distinct duration; statsmodels'
    SurvfuncRight (the reference) on every lead: the same curve, standard errors, median, its
    interval and P90, to the last bit. Cases: heavy ties, few events, the last time an event
    or censored, a curve that reaches zero, -0.0 beside 0.0."""
    from analysis.stats.survival import _product_limit

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    durations = np.round(rng.exponential(40, n) * [1, 1, 0.1, 60][seed % 4]) / [1, 1, 0.1, 60][seed % 4]
    events = rng.random(n) < [0.9, 0.3, 0.6, 1.0][seed % 4]
    if seed % 3 == 0:
        durations[rng.integers(0, n, max(1, n // 10))] = 0.0
        durations[rng.integers(0, n, max(1, n // 20))] = -0.0
    if seed == 5:  # everyone contacted: the curve reaches zero
        events[:] = True
    if not events.any():
        events[0] = True
    fit, median, p90, ci = _statsmodels_km(durations, events, alpha=[0.05, 0.1, 0.01][seed % 3])
    times, survival, se = _product_limit(durations, events)
    np.testing.assert_array_equal(times, fit.surv_times)
    np.testing.assert_array_equal(survival, fit.surv_prob)
    np.testing.assert_array_equal(se, fit.surv_prob_se)
    result = stats.kaplan_meier(durations, events, alpha=[0.05, 0.1, 0.01][seed % 3])
    for ours, theirs in ((result.median, median), (result.p90, p90)):
        assert ours == theirs or (ours is None and np.isnan(theirs))
    if result.median is not None:
        expected = tuple(None if not np.isfinite(v) else v for v in ci)
        assert result.median_ci == expected
