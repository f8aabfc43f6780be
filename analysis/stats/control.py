"""Weekly control limits for many units at once (docs/methods.md, "Watching every week").

Each unit (channel, campaign, manager) is compared with the rest of the same week on the arcsine
scale, against its own guarded baseline with a random-effects between-week variance; loss-reason
mixes by a dispersion-scaled χ²; Benjamini–Hochberg across the scan. Degenerate data gives a
result with ``p_value`` None and a warning code; malformed arguments raise StatisticsError.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from ..errors import StatisticsError
from ._common import ResultFrame, check_alpha, clean, result_frame
from .groups import adjust_pvalues
from .tables import adjusted_residuals

TOO_FEW = "too_few"   # too few baseline weeks or leads, or too few leads in the window: no p-value
NO_DATA = "no_data"   # the unit (or the rest) has no leads in the window
RECENT_GUARD = 3      # the last weeks kept out of the default baseline (a recent drift must not hide in it)


def _whole(values: Any, name: str, ndim: int = 1) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise StatisticsError(f"{name} must be numbers", hint="pass whole counts per week") from None
    if array.ndim != ndim or not np.isfinite(array).all() or (array < 0).any() or (array % 1 != 0).any():
        raise StatisticsError(f"{name} must be a {ndim}-D array of whole counts ≥ 0", hint="pass counts per week")
    return array


def _integer(value: Any, name: str, low: int, high: float = math.inf) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise StatisticsError(f"{name} = {value!r} must be a whole number in {low}..{high}")
    return int(value)


def _arcsine(k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Anscombe's guarded arcsine asin(sqrt((k + 3/8)/(n + 3/4))) and its variance 1/(4n + 2)."""
    return np.arcsin(np.sqrt((k + 0.375) / (n + 0.75))), 1.0 / (4.0 * n + 2.0)


@dataclass(frozen=True)
class Shift(ResultFrame):
    """A unit's gap to the rest in a window against its baseline gap (see :func:`weekly_shift`). Rates are
    raw shares, ``gap`` and ``baseline_gap`` arcsine differences; ``excess`` = observed − ``expected``
    successes (negative: fewer than expected); ``p_value`` None with a ``warning`` when data are too few."""

    window_weeks: int
    unit_count: int
    unit_n: int
    unit_rate: float | None
    unit_baseline_rate: float | None
    rest_rate: float | None
    rest_baseline_rate: float | None
    gap: float | None
    baseline_gap: float | None
    tau2: float | None
    z: float | None
    p_value: float | None
    expected: float | None
    excess: float | None
    baseline_weeks: int
    warning: str | None = None


def _random_effects(d: np.ndarray, v: np.ndarray, used: np.ndarray, tau2: np.ndarray) -> tuple[np.ndarray, ...]:
    """Random-effects mean Σw*d/Σw*, its variance 1/Σw* and d(1/Σw*)/dτ² = Σw*²/(Σw*)², w* = 1/(v + τ²)."""
    w = np.where(used, 1.0 / (v + tau2[..., None]), 0.0)
    return (w * d).sum(-1) / w.sum(-1), 1.0 / w.sum(-1), (w ** 2).sum(-1) / w.sum(-1) ** 2


