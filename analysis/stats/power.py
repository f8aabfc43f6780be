"""Power, minimum detectable effect and sample-ratio mismatch (docs/methods.md §7).

Plans are expressed in weeks of the dealership's real lead flow, because "you need 1 092
leads per arm" means nothing to a marketer and "about 9 more weeks" does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import optimize
from scipy import stats as sps
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize, samplesize_proportions_2indep_onetail

from ..errors import StatisticsError
from ..i18n import t
from . import messages
from ._common import ResultFrame, check_alpha, check_nonnegative, clean, format_p


def _check_rate(value: float, name: str) -> float:
    number = check_nonnegative(value, name)
    if not 0 < number < 1:
        raise StatisticsError(f"{name} = {value} must lie strictly between 0 and 1")
    return number


def _check_power(power: float) -> float:
    number = check_nonnegative(power, "power")
    if not 0 < number < 1:
        raise StatisticsError(f"power = {power} must lie strictly between 0 and 1")
    return number


def cohens_h(rate1: float, rate2: float) -> float:
    """Cohen's effect size h = 2 asin(sqrt(p1)) − 2 asin(sqrt(p2)) (``proportion_effectsize``)."""
    return float(proportion_effectsize(_check_rate(rate1, "rate1"), _check_rate(rate2, "rate2")))


def sample_size_two_rates(rate1: float, rate2: float, alpha: float = 0.05, power: float = 0.8,
                          ratio: float = 1.0, method: str = "cohens_h") -> float:
    """Leads needed in group 1 to detect rate1 vs rate2, two-sided.

    ``cohens_h``: ``NormalIndPower`` on Cohen's h; ``onetail``:
    ``samplesize_proportions_2indep_onetail`` (unpooled variance), slightly larger.

    Examples
    --------
    >>> round(sample_size_two_rates(0.25, 0.20), 4)  # docs/methods.md §7
    1091.8962
    """
    alpha, power = check_alpha(alpha), _check_power(power)
    rate1, rate2 = _check_rate(rate1, "rate1"), _check_rate(rate2, "rate2")
    if rate1 == rate2:
        raise StatisticsError("rate1 and rate2 are equal: there is no effect to detect")
    if method == "onetail":
        # signature (diff, prop2, power, ratio): it returns the size of the group with prop1 = prop2 + diff
        return float(samplesize_proportions_2indep_onetail(rate1 - rate2, rate2, power, ratio=ratio, alpha=alpha,
                                                           alternative="two-sided"))
    if method != "cohens_h":
        raise StatisticsError(f"method «{method}» is not cohens_h or onetail")
    effect = abs(proportion_effectsize(rate1, rate2))
    return float(NormalIndPower().solve_power(effect_size=effect, alpha=alpha, power=power, ratio=ratio,
                                              alternative="two-sided"))


def power_two_rates(rate1: float, rate2: float, nobs1: float, nobs2: float | None = None, alpha: float = 0.05) -> float:
    """Power of the two-sided test of rate1 vs rate2 with the given group sizes."""
    alpha = check_alpha(alpha)
    rate1, rate2 = _check_rate(rate1, "rate1"), _check_rate(rate2, "rate2")
    nobs1 = check_nonnegative(nobs1, "nobs1", positive=True)
    nobs2 = nobs1 if nobs2 is None else check_nonnegative(nobs2, "nobs2", positive=True)
    effect = abs(proportion_effectsize(rate1, rate2))
    return float(NormalIndPower().power(effect_size=effect, nobs1=nobs1, alpha=alpha, ratio=nobs2 / nobs1,
                                        alternative="two-sided"))


def mde_two_rates(base_rate: float, nobs1: float, nobs2: float | None = None, alpha: float = 0.05,
                  power: float = 0.8, direction: int = -1) -> float | None:
    """Smallest detectable change of ``base_rate`` (as an absolute difference) at these sizes.

    ``direction`` −1 looks for a drop (a worse scope), +1 for a rise. None when even the
    most extreme rate cannot be detected.
    """
    alpha, power = check_alpha(alpha), _check_power(power)
    base_rate = _check_rate(base_rate, "base_rate")
    nobs1 = check_nonnegative(nobs1, "nobs1", positive=True)
    nobs2 = nobs1 if nobs2 is None else check_nonnegative(nobs2, "nobs2", positive=True)
    limit = 1e-9 if direction < 0 else 1 - 1e-9

    def gap(other: float) -> float:
        return power_two_rates(other, base_rate, nobs1, nobs2, alpha) - power

    if gap(limit) < 0:
        return None
    other = optimize.brentq(gap, limit, base_rate + direction * 1e-9)
    return abs(base_rate - other)


