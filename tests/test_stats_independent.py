"""Independent reference values for the statistics the reports use.

tests/test_stats_reference.py mostly compares the package with the statsmodels/scipy calls
it wraps, which checks the wiring. Here every expected value is computed ANOTHER way: a
formula written out with math/numpy, a brute-force enumeration (exact rationals where ties
matter), numerical integration, or a root finder on a power function written out here —
never the library call the package makes (named in each test). Normal quantiles come from
:func:`norm_ppf` below (bisection on ``math.erfc``), not from ``scipy.stats.norm``.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import integrate, optimize, special

from analysis import stats
from analysis.experiment import POSTERIOR_DRAWS, evaluate, p_variant_better
from analysis.jobs import experiment_parameters
from analysis.loading import load_dataset
from analysis.stats.tables import MONTE_CARLO_RESAMPLES
from analysis.verdict import MetricCounts, gap_test, weeks_for_power

from .conftest import SAMPLE_HEADERS, sample_row, write_csv

SQRT2 = math.sqrt(2.0)


# --------------------------------------------------------------------------- hand-written normal

def norm_sf(x: float) -> float:
    """Upper tail of N(0, 1): ½·erfc(x/√2) (erfc is accurate in both tails)."""
    return 0.5 * math.erfc(x / SQRT2)


def norm_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / SQRT2)


def norm_ppf(p: float) -> float:
    """Quantile of N(0, 1) by bisection on the upper tail: solves sf(x) = 1 − p to the last bit."""
    if p < 0.5:
        return -norm_ppf(1.0 - p)
    q = 1.0 - p
    low, high = 0.0, 40.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        if norm_sf(mid) > q:
            low = mid
        else:
            high = mid
        if high - low <= 4e-16 * max(1.0, mid):
            break
    return 0.5 * (low + high)


def chi2_sf_even_df(x: float, df: int) -> float:
    """Chi-square upper tail for even df = 2m, closed form: e^{−x/2} Σ_{j<m} (x/2)^j / j!."""
    assert df % 2 == 0
    half = x / 2.0
    return math.exp(-half) * sum(half ** j / math.factorial(j) for j in range(df // 2))


def test_hand_written_normal_quantiles_match_published_values():
    # Abramowitz & Stegun 26.2 / any z table (to 16 digits, e.g. R: qnorm(c(.975, .8, .999)))
    assert norm_ppf(0.975) == pytest.approx(1.959963984540054, rel=1e-13)
    assert norm_ppf(0.8) == pytest.approx(0.8416212335729143, rel=1e-13)
    assert norm_ppf(0.999) == pytest.approx(3.090232306167813, rel=1e-13)
    assert norm_ppf(0.025) == pytest.approx(-1.959963984540054, rel=1e-13)
    # chi-square(2) tail is e^{−x/2}; chi-square(10) at 18.307038053275146 (its 95% point) is 0.05
    assert chi2_sf_even_df(3.0, 2) == pytest.approx(math.exp(-1.5), rel=1e-15)
    assert chi2_sf_even_df(18.307038053275146, 10) == pytest.approx(0.05, rel=1e-12)


# --------------------------------------------------------------------------- 1. quasi-Poisson widening

def poisson_score_z(x1: float, e1: float, x2: float, e2: float) -> float:
    """Score test of rate ratio 1, derived by hand. Given X = x1 + x2, under H0 x1 ~ Bin(X, e1/E),
    E = e1 + e2; the unconditional score statistic (λ̂0 = X/E pooled) is
    z = (x1/e1 − x2/e2) / sqrt(λ̂0 (1/e1 + 1/e2)) = (x1 − X e1/E) / sqrt(X e1 e2 / E²)."""
    total, exposure = x1 + x2, e1 + e2
    return (x1 - total * e1 / exposure) / math.sqrt(total * e1 * e2 / exposure ** 2)


def poisson_score_ratio_interval(x1: float, e1: float, x2: float, e2: float, z: float) -> tuple[float, float]:
    """Inverts the score test of ratio r in closed form. With t = r·e1/e2 the statistic is
    (x1 − x2 t)/sqrt((x1 + x2) t) (Gu et al. 2008, W2A); z² = c² gives the quadratic
    x2² t² − (2 x1 x2 + c² X) t + x1² = 0, whose roots bound t; r = t·e2/e1."""
    total = x1 + x2
    b = 2 * x1 * x2 + z ** 2 * total
    root = math.sqrt(b ** 2 - 4 * x1 ** 2 * x2 ** 2)
    low_t, high_t = (b - root) / (2 * x2 ** 2), (b + root) / (2 * x2 ** 2)
    return low_t * e2 / e1, high_t * e2 / e1


def test_quasi_poisson_widening_is_the_score_test_on_counts_over_phi():
    # package: statsmodels test_poisson_2indep / confint_poisson_2indep (numeric inversion) on counts/φ.
    # Hand: z from the formula above; scaling counts AND exposures by 1/φ leaves e1/E unchanged and
    # divides X by φ, so z_φ = z_1/√φ exactly. docs/methods.md: (100, 7, 60, 7) gives z = √10 = 3.162277660168379,
    # so φ = 2.5 gives z = 2 exactly and p = erfc(2/√2) = 0.04550026389635842 (R: 2*pnorm(-2)).
    x1, e1, x2, e2, phi = 100, 7.0, 60, 7.0, 2.5
    z1 = poisson_score_z(x1, e1, x2, e2)
    assert z1 == pytest.approx(math.sqrt(10), rel=1e-15)
    plain = stats.compare_poisson(x1, e1, x2, e2)
    wide = stats.compare_poisson(x1, e1, x2, e2, dispersion=phi)
    assert plain.statistic == pytest.approx(z1, rel=1e-12)
    assert plain.p_value == pytest.approx(math.erfc(z1 / SQRT2), rel=1e-10)  # 0.001565402258002548
    assert wide.statistic == pytest.approx(2.0, rel=1e-12)
    assert wide.statistic == pytest.approx(poisson_score_z(x1 / phi, e1 / phi, x2 / phi, e2 / phi), rel=1e-12)
    assert wide.p_value == pytest.approx(0.04550026389635842, rel=1e-10)
    assert wide.p_value == pytest.approx(math.erfc(2.0 / SQRT2), rel=1e-10)
    assert wide.p_value > plain.p_value
    # intervals: closed-form inversion of the same statistic vs statsmodels' numeric root finder
    z = norm_ppf(0.975)
    assert plain.ratio_ci == pytest.approx(poisson_score_ratio_interval(x1, e1, x2, e2, z), rel=1e-6)
    assert plain.ratio_ci == pytest.approx((1.21181, 2.292254), abs=1e-5)  # docs/methods.md
    expected_wide = poisson_score_ratio_interval(x1 / phi, e1 / phi, x2 / phi, e2 / phi, z)
    assert wide.ratio_ci == pytest.approx(expected_wide, rel=1e-6)
    assert wide.ratio_ci[0] < plain.ratio_ci[0] and wide.ratio_ci[1] > plain.ratio_ci[1]
    assert wide.ratio == plain.ratio == pytest.approx(100 / 60)
    # and "dispersion = φ" is literally the unwidened comparison of counts and exposures over φ
    scaled = stats.compare_poisson(x1 / phi, e1 / phi, x2 / phi, e2 / phi)
    assert (wide.statistic, wide.p_value) == pytest.approx((scaled.statistic, scaled.p_value), rel=1e-12)
    assert wide.ratio_ci == pytest.approx(scaled.ratio_ci, rel=1e-9)
    # unequal exposures and a non-round φ: the same identities
    x1, e1, x2, e2, phi = 37, 12.5, 81, 20.0, 1.7
    z1 = poisson_score_z(x1, e1, x2, e2)
    wide = stats.compare_poisson(x1, e1, x2, e2, dispersion=phi)
    assert wide.statistic == pytest.approx(z1 / math.sqrt(phi), rel=1e-12)
    assert wide.p_value == pytest.approx(math.erfc(abs(z1) / math.sqrt(phi) / SQRT2), rel=1e-10)
    assert wide.ratio_ci == pytest.approx(poisson_score_ratio_interval(x1 / phi, e1 / phi, x2 / phi, e2 / phi, z),
                                          rel=1e-6)


# --------------------------------------------------------------------------- 2. funnel overdispersion

FUNNEL_COUNTS = [4, 21, 12, 45, 30, 36, 80, 50, 105, 100, 160]
FUNNEL_NOBS = [40, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500]


def spiegelhalter_by_hand(counts, nobs, p0=None):
    """Spiegelhalter (2005, Stat Med 24:1185, §4.3), on the arcsine scale as the package documents:
    y = asin √(k/n), s = 1/(2√n), z = (y − asin √p0)/s. With N = 11 groups the 10% Winsorisation
    is unambiguous: the one most extreme z in each tail is pulled in to the next one (the 2nd and
    10th order statistics — no percentile interpolation rule is involved). φ = mean z²;
    τ² = (Nφ − (N − 1)) / (Σw − Σw²/Σw), w = 1/s² = 4n."""
    n_groups = len(counts)
    assert n_groups == 11
    p0 = sum(counts) / sum(nobs) if p0 is None else p0
    centre = math.asin(math.sqrt(p0))
    z = [(math.asin(math.sqrt(k / n)) - centre) * 2 * math.sqrt(n) for k, n in zip(counts, nobs)]
    ordered = sorted(z)
    low, high = ordered[1], ordered[-2]
    winsorised = [min(max(value, low), high) for value in z]
    phi = sum(value ** 2 for value in winsorised) / n_groups
    w = [4.0 * n for n in nobs]
    tau2 = (n_groups * phi - (n_groups - 1)) / (sum(w) - sum(v ** 2 for v in w) / sum(w))
    return p0, phi, max(tau2, 0.0)


def test_funnel_overdispersion_phi_tau2_and_widened_limits_by_hand():
    # package: np.quantile winsorisation + numpy sums; chi2.sf for the flag. Hand: sorted order
    # statistics, plain sums, and the closed-form chi-square(10) tail.
    p0, phi, tau2 = spiegelhalter_by_hand(FUNNEL_COUNTS, FUNNEL_NOBS)
    result = stats.funnel_overdispersion(FUNNEL_COUNTS, FUNNEL_NOBS)
    assert result.groups == 11
    assert result.phi == pytest.approx(phi, rel=1e-12)
    overdispersed = chi2_sf_even_df(11 * phi, 10) < 0.05  # Spiegelhalter: Nφ ~ χ²(N − 1) under no overdispersion
    assert overdispersed and phi > 2  # the data were chosen overdispersed
    assert result.overdispersed is True
    assert result.tau2 == pytest.approx(tau2, rel=1e-12) and tau2 > 0
    # a given p0 changes every z
    _, phi_given, tau2_given = spiegelhalter_by_hand(FUNNEL_COUNTS, FUNNEL_NOBS, p0=0.3)
    given = stats.funnel_overdispersion(FUNNEL_COUNTS, FUNNEL_NOBS, p0=0.3)
    assert given.phi == pytest.approx(phi_given, rel=1e-12) and given.tau2 == pytest.approx(tau2_given, rel=1e-12)
    # milder spread: Nφ > N − 1, so the τ² formula is positive, but Nφ is not beyond the χ²(10) 95% point
    # (p ≈ 0.15 by the closed form): the package does not warn, but applies τ²
    calm_counts = [8, 22, 18, 35, 30, 50, 52, 82, 80, 130, 140]
    _, phi_calm, tau2_calm = spiegelhalter_by_hand(calm_counts, FUNNEL_NOBS)
    calm = stats.funnel_overdispersion(calm_counts, FUNNEL_NOBS)
    assert calm.phi == pytest.approx(phi_calm, rel=1e-12) and tau2_calm > 0
    assert chi2_sf_even_df(11 * phi_calm, 10) == pytest.approx(0.1513, abs=1e-4)
    # not significant, yet kφ > k − 1: τ² still widens the limits; only the warning waits for the test
    assert not calm.overdispersed and calm.tau2 == pytest.approx(tau2_calm, rel=1e-12)

    # widened limits (Spiegelhalter 2005 §4.3, additive random effects on the arcsine scale):
    # sin²(asin √p0 ± z·sqrt(1/(4n) + τ²)), z = Φ⁻¹(0.975) and Φ⁻¹(0.999)
    sizes = [20, 50, 200, 1000]
    limits = stats.funnel_limits(p0, sizes, tau2=tau2).table
    assert list(limits["n"]) == sizes
    centre = math.asin(math.sqrt(p0))
    for level, name in ((0.95, "95"), (0.998, "998")):
        z = norm_ppf(1 - (1 - level) / 2)
        for row, n in zip(limits.itertuples(), sizes):
            spread = z * math.sqrt(1 / (4 * n) + tau2)
            low = math.sin(max(centre - spread, 0.0)) ** 2
            high = math.sin(min(centre + spread, math.pi / 2)) ** 2
            assert getattr(row, f"low_{name}") == pytest.approx(low, rel=1e-12)
            assert getattr(row, f"high_{name}") == pytest.approx(high, rel=1e-12)
    # τ² keeps the limits apart even for huge n: the half-width tends to z·τ, not 0
    wide = stats.funnel_limits(p0, [10 ** 7], tau2=tau2).table.iloc[0]
    assert wide.high_95 - wide.low_95 == pytest.approx(
        math.sin(centre + norm_ppf(0.975) * math.sqrt(tau2)) ** 2
        - math.sin(centre - norm_ppf(0.975) * math.sqrt(tau2)) ** 2, rel=1e-5)


# --------------------------------------------------------------------------- 3. bias-corrected Cramér's V

def pearson_chi2(table) -> float:
    """Σ (O − E)²/E with E = row·column/N, plain loops."""
    rows = [sum(r) for r in table]
    columns = [sum(c) for c in zip(*table)]
    total = sum(rows)
    return sum((table[i][j] - rows[i] * columns[j] / total) ** 2 / (rows[i] * columns[j] / total)
               for i in range(len(rows)) for j in range(len(columns)))


def bergsma_v(table) -> float:
    """Bergsma (2013, J Korean Stat Soc 42:323): φ̃² = max(0, φ² − (k−1)(r−1)/(n−1)),
    k̃ = k − (k−1)²/(n−1), r̃ = r − (r−1)²/(n−1), Ṽ = sqrt(φ̃² / min(k̃ − 1, r̃ − 1))."""
    r, k = len(table), len(table[0])
    n = sum(map(sum, table))
    phi2 = pearson_chi2(table) / n
    phi2c = max(0.0, phi2 - (k - 1) * (r - 1) / (n - 1))
    kc = k - (k - 1) ** 2 / (n - 1)
    rc = r - (r - 1) ** 2 / (n - 1)
    return math.sqrt(phi2c / min(kc - 1, rc - 1))


def test_bias_corrected_cramers_v_by_bergsmas_formula():
    # package: scipy chi2_contingency for χ². Hand: χ² by loops, Bergsma's correction written out.
    methods = [[30, 10, 10], [20, 25, 15], [10, 15, 35]]
    assert pearson_chi2(methods) == pytest.approx(33.71666666666666, rel=1e-12)  # docs/methods.md
    plain = math.sqrt(pearson_chi2(methods) / 170 / 2)
    assert plain == pytest.approx(0.31490739379485305, rel=1e-12)  # docs/methods.md
    assert stats.cramers_v(np.array(methods), bias_corrected=False) == pytest.approx(plain, rel=1e-12)
    # N = 170: φ² = 0.198333.., φ̃² = φ² − 4/169, k̃ = r̃ = 3 − 4/169 → Ṽ = 0.297285 (uncorrected 0.314907)
    expected = bergsma_v(methods)
    assert expected == pytest.approx(math.sqrt((33.71666666666666 / 170 - 4 / 169) / (2 - 4 / 169)), rel=1e-12)
    assert stats.cramers_v(np.array(methods)) == pytest.approx(expected, rel=1e-12)
    assert expected < plain
    # a small 2×3 table, where the correction matters most (N = 14)
    small = [[5, 1, 0], [1, 3, 4]]
    assert stats.cramers_v(np.array(small)) == pytest.approx(bergsma_v(small), rel=1e-12)
    assert bergsma_v(small) < math.sqrt(pearson_chi2(small) / 14) - 0.05
    # nearly independent small table: φ² below (k−1)(r−1)/(n−1), the corrected V is exactly 0
    flat = [[3, 3], [3, 4]]
    assert pearson_chi2(flat) / 13 < 1 / 12 and bergsma_v(flat) == 0.0
    assert stats.cramers_v(np.array(flat)) == 0.0


# --------------------------------------------------------------------------- 4. Monte Carlo chi-square

def exact_chi2_pvalue_2xk(table) -> tuple[float, float]:
    """P(X² ≥ observed) over every table with the observed margins, each with its multivariate
    hypergeometric probability Π r_i! Π c_j! / (N! Π n_ij!) (exact rationals; X² compared with a
    1e-9 relative tolerance, as ties between tables are exact in value)."""
    table = [list(map(int, row)) for row in table]
    assert len(table) == 2
    columns = [sum(c) for c in zip(*table)]
    rows = [sum(r) for r in table]
    total = sum(rows)
    expected = [[Fraction(rows[i] * columns[j], total) for j in range(len(columns))] for i in range(2)]

    def x2(t) -> Fraction:
        return sum((t[i][j] - expected[i][j]) ** 2 / expected[i][j] for i in range(2) for j in range(len(columns)))

    observed = x2(table)
    numerator = math.prod(math.factorial(v) for v in rows + columns)
    tail = Fraction(0)
    mass = Fraction(0)
    for first in itertools.product(*(range(c + 1) for c in columns)):
        if sum(first) != rows[0]:
            continue
        t = [list(first), [c - a for c, a in zip(columns, first)]]
        probability = Fraction(numerator, math.factorial(total) * math.prod(math.factorial(v) for v in t[0] + t[1]))
        mass += probability
        if x2(t) >= observed:  # exact rational comparison: ties count as "at least as extreme"
            tail += probability
    assert mass == 1
    return float(tail), float(observed)


def test_monte_carlo_chi_square_pvalue_against_full_enumeration():
    # package: scipy chi2_contingency(method=MonteCarloMethod(9999 resamples, seeded)),
    # p = (#{X²* ≥ X²} + 1)/(B + 1). Hand: enumerate all 2×3 tables with the observed margins.
    table = [[4, 0, 1], [0, 3, 2]]
    result = stats.test_association(table, ["a", "b"], ["x", "y", "z"])
    assert result.handling == "monte_carlo"  # Cochran fails and merging cannot rescue a 2×3 this small
    exact, observed = exact_chi2_pvalue_2xk(table)
    assert result.statistic == pytest.approx(observed, rel=1e-12)
    # Monte Carlo error: p̂ = (B·p̃ + 1)/(B + 1), B·p̃ ~ Bin(B, p): SD = sqrt(p(1 − p)/B) ≈ 0.0040 here;
    # allow 4 SD plus the +1 bias 1/(B + 1) — a seeded, deterministic draw inside that band.
    b = MONTE_CARLO_RESAMPLES
    assert b == 9999
    bound = 4 * math.sqrt(exact * (1 - exact) / b) + 1 / (b + 1)
    assert abs(result.p_value - exact) <= bound, (result.p_value, exact, bound)
    # exact p = 4/84 = 1/21: four tables tie at X² = 22/3 (the observed one, its y↔z column swap and their
    # row mirrors), each of probability 1/84 — ties count, which the exact rational comparison gets right;
    # the asymptotic chi-square(2) p, exp(−X²/2) = 0.0256, is off by more than twice the Monte Carlo band
    assert exact == pytest.approx(1 / 21, rel=1e-12)
    assert abs(math.exp(-observed / 2) - exact) > 2 * bound
    # a second, less extreme table
    table = [[3, 1, 1], [1, 2, 3]]
    result = stats.test_association(table, ["a", "b"], ["x", "y", "z"])
    assert result.handling == "monte_carlo"
    exact, observed = exact_chi2_pvalue_2xk(table)
    bound = 4 * math.sqrt(exact * (1 - exact) / b) + 1 / (b + 1)
    assert abs(result.p_value - exact) <= bound, (result.p_value, exact, bound)


# --------------------------------------------------------------------------- 5. difference in differences

def did_dataset(tmp_path):
    """Qualified leads per (channel, week): Авито (the scope) 20 → 35, Яндекс Директ 30 → 28,
    plus unqualified leads, an unknown-channel lead, a repeat and a lead after both periods, none
    of which may count."""
    plan = {("Авито", "control"): (20, 15), ("Яндекс Директ", "control"): (30, 10),
            ("Авито", "variant"): (35, 5), ("Яндекс Директ", "variant"): (28, 12)}
    rows, lead_id = [], 1
    for (channel, arm), (qualified, other) in plan.items():
        for i in range(qualified + other):
            day = 1 + i % 7 if arm == "control" else 8 + i % 7
            status = "Квалифицирован" if i < qualified else "Отказ"
            rows.append(sample_row(lead_id, created=f"{day:02d}.09.2026 {9 + i % 10}:00", channel=channel,
                                   status=status, reason="Нет денег" if status == "Отказ" else "",
                                   phone=f"+7 901 {lead_id:07d}"))
            lead_id += 1
    rows += [sample_row(lead_id, created="03.09.2026 10:00", channel="", status="Квалифицирован",
                        phone="+7 902 0000001"),  # no source: the «unknown» channel
             sample_row(lead_id + 1, created="10.09.2026 10:00", channel="Авито", status="Квалифицирован",
                        phone="+7 901 0000001"),  # the same phone as lead 1: a repeat
             sample_row(lead_id + 2, created="20.09.2026 10:00", channel="Авито", status="Квалифицирован",
                        phone="+7 903 0000001")]
    return load_dataset(write_csv(tmp_path / "did.csv", SAMPLE_HEADERS, rows), as_of="2026-12-31")


def test_difference_in_differences_ratio_of_ratios_by_hand(tmp_path):
    # package: analysis/experiment.py _did via evaluate (scipy norm.ppf / norm.sf). Hand:
    # ln RoR = ln(35/20) − ln(28/30), SE = sqrt(1/35 + 1/20 + 1/28 + 1/30) (Poisson counts, delta method),
    # CI exp(ln RoR ± z·SE), p = erfc(|ln RoR|/SE/√2).
    params = experiment_parameters(leads="x", arms_by="period", control="2026-09-01:2026-09-07",
                                   variant="2026-09-08:2026-09-14", scope_channel="Авито")
    did = evaluate(did_dataset(tmp_path), params).did
    assert did["counts"] == {"control_scope": 20, "control_untouched": 30, "variant_scope": 35, "variant_untouched": 28}
    log_ror = math.log(35 / 20) - math.log(28 / 30)
    se = math.sqrt(1 / 35 + 1 / 20 + 1 / 28 + 1 / 30)
    z = norm_ppf(0.975)
    assert math.exp(log_ror) == pytest.approx(1.875, rel=1e-15)  # (35/20)/(28/30) = 1.75/0.9333…
    assert did["ratio_of_ratios"] == pytest.approx(1.875, rel=1e-12)
    assert did["scope_change"] == pytest.approx(1.75) and did["untouched_change"] == pytest.approx(28 / 30)
    assert did["ci"] == pytest.approx([math.exp(log_ror - z * se), math.exp(log_ror + z * se)], rel=1e-12)
    assert did["ci"] == pytest.approx([0.882997, 3.981469], abs=1e-6)
    assert did["p_value"] == pytest.approx(math.erfc(abs(log_ror) / se / SQRT2), rel=1e-10)
    assert did["p_value"] == pytest.approx(0.101819, abs=1e-6)


# --------------------------------------------------------------------------- 6. power and sample size

def power_h(h: float, n1: float, n2: float, alpha: float = 0.05) -> float:
    """Two-sided power of the z test on Cohen's h: Φ(h·k − z) + Φ(−h·k − z), k = 1/sqrt(1/n1 + 1/n2)."""
    z = norm_ppf(1 - alpha / 2)
    k = 1 / math.sqrt(1 / n1 + 1 / n2)
    return norm_cdf(abs(h) * k - z) + norm_cdf(-abs(h) * k - z)


