"""Date cells in a known format, parsed from Arrow's buffers with numpy where pandas would be slow.

``pd.to_datetime(cells, format=...)`` matches each cell against a regular expression in one
Python thread: 2M distinct timestamps took 8.6 s (two formats tried, as exports mix
``HH:MM`` and ``HH:MM:SS``), so a 10M-lead export whose timestamps carry seconds would
spend minutes per date column. Most cells are written the same way, zero-padded:
``22.03.2026 13:32:05``. Such a cell is a fixed pattern of digits and separators; its
fields are read off the bytes of every cell at once, checked (month 1–12, the day within
its month, 23:59:59 at most) and combined into nanoseconds.

What this module does not accept is left to pandas, which stays the reference: a cell
that is not zero-padded (``1.5.2025 6:41``), a year outside 1970–2100, a format with
two-digit years or AM/PM. pandas sees only the cells that could match the format at all
(:func:`could_match`), so the cells of another format in the same column cost it nothing.
The formats are tried in the caller's order, as before; the result is the same as
pandas' on every cell (``tests/test_dateparse.py`` compares them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa

from .readers import arrow_buffers, arrow_text, counted_before, series_rows, take_rising

#: strptime's fields read here, with their width when zero-padded
_FIELDS = {"d": 2, "m": 2, "Y": 4, "H": 2, "M": 2, "S": 2}
#: separators counted per cell: a cell can only match a format with as many of each
#: (pandas matches case-insensitively: "t" is a "T")
_COUNTED = (b".", b":", b"-", b"/", b"Tt")
#: what each byte can be in a cell: 0 a digit or whitespace, 1 + i the counted separator i,
#: -1 anything else. pandas' \s and \d are Unicode's: a no-break space (Excel, 1C) or another
#: script's digit may match, so any byte beyond ASCII counts as possibly one, as do \x1c-\x1f
#: (Python's whitespace)
_KIND = np.full(256, -1, dtype=np.int8)
_KIND[[*b"0123456789", *b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", *range(0x80, 0x100)]] = 0
for _i, _group in enumerate(_COUNTED):
    _KIND[list(_group)] = 1 + _i
#: cells per block of work: a block's temporaries are a few 8 MB arrays
BLOCK_CELLS = 1 << 20
NAT = np.iinfo(np.int64).min  # NaT as int64
_EARLIEST, _LATEST = 1970, 2100  # years read here; others go to pandas, whose result is kept only 1970–2100
_MONTHS = (np.arange(_EARLIEST, _LATEST + 1)[:, None] - 1970) * 12 + np.arange(12)
#: each month's first day (days since 1970) and its length, month (year - _EARLIEST) * 12 + month - 1
_MONTH_START = _MONTHS.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64).ravel()
_MONTH_DAYS = (_MONTHS + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64).ravel() - _MONTH_START


@dataclass(frozen=True)
class DateFormat:
    """A strptime format as this module reads it.

    ``layout``: for a fixed-width cell, each byte's position and what it is (a field's
    letter, or a literal byte); None when some directive is not one of :data:`_FIELDS`.
    ``counts``: how many of each :data:`_COUNTED` separator a matching cell holds.
    ``letters``: whether a matching cell may hold letters (``%p``, ``%b``): then only the
    counts of separators, not the absence of other bytes, tell a candidate.
    """

    text: str
    layout: tuple[tuple[int, str], ...] | None
    width: int
    counts: tuple[int, ...]
    letters: bool


@lru_cache(maxsize=None)
def compile_format(text: str) -> DateFormat:
    tokens = re.findall(r"%(.)|([^%])", text)
    layout: list[tuple[int, str]] | None = []
    literals = []
    position = 0
    letters = False
    for directive, literal in tokens:
        if directive:
            if directive not in _FIELDS:
                layout = None
                letters = letters or directive in "pbBaA"
                continue
            if layout is not None:
                layout.extend((position + i, directive) for i in range(_FIELDS[directive]))
            position += _FIELDS[directive]
        else:
            literals.append(literal)
            if layout is not None:
                layout.append((position, literal))
            position += 1
    joined = "".join(literals).encode("ascii")
    counts = tuple(sum(joined.count(bytes([b])) for b in kind) for kind in _COUNTED)
    return DateFormat(text, None if layout is None else tuple(layout), position, counts, letters)


def _blocks(array: pa.Array | pa.ChunkedArray):
    """(first cell's position, Arrow array of at most BLOCK_CELLS cells) over the whole array."""
    start = 0
    for chunk in array.chunks if isinstance(array, pa.ChunkedArray) else [array]:
        for low in range(0, len(chunk), BLOCK_CELLS):
            block = chunk.slice(low, BLOCK_CELLS)
            yield start + low, block
        start += len(chunk)


class _Cells:
    """An Arrow text array cut in blocks, with every cell's length in bytes, found once for
    all the formats tried on it."""

    def __init__(self, array: pa.Array | pa.ChunkedArray):
        self.array = array
        self.blocks = list(_blocks(array))
        self.starts = np.array([start for start, _ in self.blocks], dtype=np.int64)
        self.lengths = (np.concatenate([np.diff(arrow_buffers(block)[0]) for _, block in self.blocks])
                        if self.blocks else np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.lengths)


def parse_fixed(cells: _Cells, fmt: DateFormat, result: np.ndarray, remaining: np.ndarray) -> None:
    """Every remaining cell that is ``fmt`` zero-padded and valid: its nanoseconds since the
    epoch go into ``result``, and it is remaining no more. A block at a time, in place:
    10M leads' positions and values gathered whole were 240 MB more at the peak.

    Why not ``pyarrow.compute.strptime`` (measured 03.12.2026 on 2M timestamps of two formats: two
    strptime calls and a coalesce took 0.33 s against this module's 0.64 s)? It reads 31.02.2026 as
    03.03.2026 (the day rolls over) and a leading space as a digit, where pandas, the reference,
    refuses both; the sample plants 31.02.2026. Checking its result by formatting it back took 5.1 s."""
    if fmt.layout is None:
        return
    for start, block in cells.blocks:
        end = start + len(block)
        rows = np.flatnonzero(remaining[start:end] & (cells.lengths[start:end] == fmt.width))
        if not len(rows):
            continue
        offsets, data = arrow_buffers(block)
        at = offsets[rows]  # each cell's first byte, then its next ones
        byte = np.empty(len(rows), dtype=np.uint8)
        ok = np.ones(len(rows), dtype=bool)
        fields: dict[str, np.ndarray] = {}
        for _, what in fmt.layout:  # the layout's positions run 0, 1, 2 …
            np.take(data, at, out=byte)
            at += 1
            if what in _FIELDS:
                byte -= np.uint8(ord("0"))  # a byte below "0" wraps above 9
                ok &= byte <= 9
                if what in fields:
                    fields[what] *= 10
                    fields[what] += byte
                else:
                    fields[what] = byte.astype(np.int32)
            else:
                ok &= byte == ord(what)
        year, month, day = (fields.get(letter, default) for letter, default in (("Y", 1970), ("m", 1), ("d", 1)))
        ok &= (year >= _EARLIEST) & (year <= _LATEST) & (month >= 1) & (month <= 12) & (day >= 1)
        # the month's first day and length from a table: numpy's datetime64[M] -> [D] casts
        # were half of the parse's time
        month_index = np.where(ok, (year - _EARLIEST) * 12 + month - 1, 0)
        ok &= day <= _MONTH_DAYS[month_index]
        seconds = (_MONTH_START[month_index] + day - 1) * 86400
        for letter, most, scale in (("H", 23, 3600), ("M", 59, 60), ("S", 59, 1)):
            if letter in fields:
                ok &= fields[letter] <= most
                seconds += fields[letter] * scale
        found = start + rows[ok]
        result[found] = seconds[ok] * 1_000_000_000
        remaining[found] = False


def could_match(cells: _Cells | pa.Array | pa.ChunkedArray, fmt: DateFormat) -> np.ndarray:
    """Cells pandas could parse with ``fmt``. Its regular expression matches each literal
    separator once and only digits or whitespace between them, so a cell holding other
    counts of separators, or (unless the format has words: ``%p``) any other byte, cannot match."""
    cells = cells if isinstance(cells, _Cells) else _Cells(cells)
    result = np.empty(len(cells), dtype=bool)
    wanted = [(1 + i, count) for i, count in enumerate(fmt.counts)] + ([] if fmt.letters else [(-1, 0)])
    for start, block in cells.blocks:
        offsets, data = arrow_buffers(block)
        kinds = _KIND[data]
        match = np.ones(len(block), dtype=bool)
        for value, count in wanted:
            counted = counted_before(kinds == value)
            match &= (counted[offsets[1:]] - counted[offsets[:-1]]) == count
        result[start:start + len(block)] = match
    return result


def parse_formats(text: pd.Series, formats: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each non-empty cell parsed with the first of ``formats`` that parses it, as pandas'
    ``to_datetime(format=..., errors="coerce")`` tried format by format on the cells still
    unparsed would; returns the datetime64[ns] values (NaT where none did) and which cells
    are still unparsed. ``text``: stripped text cells, "" for missing.

    First, every format whose separators (:attr:`DateFormat.counts`) no earlier format has takes
    its zero-padded cells: no earlier format could have parsed them (:func:`could_match`),
    so the order is kept;
    then the cells left go through the formats in order, zero-padded ones read here and
    the rest, where they could match, by pandas.
    """
    array = arrow_text(text)
    cells = _Cells(array)
    result = np.full(len(text), NAT, dtype=np.int64)
    remaining = (text != "").to_numpy(dtype=bool, copy=True)
    compiled = [compile_format(f) for f in formats]
    seen: set[tuple[int, ...]] = set()
    for fmt in compiled:
        if not remaining.any():
            break
        if fmt.counts not in seen:
            parse_fixed(cells, fmt, result, remaining)
        seen.add(fmt.counts)
    if remaining.any():
        left = np.flatnonzero(remaining)
        subset = _Cells(take_rising(array, left) if len(left) < len(text) else array)
        subset_text = series_rows(text, left, text.index[left])
        sub_result = np.full(len(left), NAT, dtype=np.int64)
        sub_remaining = np.ones(len(left), dtype=bool)
        for fmt in compiled:
            if not sub_remaining.any():
                break
            parse_fixed(subset, fmt, sub_result, sub_remaining)
            candidates = sub_remaining & could_match(subset, fmt)
            if candidates.any():
                positions = np.flatnonzero(candidates)
                parsed = pd.to_datetime(subset_text.iloc[positions], format=fmt.text, errors="coerce")
                values = _nanoseconds(parsed.to_numpy())
                hit = values != NAT
                sub_result[positions[hit]] = values[hit]
                sub_remaining[positions[hit]] = False
        result[left] = sub_result
        remaining[left] = sub_remaining
    return result.view("datetime64[ns]"), remaining


#: dates a lead, a contact or a spend row can have: a year 1900 or 2200 in an export
#: is a typo, and as an unreadable cell it is counted with its example, not an int64 overflow
#: in the working-minute arithmetic later
FIRST_PLAUSIBLE = np.datetime64("1970-01-01T00:00:00", "s")
LAST_PLAUSIBLE = np.datetime64("2100-12-31T23:59:59", "s")


def in_nanosecond_range(stamps):
    """Which timestamps (a Series or a datetime64 array of any unit) are plausible dates of an
    export, 1970–2100 (inside what nanoseconds can hold, 1677–2262: pandas 3 parses a year 1600
    to a coarser unit, and a cast to nanoseconds raised). Others are unread cells. NaT is not in range."""
    # numpy's bounds: an array of seconds compared with a pd.Timestamp wraps (1677-05-01 passed)
    return (stamps >= FIRST_PLAUSIBLE) & (stamps <= LAST_PLAUSIBLE)


def _nanoseconds(stamps: np.ndarray) -> np.ndarray:
    """datetime64 of any unit as int64 nanoseconds; NaT beyond their range (see :func:`in_nanosecond_range`)."""
    inside = in_nanosecond_range(stamps)
    result = np.full(len(stamps), NAT, dtype=np.int64)
    result[inside] = stamps[inside].astype("datetime64[ns]").view(np.int64)
    return result
