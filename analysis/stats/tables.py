"""Contingency tables, e.g. groups × disqualification reasons (docs/methods.md §3).

Chi-square or G-test p-values from scipy (statsmodels' ``Table`` shifts zeros and
underflows large statistics: docs/methods.md §0), adjusted standardized residuals with a
Bonferroni cut, Cramér's V (bias-corrected), and small expected counts handled
automatically: rare columns merged into "other", or a Monte Carlo p-value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from ..errors import StatisticsError
from ..i18n import t
from . import messages
from ._common import check_alpha, clean, format_p

MONTE_CARLO_RESAMPLES = 9999
MONTE_CARLO_SEED = 20261122


def adjusted_residuals(observed: np.ndarray) -> np.ndarray:
    """(O − E) / sqrt(E (1 − r_i/N)(1 − c_j/N)); 0 where a row or column is empty."""
    observed = np.asarray(observed, dtype=float)
    total = observed.sum()
    rows = observed.sum(axis=1, keepdims=True)
    columns = observed.sum(axis=0, keepdims=True)
    expected = rows @ columns / total
    variance = expected * (1 - rows / total) * (1 - columns / total)
    with np.errstate(divide="ignore", invalid="ignore"):
        residuals = (observed - expected) / np.sqrt(variance)
    return np.where(variance > 0, residuals, 0.0)


def cramers_v(observed: np.ndarray, bias_corrected: bool = True) -> float | None:
    """Cramér's V; bias-corrected (Bergsma 2013) by default, as small tables need."""
    observed = np.asarray(observed, dtype=float)
    total = observed.sum()
    r, c = observed.shape
    if total == 0 or min(r, c) < 2:
        return None
    chi2 = sps.chi2_contingency(observed, correction=False).statistic
    phi2 = chi2 / total
    if not bias_corrected:
        return clean(math.sqrt(phi2 / (min(r, c) - 1)))
    if total <= 1:
        return None
    phi2c = max(0.0, phi2 - (r - 1) * (c - 1) / (total - 1))
    rc = r - (r - 1) ** 2 / (total - 1)
    cc = c - (c - 1) ** 2 / (total - 1)
    denominator = min(rc - 1, cc - 1)
    return clean(math.sqrt(phi2c / denominator)) if denominator > 0 else None


def cochran_ok(expected: np.ndarray) -> bool:
    """Cochran's rule: every expected count ≥ 1 and at most 20% below 5."""
    return bool(expected.min() >= 1 and (expected < 5).mean() <= 0.2)


@dataclass(frozen=True)
class AssociationResult:
    """Rows × columns association: test, effect size and the cells that drive it.

    ``residuals`` is a frame of adjusted standardized residuals (rows × columns after any
    merge); ``flagged`` lists ``(row, column, residual)`` beyond ``cut`` = z(1 − α/(2RC)).
    ``handling`` is ``none``, ``merged`` (rare columns into ``merged_into``) or
    ``monte_carlo``.
    """

    statistic: float | None
    df: int
    p_value: float | None
    test: str
    cramers_v: float | None
    residuals: pd.DataFrame
    cut: float
    flagged: tuple[tuple[str, str, float], ...]
    handling: str
    merged: tuple[str, ...]
    alpha: float
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        return self.residuals.copy()

    def summary(self, lang: str = "en", row_label=str, column_label=str) -> str:
        """Plain language; ``row_label``/``column_label`` turn labels into words."""
        if self.p_value is None:
            return t("stats.no_data", lang, label="")
        over = [f"{column_label(column)} ({row_label(row)})" for row, column, value in self.flagged if value > 0]
        key = "stats.association.some" if self.p_value < self.alpha and over else "stats.association.none"
        v = "—" if self.cramers_v is None else f"{self.cramers_v:.2f}"
        return t(key, lang, cells=", ".join(over), p=format_p(self.p_value, lang),
                 v=v.replace(".", ",") if lang == "ru" else v)