def cohen_h(p1: float, p2: float) -> float:
    return 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))


def bisect(f, low: float, high: float) -> float:
    """Plain bisection to machine precision (f(low) and f(high) of opposite signs)."""
    f_low = f(low)
    for _ in range(300):
        mid = 0.5 * (low + high)
        if (f(mid) > 0) == (f_low > 0):
            low, f_low = mid, f(mid)
        else:
            high = mid
        if high - low <= 1e-15 * max(1.0, abs(mid)):
            break
    return 0.5 * (low + high)


def test_sample_size_power_and_mde_for_two_rates_by_hand():
    # package: statsmodels NormalIndPower (solve_power / power), brentq for the MDE.
    # Hand: own power function (both tails) and own bisection; closed form as a cross-check.
    h = cohen_h(0.25, 0.20)
    assert h == pytest.approx(0.11990233319498567, rel=1e-13)  # docs/methods.md
    n = bisect(lambda n: power_h(h, n, n) - 0.8, 10, 1e6)
    assert stats.sample_size_two_rates(0.25, 0.20) == pytest.approx(n, rel=1e-8)
    assert n == pytest.approx(1091.8961587, rel=1e-9)  # docs/methods.md
    # closed form n = 2((z_{1−α/2} + z_{1−β})/h)² ignores the far tail Φ(−hk − z) ≈ 1e-6: agrees to 1e-5
    closed = 2 * ((norm_ppf(0.975) + norm_ppf(0.8)) / h) ** 2
    assert stats.sample_size_two_rates(0.25, 0.20) == pytest.approx(closed, rel=1e-5)
    # unequal groups: n2 = ratio·n1, group 1's size returned
    n_ratio = bisect(lambda n: power_h(h, n, 2.5 * n) - 0.8, 10, 1e6)
    assert stats.sample_size_two_rates(0.25, 0.20, ratio=2.5) == pytest.approx(n_ratio, rel=1e-8)
    # alpha 0.01, power 0.9
    n_strict = bisect(lambda n: power_h(h, n, n, alpha=0.01) - 0.9, 10, 1e6)
    assert stats.sample_size_two_rates(0.25, 0.20, alpha=0.01, power=0.9) == pytest.approx(n_strict, rel=1e-8)
    # onetail (unpooled alternative variance): n1 = ((z_{α/2}·σ0 + z_β·σ1)/Δ)², σ0² = p̄(1−p̄)(1 + 1/k),
    # p̄ = (p1 + k p2)/(1 + k), σ1² = p1(1−p1) + p2(1−p2)/k (Fleiss, Statistical Methods for Rates 4.14)
    for k in (1.0, 2.0):
        p1, p2 = 0.25, 0.20
        pooled = (p1 + k * p2) / (1 + k)
        sigma0 = math.sqrt(pooled * (1 - pooled) * (1 + 1 / k))
        sigma1 = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / k)
        expected = ((norm_ppf(0.975) * sigma0 + norm_ppf(0.8) * sigma1) / (p1 - p2)) ** 2
        assert stats.sample_size_two_rates(p1, p2, ratio=k, method="onetail") == pytest.approx(expected, rel=1e-10)
    assert stats.sample_size_two_rates(0.25, 0.20, method="onetail") == pytest.approx(1093.7390458, rel=1e-9)
    # power at given sizes
    for p1, p2, n1, n2 in ((0.25, 0.20, 1000, 1000), (0.3, 0.4, 150, 420), (0.05, 0.08, 2000, 900)):
        assert stats.power_two_rates(p1, p2, n1, n2) == pytest.approx(power_h(cohen_h(p1, p2), n1, n2), rel=1e-10)
    # MDE: solve power(h) = 0.8 for h, then invert the arcsine in closed form:
    # a drop: p = sin²(asin √base − h/2); a rise: sin²(asin √base + h/2)
    for base, n1, n2 in ((0.3, 500, 800), (0.1, 2000, 2000)):
        h_star = bisect(lambda h: power_h(h, n1, n2) - 0.8, 1e-6, 3.0)
        drop = base - math.sin(math.asin(math.sqrt(base)) - h_star / 2) ** 2
        rise = math.sin(math.asin(math.sqrt(base)) + h_star / 2) ** 2 - base
        assert stats.mde_two_rates(base, n1, n2) == pytest.approx(drop, rel=1e-7)
        assert stats.mde_two_rates(base, n1, n2, direction=1) == pytest.approx(rise, rel=1e-7)
    # too few leads to detect even a drop to 0: h(0, base) = 2 asin √base bounds every effect
    assert power_h(2 * math.asin(math.sqrt(0.02)), 5, 5) < 0.8
    assert stats.mde_two_rates(0.02, 5, 5) is None


