"""Hand-tuned routines: every place the package does by hand what a library call does.

Each is here because the call it replaces was measured to be slower by more than a third on the
10M-lead benchmark (or on the step it serves, timed on the benchmark's export); its docstring gives
that measurement and names the call, and a test compares the two on the cells that matter. Anything
not in this module uses pandas, pyarrow.compute, numpy and scipy as they come.

- **Arrow buffers**: a text column's offsets and bytes as numpy views (:func:`arrow_buffers`), and
  what is read off them without a pass per cell — whether cells are digit runs, untrimmed, plain
  ASCII or hold a byte; their digits alone.
- **Rows**: Arrow text cut to the rows kept without joining its chunks (:func:`take_rising`).
- **Integers**: ID texts as the integers they spell, repeats without sorting every code, the
  codes of shared identifiers, and one sort key for person and time.
- **Dates**: zero-padded timestamps of a known format read off the bytes (:func:`parse_formats`),
  pandas for every other cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


# --------------------------------------------------------------------------- Arrow buffers

def is_arrow_text(cells: pd.Series) -> bool:
    """Whether a column is Arrow-backed text (the reader keeps columns that hardly repeat so)."""
    return isinstance(cells.dtype, pd.StringDtype) and cells.dtype.storage == "pyarrow"


def arrow_text(values: pd.Series):
    """A text column as Arrow: an Arrow-backed column's own chunks and type (large_string), not
    cast, not copied; any other as one string array (missing cells null)."""
    if is_arrow_text(values):
        return pa.array(values.array)
    return pa.array(values.astype(object), type=pa.string(), from_pandas=True)


def arrow_buffers(array) -> tuple[np.ndarray, np.ndarray]:
    """An Arrow string or binary array's offsets and bytes as numpy views, without a copy.

    The offsets are rebased to the array's first byte: a slice's buffers are its parent's,
    starting further on. A string's bytes are ``data[offsets[i]:offsets[i + 1]]``.
    """
    large = pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type)
    width = np.dtype(np.int64 if large else np.int32)
    _, offset_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=width, count=len(array) + 1, offset=array.offset * width.itemsize)
    start, end = int(offsets[0]), int(offsets[-1])
    data = (np.frombuffer(data_buffer, dtype=np.uint8, count=end - start, offset=start)
            if end > start else np.zeros(0, dtype=np.uint8))
    return offsets - offsets[0], data


def counted_before(hits: np.ndarray) -> np.ndarray:
    """How many of the booleans ``hits`` come before each position, one more entry than
    ``hits``: with a string array's byte offsets, ``counted[offsets[1:]] - counted[offsets[:-1]]``
    is each string's count. int32 summed in place where it fits: a cumsum that casts bool
    as it goes is ten times slower."""
    counted = np.zeros(hits.size + 1, dtype=np.int32 if hits.size < np.iinfo(np.int32).max else np.int64)
    counted[1:] = hits
    np.cumsum(counted[1:], out=counted[1:])
    return counted


INT64_DIGITS = 18  # any run of this many decimal digits fits in int64


def digit_runs(array) -> bool:
    """Whether every cell of an Arrow string array is one or more ASCII digits (no nulls, no
    empty cells, no spaces): IDs, mostly. Read off the buffers, without a pass per cell."""
    if array.null_count:
        return False
    offsets, data = arrow_buffers(array)
    if len(array) and np.diff(offsets).min() <= 0:
        return False
    return bool(((data >= ord("0")) & (data <= ord("9"))).all())


def untrimmed(cells: pa.Array) -> bool:
    """Whether no cell of an Arrow text array starts or ends with whitespace, read off the first
    and last bytes of every cell: plain ASCII other than space and control bytes. A byte
    beyond ASCII may begin or end a Unicode space: then the answer is no (trim to be sure)."""
    offsets, data = arrow_buffers(cells)
    full = np.flatnonzero(np.diff(offsets) > 0)
    if not len(full):
        return True
    ends = np.concatenate([data[offsets[full]], data[offsets[full + 1] - 1]])
    return bool(((ends > 0x20) & (ends < 0x7F)).all())


def digits_of(text: pa.Array) -> pa.Array:
    """Only the ASCII digits of each string (a byte filter on the Arrow buffers: a regex
    replace takes a second and a half on a million phones, this a few milliseconds)."""
    offsets, data = arrow_buffers(text)
    keep = (data >= ord("0")) & (data <= ord("9"))  # UTF-8: no multi-byte character has such a byte
    # digits before each byte position; a string's new offsets are those at its old offsets
    new_offsets = counted_before(keep)[offsets].astype(np.int32)
    digits = pa.StringArray.from_buffers(len(text), pa.py_buffer(new_offsets), pa.py_buffer(kept_bytes(data, keep)))
    return pc.if_else(text.is_valid(), digits, pa.scalar(None, pa.string()))


def kept_bytes(data: np.ndarray, keep: np.ndarray, block: int = 1 << 22) -> np.ndarray:
    """``data[keep]``, by the positions of a block at a time: numpy's boolean selection of
    bytes, half of them kept in no pattern, mispredicts a branch per byte (10M phones:
    0.3 s against 0.08 s), and the positions of a whole part would be 90 MB."""
    return np.concatenate([data[start:start + block][np.flatnonzero(keep[start:start + block])]
                           for start in range(0, len(data), block)] or [data[:0]])


def plain_ascii(text: pa.Array) -> bool:
    """Whether every byte is ASCII and none is \x1c-\x1f, which Arrow's UTF-8 trimming takes
    for whitespace (as Python does) and its ASCII trimming does not."""
    _, data = arrow_buffers(text)
    return not data.size or bool(data.max() < 0x80 and not ((data >= 0x1C) & (data <= 0x1F)).any())


def has_byte(text: pa.Array, byte: int) -> pa.Array:
    """Whether each string holds ``byte`` (an ASCII one; null for a null string), read off the
    buffers: Arrow's substring search took 0.24 s for 10M mostly empty e-mail cells."""
    offsets, data = arrow_buffers(text)
    counted = counted_before(data == byte)
    found = counted[offsets[1:]] > counted[offsets[:-1]]
    return pa.array(found, mask=text.is_null().to_numpy(zero_copy_only=False) if text.null_count else None)