def test_association(observed: Sequence[Sequence[int]] | np.ndarray, row_labels: Sequence[str],
                     column_labels: Sequence[str], alpha: float = 0.05,
                     test: Literal["chi2", "g"] = "chi2", other_label: str = "other") -> AssociationResult:
    """Test rows × columns for association, handling small expected counts automatically.

    When Cochran's rule fails, the rarest columns are merged into ``other_label`` while
    that leaves at least two columns and the rule then holds; otherwise the p-value comes
    from a seeded Monte Carlo (``chi2_contingency(method=MonteCarloMethod(...))``).
    """
    alpha = check_alpha(alpha)
    table = np.asarray(observed, dtype=float)
    if table.ndim != 2 or table.shape != (len(row_labels), len(column_labels)):
        raise StatisticsError("observed must be a rows × columns table matching the labels")
    if (table < 0).any() or not np.isfinite(table).all() or (table != np.round(table)).any():
        raise StatisticsError("observed must hold whole counts ≥ 0")
    frame = pd.DataFrame(table, index=[str(r) for r in row_labels], columns=[str(c) for c in column_labels])
    frame = frame.loc[frame.sum(axis=1) > 0, frame.sum(axis=0) > 0]
    warnings: list[str] = []
    empty = pd.DataFrame()
    if frame.shape[0] < 2 or frame.shape[1] < 2:
        return AssociationResult(None, 0, None, test, None, empty, math.inf, (), "none", (), alpha,
                                 (messages.NOT_ENOUGH_GROUPS,))
    lambda_ = "log-likelihood" if test == "g" else None
    handling, merged = "none", ()
    expected = sps.contingency.expected_freq(frame.to_numpy())
    if not cochran_ok(expected):
        candidate = frame.copy()
        # only columns with an expected count below 5 are rare enough to merge; informative
        # large columns are never folded into "other" (then the p-value comes from Monte Carlo)
        rare = pd.Series(expected.min(axis=0) < 5, index=frame.columns)
        order = [c for c in candidate.sum(axis=0).sort_values().index if rare[c]]
        merged_list: list[str] = []
        for column in order:
            if candidate.shape[1] <= 2 or cochran_ok(sps.contingency.expected_freq(candidate.to_numpy())):
                break
            if column == other_label:
                continue
            target = other_label
            if target not in candidate.columns:
                candidate[target] = 0.0
            candidate[target] = candidate[target] + candidate[column]
            candidate = candidate.drop(columns=column)
            merged_list.append(column)
        if candidate.shape[1] >= 2 and cochran_ok(sps.contingency.expected_freq(candidate.to_numpy())):
            frame, handling, merged = candidate, "merged", tuple(merged_list)
            warnings.append(messages.MERGED_CATEGORIES)
        else:
            handling = "monte_carlo"
            warnings.append(messages.MONTE_CARLO)
    values = frame.to_numpy()
    if handling == "monte_carlo":
        method = sps.MonteCarloMethod(n_resamples=MONTE_CARLO_RESAMPLES, rng=np.random.default_rng(MONTE_CARLO_SEED))
        result = sps.chi2_contingency(values, correction=False, lambda_=lambda_, method=method)
    else:
        result = sps.chi2_contingency(values, correction=False, lambda_=lambda_)
    residuals = pd.DataFrame(adjusted_residuals(values), index=frame.index, columns=frame.columns)
    rows, columns = values.shape
    cut = float(sps.norm.ppf(1 - alpha / (2 * rows * columns)))
    flagged = tuple((r, c, float(residuals.loc[r, c])) for r in residuals.index for c in residuals.columns
                    if abs(residuals.loc[r, c]) > cut)
    # scipy reports no dof for a Monte Carlo p-value; the table's is (R − 1)(C − 1)
    return AssociationResult(clean(result.statistic), (rows - 1) * (columns - 1), clean(result.pvalue),
                             "g" if test == "g" else "chi2", cramers_v(values), residuals, cut, flagged, handling,
                             merged, alpha, tuple(warnings))


test_association.__test__ = False  # not a pytest test, despite its name