def test_poisson_ratio_sample_size_power_and_weeks_by_hand():
    # package: sps.norm.ppf/cdf inside the same closed forms. Hand: Var(ln R̂) ≈ 1/E_c + 1/E_v with
    # E_v = r·E_c (equal exposure), so E_c = (z_{α/2} + z_β)²(1/r + 1)/(ln r)² (docs/methods.md: 433 for 1.2).
    z = norm_ppf(0.975) + norm_ppf(0.8)
    events = z ** 2 * (1 / 1.2 + 1) / math.log(1.2) ** 2
    assert round(events) == 433
    assert stats.sample_size_poisson_ratio(1.2) == pytest.approx(events, rel=1e-12)
    assert stats.sample_size_poisson_ratio(0.8, alpha=0.1, power=0.9) == pytest.approx(
        (norm_ppf(0.95) + norm_ppf(0.9)) ** 2 * (1 / 0.8 + 1) / math.log(0.8) ** 2, rel=1e-12)

    def power(e: float, r: float, alpha: float = 0.05, phi: float = 1.0) -> float:
        se = math.sqrt(phi * (1 / e) * (1 / r + 1))
        c = norm_ppf(1 - alpha / 2)
        return norm_cdf(abs(math.log(r)) / se - c) + norm_cdf(-abs(math.log(r)) / se - c)

    for e, r, phi in ((433.0, 1.2, 1.0), (120.0, 1.5, 1.0), (300.0, 0.7, 2.3), (60.0, 1.2, 1.4)):
        assert stats.power_poisson_ratio(e, r, dispersion=phi) == pytest.approx(power(e, r, phi=phi), rel=1e-10)
    # at the planned events the power is 0.8 plus the far tail Φ(−2.80 − 1.96) ≈ 1e-6
    assert stats.power_poisson_ratio(events, 1.2) == pytest.approx(0.8 + norm_cdf(-z - norm_ppf(0.975)), abs=1e-12)
    # φ multiplies the events needed: power(φ·E, φ) = power(E, 1)
    assert stats.power_poisson_ratio(2.3 * 200, 1.3, dispersion=2.3) == pytest.approx(power(200, 1.3), rel=1e-10)
    # weeks: (needed − already) / per week, never negative; no flow → None
    assert stats.weeks_needed(433.08, 40, already=113) == pytest.approx((433.08 - 113) / 40, rel=1e-15)
    assert stats.weeks_needed(100, 40, already=500) == 0.0
    assert stats.weeks_needed(100, 0) is None