def _q_statistic(d: np.ndarray, v: np.ndarray, used: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cochran's Q about the fixed-effect mean and C = Σw − Σw²/Σw (DerSimonian–Laird: (Q − k + 1)/C)."""
    w = np.where(used, 1.0 / v, 0.0)
    fixed = (w * d).sum(-1) / w.sum(-1)
    return (w * (d - fixed[..., None]) ** 2).sum(-1), w.sum(-1) - (w ** 2).sum(-1) / w.sum(-1)


def _shift_core(uk: np.ndarray, un: np.ndarray, rk: np.ndarray, rn: np.ndarray, window: int, baseline: int,
                min_baseline_weeks: int = 4, min_window: int = 10) -> dict[str, np.ndarray]:
    """Vectorised :func:`weekly_shift` over leading axes (weeks last); NaN where there is too little data."""
    used = (np.arange(uk.shape[-1]) < baseline) & (un > 0) & (rn > 0)
    (yu, vu), (yr, vr) = _arcsine(uk, un), _arcsine(rk, rn)
    d, v = yu - yr, vu + vr
    weeks = used.sum(-1)
    last = slice(uk.shape[-1] - window, None)
    ku, nu, kr, nr = uk[..., last].sum(-1), un[..., last].sum(-1), rk[..., last].sum(-1), rn[..., last].sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        q, c = _q_statistic(d, v, used)
        tau2 = np.where((c > 0) & (weeks > 1), q ** 2 / ((2 * (weeks - 1) + q) * c), 0.0)  # Hartung–Makambi
        d_bar, var_bar, slope = _random_effects(d, v, used, tau2)
        (yu_now, vu_now), (yr_now, vr_now) = _arcsine(ku, nu), _arcsine(kr, nr)
        share2 = ((un[..., last] / nu[..., None]) ** 2).sum(-1)  # Σa_w²: 1/m for m equal weeks
        variance = vu_now + vr_now + tau2 * share2 + var_bar
        z = (yu_now - yr_now - d_bar) / np.sqrt(variance)
        # Satterthwaite: the share f of the variance resting on τ² (estimated from k weeks) gets (k − 1)/f² df
        f = (share2 + slope) * tau2 / variance
        df = np.where(f > 0, (weeks - 1) / f ** 2, np.inf)
        p = 2.0 * sps.t.sf(np.abs(z), np.minimum(df, 1e9))  # 1e9 df: the normal
        p_exp = np.sin(np.clip(yr_now + d_bar, 0.0, math.pi / 2)) ** 2
        expected = np.clip(p_exp * (nu + 0.75) - 0.375, 0.0, nu)
        base_un, base_rn = np.where(used, un, 0).sum(-1), np.where(used, rn, 0).sum(-1)
        ok = (weeks >= min_baseline_weeks) & (nu >= min_window) & (base_un >= 30) & (nr > 0)
        return {
            "weeks": weeks, "ku": ku, "nu": nu, "ok": ok, "unit_rate": ku / nu, "rest_rate": kr / nr,
            "unit_base": np.where(used, uk, 0).sum(-1) / base_un, "rest_base": np.where(used, rk, 0).sum(-1) / base_rn,
            "gap": np.where((nu > 0) & (nr > 0), yu_now - yr_now, np.nan), "d_bar": np.where(weeks > 0, d_bar, np.nan),
            "tau2": np.where(weeks > 0, tau2, np.nan), "z": np.where(ok, z, np.nan), "p": np.where(ok, p, np.nan),
            "expected": np.where(ok, expected, np.nan), "excess": np.where(ok, ku - expected, np.nan),
        }


def weekly_shift(unit_counts: Sequence[int], unit_ns: Sequence[int], rest_counts: Sequence[int],
                 rest_ns: Sequence[int], window: int = 1, baseline_weeks: int | None = None,
                 min_baseline_weeks: int = 4, min_window: int = 10) -> Shift:
    """Has the unit's gap to the rest in the last ``window`` weeks moved from its baseline gap?

    Arrays are per week, oldest first. Week w gives d_w = y(unit) − y(rest), Anscombe's guarded
    arcsine y = asin(sqrt((k + 3/8)/(n + 3/4))) with variance v_w = 1/(4n_u + 2) + 1/(4n_r + 2); the
    rest of the same week cancels what moves everyone (season, an outage, immature outcomes). The
    baseline is the first ``baseline_weeks`` weeks (default all but the last max(3, window): a
    recent drift must not hide in its own baseline, Noufaily et al. 2013); unit weeks without
    leads are skipped. Between-week variance τ² = Q²/((2(k − 1) + Q) C) from DerSimonian–Laird's Q
    and C (Hartung & Makambi 2003), never 0: DL's max(0, (Q − k + 1)/C) is 0 for a calm-looking
    baseline, making a large unit's limits too narrow (false alarms doubled, tests/test_control.py).
    d̄ is the random-effects mean, var(d̄) = 1/Σ 1/(v_w + τ²).

    The window pools its weeks: z = (d_now − d̄) / sqrt(v_now + τ² Σa_w² + var(d̄)), a_w = n_u,w/n_u.
    τ² Σa_w² (τ²/m for m equal weeks), not τ²: τ² is one week's own deviation, independent between
    weeks under the null, and the pooled rate is the n-weighted mean of the weekly rates, so the
    deviations average out; a deviation persisting over the window is the drift we look for. (If
    real deviations are autocorrelated, a manager's slow month, the limit is too narrow.) Two-sided
    p from Student's t with Satterthwaite's (k − 1)/f² df, f the share of the variance resting on τ²
    (estimated from k weeks; f → 0 gives the normal).

    ``expected``: the unit's successes had its gap stayed d̄, (n_u + 3/4) sin²(y(rest now) + d̄) − 3/8
    clipped to [0, n_u], so excess is 0 exactly when d_now = d̄. ``too_few`` (p None): under
    ``min_baseline_weeks`` baseline weeks with leads, under 30 baseline unit leads, or under
    ``min_window`` unit leads in the window; ``no_data``: no unit (or rest) leads in the window.

    Examples
    --------
    >>> shift = weekly_shift([8, 9, 7, 8, 9, 8, 2], [20] * 7, [80] * 7, [200] * 7, baseline_weeks=6)
    >>> round(shift.z, 2), round(shift.excess, 1)
    (-2.8, -6.2)
    """
    uk, un = _whole(unit_counts, "unit_counts"), _whole(unit_ns, "unit_ns")
    rk, rn = _whole(rest_counts, "rest_counts"), _whole(rest_ns, "rest_ns")
    if not len(uk) == len(un) == len(rk) == len(rn):
        raise StatisticsError("unit_counts, unit_ns, rest_counts and rest_ns must have one value per week")
    if (uk > un).any() or (rk > rn).any():
        raise StatisticsError("a count exceeds its number of leads", hint="successes cannot exceed the total")
    window = _integer(window, "window", 1, len(uk))
    default = max(0, len(uk) - max(RECENT_GUARD, window))
    baseline = _integer(default if baseline_weeks is None else baseline_weeks, "baseline_weeks", 0, len(uk) - window)
    r = _shift_core(uk, un, rk, rn, window, baseline, _integer(min_baseline_weeks, "min_baseline_weeks", 2),
                    _integer(min_window, "min_window", 1))
    get = {key: clean(value) for key, value in r.items()}
    warning = None if r["ok"] else (NO_DATA if r["nu"] == 0 or get["rest_rate"] is None else TOO_FEW)
    return Shift(window, int(r["ku"]), int(r["nu"]), get["unit_rate"], get["unit_base"], get["rest_rate"],
                 get["rest_base"], get["gap"], get["d_bar"], get["tau2"], get["z"], get["p"], get["expected"],
                 get["excess"], int(r["weeks"]), warning)


@dataclass(frozen=True)
class MixShift(ResultFrame):
    """The window's loss-reason mix against the pooled baseline mix (see :func:`mix_shift`). ``chi2``: Pearson's
    X² after merging (``merged``: reasons folded into the last column); ``reason``: index of the largest
    positive adjusted residual (``residual``, over sqrt φ); ``excess`` = observed − window n × baseline share."""

    window_n: int
    baseline_n: int
    baseline_weeks: int
    chi2: float | None
    df: int
    phi: float | None
    p_value: float | None
    reason: int | None
    residual: float | None
    window_share: float | None
    baseline_share: float | None
    excess: float | None
    merged: tuple[int, ...] = ()
    warning: str | None = None

    def to_frame(self) -> pd.DataFrame:  # ``merged`` lists reasons: not an interval's _low/_high
        return result_frame(replace(self, merged=())).assign(merged=", ".join(map(str, self.merged)))


def mix_shift(window_counts: Sequence[int], baseline_counts: Sequence[Sequence[int]], min_window: int = 10) -> MixShift:
    """Has the unit's mix of loss reasons in the window moved from its baseline mix?

    Pearson X² of the 2 × K table (window, pooled baseline). The mix varies from week to week
    beyond the multinomial, so φ = X²/df of the baseline's weeks × reasons table (floored at 1)
    scales it: the quasi-likelihood F test X²/((K − 1) φ) on (K − 1, (W − 1)(K − 1)) df (McCullagh
    & Nelder 1989, §4.5) allows for φ being estimated. Reasons never seen are dropped; while a
    reason's expected window count is below 1 the rarest is folded into the last column ("other"):
    X² with such cells is driven by one or two leads. ``too_few`` (p None): a window under
    ``min_window`` leads, fewer than 2 baseline weeks with leads, or fewer than 2 reasons.
    """
    window = _whole(window_counts, "window_counts")
    baseline = _whole(baseline_counts, "baseline_counts", ndim=2)
    if baseline.shape[1] != len(window):
        raise StatisticsError("baseline_counts must have one column per reason of window_counts")
    baseline = baseline[baseline.sum(1) > 0]  # weeks without lost leads say nothing about the mix
    pooled = baseline.sum(0)
    n_w, n_b, weeks = int(window.sum()), int(pooled.sum()), len(baseline)
    seen = [j for j in range(len(window)) if window[j] + pooled[j] > 0]
    if n_w < max(1, min_window) or weeks < 2 or len(seen) < 2:
        return MixShift(n_w, n_b, weeks, None, 0, None, None, None, None, None, None, None, (), TOO_FEW)
    columns, totals = [[j] for j in seen], window + pooled
    while len(columns) > 2 and min(totals[c].sum() for c in columns) * n_w / (n_w + n_b) < 1:
        columns[-1] = sorted(columns[-1] + columns.pop(int(np.argmin([totals[c].sum() for c in columns[:-1]]))))
    merged = tuple(columns[-1][:-1]) if len(columns[-1]) > 1 else ()
    fold = lambda rows: np.stack([rows[..., c].sum(-1) for c in columns], axis=-1)  # noqa: E731
    table = np.vstack([fold(window), fold(pooled)])
    weekly = fold(baseline)[:, fold(pooled) > 0]
    chi2, df = float(sps.chi2_contingency(table, correction=False).statistic), len(columns) - 1
    phi_df = (weeks - 1) * (weekly.shape[1] - 1)  # 0: one reason in every baseline week, no spread to measure
    phi = max(1.0, sps.chi2_contingency(weekly, correction=False).statistic / phi_df) if phi_df else 1.0
    p_value = clean(sps.f.sf(chi2 / (df * phi), df, phi_df) if phi_df else sps.chi2.sf(chi2, df))
    residuals = adjusted_residuals(table)[0] / math.sqrt(phi)
    top = int(np.argmax(residuals))
    if residuals[top] <= 0:  # the window's mix is the baseline's exactly
        return MixShift(n_w, n_b, weeks, clean(chi2), df, clean(phi), p_value, None, None, None, None, None, merged)
    share_b = table[1, top] / n_b  # the merged column is named by its last reason (the original last column)
    return MixShift(n_w, n_b, weeks, clean(chi2), df, clean(phi), p_value, columns[top][-1], clean(residuals[top]),
                    clean(table[0, top] / n_w), clean(share_b), clean(table[0, top] - n_w * share_b), merged)


def flag(p_values: Sequence[float | None], alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini–Hochberg across a whole scan, leaving out None (or NaN) entries — too-few units. Returns
    (rejected, adjusted) in the input's order: False and NaN for left-out entries. Under the global null
    BH controls the family-wise rate: the false-alarm rate the monitor promises."""
    alpha = check_alpha(alpha)
    values = np.array([np.nan if p is None else p for p in p_values], dtype=float)
    present = ~np.isnan(values)
    rejected, adjusted = np.zeros(len(values), dtype=bool), np.full(len(values), np.nan)
    if present.any():
        rejected[present], adjusted[present] = adjust_pvalues(values[present], alpha, "fdr_bh")
    return rejected, adjusted
