"""Many groups at once (docs/methods.md §2): homogeneity, each vs the pooled rest with Holm / BH,
funnel-plot control limits (Spiegelhalter 2005) with an overdispersion adjustment, and
empirical-Bayes beta-binomial shrinkage for small groups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from ..errors import StatisticsError
from ..i18n import t
from . import messages
from ._common import check_alpha, check_count, clean, format_p, format_pct
from .rates import compare_rates

Adjust = Literal["holm", "fdr_bh"]


def adjust_pvalues(p_values: Sequence[float], alpha: float = 0.05, method: Adjust = "holm") -> tuple[np.ndarray, np.ndarray]:
    """Adjusted p-values and rejections (``multipletests`` with the method always named:
    its default is Holm–Šidák, docs/methods.md §0). Returns (rejected, adjusted).
    """
    alpha = check_alpha(alpha)
    if method not in ("holm", "fdr_bh"):
        raise StatisticsError(f"adjust «{method}» is not holm or fdr_bh")
    values = np.asarray(p_values, dtype=float)
    if values.ndim != 1 or ((values < 0) | (values > 1) | ~np.isfinite(values)).any():
        raise StatisticsError("p-values must lie in [0, 1]")
    if len(values) == 0:
        return np.zeros(0, dtype=bool), values
    if method == "holm":
        # Holm's step-down adjustment, written out: statsmodels' multipletests runs a full
        # gc.collect() on every Holm call, ~0.1 s each with a million-lead table in memory.
        # Same values as multipletests(method="holm") (tests/test_stats_reference.py).
        order = np.argsort(values, kind="stable")
        steps = np.arange(len(values), 0, -1)
        adjusted = np.empty_like(values)
        adjusted[order] = np.minimum(np.maximum.accumulate(values[order] * steps), 1.0)
        return adjusted <= alpha, adjusted
    rejected, adjusted, _, _ = multipletests(values, alpha=alpha, method=method)
    return rejected, adjusted


def _check_groups(labels: Sequence[str], counts: Sequence[int], nobs: Sequence[int]) -> list[tuple[str, int, int]]:
    if not (len(labels) == len(counts) == len(nobs)):
        raise StatisticsError("labels, counts and nobs must have the same length")
    if len(set(map(str, labels))) != len(labels):
        raise StatisticsError("group labels must be unique")
    return [(str(label), *check_count(k, n)) for label, k, n in zip(labels, counts, nobs)]


@dataclass(frozen=True)
class GroupScan:
    """Each group vs the pooled rest, p-values adjusted for the scan.

    ``table`` columns: ``group, count, nobs, rate, rest_rate, difference, difference_low,
    difference_high, p_value, p_adjusted, flagged`` (flagged: adjusted p < alpha).
    """

    table: pd.DataFrame
    homogeneity_chi2: float | None
    homogeneity_df: int
    homogeneity_p: float | None
    adjust: str
    alpha: float
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self, lang: str = "en", metric: str = "") -> str:
        flagged = self.table.loc[self.table["flagged"]]
        if flagged.empty:
            return t("stats.scan.none", lang, metric=metric, p=format_p(self.homogeneity_p, lang))
        versus = "против" if lang == "ru" else "vs"
        parts = [f"{row.group} ({format_pct(row.rate, lang)} {versus} {format_pct(row.rest_rate, lang)})"
                 for row in flagged.itertuples()]
        return t("stats.scan.some", lang, metric=metric, groups=", ".join(parts), adjust=self.adjust)


def compare_groups(labels: Sequence[str], counts: Sequence[int], nobs: Sequence[int], alpha: float = 0.05,
                   adjust: Adjust = "holm") -> GroupScan:
    """Chi-square homogeneity on the k×2 table, then each group vs the pooled rest.

    Adjust with ``holm`` for claims or ``fdr_bh`` for screening (``multipletests`` defaults
    to Holm–Šidák: the method is always passed, docs/methods.md §0).
    """
    alpha = check_alpha(alpha)
    adjust_pvalues([], alpha, adjust)  # validates the method name
    groups = _check_groups(labels, counts, nobs)
    groups = [g for g in groups if g[2] > 0]
    warnings: list[str] = []
    total_k = sum(g[1] for g in groups)
    total_n = sum(g[2] for g in groups)
    rows = []
    for label, k, n in groups:
        comparison = compare_rates(k, n, total_k - k, total_n - n, alpha=alpha)
        rows.append({"group": label, "count": k, "nobs": n, "rate": k / n,
                     "rest_rate": comparison.rate2, "difference": comparison.difference,
                     "difference_low": comparison.difference_ci[0], "difference_high": comparison.difference_ci[1],
                     "p_value": comparison.p_value, "test": comparison.test})
    table = pd.DataFrame(rows, columns=["group", "count", "nobs", "rate", "rest_rate", "difference", "difference_low",
                                        "difference_high", "p_value", "test"])
    chi2, df, p_value = None, max(0, len(groups) - 1), None
    if len(groups) < 2:
        warnings.append(messages.NOT_ENOUGH_GROUPS)
        table["p_adjusted"] = table["p_value"]
    else:
        observed = np.array([[k, n - k] for _, k, n in groups])
        if observed[:, 0].sum() in (0, observed.sum()):
            warnings.append(messages.ALL_SAME_OUTCOME)
            p_value = 1.0
        else:
            result = sps.chi2_contingency(observed, correction=False)
            chi2, df, p_value = clean(result.statistic), int(result.dof), clean(result.pvalue)
            if result.expected_freq.min() < 5:
                warnings.append(messages.SMALL_SAMPLE)
        valid = table["p_value"].notna()
        adjusted = pd.Series(np.nan, index=table.index)
        if valid.any():
            adjusted[valid] = adjust_pvalues(table.loc[valid, "p_value"].to_numpy(dtype=float), alpha, adjust)[1]
        table["p_adjusted"] = adjusted.where(adjusted.notna(), None)
    table["flagged"] = table["p_adjusted"].fillna(1.0).astype(float) < alpha
    return GroupScan(table, chi2, df, p_value, adjust, alpha, tuple(warnings))


# --------------------------------------------------------------------------- funnel plot

def _exact_limit(probability: float, n: int, p0: float) -> float:
    """Spiegelhalter's interpolated binomial limit: (r − a)/n with r = binom.ppf(P, n, p0)."""
    r = sps.binom.ppf(probability, n, p0)
    upper = sps.binom.cdf(r, n, p0)
    lower = sps.binom.cdf(r - 1, n, p0)
    a = (upper - probability) / (upper - lower) if upper > lower else 0.0
    return float(min(1.0, max(0.0, (r - a) / n)))


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter's multiplicative φ (winsorised z-scores) and additive τ² on the arcsine scale."""

    phi: float
    tau2: float
    groups: int
    overdispersed: bool

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"phi": self.phi, "tau2": self.tau2, "groups": self.groups,
                              "overdispersed": self.overdispersed}])

    def summary(self, lang: str = "en") -> str:
        return t("stats.funnel_over" if self.overdispersed else "stats.funnel_ok", lang, phi=f"{self.phi:.2f}")


