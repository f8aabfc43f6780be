"""Read an export file into a raw table of text cells, whatever its dialect.

Formats (chosen by the file's first bytes, not its name): CSV/TSV with ``,`` ``;`` or tab
separators (Bitrix24's trailing ``;`` too) in UTF-8, UTF-8 with BOM, UTF-16 or cp1251;
XLSX (title rows above the header skipped); Bitrix24's "Excel" export, an HTML table named
``.xls``; Parquet. Headers are kept as a list (they may repeat, as in amoCRM); columns are
addressed by position.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .errors import InputFileError
from .tuned import arrow_buffers

SEPARATORS = (";", ",", "\t")
HEADER_SEARCH_ROWS = 30
#: files larger than this are read block by block (see _read_large_csv)
STREAM_BYTES = 64 << 20
STREAM_HEAD_BYTES = 4 << 20
#: pyarrow parses a CSV in blocks of this size, two at a time
ARROW_BLOCK_BYTES = 1 << 24
#: a column becomes categorical when its values repeat at least this often on average
REPEATS_FOR_CATEGORICAL = 20


@dataclass(frozen=True)
class RawTable:
    """An export as read: headers, cells by column position, and how it was read.

    Attributes
    ----------
    headers
        Header texts in file order (may repeat).
    frame
        One column per header, labelled 0..n-1; text cells ("" for empty) except for
        typed Parquet columns.
    file_format
        ``csv``, ``xlsx``, ``html`` or ``parquet``.
    encoding, separator
        For text formats.
    header_row
        Zero-based row of the header (title rows above it are skipped).
    first_data_line
        One-based line/row number of the first data row in the file, for messages.
    """

    headers: list[str]
    frame: pd.DataFrame
    file_format: str
    encoding: str | None = None
    separator: str | None = None
    header_row: int = 0
    first_data_line: int = 2
    sheet: str | None = None
    extra: dict = field(default_factory=dict)  # "sha256" when the reader already hashed the file


def sha256_of(path: str | Path) -> str:
    """SHA-256 of a file's bytes (read in chunks, read-only)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def max_input_bytes() -> int:
    """The largest export read: ``LEADAUDIT_MAX_INPUT_GB`` gibibytes (default 20, some 100M leads)."""
    import os

    try:
        return int(float(os.environ.get("LEADAUDIT_MAX_INPUT_GB", "20")) * 2**30)
    except ValueError:
        return 20 * 2**30


#: the widest export read: a CRM export has tens of columns, a few hundred at most
MAX_COLUMNS = 5_000
#: an XLSX sheet's declared cells and a workbook's shared strings, checked before openpyxl reads
#: (a 31 KB file declaring A1:XFD1048576 took 7.6 GB; 30M shared strings in 1.2 MB kept growing)
MAX_XLSX_CELLS = 200_000_000
MAX_XLSX_STRINGS = 20_000_000
# a cell may be long (a pasted e-mail thread): the csv module's 128 KiB default raised on it
csv.field_size_limit(1 << 30)


def _check_width(path: Path, head: bytes) -> None:
    """A first line of more than MAX_COLUMNS separators is not an export's header."""
    first = head.split(b"\n", 1)[0]
    widest = max(first.count(separator.encode()) for separator in (",", ";", "\t"))
    if widest >= MAX_COLUMNS:
        raise InputFileError(f"the first line has over {MAX_COLUMNS} columns: this is not a CRM export's header",
                             file=str(path), hint="export the leads table itself (a few dozen columns)")


