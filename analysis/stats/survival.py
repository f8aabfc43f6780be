"""Time to first contact as survival data (docs/methods.md §8): never-contacted leads are censored,
not dropped; quantiles the curve never reaches are "not reached", never NaN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..errors import StatisticsError
from ..i18n import t
from . import messages
from ._common import check_alpha, clean, result_frame


@dataclass(frozen=True)
class TimeToEvent:
    """Kaplan–Meier summary of time to first contact (working minutes).

    ``median`` and ``p90`` are None when the curve never reaches them (warning
    ``not_reached``): with over 10% never contacted, P90 does not exist.
    ``share_within`` maps minutes to the estimated share contacted by then.
    """

    n: int
    events: int
    median: float | None
    median_ci: tuple[float | None, float | None]
    p90: float | None
    share_within: dict[float, float]
    curve: pd.DataFrame
    alpha: float
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        frame = result_frame(self)
        for minutes, share in self.share_within.items():
            frame[f"share_within_{minutes:g}"] = share
        return frame

    def summary(self, lang: str = "en") -> str:
        def shown(value: float | None) -> str:
            return t("stats.not_reached", lang) if value is None else f"{value:.0f}"
        return t("stats.time_to_contact", lang, median=shown(self.median), p90=shown(self.p90), n=self.n)


def kaplan_meier(durations: Sequence[float], events: Sequence[bool], alpha: float = 0.05,
                 within: Sequence[float] = (15, 30)) -> TimeToEvent:
    """Kaplan–Meier of durations with event flags (False = censored): the curve and Greenwood's
    standard errors as statsmodels' ``SurvfuncRight`` gives them, computed on counts per
    distinct duration (see :func:`_product_limit`)."""
    alpha = check_alpha(alpha)
    time = np.asarray(durations, dtype=float)
    status = np.asarray(events, dtype=bool)
    if time.shape != status.shape or time.ndim != 1:
        raise StatisticsError("durations and events need one value per lead")
    if (time < 0).any() or not np.isfinite(time).all():
        raise StatisticsError("durations must be finite and ≥ 0 (working minutes)")
    empty_curve = pd.DataFrame({"time": [], "survival": []})
    if len(time) == 0:
        return TimeToEvent(0, 0, None, (None, None), None, {float(w): None for w in within}, empty_curve, alpha,
                           (messages.NO_DATA,))
    warnings: list[str] = []
    if not status.any():
        return TimeToEvent(len(time), 0, None, (None, None), None, {float(w): 0.0 for w in within}, empty_curve,
                           alpha, (messages.NOT_REACHED,))
    surv_times, surv_prob, surv_se = _product_limit(time, status)
    median = clean(_quantile(surv_times, surv_prob, 0.5))
    p90 = clean(_quantile(surv_times, surv_prob, 0.9))
    if median is None or p90 is None:
        warnings.append(messages.NOT_REACHED)
    median_ci: tuple[float | None, float | None] = (None, None)
    if median is not None:
        low, high = _quantile_ci(surv_times, surv_prob, surv_se, 0.5, alpha)
        median_ci = (clean(low), clean(high))

    def survival_at(moment: float) -> float:
        index = np.searchsorted(surv_times, moment, side="right") - 1
        return 1.0 if index < 0 else float(surv_prob[index])

    share_within = {float(w): 1.0 - survival_at(float(w)) for w in within}
    curve = pd.DataFrame({"time": surv_times, "survival": surv_prob})
    return TimeToEvent(len(time), int(status.sum()), median, median_ci, p90, share_within, curve, alpha,
                       tuple(warnings))


def _product_limit(time: np.ndarray, status: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan–Meier estimate at each event time, and Greenwood's standard error: statsmodels'
    ``SurvfuncRight`` (``surv_times``, ``surv_prob``, ``surv_prob_se``) to the last bit, on
    counts per distinct time. Its ``np.unique`` sorted every lead's duration (8M durations:
    1.5 s); a hash of the durations sorts only the distinct ones (0.6 s).
    ``tests/test_stats_reference.py`` compares the two."""
    codes, times = pd.factorize(time, sort=True)
    events = np.bincount(codes, weights=status.astype(np.float64), minlength=len(times))  # float, as statsmodels counts
    at_risk = np.cumsum(np.bincount(codes, minlength=len(times))[::-1])[::-1]  # leads still waiting just before
    kept = np.flatnonzero(events > 0)  # the curve steps at event times only
    events, at_risk, times = events[kept], at_risk[kept], np.asarray(times)[kept]
    # the product of (1 - d/n), as a sum of logs; a step to zero stays zero
    step = 1 - events / at_risk.astype(np.float64)
    zero = step < 1e-16
    step[zero] = 1e-16
    survival = np.exp(np.cumsum(np.log(step)))
    survival[zero] = 0
    # Greenwood: Var S(t) = S(t)² Σ d / (n (n - d)), undefined once everyone at risk had the event
    denominator = np.clip(at_risk * (at_risk - events), 1e-12, np.inf)
    terms = events / denominator.astype(np.float64)
    terms[(at_risk == events) | (at_risk == 0)] = np.nan
    se = np.sqrt(np.cumsum(terms))
    defined = np.isfinite(se) | (survival != 0)
    se[defined] *= survival[defined]
    se[~defined] = np.nan
    return times, survival, se


def _quantile(times: np.ndarray, survival: np.ndarray, p: float) -> float:
    """The first time the curve falls below 1 - p (strictly, as SAS and statsmodels); NaN if never."""
    below = np.flatnonzero(survival < 1 - p)
    return float(times[below[0]]) if len(below) else np.nan


def _quantile_ci(times: np.ndarray, survival: np.ndarray, se: np.ndarray, p: float,
                 alpha: float) -> tuple[float, float]:
    """Brookmeyer–Crowley interval of a quantile with the log(-log) transform (SAS's and
    statsmodels' default): the event times whose z-test of S(t) = 1 - p does not reject.
    The limits are event times; the upper one is infinite when the last event time is inside."""
    z = norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):  # log(-log(S)) at S = 1 or 0
        statistic = (np.log(-np.log(survival)) - np.log(-np.log(1 - p))) / (-1 / (survival * np.log(survival)) * se)
    inside = np.flatnonzero(np.abs(statistic) <= z)
    if not len(inside):
        return np.nan, np.nan
    upper = np.inf if inside[-1] == len(times) - 1 else float(times[inside[-1] + 1])
    return float(times[inside[0]]), upper
