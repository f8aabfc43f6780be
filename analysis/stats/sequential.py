"""Always-valid inference for a ratio of two Poisson rates with exposure (docs/methods.md §14).

R = (variant's events per unit of exposure) / (control's). Given day d's total n_d = c_d + v_d
and both arms' exposures, the variant's count is Binomial(n_d, π_d(R)) with
π_d(R) = R·e_v,d / (R·e_v,d + e_c,d) (Lindon & Malek 2022: condition the counting processes on
the arrivals). A day-level shock common to both arms (a holiday, a site outage: both rates
times the same factor) cancels in this conditional likelihood, and so does the day's overall
level. The mixture likelihood ratio of the null R0 against R with log R ~ N(log R0, tau²) is a
nonnegative martingale of mean 1 under R = R0 (exposures are known at the start of a day), so
by Ville's inequality P(sup_t Λ_t ≥ 1/α) ≤ α: the p-value and interval may be looked at after
every day (the mixture SPRT of Johari, Pekelis & Walsh 2022). Degenerate data gives a result
with a warning code, malformed arguments raise :class:`~analysis.errors.StatisticsError`.

References: Lindon, M. & Malek, A. (2022). Anytime-Valid Inference for Multinomial Count Data.
NeurIPS 35. Johari, R., Koomen, P., Pekelis, L. & Walsh, D. (2022). Always Valid Inference:
Continuous Monitoring of A/B Tests. Operations Research 70(3), 1806–1821.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import optimize

from ..errors import StatisticsError
from ._common import ResultFrame, check_alpha, check_nonnegative

NO_EXPOSURE = "no_exposure"      # no day with exposure in both arms: nothing to infer from
NO_EVENTS = "no_events"          # days with exposure but no event in either arm
ONE_ARM_EMPTY = "one_arm_empty"  # one arm has no event: the interval is open on one side
EMPTY_RUNNING = "empty_running"  # the intersection of the intervals over looks is empty (chance ≤ α)
_NAMES = ("count_control", "exposure_control", "count_variant", "exposure_variant")


@dataclass(frozen=True)
class SequentialRatio(ResultFrame):
    """R = variant / control rate with a confidence sequence and an always-valid p-value for R = 1.

    ``ci`` is the confidence sequence at the last look, ``ci_running`` its intersection over all
    looks (also valid, never wider). A side that is unbounded is None; a lower end of 0.0 means
    no lower bound. ``looks`` counts the days used, ``skipped_days`` the days without exposure in
    one of the arms.
    """

    ratio: float | None
    ci: tuple[float | None, float | None]
    ci_running: tuple[float | None, float | None]
    p_value: float
    log_lr: float
    looks: int
    skipped_days: int
    alpha: float
    tau: float
    warning: str | None = None


def _arrays(values: Sequence[Sequence[float]], ndims: tuple[int, ...]) -> list[np.ndarray]:
    arrays = []
    for name, value in zip(_NAMES, values):
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise StatisticsError(f"{name} is not a sequence of numbers", hint="pass one number a day") from None
        if array.ndim not in ndims:
            raise StatisticsError(f"{name} has {array.ndim} dimensions, expected {' or '.join(map(str, ndims))}",
                                  hint="pass one number a day, oldest first")
        bad = np.flatnonzero(~(np.isfinite(array) & (array >= 0)))
        if bad.size:
            raise StatisticsError(f"{name} has {array.ravel()[bad[0]]} at position {bad[0]}: values must be "
                                  "finite and ≥ 0", hint="fill days without data with 0")
        arrays.append(array)
    if len({array.shape for array in arrays}) > 1:
        raise StatisticsError(f"the four series differ in length: {[array.shape for array in arrays]}",
                              hint="pass one value a day for every series, the same days for all")
    return arrays


def _log_lr_paths(c: np.ndarray, e_c: np.ndarray, v: np.ndarray, e_v: np.ndarray, theta0: float,
                  tau: float) -> np.ndarray:
    """log Λ after each day for rows of days (2-D arrays), θ = log R, without argument checks.

    The mixture integral is a sum over a uniform grid in θ (the trapezoid rule, exponentially
    accurate for a smooth integrand that decays at both ends): its step is half the narrowest
    the integrand can be, 1/√(1/τ² + n/4), and it spans 8 τ beyond every look's
    posterior mode, which lies between θ0 and the conditional MLE and within τ²·(events) of θ0.
    """
    used = (e_c > 0) & (e_v > 0)
    v, n = np.where(used, v, 0.0), np.where(used, c + v, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        o = np.where(used, np.log(e_v) - np.log(e_c), 0.0)  # logit π_d(θ) = θ + o_d
        vt, ct = np.cumsum(v, -1), np.cumsum(n - v, -1)
        logit = np.log(vt) - np.log(ct)  # nan before the first event, ±inf while an arm has none
    if not used.any():
        return np.zeros(c.shape)
    o_low, o_high = o[used].min(), o[used].max()
    low = np.fmax(theta0 - tau ** 2 * ct, np.fmin(theta0, logit - o_high)).min() - 8 * tau
    high = np.fmin(theta0 + tau ** 2 * vt, np.fmax(theta0, logit - o_low)).max() + 8 * tau
    step = 1 / math.sqrt(1 / tau ** 2 + n.sum(-1).max() / 4) / 2
    nodes = np.linspace(low, high, int(math.ceil((high - low) / step)) + 1)
    log_weights = -0.5 * ((nodes - theta0) / tau) ** 2
    log_weights -= np.log(np.exp(log_weights).sum())  # the normal density × step, summing to 1
    loglik0 = v * (theta0 + o) - n * np.logaddexp(0, theta0 + o)
    total, out = np.zeros(c.shape[:-1] + nodes.shape), np.empty(c.shape)
    for day in range(c.shape[-1]):
        z = nodes + o[:, day, None]
        total += v[:, day, None] * z - n[:, day, None] * np.logaddexp(0, z) - loglik0[:, day, None]
        terms = total + log_weights
        top = terms.max(-1)
        out[:, day] = top + np.log(np.exp(terms - top[:, None]).sum(-1))  # logsumexp over the nodes
    return out


def mixture_log_lr(count_control: Sequence[float], exposure_control: Sequence[float], count_variant: Sequence[float],
                   exposure_variant: Sequence[float], null_ratio: float = 1.0, tau: float = 0.2) -> np.ndarray:
    """log Λ_t(R0) after each day t: the mixture likelihood ratio of the conditional binomials.

    Λ_t(R0) = ∫ Π_{d≤t} [π_d(r)^v_d (1−π_d(r))^c_d] / [π_d(R0)^v_d (1−π_d(R0))^c_d] dG(log r),
    G = N(log R0, tau²). Days where either exposure is 0 leave Λ unchanged.

    Parameters
    ----------
    count_control, exposure_control, count_variant, exposure_variant
        One value a day, oldest first; or 2-D arrays (experiments × days) for simulations.
    null_ratio
        R0 > 0.
    tau
        Standard deviation of the mixture on log R (0.2: effects of ±20%).

    Returns
    -------
    numpy.ndarray
        log Λ after each day, the shape of the inputs.
    """
    c, e_c, v, e_v = _arrays((count_control, exposure_control, count_variant, exposure_variant), (1, 2))
    null_ratio = check_nonnegative(null_ratio, "null_ratio", positive=True)
    tau = check_nonnegative(tau, "tau", positive=True)
    paths = _log_lr_paths(*(np.atleast_2d(a) for a in (c, e_c, v, e_v)), math.log(null_ratio), tau)
    return paths.reshape(c.shape)


def _interval(excess, starts: list[float], tau: float) -> tuple[float | None, float | None] | None:
    """{θ : excess(θ) < 0} grown from the first start inside it (None if none is inside), in R."""
    start = next((s for s in starts if excess(s) < 0), None)
    if start is None:
        return None
    ends = []
    for sign in (-1, 1):
        inner, end = start, None
        for k in range(9):  # steps of τ·2^k: beyond ~100 τ from the estimate the side is unbounded
            outer = start + sign * tau * 2 ** k
            if excess(outer) >= 0:
                end = optimize.brentq(excess, min(inner, outer), max(inner, outer), xtol=1e-10)
                break
            inner = outer
        ends.append(end)
    return 0.0 if ends[0] is None else math.exp(ends[0]), None if ends[1] is None else math.exp(ends[1])


def always_valid_ratio(count_control: Sequence[float], exposure_control: Sequence[float],
                       count_variant: Sequence[float], exposure_variant: Sequence[float], alpha: float = 0.05,
                       tau: float = 0.2) -> SequentialRatio:
    """Confidence sequence for R = variant/control rate and the always-valid p-value for R = 1.

    Pass the whole daily history (oldest first) at every look: the p-value is
    min(1, 1 / max over days of Λ(1)) and ``ci`` is {R0 : Λ_t(R0) < 1/α} at the last day, found by
    root-finding on log R0 around the estimate. Both keep their level however often one looks.

    Parameters
    ----------
    count_control, exposure_control, count_variant, exposure_variant
        Daily events (qualified leads) and exposures (spend) of each arm, oldest first.
    alpha
        The level: intervals at 1 − alpha, stop when ``p_value`` ≤ alpha.
    tau
        Standard deviation of the normal mixture on log R. The default 0.2 puts the test's
        power on effects of about ±20%, the ones that matter in ad experiments; much larger
        effects are still caught, only a few days later.

    Examples
    --------
    >>> result = always_valid_ratio([30, 28, 35], [25e3] * 3, [45, 40, 50], [25e3] * 3)
    >>> round(result.ratio, 3), [round(end, 3) for end in result.ci], round(result.p_value, 3)
    (1.452, [0.945, 2.265], 0.122)
    """
    alpha = check_alpha(alpha)
    tau = check_nonnegative(tau, "tau", positive=True)
    c, e_c, v, e_v = (np.atleast_2d(a) for a in _arrays((count_control, exposure_control, count_variant,
                                                          exposure_variant), (1,)))
    used = (e_c > 0) & (e_v > 0)
    looks, skipped = int(used.sum()), int((~used).sum())
    total_c, total_v, spend_c, spend_v = (float(a[used].sum()) for a in (c, v, e_c, e_v))
    ratio = total_v / spend_v / (total_c / spend_c) if looks and total_c > 0 else None
    path = _log_lr_paths(c, e_c, v, e_v, 0.0, tau)[0]
    log_lr = float(path[-1]) if path.size else 0.0
    p_value = min(1.0, math.exp(-max(0.0, float(path.max(initial=0.0)))))
    if not looks or total_c + total_v == 0:
        warning = NO_EXPOSURE if not looks else NO_EVENTS
        return SequentialRatio(ratio, (0.0, None), (0.0, None), 1.0, 0.0, looks, skipped, alpha, tau, warning)
    warning = ONE_ARM_EMPTY if total_c == 0 or total_v == 0 else None
    limit = math.log(1 / alpha)
    start = math.log((total_v + 0.5) / spend_v) - math.log((total_c + 0.5) / spend_c)
    ci = _interval(lambda theta: _log_lr_paths(c, e_c, v, e_v, theta, tau)[0, -1] - limit, [start], tau) \
        or (None, None)
    low = start - 5 if not ci[0] else math.log(ci[0])
    high = start + 5 if ci[1] is None else math.log(ci[1])
    running = _interval(lambda theta: _log_lr_paths(c, e_c, v, e_v, theta, tau)[0].max() - limit,
                        [start, *np.linspace(low, high, 41)], tau)
    if running is None:
        running, warning = (None, None), warning or EMPTY_RUNNING
    return SequentialRatio(ratio, ci, running, p_value, log_lr, looks, skipped, alpha, tau, warning)
