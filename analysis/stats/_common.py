"""Shared helpers of the statistics package: argument checks, clean numbers, plain-language pieces."""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..errors import StatisticsError


def check_alpha(alpha: float) -> float:
    """``alpha`` must lie in (0, 0.5]: intervals are at level 1 − alpha."""
    try:
        value = float(alpha)
    except (TypeError, ValueError):
        raise StatisticsError(f"alpha «{alpha}» is not a number", hint="e.g. alpha=0.05") from None
    if not 0 < value <= 0.5:
        raise StatisticsError(f"alpha = {alpha} is outside (0, 0.5]", hint="e.g. alpha=0.05 for 95% intervals")
    return value


def check_count(count: Any, nobs: Any, what: str = "count") -> tuple[int, int]:
    """Whole, non-negative counts with count ≤ nobs."""
    for name, value in ((what, count), ("nobs", nobs)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
            raise StatisticsError(f"{name} «{value!r}» is not a number", hint="pass whole counts")
        if not math.isfinite(float(value)) or float(value) < 0 or float(value) != int(value):
            raise StatisticsError(f"{name} = {value} is not a whole number ≥ 0", hint="pass whole counts")
    count, nobs = int(count), int(nobs)
    if count > nobs:
        raise StatisticsError(f"{what} = {count} exceeds nobs = {nobs}", hint="a count of successes cannot exceed the total")
    return count, nobs


def check_nonnegative(value: Any, name: str, positive: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise StatisticsError(f"{name} «{value!r}» is not a number") from None
    if not math.isfinite(number) or number < 0 or (positive and number == 0):
        raise StatisticsError(f"{name} = {value} must be {'> 0' if positive else '≥ 0'} and finite")
    return number


def clean(value: Any) -> float | None:
    """A finite float, or None (never NaN or infinity in a result)."""
    if value is None:
        return None
    if np.iscomplexobj(value):  # statsmodels' root finders can return complex numbers near a boundary
        value = complex(value)
        if abs(value.imag) > 1e-9 * max(1.0, abs(value.real)):
            return None
        value = value.real
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def clean_pair(pair: Iterable[Any]) -> tuple[float | None, float | None]:
    low, high = pair
    return clean(low), clean(high)


def clip01(value: float | None) -> float | None:
    return None if value is None else min(1.0, max(0.0, value))


def result_frame(result: Any) -> pd.DataFrame:
    """One-row frame of a result's scalar fields (tuples become ``_low``/``_high`` columns)."""
    row: dict[str, Any] = {}
    for field in fields(result):
        value = getattr(result, field.name)
        if field.name == "warnings":
            row["warnings"] = ", ".join(value)
        elif isinstance(value, tuple) and len(value) == 2 and all(v is None or isinstance(v, (int, float)) for v in value):
            row[f"{field.name}_low"], row[f"{field.name}_high"] = value
        elif isinstance(value, (int, float, str, bool)) or value is None:
            row[field.name] = value
    return pd.DataFrame([row])


class ResultFrame:
    """``to_frame()`` for the results: one row of their scalar fields (intervals as ``_low``/``_high``)."""

    def to_frame(self) -> pd.DataFrame:
        return result_frame(self)


def format_p(p_value: float | None, lang: str = "en") -> str:
    """``p < 0.001`` or ``p = 0.012`` (decimal comma in Russian)."""
    if p_value is None:
        return "p —"
    if p_value < 0.001:
        text = "p < 0.001"
    elif p_value < 0.01:
        text = f"p = {p_value:.3f}"
    else:
        text = f"p = {p_value:.2f}"
    return text.replace(".", ",") if lang == "ru" else text


def format_pct(value: float | None, lang: str = "en", digits: int = 0) -> str:
    if value is None:
        return "—"
    text = f"{100 * value:.{digits}f}%"
    return text.replace(".", ",") if lang == "ru" else text


def format_interval(low: float | None, high: float | None, lang: str = "en", digits: int = 0) -> str:
    if low is None or high is None:
        return "—"
    return f"{format_pct(low, lang, digits)[:-1]}–{format_pct(high, lang, digits)}"


def possessive(label: str) -> str:
    """English possessive: «Avito's», «the other channels'»."""
    return f"{label}'" if label.endswith("s") else f"{label}'s"
