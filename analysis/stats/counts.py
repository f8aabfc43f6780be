"""Counts per exposure and ratio metrics (docs/methods.md §4, 5): leads per day or per 1000 ₽,
cost per qualified lead, qualified per spend with days as units.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning
from statsmodels.stats.rates import confint_poisson, confint_poisson_2indep, test_poisson_2indep

from ..errors import StatisticsError
from ..i18n import t
from . import messages
from ._common import ResultFrame, check_alpha, check_nonnegative, clean, clean_pair, format_p

#: Bootstrap resamples over units (days) for the ratio fallback; seeded for repeatable reports.
BOOTSTRAP_RESAMPLES = 4000
BOOTSTRAP_SEED = 20261122
MIN_BOOTSTRAP_UNITS = 5


@dataclass(frozen=True)
class PoissonRate(ResultFrame):
    """``count`` events over ``exposure`` (days, or thousands of ₽) with an exact interval."""

    count: float
    exposure: float
    rate: float | None
    ci: tuple[float | None, float | None]
    alpha: float
    warnings: tuple[str, ...] = ()

    def summary(self, lang: str = "en", metric: str = "") -> str:
        if self.rate is None:
            return t("stats.no_data", lang, label="")
        return t("stats.per_exposure", lang, metric=metric, rate=_fmt(self.rate, lang), low=_fmt(self.ci[0], lang),
                 high=_fmt(self.ci[1], lang), count=_fmt(self.count, lang, 0))


def _fmt(value: float | None, lang: str, digits: int = 3) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",") if lang == "ru" else text


def poisson_rate(count: float, exposure: float, alpha: float = 0.05) -> PoissonRate:
    """Rate per unit of exposure with the exact (Garwood) interval, ``confint_poisson(method='exact-c')``."""
    alpha = check_alpha(alpha)
    count = check_nonnegative(count, "count")
    exposure = check_nonnegative(exposure, "exposure")
    if exposure == 0:
        return PoissonRate(count, exposure, None, (None, None), alpha, (messages.NO_DATA,))
    low, high = confint_poisson(count, exposure, method="exact-c", alpha=alpha)
    return PoissonRate(count, exposure, count / exposure, (clean(low) or 0.0, clean(high)), alpha)


@dataclass(frozen=True)
class PoissonComparison(ResultFrame):
    """Rate ratio (group 1 / group 2) with a score interval and test; ``dispersion`` > 1 widens both."""

    count1: float
    exposure1: float
    count2: float
    exposure2: float
    rate1: float | None
    rate2: float | None
    ratio: float | None
    ratio_ci: tuple[float | None, float | None]
    statistic: float | None
    p_value: float | None
    dispersion: float
    alpha: float
    warnings: tuple[str, ...] = ()

    def summary(self, lang: str = "en", labels: tuple[str, str] = ("group 1", "group 2"), metric: str = "") -> str:
        if self.ratio is None:
            return t("stats.no_data", lang, label="")
        low, high = self.ratio_ci
        key = "stats.beyond_chance" if self.p_value is not None and self.p_value < self.alpha else "stats.within_chance"
        return t("stats.ratio", lang, label1=labels[0], label2=labels[1], metric=metric, ratio=f"{self.ratio:.2f}",
                 low="—" if low is None else f"{low:.2f}", high="—" if high is None else f"{high:.2f}") \
            + "; " + t(key, lang, p=format_p(self.p_value, lang)) + "."


def compare_poisson(count1: float, exposure1: float, count2: float, exposure2: float, alpha: float = 0.05,
                    dispersion: float = 1.0) -> PoissonComparison:
    """Compare two Poisson rates: score test and interval of the ratio (docs/methods.md §4).

    ``test_poisson_2indep(method='score', compare='ratio')`` and
    ``confint_poisson_2indep(method='score')``. With quasi-Poisson ``dispersion`` φ > 1,
    counts and exposures are divided by φ (same rates, φ times the variance), which
    widens the interval and raises the p-value as a quasi-Poisson fit would.
    """
    alpha = check_alpha(alpha)
    count1, count2 = check_nonnegative(count1, "count1"), check_nonnegative(count2, "count2")
    exposure1, exposure2 = check_nonnegative(exposure1, "exposure1"), check_nonnegative(exposure2, "exposure2")
    dispersion = max(1.0, check_nonnegative(dispersion, "dispersion", positive=True))
    rate1 = count1 / exposure1 if exposure1 else None
    rate2 = count2 / exposure2 if exposure2 else None
    if not exposure1 or not exposure2:
        return PoissonComparison(count1, exposure1, count2, exposure2, rate1, rate2, None, (None, None), None, None,
                                 dispersion, alpha, (messages.NO_DATA,))
    warnings = [messages.OVERDISPERSED] if dispersion > 1 else []
    if count1 + count2 == 0:
        warnings.append(messages.RATIO_UNDEFINED)
        return PoissonComparison(count1, exposure1, count2, exposure2, rate1, rate2, None, (None, None), None, 1.0,
                                 dispersion, alpha, tuple(warnings))
    scaled = (count1 / dispersion, exposure1 / dispersion, count2 / dispersion, exposure2 / dispersion)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = test_poisson_2indep(*scaled, method="score", compare="ratio")
        ci = clean_pair(confint_poisson_2indep(*scaled, method="score", compare="ratio", alpha=alpha))
    ratio = rate1 / rate2 if count2 else None
    if count1 == 0 or count2 == 0 or ci[0] is None or ci[1] is None or (ratio is not None and not ci[0] <= ratio <= ci[1]):
        # the score interval's root finder fails at a zero count (it returned (1.92, 1.92) for 0 vs 1):
        # use the exact conditional interval instead
        ci = exact_ratio_interval(count1 / dispersion, exposure1, count2 / dispersion, exposure2, alpha)
    if count2 == 0:
        # no events in group 2: the ratio is unbounded above, but the test and the lower bound still speak
        warnings.append(messages.RATIO_UNDEFINED)
        return PoissonComparison(count1, exposure1, count2, exposure2, rate1, rate2, None, (ci[0], None),
                                 clean(result.statistic), clean(result.pvalue), dispersion, alpha, tuple(warnings))
    return PoissonComparison(count1, exposure1, count2, exposure2, rate1, rate2, ratio, ci,
                             clean(result.statistic), clean(result.pvalue), dispersion, alpha, tuple(warnings))


def exact_ratio_interval(count1: float, exposure1: float, count2: float, exposure2: float,
                         alpha: float = 0.05) -> tuple[float | None, float | None]:
    """Exact conditional interval of a Poisson rate ratio: given n = k1 + k2, k1 ~ Binomial(n, π) with
    π = r·e1 / (r·e1 + e2); a Clopper–Pearson interval for π maps to r = π/(1 − π) · e2/e1."""
    n = count1 + count2
    if n <= 0:
        return None, None
    low_pi = 0.0 if count1 <= 0 else sps.beta.ppf(alpha / 2, count1, n - count1 + 1)
    high_pi = 1.0 if count2 <= 0 else sps.beta.ppf(1 - alpha / 2, count1 + 1, n - count1)
    scale = exposure2 / exposure1

    def ratio_of(pi: float) -> float | None:
        return None if pi >= 1 else float(pi / (1 - pi) * scale)

    return ratio_of(low_pi), ratio_of(high_pi)


@dataclass(frozen=True)
class Dispersion(ResultFrame):
    """Pearson dispersion φ = X²/df of a Poisson GLM of unit counts (days) with an offset."""

    phi: float
    df: int
    p_value: float | None
    overdispersed: bool

    def summary(self, lang: str = "en") -> str:
        key = "stats.dispersion.over" if self.overdispersed else "stats.dispersion.ok"
        return t(key, lang, phi=_fmt(self.phi, lang, 2), p=format_p(self.p_value, lang))


def count_dispersion(counts: Sequence[float], exposure: Sequence[float] | None = None,
                     groups: Sequence[str] | None = None, alpha: float = 0.05) -> Dispersion:
    """Overdispersion of daily counts: Poisson GLM (group effects, ``offset=log(exposure)``).

    φ = pearson_chi2 / df_resid; overdispersed when X² exceeds its chi-square(df) quantile
    at 1 − alpha. Use φ as ``dispersion`` in :func:`compare_poisson` (quasi-Poisson).
    """
    alpha = check_alpha(alpha)
    y = np.asarray(counts, dtype=float)
    if y.ndim != 1 or (y < 0).any() or not np.isfinite(y).all():
        raise StatisticsError("counts must be a list of non-negative numbers")
    offset = None
    if exposure is not None:
        offset_values = np.asarray(exposure, dtype=float)
        if offset_values.shape != y.shape or (offset_values <= 0).any():
            raise StatisticsError("exposure must be positive, one per count")
        offset = np.log(offset_values)
    if groups is not None:
        design = pd.get_dummies(pd.Series(list(groups), dtype=str), drop_first=True, dtype=float)
        design.insert(0, "const", 1.0)
    else:
        design = pd.DataFrame({"const": np.ones(len(y))})
    df = len(y) - design.shape[1]
    if df <= 0 or y.sum() == 0:
        return Dispersion(1.0, max(df, 0), None, False)
    with warnings.catch_warnings():
        # days that the model predicts exactly (all zero in a group) trip statsmodels' separation check;
        # for a dispersion estimate that is harmless
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        fit = GLM(y, design.to_numpy(), family=families.Poisson(), offset=offset).fit()
    phi = float(fit.pearson_chi2 / fit.df_resid)
    p_value = float(sps.chi2.sf(fit.pearson_chi2, fit.df_resid))
    return Dispersion(phi, int(fit.df_resid), p_value, bool(p_value < alpha and phi > 1))


@dataclass(frozen=True)
class CostPerEvent(ResultFrame):
    """Spend per event (CPL, CPQL, CAC) with spend fixed: spend / the Poisson interval of the count."""

    spend: float
    count: float
    cost: float | None
    ci: tuple[float | None, float | None]
    alpha: float
    warnings: tuple[str, ...] = ()

    def summary(self, lang: str = "en", metric: str = "") -> str:
        if self.cost is None:
            return t("stats.cost.none", lang, metric=metric, low=_fmt(self.ci[0], lang, 0))
        return t("stats.cost", lang, metric=metric, cost=_fmt(self.cost, lang, 0), low=_fmt(self.ci[0], lang, 0),
                 high=_fmt(self.ci[1], lang, 0), count=_fmt(self.count, lang, 0))


def cost_per_event(spend: float, count: float, alpha: float = 0.05) -> CostPerEvent:
    """CPQL and friends (docs/methods.md §5): ``spend / confint_poisson(count, method='exact-c')``, reversed.

    With zero events the cost is undefined (None) but its lower bound is still
    spend / the upper count bound.
    """
    alpha = check_alpha(alpha)
    spend = check_nonnegative(spend, "spend")
    count = check_nonnegative(count, "count")
    low, high = confint_poisson(count, 1.0, method="exact-c", alpha=alpha)
    high_cost = spend / low if low and low > 0 else None
    low_cost = spend / high if high and high > 0 else None
    if count == 0:
        return CostPerEvent(spend, count, None, (clean(low_cost), None), alpha, (messages.RATIO_UNDEFINED,))
    return CostPerEvent(spend, count, spend / count, (clean(low_cost), clean(high_cost)), alpha)


@dataclass(frozen=True)
class RatioEstimate(ResultFrame):
    """R = Σy / Σx over units (days) with a delta-method or bootstrap interval."""

    ratio: float | None
    ci: tuple[float | None, float | None]
    standard_error: float | None
    units: int
    method: str
    alpha: float
    warnings: tuple[str, ...] = ()

    def summary(self, lang: str = "en", metric: str = "") -> str:
        if self.ratio is None:
            return t("stats.no_data", lang, label="")
        return t("stats.ratio_units", lang, metric=metric, ratio=_fmt(self.ratio, lang, 4), low=_fmt(self.ci[0], lang, 4),
                 high=_fmt(self.ci[1], lang, 4), units=self.units)


def ratio_delta(numerator: Sequence[float], denominator: Sequence[float], alpha: float = 0.05) -> RatioEstimate:
    """Ratio of sums with units as the sampling unit (Deng et al. 2018, docs/methods.md §5).

    Var(R) ≈ (s_y² − 2R s_xy + R² s_x²) / (n x̄²). Falls back to a seeded bootstrap over
    units when there are fewer than 10 units or the delta variance is not positive.
    """
    alpha = check_alpha(alpha)
    y = np.asarray(numerator, dtype=float)
    x = np.asarray(denominator, dtype=float)
    if y.shape != x.shape or y.ndim != 1:
        raise StatisticsError("numerator and denominator need one value per unit")
    if (x < 0).any() or not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise StatisticsError("denominators must be finite and ≥ 0")
    n = len(y)
    if n == 0 or x.sum() == 0:
        return RatioEstimate(None, (None, None), None, n, "none", alpha, (messages.NO_DATA,))
    ratio = y.sum() / x.sum()
    if n < 10:
        return ratio_bootstrap(y, x, alpha)
    mean_x = x.mean()
    covariance = np.cov(np.vstack([y, x]), ddof=1)
    variance = (covariance[0, 0] - 2 * ratio * covariance[0, 1] + ratio ** 2 * covariance[1, 1]) / (n * mean_x ** 2)
    if not variance > 0:
        return ratio_bootstrap(y, x, alpha)
    se = math.sqrt(variance)
    z = sps.norm.ppf(1 - alpha / 2)
    return RatioEstimate(ratio, (max(0.0, ratio - z * se) if (y >= 0).all() else ratio - z * se, ratio + z * se),
                         se, n, "delta", alpha)


def ratio_bootstrap(numerator: Sequence[float], denominator: Sequence[float], alpha: float = 0.05,
                    resamples: int = BOOTSTRAP_RESAMPLES) -> RatioEstimate:
    """Percentile bootstrap of Σy/Σx over units (never over leads), seeded.

    Fewer than :data:`MIN_BOOTSTRAP_UNITS` units give the ratio without an interval: a
    bootstrap of two days would claim a precision it does not have.
    """
    alpha = check_alpha(alpha)
    y = np.asarray(numerator, dtype=float)
    x = np.asarray(denominator, dtype=float)
    if y.shape != x.shape or y.ndim != 1:
        raise StatisticsError("numerator and denominator need one value per unit")
    if (x < 0).any() or not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise StatisticsError("denominators must be finite and ≥ 0")
    n = len(y)
    if n == 0 or x.sum() == 0:
        return RatioEstimate(None, (None, None), None, n, "none", alpha, (messages.NO_DATA,))
    if n < MIN_BOOTSTRAP_UNITS:
        return RatioEstimate(y.sum() / x.sum(), (None, None), None, n, "none", alpha, (messages.SMALL_SAMPLE,))
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    index = rng.integers(0, n, size=(resamples, n))
    sums_x = x[index].sum(axis=1)
    keep = sums_x > 0
    if keep.sum() < 2:
        return RatioEstimate(y.sum() / x.sum(), (None, None), None, n, "none", alpha, (messages.SMALL_SAMPLE,))
    ratios = y[index].sum(axis=1)[keep] / sums_x[keep]
    low, high = np.quantile(ratios, [alpha / 2, 1 - alpha / 2])
    return RatioEstimate(y.sum() / x.sum(), (float(low), float(high)), float(ratios.std(ddof=1)), n, "bootstrap",
                         alpha, (messages.BOOTSTRAP,))