# --------------------------------------------------------------------------- rows

def take_rising(array, positions: np.ndarray):
    """``array.take(positions)`` for an Arrow array or chunked array, chunk by chunk when the
    positions rise strictly (rows kept in order, as the cleaning keeps them): pyarrow's take of a
    chunked array first joins every chunk into one copy (10M timestamps: 0.27 s to take
    1000 of them). A chunk kept whole is kept as it is, not copied."""
    positions = np.asarray(positions, dtype=np.int64)
    if not isinstance(array, pa.ChunkedArray) or array.num_chunks < 2 \
            or (len(positions) > 1 and (positions[1:] <= positions[:-1]).any()):
        return array.take(pa.array(positions))
    bounds = np.cumsum([0, *(len(chunk) for chunk in array.chunks)])
    if len(positions) and (positions[0] < 0 or positions[-1] >= bounds[-1]):
        raise IndexError(f"positions beyond an array of {bounds[-1]} cells")
    cuts = np.searchsorted(positions, bounds)
    parts = []
    for i, chunk in enumerate(array.chunks):
        local = positions[cuts[i]:cuts[i + 1]] - bounds[i]
        if len(local):  # as many rising positions as rows are every row of the chunk
            parts.append(chunk if len(local) == len(chunk) else chunk.take(pa.array(local)))
    return pa.chunked_array(parts, array.type)


def series_rows(series: pd.Series, positions: np.ndarray, index: pd.Index) -> pd.Series:
    """The series' rows at ``positions``, on ``index``, without a copy of the index; Arrow text
    by :func:`take_rising`."""
    if is_arrow_text(series):
        values = take_rising(pa.array(series.array), positions)
    else:
        values = series.array.take(positions)
    return pd.Series(values, index=index, name=series.name, dtype=series.dtype, copy=False)


def aligned(series: pd.Series, index: pd.Index) -> pd.Series:
    """``series.loc[index]``, without looking up every label when the series is on ``index``
    already (most columns, once no row is dropped: 0.1-0.4 s a column at 10M leads)."""
    if series.index is index or (len(series) == len(index) and series.index.equals(index)):
        return series
    own = series.index
    # rows are only ever dropped, so ``index`` is a subset of the series' own rows, both in
    # the raw table's order: positions by a subtraction or a binary search, not a label
    # lookup per cell (10M leads: 0.3-1.3 s a column)
    if isinstance(own, pd.RangeIndex) and own.step == 1 and index.dtype.kind == "i" \
            and (not len(index) or (index.min() >= own.start and index.max() < own.stop)):
        positions = index.to_numpy() - own.start
    elif own.dtype.kind == "i" and index.dtype.kind == "i" and own.is_monotonic_increasing:
        labels = index.to_numpy()
        positions = np.searchsorted(own.to_numpy(), labels)
        if len(positions) and (positions.max() >= len(own) or not (own.to_numpy()[positions] == labels).all()):
            return series.loc[index]  # a label the series lacks: let pandas say so
    else:
        return series.loc[index]
    return series_rows(series, positions, index)