def sample_size_poisson_ratio(rate_ratio: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Events needed in the control arm to detect a rate ratio (docs/methods.md §7):
    (z_{α/2} + z_β)² (1/r + 1) / (ln r)² — 433 for r = 1.2.
    """
    alpha, power = check_alpha(alpha), _check_power(power)
    rate_ratio = check_nonnegative(rate_ratio, "rate_ratio", positive=True)
    if rate_ratio == 1:
        raise StatisticsError("a rate ratio of 1 is no effect to detect")
    z = sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)
    return float(z ** 2 * (1 / rate_ratio + 1) / math.log(rate_ratio) ** 2)


def power_poisson_ratio(events_control: float, rate_ratio: float, alpha: float = 0.05, dispersion: float = 1.0) -> float:
    """Power to detect ``rate_ratio`` with ``events_control`` expected events in control and
    as many units of exposure in the variant (inverse of :func:`sample_size_poisson_ratio`).
    """
    alpha = check_alpha(alpha)
    events = check_nonnegative(events_control, "events_control")
    rate_ratio = check_nonnegative(rate_ratio, "rate_ratio", positive=True)
    if check_nonnegative(dispersion, "dispersion", positive=True) < 1:
        raise StatisticsError(f"dispersion = {dispersion} must be ≥ 1 (1 = Poisson)")
    if events == 0 or rate_ratio == 1:
        return alpha if rate_ratio == 1 else 0.0
    se = math.sqrt(dispersion * (1 / events) * (1 / rate_ratio + 1))
    z = abs(math.log(rate_ratio)) / se
    critical = sps.norm.ppf(1 - alpha / 2)
    return float(sps.norm.cdf(z - critical) + sps.norm.cdf(-z - critical))


def weeks_needed(units_needed: float, units_per_week: float, already: float = 0.0) -> float | None:
    """Weeks of a lead flow to collect ``units_needed`` (minus what is ``already`` there)."""
    units_needed = check_nonnegative(units_needed, "units_needed")
    units_per_week = check_nonnegative(units_per_week, "units_per_week")
    if units_per_week == 0:
        return None
    return max(0.0, (units_needed - already) / units_per_week)


@dataclass(frozen=True)
class SampleRatioCheck(ResultFrame):
    """Chi-square of observed unit counts against the planned split; flag at p < threshold."""

    observed: tuple[float, ...]
    expected: tuple[float, ...]
    statistic: float | None
    p_value: float | None
    threshold: float
    mismatch: bool
    warnings: tuple[str, ...] = ()

    def summary(self, lang: str = "en") -> str:
        key = "stats.srm.mismatch" if self.mismatch else "stats.srm.ok"
        return t(key, lang, p=format_p(self.p_value, lang))


def sample_ratio_check(observed: Sequence[float], planned_shares: Sequence[float] | None = None,
                       threshold: float = 0.001) -> SampleRatioCheck:
    """SRM test (``scipy.stats.chisquare``) on counts of the randomisation unit — never on
    money or on leads when leads are the outcome (docs/methods.md §7).

    Examples
    --------
    >>> round(sample_ratio_check([5210, 4790]).statistic, 2)  # docs/methods.md §7
    17.64
    """
    counts = np.asarray(observed, dtype=float)
    if counts.ndim != 1 or len(counts) < 2 or (counts < 0).any() or not np.isfinite(counts).all():
        raise StatisticsError("observed must be two or more counts ≥ 0")
    shares = np.ones(len(counts)) if planned_shares is None else np.asarray(planned_shares, dtype=float)
    if shares.shape != counts.shape or (shares <= 0).any():
        raise StatisticsError("planned shares must be positive, one per arm", hint="e.g. 50:50")
    total = counts.sum()
    if total == 0:
        return SampleRatioCheck(tuple(counts), tuple(counts), None, None, threshold, False, (messages.NO_DATA,))
    expected = total * shares / shares.sum()
    result = sps.chisquare(counts, expected)
    p_value = clean(result.pvalue)
    return SampleRatioCheck(tuple(counts.tolist()), tuple(expected.tolist()), clean(result.statistic), p_value, threshold,
                            bool(p_value is not None and p_value < threshold))