def _check_xlsx(path: Path) -> None:
    """Refuse a workbook whose sheets declare more cells, or whose shared strings are more, than
    any export has — before openpyxl would materialise them."""
    import zipfile

    limit = max_input_bytes()
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if sum(entry.file_size for entry in entries) > limit:
                raise InputFileError(f"the workbook unpacks to more than {limit / 2**30:.0f} GiB", file=str(path),
                                     hint="set LEADAUDIT_MAX_INPUT_GB to raise it, or export a CSV")
            for entry in entries:
                name = entry.filename
                if not (name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"):
                    continue
                with archive.open(entry) as stream:
                    start = stream.read(4096).decode("utf-8", "replace")
                if name == "xl/sharedStrings.xml":
                    count = re.search(r'uniqueCount="(\d+)"', start) or re.search(r'count="(\d+)"', start)
                    if count and int(count.group(1)) > MAX_XLSX_STRINGS:
                        raise InputFileError(f"the workbook declares {int(count.group(1)):,} distinct texts, over the "
                                             f"{MAX_XLSX_STRINGS:,} an export can have", file=str(path),
                                             hint="save the sheet again from Excel, or export a CSV")
                    continue
                ref = re.search(r'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', start)
                if ref and ref.group(3):
                    columns = _column_number(ref.group(3)) - _column_number(ref.group(1)) + 1
                    rows = int(ref.group(4)) - int(ref.group(2)) + 1
                    if columns > MAX_COLUMNS or columns * rows > MAX_XLSX_CELLS:
                        raise InputFileError(f"a sheet declares {rows:,} rows × {columns:,} columns "
                                             f"({ref.group(0)[16:-1]}), more than an export has", file=str(path),
                                             hint="select the data's range in Excel and save again, or export a CSV")
    except zipfile.BadZipFile:
        raise InputFileError("the Excel workbook cannot be opened (BadZipFile)", file=str(path),
                             hint="open it in Excel and save it again as .xlsx") from None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def read_table(path: str | Path, *, sheet: str | None = None,
               header_finder: Callable[[list[list[str]]], int] | None = None) -> RawTable:
    """Read an export into a :class:`RawTable`.

    Parameters
    ----------
    path
        The export file. It is opened read-only and never modified.
    sheet
        XLSX sheet name (default: the first sheet).
    header_finder
        Given the first rows as text, returns the header row's index; by default the first
        row that is at least half as full as the fullest of the first 30 rows.

    Raises
    ------
    InputFileError
        Missing, empty, binary or truncated file, unknown format, missing sheet.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError("the file does not exist", file=str(path), hint="check the path and the file name")
    if path.is_dir():
        raise InputFileError("this is a folder, not a file", file=str(path), hint="give the export file itself")
    if not path.is_file():  # a device (/dev/zero) reads without end, a named pipe waits for a writer
        raise InputFileError("this is not a regular file (a device, a pipe or a socket)", file=str(path),
                             hint="save the export to a file and give its path")
    limit = max_input_bytes()
    if path.stat().st_size > limit:
        raise InputFileError(f"the file is {path.stat().st_size / 2**30:.1f} GiB, over the {limit / 2**30:.0f} GiB "
                             "limit", file=str(path),
                             hint="set LEADAUDIT_MAX_INPUT_GB to raise it, or export fewer rows (a period)")
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head.strip():
        raise InputFileError("the file is empty", file=str(path), hint="export the data from the CRM again")
    finder = header_finder or default_header_row
    if head.startswith(b"PK\x03\x04"):
        _check_xlsx(path)
        return _read_xlsx(path, sheet, finder)
    if sheet is not None:
        raise InputFileError(f"--sheet «{sheet}» was given but this file is not an XLSX workbook",
                             file=str(path), hint="drop --sheet, or give the .xlsx file")
    if head.startswith(b"PAR1"):
        return _read_parquet(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError("this is an old binary Excel 97–2003 .xls workbook, which is not read",
                             file=str(path), hint="open it in Excel and save as .xlsx or CSV (UTF-8)")
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has a zero byte in every separator
        with open(path, "rb") as handle:
            _check_width(path, handle.read(MAX_COLUMNS * 64))
    if path.stat().st_size > STREAM_BYTES and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        table = _read_large_csv(path, finder)
        if table is not None:
            return table
    text, encoding = _decode(path)
    stripped = text.lstrip()
    if stripped[:1] == "<" and "<table" in stripped[:200000].lower():
        return _read_html(path, text, encoding, finder)
    return _read_csv(path, text, encoding, finder)


def _decode(path: Path) -> tuple[str, str]:
    return _decode_bytes(path.read_bytes(), path)


def _decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Text and encoding of a text export's bytes (the whole file, or its first megabytes)."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError("the file is binary, not a text export", file=str(path),
                             hint="export CSV, XLSX or Parquet from the CRM; this may be a damaged or wrong file")
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "cp1251")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        control = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n")
        if control > max(2, len(text[:20000]) // 200):
            break
        return text, encoding
    raise InputFileError("the file is not readable text in UTF-8 or cp1251", file=str(path),
                         hint="save the export as CSV in UTF-8 (or Windows-1251), XLSX or Parquet")


def default_header_row(rows: list[list[str]]) -> int:
    """First row at least half as full as the fullest of the first rows (skips title rows)."""
    if not rows:
        return 0
    filled = [sum(1 for cell in row if str(cell).strip()) for row in rows]
    target = max(filled)
    for index, count in enumerate(filled):
        if count >= max(1, target / 2) and count > 1 or (target == 1 and count == 1):
            return index
    return 0


def _sniff_separator(lines: list[str]) -> str:
    best, best_score = ",", -1.0
    for separator in SEPARATORS:
        counts = [len(row) for row in csv.reader(lines, delimiter=separator) if row]
        if not counts:
            continue
        widest = max(counts)
        if widest < 2:
            continue
        # the separator that splits most lines into the same, largest number of fields
        score = sum(1 for count in counts if count == widest) * widest
        if score > best_score:
            best, best_score = separator, score
    return best


def read_csv_data(data: bytes | memoryview, name: str, *, encoding: str = "utf-8", separator: str | None = None,
                  header_finder: Callable[[list[list[str]]], int] | None = None, file_format: str = "csv") -> RawTable:
    """Read CSV text that is not a file (a database's ``COPY … TO STDOUT`` stream) like an export.

    ``name`` stands for the file in messages; ``separator`` skips sniffing when known.
    """
    if encoding.replace("-", "").lower() == "utf8":
        utf8 = data
        text = bytes(data).decode("utf-8")
    else:
        text = bytes(data).decode(encoding)
        utf8 = None
    return _read_csv(name, text, encoding, header_finder or default_header_row, separator=separator,
                     utf8=utf8, file_format=file_format)


def _read_csv(path: Path | str, text: str, encoding: str, finder: Callable, *, separator: str | None = None,
              utf8: bytes | memoryview | None = None, file_format: str = "csv") -> RawTable:
    separator, header_row, width = _csv_layout(text, finder, separator)
    frame = None
    if width >= 1 and text.count('"') % 2 == 0:  # an unbalanced quote: the careful reader reports it
        source = _arrow_buffer(utf8 if utf8 is not None else text.encode("utf-8"))
        frame = _read_csv_arrow(source, separator, header_row, width)
    if frame is not None:
        return _finish(path, frame, file_format, encoding=encoding, separator=separator, header_row=header_row)
    try:  # the slower reader names the line when the file is malformed
        frame = pd.read_csv(
            io.StringIO(text), sep=separator, header=None, dtype=str, keep_default_na=False,
            na_filter=False, skiprows=header_row, engine="c", skip_blank_lines=True,
            quotechar='"', doublequote=True,
        )
    except pd.errors.ParserError as error:
        raise InputFileError(f"the CSV is malformed or truncated ({error})", file=str(path),
                             hint="export the file again; check that quotes are balanced") from None
    except pd.errors.EmptyDataError:
        raise InputFileError("the file has no rows", file=str(path), hint="export the data again") from None
    return _finish(path, frame, file_format, encoding=encoding, separator=separator, header_row=header_row)


def _csv_layout(text: str, finder: Callable, separator: str | None = None) -> tuple[str, int, int]:
    """Separator, header row and width, from the first lines of the text."""
    sample_lines = text[:200000].splitlines()[:HEADER_SEARCH_ROWS + 20]
    separator = separator or _sniff_separator(sample_lines)
    head_rows = [row for row in csv.reader(sample_lines[:HEADER_SEARCH_ROWS], delimiter=separator)]
    header_row = finder(head_rows) if head_rows else 0
    width = len(head_rows[header_row]) if header_row < len(head_rows) else 0
    return separator, header_row, width


def _arrow_buffer(data: bytes | memoryview):
    import pyarrow as pa

    return pa.BufferReader(pa.py_buffer(data))


def _read_large_csv(path: Path, finder: Callable) -> RawTable | None:
    """A large CSV export without holding it whole as Python text.

    The encoding, separator and header come from the first megabytes; pyarrow then reads
    and transcodes the file block by block (a 10M-lead cp1251 export is 1.8 GB, and as one
    Python string twice that). None sends the file to the careful whole-file path, which
    names the problem: an encoding that fails further on, ragged lines, unbalanced quotes.
    """
    with open(path, "rb") as handle:
        head = handle.read(STREAM_HEAD_BYTES)
    head = head[: head.rfind(b"\n") + 1] or head
    try:
        text, encoding = _decode_bytes(head, path)
    except InputFileError:
        return None
    if text.lstrip()[:1] == "<":
        return None
    separator, header_row, width = _csv_layout(text, finder)
    if width < 1:
        return None
    # the lineage's hash and the quote count are one pass over the file, in a thread while
    # pyarrow parses it (10M leads: a pass of 2.5-5 s that used to come first)
    repeating = _repeating_columns(text, separator, header_row, width)
    # a cell can hold a line break only inside quotes; pyarrow parses faster when it need not
    # look for them (10M leads: 8.6 CPU-s against 12), so a file with no quote in its first
    # megabytes is parsed line by line, and read again the careful way if a quote turns up later
    quoted = b'"' in head

    def parse(line_breaks_in_cells: bool) -> pd.DataFrame | None:
        return _read_csv_arrow(str(path), separator, header_row, width, encoding=encoding, repeating=repeating,
                               line_breaks_in_cells=line_breaks_in_cells)

    with ThreadPoolExecutor(max_workers=1) as pool:
        scan = pool.submit(_hash_and_quotes, path)
        frame = parse(quoted)
        digest, quotes = scan.result()
    if quotes % 2:  # an unbalanced quote: the careful reader names its line
        return None
    if quotes and not quoted:
        frame = None  # not held while the file is parsed again
        frame = parse(True)
    if frame is None:
        return None
    return _finish(path, frame, "csv", encoding=encoding, separator=separator, header_row=header_row,
                   extra={"sha256": digest})


def _repeating_columns(text: str, separator: str, header_row: int, width: int) -> set[int]:
    """Columns whose values repeat in the first rows (channels, statuses, managers): pyarrow
    reads them as dictionaries, which costs it less than their bytes (10M leads: 10.6 s
    against 12.4 s, and then no encoding of 11 columns, 2.3 s). The rule (:func:`_repeats`)
    is :func:`_column_from_arrow`'s, which still decides on the first block: a guess that
    was wrong only costs time. ``text``: the file's first lines, decoded."""
    try:
        rows = list(csv.reader(text.splitlines()[header_row + 1:], delimiter=separator))
    except csv.Error:
        return set()
    rows = [row for row in rows if len(row) == width]
    if len(rows) < 100:
        return set()
    return {i for i in range(width) if _repeats(len({row[i] for row in rows}), len(rows))}


def _repeats(distinct: int, cells: int) -> bool:
    """Whether a sample of a column repeats enough to be read and kept as a dictionary: a
    quarter distinct is already too many (e-mails: a third, mostly empty otherwise)."""
    return distinct * 4 <= cells


def _hash_and_quotes(path: Path) -> tuple[str, int]:
    """SHA-256 of a file and how many '"' it holds ('"' is one byte in UTF-8 and cp1251 alike)."""
    digest = hashlib.sha256()
    quotes = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 24), b""):
            digest.update(block)
            # most blocks of most exports hold no quote, which memchr finds at memory speed; the
            # others are counted with numpy: twice as fast as bytes.count, and without the GIL
            if block.find(b'"') >= 0:
                quotes += int(np.count_nonzero(np.frombuffer(block, dtype=np.uint8) == ord('"')))
    return digest.hexdigest(), quotes