def test_weeks_for_power_by_hand():
    # package: verdict.weeks_for_power → sample_size_two_rates (NormalIndPower.solve_power) → weeks_needed.
    # Hand: baseline 300/1000 = 0.3; δ = max(0.03, 0.2·0.3) = 0.06; the scope is worse when lower → 0.24;
    # baseline:scope = 1000:200 = 5, so n_scope solves power(h(0.24, 0.3), n, 5n) = 0.8 (own bisection);
    # the scope's flow is 200 leads in 4 weeks → 50/week; weeks = (n − 200)/50.
    counts = MetricCounts(scope_events=40, scope_total=200, baseline_events=300, baseline_total=1000,
                          scope_mature_leads=200)
    test = gap_test(counts, higher_is_worse=False, alpha=0.05)
    assert test.baseline_rate == 0.3 and test.min_gap == pytest.approx(0.06)
    h = cohen_h(0.24, 0.3)
    n = bisect(lambda n: power_h(h, n, 5 * n) - 0.8, 10, 1e7)
    expected = (n - 200) / 50
    assert weeks_for_power(counts, test, False, 4.0, 0.05) == pytest.approx(expected, rel=1e-8)
    # higher is worse: 0.3 + 0.06 = 0.36
    test_up = gap_test(counts, higher_is_worse=True, alpha=0.05)
    n_up = bisect(lambda n: power_h(cohen_h(0.36, 0.3), n, 5 * n) - 0.8, 10, 1e7)
    assert weeks_for_power(counts, test_up, True, 4.0, 0.05) == pytest.approx((n_up - 200) / 50, rel=1e-8)
    # alpha and power pass through
    n_strict = bisect(lambda n: power_h(h, n, 5 * n, alpha=0.01) - 0.9, 10, 1e7)
    assert weeks_for_power(counts, test, False, 4.0, 0.01, power=0.9) == pytest.approx((n_strict - 200) / 50, rel=1e-8)


