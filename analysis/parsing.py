"""Dates, numbers and yes/no answers from export cells, and the text steps they share.

Each function takes a column's cells and returns values; none knows the file, the mapping or
the rows kept. :func:`dates_of` and :func:`numbers_of` also say which cells failed, so that
:mod:`analysis.loading` can note them or refuse a column that fails wholesale. The hand-tuned
date reader they use is :func:`analysis.tuned.parse_formats`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .readers import on_uniques, text_cells
from .tuned import digit_runs, in_nanosecond_range, is_arrow_text, parse_formats, untrimmed

WHOLESALE_FAILURE_SHARE = 0.05

DATE_FORMATS_DAYFIRST = (
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d.%m.%y %H:%M", "%d.%m.%y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
)
DATE_FORMATS_MONTHFIRST = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
)
# "t"/"f": PostgreSQL's text for a boolean
TRUE_WORDS = {"да", "yes", "true", "1", "+", "y", "д", "целевой", "target", "t"}
FALSE_WORDS = {"нет", "no", "false", "0", "n", "н", "нецелевой", "not target", "f"}


def parse_dates(cells: pd.Series, dayfirst: bool = True, timezone: str | None = None, stripped: bool = False
                ) -> pd.Series:
    """Parse date cells with the formats exports use; unparseable cells become NaT.

    Each format is tried on the cells still unparsed (a file may mix ``HH:MM`` and
    ``HH:MM:SS``); an explicit format is fast and never guesses day vs month.
    ``stripped``: the cells are :func:`~analysis.readers.text_cells` already.
    """
    if not pd.api.types.is_datetime64_any_dtype(cells):
        return on_uniques(cells, lambda values: _parse_dates(values, dayfirst, timezone, stripped))
    return _parse_dates(cells, dayfirst, timezone)


def _parse_dates(cells: pd.Series, dayfirst: bool, timezone: str | None, stripped: bool = False) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(cells):
        parsed = cells
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert(timezone or "UTC").dt.tz_localize(None)
        # typed timestamps (Parquet, a database) of year 1 or 9999 are unread cells, not a cast error
        return parsed.where(in_nanosecond_range(parsed)).astype("datetime64[ns]")
    text = cells if stripped else text_cells(cells)
    # each format in turn on the cells still unparsed; zero-padded cells read off their bytes
    # (pandas' parser took 8.6 s for 2M distinct timestamps, see analysis.tuned)
    values, unparsed = parse_formats(text, DATE_FORMATS_DAYFIRST if dayfirst else DATE_FORMATS_MONTHFIRST)
    # copy=False: pandas copies a numpy array it is handed (10M leads: 80 MB a column, for nothing)
    result = pd.Series(values, index=text.index, dtype="datetime64[ns]", copy=False)
    remaining = pd.Series(unparsed, index=text.index, copy=False)
    if remaining.any():  # ISO 8601 with offsets or fractions, as databases write them
        rest = text[remaining]
        # a date has digits: pandas reads "now" and "today" as the moment of the run, even
        # with a format given, and any cell without a digit is no date
        rest = rest[rest.str.contains(r"\d", regex=True).fillna(False).astype(bool)]
        offset = rest.str.contains(r"(?:[+-]\d{2}(?::?\d{2})?|Z)$", regex=True)
        if offset.any():  # an instant: to the mapping's local time zone
            parsed = pd.to_datetime(rest[offset], format="ISO8601", errors="coerce", utc=True)
            local = parsed[parsed.notna()].dt.tz_convert(timezone or "UTC").dt.tz_localize(None)
            local = local[in_nanosecond_range(local)]
            result[local.index] = local.astype("datetime64[ns]")
        if (~offset).any():  # local time already (a fraction of a second, say)
            parsed = pd.to_datetime(rest[~offset], format="ISO8601", errors="coerce")
            hit = parsed.notna() & in_nanosecond_range(parsed)
            result[parsed.index[hit]] = parsed[hit].astype("datetime64[ns]")
    return result


def parse_numbers(cells: pd.Series) -> pd.Series:
    """Parse numbers with decimal commas, spaces as thousands separators and currency signs."""
    if pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
        return cells.astype("float64")
    return on_uniques(cells, _parse_numbers)


def _parse_numbers(cells: pd.Series) -> pd.Series:
    text = text_cells(cells).str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    text = text.str.replace(r"(?i)(₽|руб\.?|р\.|rub|\$|€)", "", regex=True)
    commas = text.str.count(",")
    dots = text.str.count(r"\.")
    last_comma = text.str.rfind(",")
    last_dot = text.str.rfind(".")
    comma_decimal = (commas == 1) & ((dots == 0) | (last_comma > last_dot))
    text = text.where(~comma_decimal, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    text = text.where(comma_decimal, text.str.replace(",", "", regex=False))
    many_dots = (~comma_decimal) & (dots > 1)
    text = text.where(~many_dots, text.str.replace(".", "", regex=False))
    return pd.to_numeric(text.replace("", np.nan), errors="coerce").astype("float64")


def parse_flags(cells: pd.Series) -> pd.Series:
    """Yes/no cells («да», «нет», 1, 0, true …) as a nullable boolean."""
    return on_uniques(text_cells(cells), _parse_flags)


def _parse_flags(cells: pd.Series) -> pd.Series:
    folded = text_cells(cells).str.casefold()
    result = pd.Series(pd.NA, index=folded.index, dtype="boolean")
    result[folded.isin(TRUE_WORDS)] = True
    result[folded.isin(FALSE_WORDS)] = False
    return result




def by_chunk(series: pd.Series, function) -> pd.Series:
    """An Arrow-backed text column through an Arrow function a chunk at a time, not on a
    combined copy (the steps' temporaries for a whole column of 10M: a gigabyte)."""
    cells = pa.array(series.array)
    chunks = cells.chunks if isinstance(cells, pa.ChunkedArray) else [cells]
    return pd.Series(pa.chunked_array([function(chunk) for chunk in chunks], cells.type),
                     index=series.index, name=series.name, dtype=series.dtype)


def trimmed(cells: pa.Array) -> pa.Array:
    """Arrow text without surrounding whitespace, missing cells as "". The cells themselves
    where nothing needs trimming, not a copy of them (10M timestamps: 200 MB a column)."""
    cells = cells.fill_null("")
    return cells if untrimmed(cells) else pc.utf8_trim_whitespace(cells)


def placeholder_hits(text: pa.Array, placeholders: frozenset[str]) -> pa.Array:
    """Which trimmed Arrow cells are placeholders: lower case, "ё" as "е", as the mapping keeps them."""
    folded = pc.replace_substring(pc.utf8_lower(text), "ё", "е")
    return pc.is_in(folded, value_set=pa.array(sorted(placeholders), text.type))


def blank_placeholders(cells: pd.Series, placeholders: frozenset[str]) -> pd.Series:
    """Text cells with the mapping's placeholders («не указано», «-» …) as "", trimmed; numbers and
    dates as they are. Arrow text that hardly repeats (IDs, phones) is worked on in Arrow, without
    a Python string per cell; other text on its distinct values."""
    if pd.api.types.is_numeric_dtype(cells) or pd.api.types.is_datetime64_any_dtype(cells):
        return cells
    digit_placeholders = any(value.isascii() and value.isdigit() for value in placeholders)

    def blank_arrow(chunk: pa.Array) -> pa.Array:
        if not digit_placeholders and digit_runs(chunk):  # IDs: nothing to trim, fold or blank
            return chunk
        text = trimmed(chunk)
        hit = placeholder_hits(text, placeholders)
        return pc.if_else(hit, "", text) if pc.any(hit).as_py() else text

    if is_arrow_text(cells):
        return by_chunk(cells, blank_arrow)

    def blank(values: pd.Series) -> pd.Series:
        text = text_cells(values)
        folded = text.str.casefold().str.replace("ё", "е", regex=False)
        return text.where(~folded.isin(placeholders), "")

    return on_uniques(cells, blank, keep_codes=True)


def plain_text(series: pd.Series) -> pd.Series:
    """A categorical text column as plain object text (for ``where`` or ``replace`` with new values)."""
    return series.astype(object) if isinstance(series.dtype, pd.CategoricalDtype) else series


@dataclass(frozen=True)
class Parsed:
    """A column's parsed values and which cells did not parse.

    ``failed`` and ``filled`` are boolean masks on the values' index (a cell with text that did not
    parse; a cell with any text, placeholders not counted); ``failed_text`` holds the failed cells'
    text for the examples (None for typed cells, which have none)."""

    values: pd.Series
    failed: pd.Series
    filled: pd.Series
    failed_text: pd.Series | None

    def wholesale(self) -> bool:
        """Whether more than :data:`WHOLESALE_FAILURE_SHARE` of the filled cells failed: the column is
        not what the mapping says it is."""
        total = int(self.filled.sum())
        return bool(total) and int(self.failed.sum()) > WHOLESALE_FAILURE_SHARE * total


def dates_of(cells: pd.Series, placeholders: frozenset[str], dayfirst: bool = True,
             timezone: str | None = None) -> Parsed:
    """A date column's cells parsed (:func:`parse_dates`), placeholders counted as empty cells."""
    if pd.api.types.is_datetime64_any_dtype(cells):
        parsed = parse_dates(cells, dayfirst, timezone)
        return Parsed(parsed, cells.notna() & parsed.isna(), cells.notna(), None)
    arrow = is_arrow_text(cells)
    # A cell that parses has digits. When no placeholder has one, only cells that fail to parse
    # can be placeholders: Arrow text is trimmed and parsed as it is, and the few failed cells
    # are looked up afterwards (a placeholders' pass over 10M timestamps: 1.5-3 s)
    after = arrow and not any(character.isdigit() for value in placeholders for character in value)
    if after:
        text = by_chunk(cells, trimmed)
    else:  # Arrow text comes trimmed through the placeholders' pass, other text from text_cells
        text = blank_placeholders(cells, placeholders)
        text = text if arrow else text_cells(text)
    del cells  # 10M leads: the column's text is 200 MB
    parsed = parse_dates(text, dayfirst, timezone, stripped=True)
    filled = text != ""
    failed = filled & parsed.isna()
    if after and failed.any():
        hit = placeholder_hits(pa.array(text[failed].array), placeholders).to_numpy(zero_copy_only=False)
        if hit.any():  # a placeholder is an empty cell
            rows = failed.index[failed.to_numpy()][hit]
            filled[rows] = False
            failed[rows] = False
    return Parsed(parsed, failed, filled, text[failed])


def numbers_of(cells: pd.Series) -> Parsed:
    """A number column's cells parsed (:func:`parse_numbers`); ``cells`` have their placeholders blanked."""
    parsed = parse_numbers(cells)
    if pd.api.types.is_numeric_dtype(cells):
        return Parsed(parsed, cells.notna() & parsed.isna(), cells.notna(), None)
    text = text_cells(cells)
    filled = text != ""
    failed = filled & parsed.isna()
    return Parsed(parsed, failed, filled, text[failed])