def _read_csv_arrow(source, separator: str, header_row: int, width: int, encoding: str = "utf8",
                    repeating: set[int] = frozenset(), line_breaks_in_cells: bool = True) -> pd.DataFrame | None:
    """Fast path: pyarrow's multithreaded CSV reader, every cell as text; None when the file needs
    the careful reader (ragged lines, invalid text), which then names the problem.

    Cells are parsed as bytes, not decoded by pyarrow: separators, quotes and line ends are
    ASCII, the same bytes in UTF-8 and cp1251, and a repeating column needs only its few
    distinct values decoded. Parsing bytes and converting the columns two at a time took a
    10M-lead cp1251 export from 29 s to 18 s (pyarrow's own ``encoding`` decodes every cell
    in one Python thread, then builds a dictionary per block). Columns in ``repeating`` are
    read as dictionaries of bytes (see :func:`_repeating_columns`). ``line_breaks_in_cells``
    False: every line break ends a row, which is right only for a file without quotes.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            source,
            read_options=pa_csv.ReadOptions(skip_rows=header_row, column_names=names,
                                            block_size=ARROW_BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(delimiter=separator, quote_char='"', double_quote=True,
                                              newlines_in_values=line_breaks_in_cells,
                                              ignore_empty_lines=True),
            # every cell as bytes, empty cells as "" (pyarrow would make them null otherwise)
            convert_options=pa_csv.ConvertOptions(column_types={
                name: pa.dictionary(pa.int32(), pa.binary()) if i in repeating else pa.binary()
                for i, name in enumerate(names)},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        decode = _ArrowDecoder(encoding)
        # each column's bytes are let go once it is converted, not with the whole table at the end
        pending = [table.column(i) for i in range(width)]
        del table

        def convert(i: int) -> pd.Series:
            column, pending[i] = pending[i], None
            return _column_from_arrow(column, decode)

        with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow and numpy work without the GIL
            columns = list(pool.map(convert, range(width)))
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError):
        return None
    finally:
        # the parse's blocks go back to the system now: Arrow's allocator would keep gigabytes
        # (a 10M-lead export: 3.8 GB resident after reading, 1.1 GB of it in use)
        pa.default_memory_pool().release_unused()
    return pd.DataFrame(dict(enumerate(columns)), copy=False)


class _ArrowDecoder:
    """Arrow binary cells to Arrow text, from UTF-8 (validated) or a one-byte encoding with ASCII
    at its base (cp1251). Raises ArrowInvalid or UnicodeDecodeError on bytes that are not text."""

    def __init__(self, encoding: str):
        self.utf8 = encoding.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig")
        self.encoding = encoding
        if not self.utf8:
            # how many bytes each byte grows by in UTF-8, to move the cells' offsets
            self.grows = np.array([len(bytes([b]).decode(encoding, errors="replace").encode("utf-8")) - 1
                                   for b in range(256)], dtype=np.int64)

    def __call__(self, array):
        import pyarrow as pa

        if self.utf8:
            return array.cast(pa.string())
        if array.null_count:
            raise pa.ArrowInvalid("cells were read as missing")
        offsets, data = arrow_buffers(array)
        if data.size == 0 or data.max() < 0x80:  # ASCII (IDs, dates, phones): the same bytes in UTF-8
            return array.view(pa.string())
        # Python's codec on the whole chunk (it raises on a byte the encoding leaves undefined). A
        # hand transcoder of only the bytes beyond ASCII was kept here for mostly-ASCII chunks; measured
        # on 2M timestamps with one such byte per 5 000, it took 0.75-1.2 s against the codec's 0.2-0.24 s.
        text = data.tobytes().decode(self.encoding).encode("utf-8")
        # each cell's offset moves by the bytes added before it, by those beyond ASCII before it
        high = np.flatnonzero(data >= 0x80)
        added = np.concatenate([[0], np.cumsum(self.grows[data[high]])])
        new_offsets = (offsets + added[np.searchsorted(high, offsets)]).astype(np.int32)
        return pa.Array.from_buffers(pa.string(), len(array), [None, pa.py_buffer(new_offsets), pa.py_buffer(text)])


def _column_from_arrow(column, decode: Callable) -> pd.Series:
    """A text column as pandas: categorical when its values repeat (channels, statuses,
    managers: the cleaning then works on the few distinct values and integer codes), Arrow
    strings otherwise (IDs, timestamps, phones, e-mails). ``column``: the reader's chunked
    column of bytes, or of dictionaries of bytes (see :func:`_repeating_columns`);
    ``decode`` turns an Arrow binary array into text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pd.StringDtype("pyarrow", na_value=np.nan)
    if len(column) == 0:
        return pd.Series(pa.chunked_array([], pa.string()), dtype=text)
    # the first block (about 90 000 leads) tells whether values repeat: unifying ten million
    # distinct IDs into a dictionary would cost seconds for nothing (e-mails in it: 1.5 s at 10M)
    first = column.chunk(0)
    read_as_dictionary = pa.types.is_dictionary(column.type)  # see _repeating_columns
    if _repeats(pc.count_distinct(first.indices if read_as_dictionary else first).as_py(), len(first)):
        # every chunk on one dictionary: the reader's unified, or Arrow's encoding chunk by
        # chunk, not on a combined copy of the column's bytes
        encoded = (column.unify_dictionaries() if read_as_dictionary else pc.dictionary_encode(column)).chunks
        dictionary = encoded[0].dictionary
        if len(dictionary) * REPEATS_FOR_CATEGORICAL <= len(column):
            codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded])
            categories = pd.Index(decode(dictionary).to_pandas(), dtype=object)
            return pd.Series(pd.Categorical.from_codes(codes, categories=categories))
        # mostly empty, the rest distinct (e-mails): millions of categories would cost seconds
        # of Python strings in every step; as text, they are cleaned and hashed in Arrow
    if read_as_dictionary:  # its values hardly repeat after all: text, as if read as bytes
        column = pa.chunked_array([chunk.dictionary.take(chunk.indices) for chunk in column.chunks], pa.binary())
    return pd.Series(pa.chunked_array([decode(chunk) for chunk in column.chunks], pa.string()), dtype=text)