# --------------------------------------------------------------------------- 7. posterior P(variant better)

def exact_p_variant_better(q_c: float, e_c: float, q_v: float, e_v: float) -> tuple[float, float]:
    """λ ~ Gamma(a = 0.5 + q, rate e) ⇒ e·λ ~ Gamma(a, 1). With G_c, G_v independent Gamma(a, 1),
    B = G_v/(G_v + G_c) ~ Beta(a_v, a_c) and λ_v > λ_c ⇔ G_v e_c > G_c e_v ⇔ B > e_v/(e_c + e_v), so
    P = 1 − I_{e_v/(e_c+e_v)}(a_v, a_c) = I_{e_c/(e_c+e_v)}(a_c, a_v). Returned with a second value by
    quadrature: ∫ f_c(x) Q(a_v, e_v x) dx, f_c the Gamma(a_c, rate e_c) density written out."""
    a_c, a_v = 0.5 + q_c, 0.5 + q_v
    by_beta = float(special.betainc(a_c, a_v, e_c / (e_c + e_v)))

    def integrand(x: float) -> float:
        log_density = a_c * math.log(e_c) + (a_c - 1) * math.log(x) - e_c * x - math.lgamma(a_c)
        return math.exp(log_density) * float(special.gammaincc(a_v, e_v * x))

    mean, sd = a_c / e_c, math.sqrt(a_c) / e_c
    low, high = max(0.0, mean - 15 * sd), mean + 15 * sd
    by_quad, _ = integrate.quad(integrand, low, high, points=[mean], epsabs=1e-13, epsrel=1e-12, limit=200)
    return by_beta, by_quad