def funnel_overdispersion(counts: Sequence[int], nobs: Sequence[int], p0: float | None = None,
                          winsor: float = 0.1) -> Overdispersion:
    """Estimate overdispersion of group rates around ``p0`` (Spiegelhalter 2005).

    z-scores on the arcsine scale ``asin(sqrt(p))`` with standard error ``1/(2 sqrt(n))``
    are winsorised at ``winsor`` in each tail; φ = mean z²; when kφ > k − 1 the
    random-effects variance is τ² = (kφ − (k − 1)) / (Σw − Σw²/Σw) with w = 1/s².
    """
    pairs = [check_count(k, n) for k, n in zip(counts, nobs)]
    pairs = [(k, n) for k, n in pairs if n > 0]
    if len(pairs) < 3:
        return Overdispersion(1.0, 0.0, len(pairs), False)
    k = np.array([p[0] for p in pairs], dtype=float)
    n = np.array([p[1] for p in pairs], dtype=float)
    p0 = k.sum() / n.sum() if p0 is None else p0
    y = np.arcsin(np.sqrt(k / n))
    s = 1.0 / (2.0 * np.sqrt(n))
    z = (y - math.asin(math.sqrt(p0))) / s
    low, high = np.quantile(z, [winsor, 1 - winsor])
    z = np.clip(z, low, high)
    groups = len(z)
    phi = float(np.mean(z ** 2))
    weights = 1.0 / s ** 2
    tau2 = 0.0
    if groups * phi > groups - 1:
        tau2 = float((groups * phi - (groups - 1)) / (weights.sum() - (weights ** 2).sum() / weights.sum()))
    # τ² widens the limits whenever kφ > k − 1 (Spiegelhalter 2005, §3.3), not only when a test says so
    # (waiting for significance makes it too small for a handful of channels, as φ for small arms);
    # the test, kφ ~ chi-square(k − 1) under no overdispersion, only decides whether the report warns
    overdispersed = bool(sps.chi2.sf(groups * phi, groups - 1) < 0.05)
    return Overdispersion(phi, tau2, groups, overdispersed)