def _finish(path: Path | str, frame: pd.DataFrame, file_format: str, *, header_row: int, **info) -> RawTable:
    if frame.empty or len(frame.columns) == 0:
        raise InputFileError("the file has no rows", file=str(path), hint="export the data again")
    headers = [str(h).replace("\ufeff", "").strip() for h in frame.iloc[0].tolist()]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = range(len(headers))
    # Bitrix24 ends each line with ';': a nameless, empty last column
    keep = [i for i, header in enumerate(headers) if header or (body[i].astype(str).str.strip() != "").any()]
    if len(keep) != len(headers):
        headers = [headers[i] if headers[i] else f"column {i + 1}" for i in keep]
        body = body[keep]
        body.columns = range(len(headers))
    else:
        headers = [h if h else f"column {i + 1}" for i, h in enumerate(headers)]
    if body.empty:
        if file_format == "postgresql":
            raise InputFileError("the query returned no rows", file=str(path),
                                 hint="the query returned no rows; check its WHERE clause")
        raise InputFileError("the file has a header but no data rows", file=str(path),
                             hint="check the export's filters: it exported no leads")
    first = 1 if file_format == "postgresql" else header_row + 2  # a query's rows count from 1
    return RawTable(headers=headers, frame=body, file_format=file_format, header_row=header_row,
                    first_data_line=first, **info)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def _read_xlsx(path: Path, sheet: str | None, finder: Callable) -> RawTable:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged zip
        raise InputFileError(f"the Excel workbook cannot be opened ({type(error).__name__})", file=str(path),
                             hint="open it in Excel and save it again as .xlsx") from None
    try:
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            raise InputFileError(f"the workbook has no sheet «{sheet}»", file=str(path),
                                 hint=f"sheets in the file: {', '.join(names)}; pass one with --sheet")
        worksheet = workbook[sheet] if sheet is not None else workbook[names[0]]
        rows = [[_cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not rows:
        raise InputFileError("the sheet is empty", file=str(path), hint="choose the sheet with --sheet")
    header_row = finder(rows[:HEADER_SEARCH_ROWS])
    width = max(len(row) for row in rows)
    frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows[header_row:]], dtype=object).astype(str)
    frame = frame.loc[(frame != "").any(axis=1)]
    return _finish(path, frame, "xlsx", header_row=header_row, sheet=sheet or names[0])