def test_p_variant_better_against_the_exact_posterior_probability():
    # package: seeded Monte Carlo with numpy Generator.gamma(shape, scale = 1/exposure), 100 000 draws.
    # Hand: the incomplete-beta identity and, independently, quadrature (see above); they agree to 1e-9.
    by_beta, by_quad = exact_p_variant_better(60, 100, 63, 100)
    assert by_beta == pytest.approx(by_quad, abs=1e-9)
    assert round(by_beta, 5) == 0.60655  # the brief's value, to 5 digits
    assert POSTERIOR_DRAWS == 100_000
    se = math.sqrt(by_beta * (1 - by_beta) / POSTERIOR_DRAWS)
    assert abs(p_variant_better(60, 100, 63, 100) - by_beta) <= 3 * se
    # unequal exposures (100 vs 400): the rate/scale parametrisation matters. Correct (rate = exposure):
    # λ_c ≈ 0.605, λ_v ≈ 0.626 → P ≈ 0.6; with scale = exposure the means would be 6 050 and 100 200 → P ≈ 1.
    by_beta, by_quad = exact_p_variant_better(60, 100, 250, 400)
    assert by_beta == pytest.approx(by_quad, abs=1e-9)
    assert 0.55 < by_beta < 0.7
    swapped = float(special.betainc(60.5, 250.5, (1 / 100) / (1 / 100 + 1 / 400)))  # rates 1/e: what a swap means
    assert swapped > 0.999
    se = math.sqrt(by_beta * (1 - by_beta) / POSTERIOR_DRAWS)
    assert abs(p_variant_better(60, 100, 250, 400) - by_beta) <= 3 * se
    # and the other way round (variant with the small exposure): P ≈ 0.4 — a swap would give ≈ 0
    by_beta, _ = exact_p_variant_better(240, 400, 58, 100)
    se = math.sqrt(by_beta * (1 - by_beta) / POSTERIOR_DRAWS)
    assert 0.2 < by_beta < 0.5
    assert abs(p_variant_better(240, 400, 58, 100) - by_beta) <= 3 * se


