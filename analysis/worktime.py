"""Working time (SPEC 2.5): speed to lead is measured in the dealership's working minutes.

A lead that arrives at 23:00 and is called at 09:10 the next morning (hours 09:00–21:00)
was answered in 10 working minutes. Public holidays come from the maintained ``holidays``
calendar (Russia by default, with its transferred days off); they count as closed only
when the mapping says ``holidays_closed: true``. Everything here is vectorised: a
cumulative count of open minutes per calendar day turns each timestamp into a position
on a working-time axis, and a response time is the difference of two positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .errors import ParameterError

BLOCK_ROWS = 1 << 20  # rows per block of the minute arithmetic


def holiday_dates(country: str, years: range) -> dict[date, str]:
    """Public holidays (with transferred days off) from the ``holidays`` library."""
    import holidays

    try:
        calendar = holidays.country_holidays(country, years=list(years))
    except NotImplementedError:
        raise ParameterError(f"no public-holiday calendar for country «{country}»",
                             hint="use an ISO code such as RU, KZ, BY") from None
    return dict(calendar.items())


@dataclass(frozen=True)
class WorkingCalendar:
    """Opening hours every day, optionally closed on public holidays.

    Attributes
    ----------
    open_minute, close_minute
        Opening and closing time as minutes after midnight (540, 1260 for 09:00–21:00).
    holidays_closed
        Public holidays count as closed days.
    country
        Holiday calendar's country code.
    """

    open_minute: int = 9 * 60
    close_minute: int = 21 * 60
    holidays_closed: bool = False
    country: str = "RU"

    def _axis(self, first_day: np.datetime64, last_day: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
        days = np.arange(first_day, last_day + np.timedelta64(1, "D"), dtype="datetime64[D]")
        minutes_open = np.full(len(days), self.close_minute - self.open_minute, dtype=np.float64)
        if self.holidays_closed and len(days):
            years = range(int(str(days[0])[:4]), int(str(days[-1])[:4]) + 1)
            closed = np.array(sorted(holiday_dates(self.country, years)), dtype="datetime64[D]")
            minutes_open[np.isin(days, closed)] = 0.0
        before = np.concatenate([[0.0], np.cumsum(minutes_open)[:-1]])
        return before, minutes_open

    @classmethod
    def from_settings(cls, settings, holidays_closed: bool | None = None) -> "WorkingCalendar":
        """The calendar a mapping's settings describe (``holidays_closed`` may be overridden)."""
        start, close = settings.opening_minutes()
        closed = settings.holidays_closed if holidays_closed is None else holidays_closed
        return cls(start, close, closed, settings.holiday_country)

    def minutes_between(self, start: pd.Series, end: pd.Series) -> pd.Series:
        """Working minutes from ``start`` to ``end`` (NaN where either is missing).

        Negative where ``end`` is before ``start`` (the caller decides what that means).
        Computed a block of rows at a time: the arithmetic's temporaries for 10M leads at once
        took 0.9 GB.
        """
        start = pd.to_datetime(start)
        end = pd.to_datetime(end)
        starts = start.to_numpy(dtype="datetime64[ns]")
        ends = end.to_numpy(dtype="datetime64[ns]")
        result = np.full(len(start), np.nan)
        blocks = [slice(low, low + BLOCK_ROWS) for low in range(0, len(result), BLOCK_ROWS)]
        valid = [~(np.isnat(starts[block]) | np.isnat(ends[block])) for block in blocks]
        bounds = [(min(starts[block][ok].min(), ends[block][ok].min()), max(starts[block][ok].max(), ends[block][ok].max()))
                  for block, ok in zip(blocks, valid) if ok.any()]
        if not bounds:
            return pd.Series(result, index=start.index)
        first = min(low for low, _ in bounds).astype("datetime64[D]")
        last = max(high for _, high in bounds).astype("datetime64[D]")
        before, minutes_open = self._axis(first, last)
        for block, ok in zip(blocks, valid):
            if ok.any():
                result[block][ok] = self._position(ends[block][ok], first, before, minutes_open) - \
                    self._position(starts[block][ok], first, before, minutes_open)
        return pd.Series(result, index=start.index)

    def _position(self, moments: np.ndarray, first: np.datetime64, before: np.ndarray,
                  minutes_open: np.ndarray) -> np.ndarray:
        day = moments.astype("datetime64[D]")
        index = (day - first).astype(np.int64)
        minute_of_day = (moments - day).astype("timedelta64[ns]").astype(np.float64) / 60e9
        within = np.clip(minute_of_day - self.open_minute, 0.0, None)
        within = np.minimum(within, minutes_open[index])
        return before[index] + within

    def holiday_days(self, first: date, last: date) -> list[date]:
        """Public holidays between two dates (for marking holiday weeks on plots)."""
        calendar = holiday_dates(self.country, range(first.year, last.year + 1))
        return sorted(day for day in calendar if first <= day <= last)
