"""Time to first contact as survival data (METHODS 8): never-contacted leads are censored,
not dropped; quantiles the curve never reaches are "not reached", never NaN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

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
    """Kaplan–Meier (``SurvfuncRight``) of durations with event flags (False = censored)."""
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
    fit = SurvfuncRight(time, status.astype(int))
    median = clean(fit.quantile(0.5))
    p90 = clean(fit.quantile(0.9))
    if median is None or p90 is None:
        warnings.append(messages.NOT_REACHED)
    median_ci: tuple[float | None, float | None] = (None, None)
    if median is not None:
        try:
            with np.errstate(divide="ignore", invalid="ignore"):  # log(-log(S)) at S = 1 or 0
                low, high = fit.quantile_ci(0.5, alpha=alpha)
            median_ci = (clean(low), clean(high))
        except (ValueError, IndexError, ZeroDivisionError):
            median_ci = (None, None)
    surv_times = np.asarray(fit.surv_times)
    surv_prob = np.asarray(fit.surv_prob)

    def survival_at(moment: float) -> float:
        index = np.searchsorted(surv_times, moment, side="right") - 1
        return 1.0 if index < 0 else float(surv_prob[index])

    share_within = {float(w): 1.0 - survival_at(float(w)) for w in within}
    curve = pd.DataFrame({"time": surv_times, "survival": surv_prob})
    return TimeToEvent(len(time), int(status.sum()), median, median_ci, p90, share_within, curve, alpha,
                       tuple(warnings))