# --------------------------------------------------------------------------- 8. Boschloo

def boschloo_brute_force(x1: int, n1: int, x2: int, n2: int, side: str) -> float:
    """Boschloo's test with groups as rows: the statistic is Fisher's one-sided conditional p-value
    (exact rationals: P(A ≤ a | a + b) for 'less', P(A ≥ a | a + b) for 'greater', A hypergeometric);
    p = max over the common rate π of Σ_{tables with Fisher p ≤ observed} Bin(a; n1, π) Bin(b; n2, π).
    The maximum is found on a grid of 20 001 points and refined with a bounded scalar optimiser
    around the best grid points (scipy's boschloo_exact uses shgo with Sobol points instead)."""
    def fisher(a: int, b: int) -> Fraction:
        s = a + b
        support = range(max(0, s - n2), min(n1, s) + 1)
        denominator = math.comb(n1 + n2, s)
        pick = (lambda k: k <= a) if side == "less" else (lambda k: k >= a)
        return Fraction(sum(math.comb(n1, k) * math.comb(n2, s - k) for k in support if pick(k)), denominator)

    observed = fisher(x1, x2)
    region = [(a, b) for a in range(n1 + 1) for b in range(n2 + 1) if fisher(a, b) <= observed]
    a = np.array([t[0] for t in region], dtype=float)
    b = np.array([t[1] for t in region], dtype=float)
    log_comb = np.array([math.log(math.comb(n1, int(i)) * math.comb(n2, int(j))) for i, j in region])

    def p_of(pi: float) -> float:
        if pi <= 0.0 or pi >= 1.0:  # only the all-failure / all-success tables have mass there
            edge = (0, 0) if pi <= 0 else (n1, n2)
            return 1.0 if edge in region else 0.0
        return float(np.exp(log_comb + (a + b) * math.log(pi) + (n1 + n2 - a - b) * math.log1p(-pi)).sum())

    grid = np.linspace(0.0, 1.0, 20001)
    values = np.array([p_of(pi) for pi in grid])
    best = float(values.max())
    for index in np.argsort(values)[-5:]:
        low, high = grid[max(index - 1, 0)], grid[min(index + 1, len(grid) - 1)]
        fit = optimize.minimize_scalar(lambda pi: -p_of(pi), bounds=(low, high), method="bounded",
                                       options={"xatol": 1e-13})
        best = max(best, -float(fit.fun))
    return best