@dataclass(frozen=True)
class FunnelLimits:
    """Control limits around ``p0`` for each ``n`` (columns ``n, low_95, high_95, low_998, high_998``)."""

    p0: float
    method: str
    tau2: float
    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self, lang: str = "en") -> str:
        return t("stats.funnel_limits", lang, p0=format_pct(self.p0, lang, 1), method=self.method)


def funnel_limits(p0: float, n: Sequence[int] | np.ndarray, method: Literal["exact", "normal"] = "exact",
                  levels: Sequence[float] = (0.95, 0.998), tau2: float = 0.0) -> FunnelLimits:
    """Funnel-plot control limits (Spiegelhalter 2005, docs/methods.md §2).

    ``normal``: p0 ± z·sqrt(p0(1−p0)/n). ``exact``: the interpolated binomial limit.
    With ``tau2`` > 0 (overdispersion) the limits are widened on the arcsine scale:
    asin(sqrt(p0)) ± z·sqrt(1/(4n) + τ²), transformed back.

    Examples
    --------
    >>> limits = funnel_limits(0.3, [50]).table.iloc[0]  # docs/methods.md §2
    >>> round(float(limits.low_95), 6), round(float(limits.high_95), 6)
    (0.166139, 0.420136)
    """
    if not 0 < p0 < 1:
        raise StatisticsError(f"p0 = {p0} must lie strictly between 0 and 1")
    if method not in ("exact", "normal"):
        raise StatisticsError(f"method «{method}» is not exact or normal")
    sizes = np.asarray(n, dtype=int)
    if (sizes <= 0).any():
        raise StatisticsError("every n must be ≥ 1")
    rows = {"n": sizes}
    for level in levels:
        tail = (1 - level) / 2
        name = f"{level * 100:g}".replace(".", "")
        if tau2 > 0:
            z = sps.norm.ppf(1 - tail)
            centre = math.asin(math.sqrt(p0))
            spread = z * np.sqrt(1 / (4 * sizes) + tau2)
            low = np.sin(np.clip(centre - spread, 0, math.pi / 2)) ** 2
            high = np.sin(np.clip(centre + spread, 0, math.pi / 2)) ** 2
        elif method == "normal":
            z = sps.norm.ppf(1 - tail)
            half = z * np.sqrt(p0 * (1 - p0) / sizes)
            low, high = np.clip(p0 - half, 0, 1), np.clip(p0 + half, 0, 1)
        else:
            low = np.array([_exact_limit(tail, int(s), p0) for s in sizes])
            high = np.array([_exact_limit(1 - tail, int(s), p0) for s in sizes])
        rows[f"low_{name}"] = low
        rows[f"high_{name}"] = high
    return FunnelLimits(p0, method if tau2 == 0 else "arcsine_random_effects", tau2, pd.DataFrame(rows))


# --------------------------------------------------------------------------- shrinkage

