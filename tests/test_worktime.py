"""Working-time response minutes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.worktime import WorkingCalendar, holiday_dates


def minutes(calendar, start, end):
    return calendar.minutes_between(pd.Series([pd.Timestamp(start)]), pd.Series([pd.Timestamp(end)])).iloc[0]


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("2026-10-01 23:00", "2026-10-02 09:10", 10),           # known outcomes's example
    ("2026-10-01 10:00", "2026-10-01 10:07:30", 7.5),
    ("2026-10-01 20:50", "2026-10-02 09:05", 15),           # 10 before closing + 5 after opening
    ("2026-10-01 07:00", "2026-10-01 08:30", 0),            # both before opening
    ("2026-10-03 12:00", "2026-10-04 12:00", 720),          # a weekend day counts: dealerships work weekends
    ("2026-10-01 10:00", "2026-10-03 10:00", 1440),
])
def test_minutes_between_every_day_open(start, end, expected):
    assert minutes(WorkingCalendar(9 * 60, 21 * 60), start, end) == pytest.approx(expected)


def test_holidays_closed_skips_public_holidays_with_transferred_days():
    closed = WorkingCalendar(9 * 60, 21 * 60, holidays_closed=True)
    open_every_day = WorkingCalendar(9 * 60, 21 * 60, holidays_closed=False)
    # 31.12.2025 and 9.01.2026 are transferred days off, 1–8 January holidays (the holidays library):
    # a lead of 30 December 20:00 answered on Saturday 10 January 09:30 waited 60 + 30 working minutes
    assert minutes(closed, "2025-12-30 20:00", "2026-01-10 09:30") == pytest.approx(60 + 30)
    assert minutes(open_every_day, "2025-12-30 20:00", "2026-01-10 09:30") == pytest.approx(60 + 10 * 720 + 30)


def test_holiday_calendar_comes_from_the_library():
    days = holiday_dates("RU", range(2026, 2027))
    assert pd.Timestamp("2026-01-09").date() in days  # transferred day off
    assert pd.Timestamp("2026-05-11").date() in days


def test_missing_and_negative_values():
    calendar = WorkingCalendar()
    start = pd.Series([pd.Timestamp("2026-10-01 10:00"), pd.NaT, pd.Timestamp("2026-10-01 12:00")])
    end = pd.Series([pd.NaT, pd.Timestamp("2026-10-01 10:00"), pd.Timestamp("2026-10-01 11:00")])
    result = calendar.minutes_between(start, end)
    assert result.isna().tolist() == [True, True, False]
    assert result.iloc[2] == -60


def test_blocks_give_the_minutes_of_one_pass(monkeypatch):
    """Rows go through the arithmetic a block at a time; the blocks' calendar spans them all
    (a block's earliest day is not the axis' first day)."""
    import numpy as np

    import analysis.worktime as worktime

    generator = np.random.default_rng(7)
    start = pd.Series(pd.Timestamp("2025-12-20") + pd.to_timedelta(generator.integers(0, 40 * 1440, 500), unit="min"))
    end = start + pd.to_timedelta(generator.integers(-60, 5 * 1440, 500), unit="min")
    start[generator.random(500) < 0.1] = pd.NaT
    end[generator.random(500) < 0.1] = pd.NaT
    start.iloc[:7] = pd.NaT  # a block with no valid row
    calendar = WorkingCalendar(9 * 60, 21 * 60, holidays_closed=True)
    whole = calendar.minutes_between(start, end)
    monkeypatch.setattr(worktime, "BLOCK_ROWS", 7)
    blocked = calendar.minutes_between(start, end)
    pd.testing.assert_series_equal(blocked, whole)
    # and the same as each pair on its own
    some = [11, 40, 499]
    assert blocked.iloc[some].tolist() == pytest.approx(
        [minutes(calendar, start.iloc[i], end.iloc[i]) for i in some], nan_ok=True)
    assert whole.isna().sum() == (start.isna() | end.isna()).sum()


def test_minutes_from_one_start_to_several_ends():
    """minutes_from is minutes_between to each end (a column or one moment), NaT included."""
    calendar = WorkingCalendar(open_minute=9 * 60, close_minute=21 * 60, holidays_closed=True)
    rng = np.random.default_rng(3)
    base = pd.Timestamp("2025-12-20")
    start = pd.Series(base + pd.to_timedelta(rng.integers(0, 40 * 86400, 500), unit="s"))
    end = pd.Series(start + pd.to_timedelta(rng.integers(-3600, 20 * 86400, 500), unit="s"))
    start[rng.random(500) < 0.1] = pd.NaT
    end[rng.random(500) < 0.2] = pd.NaT
    moment = pd.Timestamp("2026-02-15 10:30")
    to_end, to_moment = calendar.minutes_from(start, end, moment)
    pd.testing.assert_series_equal(to_end, calendar.minutes_between(start, end))
    expected = [np.nan if pd.isna(s) else calendar.minutes_between(pd.Series([s]), pd.Series([moment])).iloc[0]
                for s in start]
    np.testing.assert_allclose(to_moment.to_numpy(), expected, rtol=0, atol=1e-9)
    # a lead of 20:00 answered next morning at 09:30 waited 60 + 30 working minutes; one more
    # day to a third moment adds 720
    assert [minutes.iloc[0] for minutes in calendar.minutes_from(
        pd.Series([pd.Timestamp("2025-06-03 20:00")]), pd.Series([pd.Timestamp("2025-06-04 09:30")]),
        pd.Timestamp("2025-06-05 09:30"))] == [90, 810]