def test_boschloo_by_brute_force_enumeration():
    # package: scipy boschloo_exact on the transposed table (groups as columns), two-sided = 2 × the
    # smaller one-sided p (docs/methods.md: 0.1564468996 for 3/10 vs 12/20).
    less = boschloo_brute_force(3, 10, 12, 20, "less")
    greater = boschloo_brute_force(3, 10, 12, 20, "greater")
    two_sided = min(1.0, 2 * min(less, greater))
    assert two_sided == pytest.approx(0.1564468996, rel=1e-8)
    assert stats.exact_test(3, 10, 12, 20, method="boschloo").p_value == pytest.approx(two_sided, rel=1e-8)
    assert stats.exact_test(3, 10, 12, 20, "smaller", method="boschloo").p_value == pytest.approx(less, rel=1e-8)
    assert stats.exact_test(3, 10, 12, 20, "larger", method="boschloo").p_value == pytest.approx(greater, rel=1e-8)
    # the docs/methods.md trap: on the untransposed table (3/15 vs 7/15, groups = the columns) the answer differs
    wrong = min(1.0, 2 * min(boschloo_brute_force(3, 15, 7, 15, "less"), boschloo_brute_force(3, 15, 7, 15, "greater")))
    assert wrong == pytest.approx(0.1418316377, rel=1e-8)
    assert abs(wrong - two_sided) > 0.01
    # the small-sample branch of compare_rates: 1/12 vs 6/14
    less = boschloo_brute_force(1, 12, 6, 14, "less")
    greater = boschloo_brute_force(1, 12, 6, 14, "greater")
    result = stats.compare_rates(1, 12, 6, 14)
    assert result.test == "boschloo"
    assert result.p_value == pytest.approx(min(1.0, 2 * min(less, greater)), rel=1e-8)


# --------------------------------------------------------------------------- 9. adjusted residuals

def test_adjusted_residuals_and_bonferroni_cut_by_hand():
    # package: numpy outer products in adjusted_residuals; scipy norm.ppf for the cut.
    # Hand (Haberman 1973): r_ij = (O − E)/sqrt(E(1 − r_i/N)(1 − c_j/N)), in loops; and independently,
    # r_ij² equals the Pearson X² of the 2×2 table "row i vs the rest × column j vs the rest" (with
    # a = O_ij: X² = N(aN − r c)²/(r(N − r)c(N − c)) and (aN − r c)/N = O − E), sign from O − E.
    table = [[30, 10, 10], [20, 25, 15], [10, 15, 35]]
    rows = [sum(r) for r in table]
    columns = [sum(c) for c in zip(*table)]
    total = sum(rows)
    by_formula = np.zeros((3, 3))
    by_collapse = np.zeros((3, 3))
    for i, j in itertools.product(range(3), range(3)):
        expected = rows[i] * columns[j] / total
        by_formula[i, j] = (table[i][j] - expected) / math.sqrt(
            expected * (1 - rows[i] / total) * (1 - columns[j] / total))
        a = table[i][j]
        collapsed = [[a, rows[i] - a], [columns[j] - a, total - rows[i] - columns[j] + a]]
        by_collapse[i, j] = math.copysign(math.sqrt(pearson_chi2(collapsed)), table[i][j] - expected)
    assert by_formula == pytest.approx(by_collapse, rel=1e-12)
    assert by_formula[0, 0] == pytest.approx(4.351071, abs=1e-6)  # docs/methods.md
    assert by_formula[2, 2] == pytest.approx(4.642462, abs=1e-6)  # docs/methods.md
    assert stats.adjusted_residuals(np.array(table)) == pytest.approx(by_formula, rel=1e-12)
    # Bonferroni over the 9 cells, two-sided: z(1 − 0.05/18) = 2.7729…
    cut = norm_ppf(1 - 0.05 / (2 * 9))
    result = stats.test_association(table, ["a", "b", "c"], ["x", "y", "z"])
    assert result.cut == pytest.approx(cut, rel=1e-12)
    labels_r, labels_c = ["a", "b", "c"], ["x", "y", "z"]
    flagged = {(labels_r[i], labels_c[j]) for i, j in itertools.product(range(3), range(3))
               if abs(by_formula[i, j]) > cut}
    assert {(r, c) for r, c, _ in result.flagged} == flagged
    # |r| = 4.351 ([0,0]), 3.753 ([2,0]), 4.642 ([2,2]) exceed 2.7729; the next largest, 2.694 ([0,2]), does not
    assert flagged == {("a", "x"), ("c", "x"), ("c", "z")}
    for r, c, value in result.flagged:
        assert value == pytest.approx(by_formula[labels_r.index(r), labels_c.index(c)], rel=1e-12)
    # at alpha 0.01 the cut rises to z(1 − 0.01/18)
    strict = stats.test_association(table, labels_r, labels_c, alpha=0.01)
    assert strict.cut == pytest.approx(norm_ppf(1 - 0.01 / 18), rel=1e-12)
    assert {(r, c) for r, c, _ in strict.flagged} == {
        (labels_r[i], labels_c[j]) for i, j in itertools.product(range(3), range(3))
        if abs(by_formula[i, j]) > norm_ppf(1 - 0.01 / 18)}