@dataclass(frozen=True)
class Shrinkage:
    """Empirical-Bayes beta-binomial shrinkage: prior Beta(a, b) fitted to all groups.

    ``table`` columns: ``group, count, nobs, rate, shrunk_rate, shrunk_low, shrunk_high``.
    Rank groups on ``shrunk_rate``, never on the raw rate.
    """

    a: float
    b: float
    table: pd.DataFrame
    alpha: float
    warnings: tuple[str, ...] = ()

    @property
    def prior_mean(self) -> float:
        return self.a / (self.a + self.b)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self, lang: str = "en") -> str:
        return t("stats.shrinkage", lang, mean=format_pct(self.prior_mean, lang, 1), strength=f"{self.a + self.b:.0f}",
                 groups=len(self.table))


#: log(a + b) at which the prior is treated as "no between-group variation" (pooled rate).
_MAX_LOG_STRENGTH = 14.0


def shrink_rates(labels: Sequence[str], counts: Sequence[int], nobs: Sequence[int], alpha: float = 0.05) -> Shrinkage:
    """Fit Beta(a, b) by maximising Σ betabinom.logpmf(k_i, n_i, a, b) over log a, log b,
    then report posterior means (k + a)/(n + a + b) with ``beta.ppf`` intervals (docs/methods.md §2).
    """
    alpha = check_alpha(alpha)
    groups = [g for g in _check_groups(labels, counts, nobs) if g[2] > 0]
    warnings: list[str] = []
    k = np.array([g[1] for g in groups], dtype=float)
    n = np.array([g[2] for g in groups], dtype=float)
    if len(groups) == 0:
        return Shrinkage(1.0, 1.0, pd.DataFrame(columns=["group", "count", "nobs", "rate", "shrunk_rate", "shrunk_low",
                                                         "shrunk_high"]), alpha, (messages.NO_DATA,))
    pooled = (k.sum() + 0.5) / (n.sum() + 1.0)  # Jeffreys-smoothed: never exactly 0 or 1
    if len(groups) < 3:
        warnings.append(messages.NOT_ENOUGH_GROUPS)
        strength = math.exp(_MAX_LOG_STRENGTH)
        a, b = pooled * strength, (1 - pooled) * strength
    else:
        def negative_log_likelihood(theta: np.ndarray) -> float:
            mean = 1 / (1 + math.exp(-theta[0]))
            strength = math.exp(theta[1])
            return -float(sps.betabinom.logpmf(k, n, mean * strength, (1 - mean) * strength).sum())

        start = np.array([math.log(pooled / (1 - pooled)), math.log(10.0)])
        fit = optimize.minimize(negative_log_likelihood, start, method="L-BFGS-B",
                                bounds=[(-12, 12), (-3, _MAX_LOG_STRENGTH)])
        mean = 1 / (1 + math.exp(-fit.x[0]))
        strength = math.exp(fit.x[1])
        # the likelihood is flat in the strength once the groups do not vary beyond binomial
        # noise: no better than one pooled binomial rate means no between-group variation
        pooled_mle = k.sum() / n.sum()
        pooled_loglik = float(sps.binom.logpmf(k, n, pooled_mle).sum())
        if fit.x[1] >= _MAX_LOG_STRENGTH - 1e-3 or -fit.fun - pooled_loglik < 1e-3:
            warnings.append(messages.NO_VARIATION)
            mean, strength = (pooled_mle if 0 < pooled_mle < 1 else pooled), math.exp(_MAX_LOG_STRENGTH)
        a, b = mean * strength, (1 - mean) * strength
    post_a, post_b = k + a, n - k + b
    table = pd.DataFrame({
        "group": [g[0] for g in groups], "count": k.astype(int), "nobs": n.astype(int), "rate": k / n,
        "shrunk_rate": post_a / (post_a + post_b),
        "shrunk_low": sps.beta.ppf(alpha / 2, post_a, post_b), "shrunk_high": sps.beta.ppf(1 - alpha / 2, post_a, post_b),
    })
    return Shrinkage(float(a), float(b), table, alpha, tuple(warnings))
