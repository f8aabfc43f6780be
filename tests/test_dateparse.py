"""The date parser of analysis.tuned against pandas' own, format by format, as the loader used it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import tuned
from analysis.tuned import compile_format, could_match, parse_formats
from analysis.parsing import DATE_FORMATS_DAYFIRST, DATE_FORMATS_MONTHFIRST


def pandas_formats(text: pd.Series, formats: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The loader's parse before analysis.tuned: pandas' to_datetime on the cells still
    unparsed, one format after the other."""
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    remaining = text != ""
    for fmt in formats:
        if not remaining.any():
            break
        parsed = pd.to_datetime(text[remaining], format=fmt, errors="coerce")
        # within the plausible years of an export, 1970-2100 (a year 1900 or 2200 is a
        # typo, an unreadable cell; pandas 3 parses a year 1600 to seconds, which the loader's cast
        # to nanoseconds once crashed on)
        hit = parsed.notna() & (parsed >= pd.Timestamp("1970-01-01")) & (parsed <= pd.Timestamp("2100-12-31 23:59:59"))
        if hit.any():
            result[parsed.index[hit]] = parsed[hit].astype("datetime64[ns]")
            remaining[parsed.index[hit]] = False
    return result.to_numpy(), remaining.to_numpy()


def assert_same(cells: list[str], formats: tuple[str, ...], arrow: bool = True) -> None:
    text = pd.Series(cells, dtype=pd.StringDtype("pyarrow", na_value=np.nan) if arrow else object)
    values, unparsed = parse_formats(text, formats)
    expected_values, expected_unparsed = pandas_formats(text, formats)
    for i, cell in enumerate(cells):
        assert (values[i], unparsed[i]) == (expected_values[i], expected_unparsed[i]) or (
            np.isnat(values[i]) and np.isnat(expected_values[i]) and unparsed[i] == expected_unparsed[i]), \
            f"{cell!r}: {values[i]} {unparsed[i]}, pandas {expected_values[i]} {expected_unparsed[i]}"


EXAMPLES = [
    "01.05.2025 06:41", "01.05.2025 06:41:10", "1.5.2025 6:41", "01.05.2025", "31.12.2199 23:59:59",
    "29.02.2024 10:00", "29.02.2025 10:00", "31.04.2025", "00.05.2025", "01.13.2025", "01.05.2025 24:00",
    "01.05.2025 23:60", "01.05.2025 23:59:60", "01.05.1899 10:00", "01.05.2200 10:00", "01.05.1677 10:00",
    "2025-05-01 06:41:10", "2025-05-01T06:41:10", "2025-05-01 06:41", "2025-05-01", "2025-5-1",
    "05/01/2025 06:41 PM", "05/13/2025 06:41 AM", "05/01/2025 18:41:10", "13/05/2025 10:00", "05/13/2025",
    "01.05.25 06:41", "01.05.25", "01-05-2025 06:41:10", "01-05-2025", "01.05.2025  06:41", "01.05.2025\t06:41",
    "01. 5.2025", " 1.05.2025", "01.05.2025 6:41:1", "01.05.2025 06:41:10.5", "2025-05-01 06:41:10+03:00",
    "2025-05-01T06:41:10Z", "вчера", "01.05.2025 06:41 мск", "01.05.2025 06:4a", "0a.05.2025", "01,05,2025",
    "01.05.2025 06:41 PM", "2025-05-01t06:41:10", "01/05/2025 6:41 pm", "1/5/2025", "01.05.2025 ",
    "01.05.2025\u00a006:41", "01.05.2025\u00a006:41:10", "2025-05-01\u00a006:41:10", "01.05.2025\u202f06:41",
    "01.05.2025\x1c06:41", "01.05.2025 06:4\u0660", "\uff12\uff10\uff12\uff15-05-01", "01.05.2025 06:41 мск",
    "", "01.05.2025 06:41:10:11", "01.05.1600 10:00", "2300-01-01", "01.01.9999", "..", "12.12.1212", "2025-02-29", "2024-02-29 00:00:00",
]


@pytest.mark.parametrize("formats", [DATE_FORMATS_DAYFIRST, DATE_FORMATS_MONTHFIRST], ids=["dayfirst", "monthfirst"])
def test_examples_as_pandas(formats):
    assert_same(EXAMPLES, formats)
    assert_same(EXAMPLES, formats, arrow=False)
    assert_same(EXAMPLES[::-1], formats)  # the order of cells must not matter


def test_values_are_right():
    text = pd.Series(["22.03.2026 13:32:05", "22.03.2026 13:32", "29.02.2024", "31.04.2025 10:00", ""],
                     dtype=pd.StringDtype("pyarrow", na_value=np.nan))
    values, unparsed = parse_formats(text, DATE_FORMATS_DAYFIRST)
    assert list(values[:3]) == [np.datetime64("2026-03-22T13:32:05"), np.datetime64("2026-03-22T13:32"),
                                np.datetime64("2024-02-29")]
    assert np.isnat(values[3]) and unparsed.tolist() == [False, False, False, True, False]


def test_zero_padded_cells_never_reach_pandas(monkeypatch):
    """The speed this module exists for: a column of two zero-padded formats is read here
    alone (pandas' parser took 8.6 s for 2M such cells)."""
    calls = []
    original = pd.to_datetime
    monkeypatch.setattr(pd, "to_datetime", lambda *a, **k: calls.append(k.get("format")) or original(*a, **k))
    text = pd.Series(["01.05.2025 06:41:10", "01.05.2025 06:41", "", "02.05.2025"] * 100)
    values, unparsed = parse_formats(text, DATE_FORMATS_DAYFIRST)
    assert calls == [] and not unparsed.any() and np.isnat(values[2])
    text = pd.Series(["01.05.2025 06:41", "1.5.2025 6:41"])
    parse_formats(text, DATE_FORMATS_DAYFIRST)
    assert calls == ["%d.%m.%Y %H:%M"]  # only the cell that is not zero-padded, only with the format it can match