# --------------------------------------------------------------------------- integers

def shared_codes(keys: np.ndarray) -> np.ndarray:
    """A code for each key that occurs more than once (numbered in key order), -1 for the
    others. A sort finds the repeats and a hash table of those alone gives the codes: a
    table of every key (10M phones) took 2.5-4.5 s and 600 MB, this 2 s and 120 MB."""
    ordered = np.sort(keys)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    del ordered
    if not len(repeated):
        return np.full(len(keys), -1, dtype=np.int64)
    shared = repeated[np.concatenate([[True], repeated[1:] != repeated[:-1]])]
    return pd.Index(shared).get_indexer(keys)


def as_integers(text: pa.ChunkedArray | pa.Array) -> np.ndarray | None:
    """Text cells as the integers they spell, when each is ASCII digits without a leading zero
    and fits in int64 (so equal integers are equal texts); None otherwise. CRM IDs mostly
    are: encoding 10M distinct ID texts in Arrow took 4.8-7.0 s, parsing and encoding
    the integers 1.5-1.8 s."""
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    for chunk in chunks:
        if not digit_runs(chunk):
            return None
        offsets, data = arrow_buffers(chunk)
        lengths = np.diff(offsets)
        if len(chunk) and (lengths.max() > INT64_DIGITS or ((data[offsets[:-1]] == ord("0")) & (lengths > 1)).any()):
            return None
    if not chunks:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([pc.cast(chunk, pa.int64()).to_numpy(zero_copy_only=False) for chunk in chunks])


def later_repeats(codes: np.ndarray) -> np.ndarray:
    """Whether each value (see :func:`value_codes`) appeared before: ``duplicated(keep="first")``.
    Only values seen twice are sorted (IDs hardly repeat: sorting 10M codes took a second)."""
    later = np.zeros(len(codes), dtype=bool)
    if not len(codes):
        return later
    rows = np.flatnonzero(np.bincount(codes)[codes] > 1)
    if len(rows):
        later[rows] = True
        later[rows[np.unique(codes[rows], return_index=True)[1]]] = False
    return later


def person_time_order(person: np.ndarray, created: np.ndarray, line: np.ndarray) -> np.ndarray:
    """``np.lexsort((line, created, person))``: leads by person, then time, then file line.

    When times are whole seconds (as exports write them) within 136 years, person and
    second fit one int64 key, and a stable sort of it keeps equal keys in row order,
    which is the lines' order when they rise: one sort of one key, not three (10M leads:
    2.4 s against 8.9 s on shuffled rows)."""
    stamps = created.view(np.int64)
    # no NaT (int64's smallest), and a span of seconds that fits 32 bits (so no overflow below)
    if len(stamps) and stamps.min() != np.iinfo(np.int64).min \
            and int(stamps.max()) - int(stamps.min()) < 2**32 * 1_000_000_000 \
            and person.min() >= 0 and person.max() < 2**31 and bool((np.diff(line) > 0).all()):
        seconds, fraction = np.divmod(stamps - stamps.min(), 1_000_000_000)
        if not fraction.any():
            del fraction
            key = person.astype(np.int64) << 32
            key |= seconds
            del seconds
            return np.argsort(key, kind="stable")
    return np.lexsort((line, created, person))


# --------------------------------------------------------------------------- dates
#
# Date cells in a known format, parsed from Arrow's buffers with numpy where pandas would be slow.
#
# ``pd.to_datetime(cells, format=...)`` matches each cell against a regular expression in one
# Python thread: 2M distinct timestamps took 8.6 s (two formats tried, as exports mix
# ``HH:MM`` and ``HH:MM:SS``), so a 10M-lead export whose timestamps carry seconds would
# spend minutes per date column. Most cells are written the same way, zero-padded:
# ``22.03.2026 13:32:05``. Such a cell is a fixed pattern of digits and separators; its
# fields are read off the bytes of every cell at once, checked (month 1–12, the day within
# its month, 23:59:59 at most) and combined into nanoseconds.
#
# What this section does not accept is left to pandas, which stays the reference: a cell
# that is not zero-padded (``1.5.2025 6:41``), a year outside 1970–2100, a format with
# two-digit years or AM/PM. pandas sees only the cells that could match the format at all
# (:func:`could_match`), so the cells of another format in the same column cost it nothing.
# The formats are tried in the caller's order, as before; the result is the same as
# pandas' on every cell (``tests/test_dateparse.py`` compares them).

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