def _read_html(path: Path, text: str, encoding: str, finder: Callable) -> RawTable:
    import lxml.html

    try:
        document = lxml.html.fromstring(text)
    except Exception as error:  # lxml's parser errors vary by version
        raise InputFileError(f"the HTML table cannot be parsed ({type(error).__name__})", file=str(path),
                             hint="export the file again") from None
    tables = document.xpath("//table")
    if not tables:
        raise InputFileError("the HTML file has no table", file=str(path), hint="export the data again")
    rows = []
    for tr in tables[0].xpath(".//tr"):
        rows.append([" ".join(cell.text_content().split()) for cell in tr.xpath("./th|./td")])
    rows = [row for row in rows if any(row)]
    if not rows:
        raise InputFileError("the HTML table is empty", file=str(path), hint="export the data again")
    header_row = finder(rows[:HEADER_SEARCH_ROWS])
    width = max(len(row) for row in rows)
    frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows[header_row:]], dtype=object).astype(str)
    return _finish(path, frame, "html", encoding=encoding, header_row=header_row)


def _read_parquet(path: Path) -> RawTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as error:  # pyarrow raises ArrowInvalid/OSError for damaged files
        raise InputFileError(f"the Parquet file cannot be read ({error})", file=str(path),
                             hint="write the file again") from None
    frame = table.to_pandas()
    if frame.empty:
        raise InputFileError("the file has a header but no data rows", file=str(path),
                             hint="check the export's filters: it exported no leads")
    headers = [str(column) for column in frame.columns]
    frame.columns = range(len(headers))
    for column in frame.columns:
        series = frame[column]
        if not (pd.api.types.is_datetime64_any_dtype(series) or pd.api.types.is_numeric_dtype(series)
                or pd.api.types.is_bool_dtype(series)):
            frame[column] = series.astype(object).where(series.notna(), "").astype(str)
    return RawTable(headers=headers, frame=frame, file_format="parquet", header_row=0, first_data_line=1)