def test_blocks_and_chunks(monkeypatch):
    """Cells spread over several Arrow chunks and blocks keep their places."""
    monkeypatch.setattr(tuned, "BLOCK_CELLS", 7)
    rng = np.random.default_rng(3)
    cells = [EXAMPLES[i] for i in rng.integers(0, len(EXAMPLES), 200)]
    array = pa.chunked_array([pa.array(cells[:33]), pa.array(cells[33:34]), pa.array([], pa.string()),
                              pa.array(cells[34:])])
    text = pd.Series(pd.arrays.ArrowStringArray(array))
    values, unparsed = parse_formats(text, DATE_FORMATS_DAYFIRST)
    expected_values, expected_unparsed = pandas_formats(pd.Series(cells), DATE_FORMATS_DAYFIRST)
    assert (unparsed == expected_unparsed).all()
    assert ((values == expected_values) | (np.isnat(values) & np.isnat(expected_values))).all()


def test_could_match_counts_separators():
    fmt = compile_format("%d.%m.%Y %H:%M")
    array = pa.array(["01.05.2025 06:41", "01.05.2025 06:41:10", "1.5.2025  6:41", "01.05.2025 6:41 PM", "", "0105"])
    assert could_match(array, fmt).tolist() == [True, False, True, False, False, False]
    assert could_match(array, compile_format("%m/%d/%Y %I:%M %p")).tolist() == [False] * 6
    assert compile_format("%d.%m.%y %H:%M").layout is None  # two-digit years: pandas' rule, not ours


_FIELD = {"d": (0, 35), "m": (0, 14), "Y": (1890, 2210), "y": (0, 99), "H": (0, 25), "I": (0, 13), "M": (0, 61),
          "S": (0, 61)}


@st.composite
def date_cells(draw):
    """Cells written in one of the formats, with values out of range, padding dropped, a
    separator swapped or doubled, text around: what exports hold, right and wrong."""
    formats = DATE_FORMATS_DAYFIRST + DATE_FORMATS_MONTHFIRST
    fmt = draw(st.sampled_from(formats))
    parts = []
    i = 0
    while i < len(fmt):
        if fmt[i] == "%":
            letter = fmt[i + 1]
            i += 2
            if letter == "p":
                parts.append(draw(st.sampled_from(["AM", "PM", "am", "pm", "XM"])))
                continue
            low, high = _FIELD[letter]
            value = draw(st.integers(low, high))
            width = 4 if letter == "Y" else 2
            padded = draw(st.booleans()) or letter == "Y"
            parts.append(f"{value:0{width}d}" if padded else str(value))
        else:
            literal = fmt[i]
            i += 1
            parts.append(draw(st.sampled_from([literal, literal, literal, literal + literal, ".", "-", "/", " ", ":", "T"])))
    cell = "".join(parts)
    tail = draw(st.sampled_from(["", "", "", ".5", "Z", "+03:00", " ", "x", ":00"]))
    return cell + tail


@settings(max_examples=300, deadline=None)
@given(st.lists(date_cells(), min_size=1, max_size=30), st.booleans())
def test_generated_cells_as_pandas(cells, dayfirst):
    assert_same(cells, DATE_FORMATS_DAYFIRST if dayfirst else DATE_FORMATS_MONTHFIRST)


def test_years_beyond_nanoseconds_are_unparsed_not_a_crash():
    """A year 1600 typed by hand: pandas 3 parses it to seconds, and the cast to nanoseconds
    used to raise OutOfBoundsDatetime out of the loader."""
    from analysis.parsing import parse_dates

    parsed = parse_dates(pd.Series(["01.05.1600 10:00", "1600-01-01T10:00:00.5", "1600-01-01T10:00:00+03:00",
                                    "01.05.2025 10:00"]), dayfirst=True, timezone="Europe/Moscow")
    assert parsed.isna().tolist() == [True, True, True, False]


def test_every_month_end_of_every_year_read_here():
    """The month tables (first day, length) against Python's calendar: each month's last day
    of 1900-2199 parses to its date, the day after it is no date."""
    import calendar
    import datetime as dt

    last_days = [dt.date(year, month, calendar.monthrange(year, month)[1])
                 for year in range(tuned._EARLIEST, tuned._LATEST + 1) for month in range(1, 13)]
    cells = [f"{day:%d.%m.%Y} 23:59:59" for day in last_days] + [
        f"{day.day + 1:02d}.{day:%m.%Y} 00:00" for day in last_days]
    text = pd.Series(cells, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
    values = np.full(len(cells), tuned.NAT, dtype=np.int64)
    remaining = np.ones(len(cells), dtype=bool)
    tuned.parse_fixed(tuned._Cells(tuned.arrow_text(text)), compile_format("%d.%m.%Y %H:%M:%S"),
                          values, remaining)
    tuned.parse_fixed(tuned._Cells(tuned.arrow_text(text)), compile_format("%d.%m.%Y %H:%M"),
                          values, remaining)
    expected = [np.datetime64(f"{day:%Y-%m-%d}T23:59:59", "ns").astype(np.int64) for day in last_days]
    assert values[:len(last_days)].tolist() == expected
    assert remaining[len(last_days):].all() and not remaining[:len(last_days)].any()
