"""One rate and two rates (docs/methods.md §1): Wilson intervals, score test with Newcombe interval,
risk ratio with a score interval, exact tests for small counts, non-inferiority.

All functions take counts (sufficient statistics), never rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats as sps
from statsmodels.stats.proportion import (
    confint_proportions_2indep, proportion_confint, test_proportions_2indep,
)

from ..errors import StatisticsError
from ..i18n import t
from . import messages
from ._common import (
    ResultFrame,
    check_alpha, check_count, check_nonnegative, clean, clean_pair, clip01, format_interval, format_p, format_pct,
    possessive,
)

Alternative = Literal["two-sided", "larger", "smaller"]
#: Boschloo's exact test costs ~n1·n2; beyond this size per group Fisher's test is used.
BOSCHLOO_MAX_N = 200


@dataclass(frozen=True)
class Proportion:
    """Sufficient statistic of a rate: ``count`` successes of ``nobs``. Pools with ``+``."""

    count: int
    nobs: int

    def __post_init__(self) -> None:
        check_count(self.count, self.nobs)

    def __add__(self, other: "Proportion") -> "Proportion":
        return Proportion(self.count + other.count, self.nobs + other.nobs)

    @property
    def rate(self) -> float | None:
        return self.count / self.nobs if self.nobs else None


@dataclass(frozen=True)
class RateResult(ResultFrame):
    """A rate with its Wilson interval at level 1 − alpha."""

    count: int
    nobs: int
    rate: float | None
    ci: tuple[float | None, float | None]
    alpha: float
    warnings: tuple[str, ...] = ()

    def summary(self, lang: str = "en", label: str = "", metric: str = "") -> str:
        if self.rate is None:
            return t("stats.no_data", lang, label=label)
        return t("stats.rate", lang, label=label, metric=metric, rate=format_pct(self.rate, lang),
                 ci=format_interval(*self.ci, lang), count=self.count, nobs=self.nobs)


def rate_interval(count: int, nobs: int, alpha: float = 0.05) -> RateResult:
    """Rate ``count / nobs`` with a Wilson interval (``proportion_confint(method='wilson')``).

    Examples
    --------
    >>> rate_interval(20, 100).ci  # docs/methods.md §1
    (0.1333669333310325, 0.2888291655931589)
    """
    alpha = check_alpha(alpha)
    count, nobs = check_count(count, nobs)
    if nobs == 0:
        return RateResult(0, 0, None, (None, None), alpha, (messages.NO_DATA,))
    low, high = proportion_confint(count, nobs, alpha=alpha, method="wilson")
    rate = count / nobs
    # floating-point noise can put a bound a hair past the estimate at 0 or 1 (2.8e-17 for 0/7)
    low, high = min(clip01(clean(low)), rate), max(clip01(clean(high)), rate)
    warnings = (messages.ALL_SAME_OUTCOME,) if count in (0, nobs) else ()
    return RateResult(count, nobs, rate, (low, high), alpha, warnings)


@dataclass(frozen=True)
class RateComparison(ResultFrame):
    """Group 1 vs group 2: difference (Newcombe interval), ratio (score interval), p-value.

    ``difference`` = rate1 − rate2; ``test`` names the test behind ``p_value``: ``score``
    (large samples), ``boschloo`` or ``fisher`` (an expected cell below 5).
    """

    count1: int
    nobs1: int
    count2: int
    nobs2: int
    rate1: float | None
    rate2: float | None
    difference: float | None
    difference_ci: tuple[float | None, float | None]
    ratio: float | None
    ratio_ci: tuple[float | None, float | None]
    statistic: float | None
    p_value: float | None
    test: str
    alternative: str
    alpha: float
    warnings: tuple[str, ...] = ()

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < self.alpha

    def summary(self, lang: str = "en", labels: tuple[str, str] = ("group 1", "group 2"), metric: str = "") -> str:
        """Plain language: the two rates, which is lower, and whether chance explains it."""
        if self.rate1 is None or self.rate2 is None:
            return t("stats.no_data", lang, label=labels[0] if self.rate1 is None else labels[1])
        ci1 = proportion_confint(self.count1, self.nobs1, alpha=self.alpha, method="wilson")
        direction = "below" if self.rate1 < self.rate2 else ("above" if self.rate1 > self.rate2 else "equal")
        verdict = "stats.beyond_chance" if self.significant else "stats.within_chance"
        return t(f"stats.compare.{direction}", lang, label1=labels[0], label2=labels[1], metric=metric,
                 label1_of=possessive(labels[0]), label2_of=possessive(labels[1]),
                 rate1=format_pct(self.rate1, lang), ci1=format_interval(*ci1, lang), rate2=format_pct(self.rate2, lang)) \
            + "; " + t(verdict, lang, p=format_p(self.p_value, lang)) + "."


def _expected_min(count1: int, nobs1: int, count2: int, nobs2: int) -> float:
    total = nobs1 + nobs2
    successes = count1 + count2
    failures = total - successes
    return min(nobs1 * successes, nobs1 * failures, nobs2 * successes, nobs2 * failures) / total


def compare_rates(count1: int, nobs1: int, count2: int, nobs2: int, alpha: float = 0.05,
                  alternative: Alternative = "two-sided",
                  interval: Literal["newcomb", "score"] = "newcomb") -> RateComparison:
    """Compare two independent rates (docs/methods.md §1).

    Score test (``test_proportions_2indep(method='score', correction=False)``, the pooled
    z test) with the Newcombe interval of the difference and the score interval of the
    ratio; Boschloo's exact test (Fisher's beyond 200 per group) when an expected cell is
    below 5. ``alternative='larger'`` tests rate1 > rate2. ``interval`` picks the
    difference's interval: ``newcomb`` (reports) or ``score`` (Miettinen–Nurminen).

    Examples
    --------
    >>> result = compare_rates(20, 100, 30, 60)  # docs/methods.md §1
    >>> round(result.statistic, 6), result.difference_ci[0] < -0.43
    (-3.96347, True)
    """
    alpha = check_alpha(alpha)
    count1, nobs1 = check_count(count1, nobs1, "count1")
    count2, nobs2 = check_count(count2, nobs2, "count2")
    if alternative not in ("two-sided", "larger", "smaller"):
        raise ValueError(f"alternative «{alternative}»")
    rate1 = count1 / nobs1 if nobs1 else None
    rate2 = count2 / nobs2 if nobs2 else None
    if not nobs1 or not nobs2:
        return RateComparison(count1, nobs1, count2, nobs2, rate1, rate2, None, (None, None), None, (None, None),
                              None, None, "none", alternative, alpha, (messages.NO_DATA,))
    warnings: list[str] = []
    difference = rate1 - rate2
    if interval not in ("newcomb", "score"):
        raise ValueError(f"interval «{interval}»")
    difference_ci = clean_pair(confint_proportions_2indep(count1, nobs1, count2, nobs2, method=interval,
                                                          compare="diff", alpha=alpha))
    ratio, ratio_ci = None, (None, None)
    if count2 > 0:
        ratio = rate1 / rate2
        try:
            low, high = clean_pair(confint_proportions_2indep(count1, nobs1, count2, nobs2, method="score",
                                                              compare="ratio", alpha=alpha))
            # the score interval's root finder can land a hair past the estimate at the boundaries
            ratio_ci = (None if low is None else max(0.0, min(low, ratio)), None if high is None else max(high, ratio))
        except (ValueError, ZeroDivisionError, FloatingPointError):
            warnings.append(messages.RATIO_UNDEFINED)
    else:
        warnings.append(messages.RATIO_UNDEFINED)
    successes = count1 + count2
    if successes == 0 or successes == nobs1 + nobs2:
        warnings.append(messages.ALL_SAME_OUTCOME)
        statistic, p_value, test = None, 1.0, "none"
    elif _expected_min(count1, nobs1, count2, nobs2) < 5:
        warnings.append(messages.SMALL_SAMPLE)
        exact = exact_test(count1, nobs1, count2, nobs2, alternative)
        p_value, test, statistic = exact.p_value, exact.test, None
    else:
        with np.errstate(divide="ignore", invalid="ignore"):  # it also computes an odds ratio we do not use
            result = test_proportions_2indep(count1, nobs1, count2, nobs2, method="score", compare="diff",
                                             alternative=alternative, correction=False)
        statistic, p_value, test = clean(result.statistic), clean(result.pvalue), "score"
    return RateComparison(count1, nobs1, count2, nobs2, rate1, rate2, difference,
                          (clean(difference_ci[0]), clean(difference_ci[1])), ratio, ratio_ci, statistic,
                          None if p_value is None else min(1.0, max(0.0, p_value)), test, alternative, alpha,
                          tuple(warnings))


def ratio_interval_katz(count1: int, nobs1: int, count2: int, nobs2: int,
                        alpha: float = 0.05) -> tuple[float | None, tuple[float | None, float | None]]:
    """Risk ratio with the Katz log interval: exp(ln RR ± z·sqrt(1/k1 − 1/n1 + 1/k2 − 1/n2)).

    The familiar cross-check of the score interval reports use (docs/methods.md §1); undefined
    (None) with a zero count.
    """
    alpha = check_alpha(alpha)
    count1, nobs1 = check_count(count1, nobs1, "count1")
    count2, nobs2 = check_count(count2, nobs2, "count2")
    if min(count1, count2, nobs1, nobs2) == 0:
        return None, (None, None)
    ratio = (count1 / nobs1) / (count2 / nobs2)
    se = float(np.sqrt(1 / count1 - 1 / nobs1 + 1 / count2 - 1 / nobs2))
    z = float(sps.norm.ppf(1 - alpha / 2))
    return ratio, (float(np.exp(np.log(ratio) - z * se)), float(np.exp(np.log(ratio) + z * se)))


@dataclass(frozen=True)
class ExactTest:
    """An exact test of two rates on the 2×2 table (rows: groups; columns: success, failure)."""

    p_value: float
    odds_ratio: float | None
    test: str


def exact_test(count1: int, nobs1: int, count2: int, nobs2: int, alternative: Alternative = "two-sided",
               method: Literal["auto", "boschloo", "fisher"] = "auto") -> ExactTest:
    """Boschloo's exact test (uniformly more powerful than Fisher's) up to 200 leads per group,
    Fisher's beyond that (``auto``), or either one by name.

    Examples
    --------
    scipy's ``boschloo_exact`` takes each *column* as a group (its Notes), so the table with
    groups as rows is transposed for it; Fisher's test is the same either way.

    >>> round(exact_test(3, 10, 12, 20, method="boschloo").p_value, 10)
    0.1564468996
    """
    count1, nobs1 = check_count(count1, nobs1, "count1")
    count2, nobs2 = check_count(count2, nobs2, "count2")
    if method not in ("auto", "boschloo", "fisher"):
        raise ValueError(f"method «{method}»")
    table = np.array([[count1, nobs1 - count1], [count2, nobs2 - count2]])
    scipy_alternative = {"two-sided": "two-sided", "larger": "greater", "smaller": "less"}[alternative]
    fisher = sps.fisher_exact(table, alternative=scipy_alternative)
    odds = clean(fisher.statistic)
    if method == "boschloo" or (method == "auto" and max(nobs1, nobs2) <= BOSCHLOO_MAX_N):
        return ExactTest(float(sps.boschloo_exact(table.T, alternative=scipy_alternative).pvalue), odds, "boschloo")
    return ExactTest(float(fisher.pvalue), odds, "fisher")


@dataclass(frozen=True)
class NonInferiority(ResultFrame):
    """Is rate1 no worse than rate2 by more than ``margin``? (one side of a TOST)

    ``worse_is`` says which direction is worse: ``lower`` (a conversion rate) or
    ``higher`` (a share of spam). ``p_value`` < alpha means the data shows rate1 is within
    the margin; a large p-value means "not enough evidence", never "equal".
    """

    difference: float | None
    difference_ci: tuple[float | None, float | None]
    margin: float
    worse_is: str
    p_value: float | None
    alpha: float
    warnings: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        return self.p_value is not None and self.p_value < self.alpha

    def summary(self, lang: str = "en", labels: tuple[str, str] = ("group 1", "group 2"), metric: str = "") -> str:
        key = "stats.noninferior.shown" if self.shown else "stats.noninferior.not_shown"
        return t(key, lang, label1=labels[0], label2=labels[1], metric=metric,
                 margin=format_pct(self.margin, lang, 1), p=format_p(self.p_value, lang))


def noninferiority_rates(count1: int, nobs1: int, count2: int, nobs2: int, margin: float, alpha: float = 0.05,
                         worse_is: Literal["lower", "higher"] = "lower") -> NonInferiority:
    """Non-inferiority of rate1 against rate2 with an absolute margin (score test, docs/methods.md §1).

    The one-sided test at level alpha is half of ``tost_proportions_2indep``; its interval
    is the Newcombe interval at level 1 − 2·alpha (the TOST convention).
    """
    alpha = check_alpha(alpha)
    margin = check_nonnegative(margin, "margin", positive=True)
    if worse_is not in ("lower", "higher"):
        raise StatisticsError(f"worse_is «{worse_is}» is not lower or higher")
    count1, nobs1 = check_count(count1, nobs1, "count1")
    count2, nobs2 = check_count(count2, nobs2, "count2")
    if not nobs1 or not nobs2:
        return NonInferiority(None, (None, None), margin, worse_is, None, alpha, (messages.NO_DATA,))
    difference = count1 / nobs1 - count2 / nobs2
    ci = clean_pair(confint_proportions_2indep(count1, nobs1, count2, nobs2, method="newcomb", compare="diff",
                                               alpha=2 * alpha))
    value, alternative = (-margin, "larger") if worse_is == "lower" else (margin, "smaller")
    with np.errstate(divide="ignore", invalid="ignore"):
        result = test_proportions_2indep(count1, nobs1, count2, nobs2, value=value, method="score", compare="diff",
                                         alternative=alternative, correction=False)
    warnings = (messages.SMALL_SAMPLE,) if _expected_min(count1, nobs1, count2, nobs2) < 5 else ()
    return NonInferiority(difference, ci, margin, worse_is, clip01(clean(result.pvalue)), alpha, warnings)


@dataclass(frozen=True)
class Equivalence(ResultFrame):
    """TOST: is |rate1 − rate2| < margin? Both one-sided tests must reject (p = the larger one)."""

    difference: float | None
    difference_ci: tuple[float | None, float | None]
    margin: float
    p_value: float | None
    alpha: float
    warnings: tuple[str, ...] = ()

    @property
    def equivalent(self) -> bool:
        return self.p_value is not None and self.p_value < self.alpha

    def summary(self, lang: str = "en", labels: tuple[str, str] = ("group 1", "group 2"), metric: str = "") -> str:
        key = "stats.equivalent.shown" if self.equivalent else "stats.equivalent.not_shown"
        return t(key, lang, label1=labels[0], label2=labels[1], metric=metric,
                 margin=format_pct(self.margin, lang, 1), p=format_p(self.p_value, lang))


def equivalence_rates(count1: int, nobs1: int, count2: int, nobs2: int, margin: float,
                      alpha: float = 0.05) -> Equivalence:
    """Equivalence within ±margin by two one-sided score tests (``tost_proportions_2indep`` logic).

    A non-significant difference is not evidence of equality (docs/methods.md §1): this is.
    """
    lower = noninferiority_rates(count1, nobs1, count2, nobs2, margin, alpha, worse_is="lower")
    upper = noninferiority_rates(count1, nobs1, count2, nobs2, margin, alpha, worse_is="higher")
    p_values = [p for p in (lower.p_value, upper.p_value) if p is not None]
    p_value = max(p_values) if len(p_values) == 2 else None
    return Equivalence(lower.difference, lower.difference_ci, lower.margin, p_value, lower.alpha,
                       tuple(dict.fromkeys(lower.warnings + upper.warnings)))
