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


def test_week_starts_as_pandas_periods():
    from analysis.aggregate import week_starts

    rng = np.random.default_rng(5)
    moments = pd.Series(pd.to_datetime(rng.integers(-2 * 10**18, 3 * 10**18, 5000)).astype("datetime64[ns]"))
    moments[::97] = pd.NaT
    moments[1] = pd.Timestamp("2026-07-05 23:59:59.999999999")  # a Sunday's last moment
    moments[2] = pd.Timestamp("2026-07-06")  # a Monday's first
    expected = moments.dt.to_period("W-SUN").dt.start_time
    pd.testing.assert_series_equal(week_starts(moments), expected)


def test_weekly_counts_as_a_groupby_of_periods():
    from analysis.aggregate import weekly_counts

    rng = np.random.default_rng(6)
    leads = pd.DataFrame({"created_at": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 200 * 86400, 3000), unit="s")})
    mask, events = pd.Series(rng.random(3000) < 0.6), pd.Series(rng.random(3000) < 0.3)
    created = leads.loc[mask, "created_at"]
    frame = pd.DataFrame({"week": created.dt.to_period("W-SUN").dt.start_time, "event": events[created.index].astype(int)})
    grouped = frame.groupby("week")["event"]
    expected = pd.DataFrame({"events": grouped.sum(), "total": grouped.size()}).reset_index()
    pd.testing.assert_frame_equal(weekly_counts(leads, mask, events), expected)


def test_response_bucket_edges():
    """Each lead's bucket: how many edges its minutes reach (an edge itself belongs to the
    bucket above it), "never" when not attempted, "n/a" when attempted without a time."""
    from analysis.aggregate import response_bucket

    minutes = [0, 4.999, 5, 14.99, 15, 60, 239.99, 240, 1e6, -1, np.nan, 3, np.inf]
    leads = pd.DataFrame({"response_minutes": minutes, "attempted": [True] * 11 + [False, True]})
    assert response_bucket(leads).tolist() == ["0–5", "0–5", "5–15", "5–15", "15–60", "60–240", "60–240", "240+",
                                                "240+", "0–5", "n/a", "never", "240+"]
