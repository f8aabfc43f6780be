"""The aggregation layer's count tables against pandas' own groupby."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.aggregate import sums_by


def _keys(rng: np.random.Generator, n: int) -> dict[str, pd.Series]:
    names = np.array(["Авито", "Сайт", "VK", "Звонок", "Auto.ru"], dtype=object)
    text = pd.Series(names[rng.integers(0, 5, n)])
    text[rng.random(n) < 0.1] = np.nan
    categorical = pd.Series(pd.Categorical(names[rng.integers(0, 4, n)], categories=sorted(names)))  # one unused
    categorical[rng.random(n) < 0.05] = np.nan
    ordered = pd.Series(pd.Categorical(rng.choice(["b", "a", "c"], n), categories=["c", "b", "a"], ordered=True))
    return {"text": text, "category": categorical, "ordered": ordered,
            "flag": pd.Series(rng.random(n) < 0.3), "number": pd.Series(rng.integers(-3, 40, n))}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("chosen", [["text"], ["category"], ["flag"], ["category", "flag"], ["text", "number"],
                                    ["ordered", "category", "flag"], ["number"]])
def test_sums_by_as_groupby(seed, chosen):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 3000))
    keys = _keys(rng, n)
    events = pd.Series(rng.random(n) < 0.4)
    mask = pd.Series(rng.random(n) < [1.0, 0.5, 0.01][seed % 3])
    frame = pd.DataFrame({**{name: keys[name] for name in chosen}, "event": events})
    expected = frame.loc[mask].groupby(chosen, observed=True, sort=True)["event"].agg(["sum", "size"])
    result = sums_by({name: keys[name] for name in chosen}, events, mask)
    pd.testing.assert_frame_equal(result, expected.astype("int64"))


def test_sums_by_with_many_levels_keeps_only_observed():
    rng = np.random.default_rng(1)
    keys = {f"k{i}": pd.Series(rng.integers(0, 5000, 2000)) for i in range(3)}  # 1.25e11 combinations
    events = pd.Series(rng.random(2000) < 0.5)
    expected = pd.DataFrame({**keys, "event": events}).groupby(list(keys))["event"].agg(["sum", "size"])
    pd.testing.assert_frame_equal(sums_by(keys, events), expected.astype("int64"))