def on_uniques(series: pd.Series, function, keep_codes: bool = False) -> pd.Series:
    """Apply a vectorised text function to the distinct values only, then spread the result back.

    Export columns repeat a few values (channels, statuses, managers, reasons): string work
    on 10 distinct values instead of a million rows is what keeps loading fast. Columns
    that hardly repeat (IDs, timestamps) are processed as they are. With ``keep_codes`` a
    text result of a categorical column stays categorical (the next step works on its few
    categories again instead of a million strings).
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        values = pd.Series(np.asarray(categories, dtype=object) if categories.dtype == object else categories)
        codes = series.cat.codes.to_numpy()
        mapped = function(values).reset_index(drop=True)
        if codes.min(initial=0) < 0:  # missing cells: map them too, as the last "distinct value"
            extra = function(pd.Series([np.nan], dtype=values.dtype)).reset_index(drop=True)
            mapped = pd.concat([mapped, extra], ignore_index=True)
            codes = np.where(codes < 0, len(mapped) - 1, codes)
        return _spread(mapped, codes, series, keep_codes)
    if isinstance(series.dtype, pd.StringDtype):  # the reader keeps only columns that hardly repeat as text
        return function(series)
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    if len(uniques) * 2 > len(series):
        return function(series)
    mapped = function(pd.Series(uniques, dtype=series.dtype if series.dtype != object else object))
    return _spread(mapped.reset_index(drop=True), codes, series)


def _spread(mapped: pd.Series, codes: np.ndarray, like: pd.Series, keep_codes: bool = False) -> pd.Series:
    """Results for the distinct values, spread back to every row by their codes.

    Text results become an object array (a numpy take of references to the few distinct
    strings, not a copy of a million strings), or with ``keep_codes`` a categorical on the
    same codes; other types use the array's own take, which keeps them (datetimes,
    floats, booleans).
    """
    if mapped.dtype == object or pd.api.types.is_string_dtype(mapped.dtype):
        values = np.asarray(mapped.astype(object), dtype=object)
        if keep_codes:  # distinct values may map to one text: categories must be unique
            # categories in text order: a categorical groups and sorts as its text would
            merged, categories = pd.factorize(values, sort=True)
            if not (merged == np.arange(len(merged))).all():  # else the codes stand as they are
                # a lookup table as small as the codes: a take of 10M int64 codes is 80 MB and 0.2 s
                codes = merged.astype(np.min_scalar_type(-max(len(categories), 1))).take(codes)
            # the codes index the categories by construction: pandas' check is a pass for nothing
            return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object),
                                                       validate=False),
                             index=like.index, name=like.name)
        return pd.Series(values.take(codes), index=like.index, name=like.name, dtype=object, copy=False)
    return pd.Series(mapped.array.take(codes), index=like.index, name=like.name)


def label_counts(labels: pd.Series, normalize: bool = False) -> pd.Series:
    """``labels.value_counts()`` with text labels, also for a categorical column (the kernel's
    label columns are categorical: a code per lead, not its text).

    A categorical's own ``value_counts`` lists every category, also those no lead in the
    selection has, and breaks ties in category order; here, as for text, only the labels
    present are counted, in order of first appearance before the sort by count.
    """
    if not isinstance(labels.dtype, pd.CategoricalDtype):
        return labels.value_counts(normalize=normalize)
    codes = labels.cat.codes.to_numpy()
    codes = codes[codes >= 0]
    present = pd.unique(codes)
    counts = np.bincount(codes, minlength=len(labels.cat.categories))[present]
    index = pd.Index(labels.cat.categories.take(present), dtype=labels.cat.categories.dtype, name=labels.name)
    result = pd.Series(counts.astype(np.int64), index=index, name="count").sort_values(ascending=False)
    return (result / max(1, int(counts.sum()))).rename("proportion") if normalize else result


def in_text_order(labels: pd.Series) -> pd.Series:
    """A categorical with its categories in text order, the codes renumbered by a lookup
    (pandas' own reordering took 0.1 s per column of 10M leads): it groups, and its groups
    come out, in the order its text would. The same series when already in that order."""
    categories = labels.cat.categories
    order = np.argsort(np.asarray(categories, dtype=object), kind="stable")
    if (order == np.arange(len(order))).all():
        return labels
    lookup = np.empty(len(order) + 1, dtype=labels.cat.codes.dtype)
    lookup[order] = np.arange(len(order))
    lookup[-1] = -1  # a missing value's code, -1, picks the last entry
    codes = lookup[labels.cat.codes.to_numpy()]
    dtype = pd.CategoricalDtype(categories.take(order), ordered=labels.cat.ordered)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False), index=labels.index, name=labels.name,
                     copy=False)


def text_cells(series: pd.Series) -> pd.Series:
    """Cells as stripped text, "" for missing (Parquet columns may be typed)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return on_uniques(series, lambda values: values.where(values.notna(), "").astype(str).str.strip(),
                          keep_codes=True)
    if series.dtype == object or pd.api.types.is_string_dtype(series):
        return on_uniques(series, lambda values: values.astype(str).str.strip())
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()
