"""Reading exports in every dialect the loader promises."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import InputFileError
from analysis.readers import read_table, sha256_of

from .conftest import write_csv

HEADERS = ["ID", "Дата создания", "Источник", "Статус"]
ROWS = [["1", "01.10.2026 10:00", "Авито", "Новый"], ["2", "02.10.2026 11:30:15", "VK Реклама", "Отказ"]]


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_csv_separators_and_encodings(tmp_path, sep, encoding):
    path = write_csv(tmp_path / "x.csv", HEADERS, ROWS, sep=sep, encoding=encoding)
    table = read_table(path)
    assert table.headers == HEADERS
    assert table.separator == sep
    assert table.frame.iloc[1].tolist() == ROWS[1]


def test_bitrix_quoted_values_with_trailing_separator_and_bom(tmp_path):
    path = write_csv(tmp_path / "leads.csv", HEADERS, ROWS, sep=";", encoding="utf-8-sig", quote_all=True,
                     trailing_sep=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf\"ID\";")
    table = read_table(path)
    assert table.headers == HEADERS  # the empty column after the trailing ';' is gone
    assert table.encoding == "utf-8-sig"
    assert table.frame.shape == (2, 4)


def test_utf16_tab_export(tmp_path):
    text = "\t".join(HEADERS) + "\r\n" + "\r\n".join("\t".join(r) for r in ROWS) + "\r\n"
    path = tmp_path / "excel-unicode.txt"
    path.write_bytes(text.encode("utf-16"))
    table = read_table(path)
    assert table.headers == HEADERS and table.separator == "\t"


def test_quoted_newlines_inside_notes(tmp_path):
    path = write_csv(tmp_path / "amo.csv", ["ID", "Примечание", "Статус"],
                     [["1", "строка 1\nстрока 2; с разделителем", "Новый"], ["2", "", "Новый"]], sep=",")
    table = read_table(path)
    assert table.frame.iloc[0, 1] == "строка 1\nстрока 2; с разделителем"
    assert len(table.frame) == 2


def test_title_rows_above_the_header_are_skipped_in_csv(tmp_path):
    path = write_csv(tmp_path / "x.csv", HEADERS, ROWS, title_rows=["Отчёт по лидам за октябрь", ""])
    table = read_table(path)
    assert table.headers == HEADERS and len(table.frame) == 2


def test_xlsx_with_title_rows_and_sheet(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Сводка"
    first.append(["ничего"])
    sheet = workbook.create_sheet("Лиды")
    sheet.append(["Выгрузка лидов"])
    sheet.append([])
    sheet.append(HEADERS)
    sheet.append([1, pd.Timestamp("2026-10-01 10:00").to_pydatetime(), "Авито", "Новый"])
    sheet.append([2, "02.10.2026 11:30", "VK Реклама", "Отказ"])
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    table = read_table(path, sheet="Лиды")
    assert table.headers == HEADERS
    assert table.header_row == 2
    assert table.frame.iloc[0].tolist() == ["1", "2026-10-01 10:00:00", "Авито", "Новый"]
    with pytest.raises(InputFileError, match="no sheet «Нет такого»") as error:
        read_table(path, sheet="Нет такого")
    assert "Лиды" in error.value.hint


def test_bitrix_excel_export_is_an_html_table(tmp_path):
    rows = "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in r)}</tr>" for r in ROWS)
    html = ('<meta http-equiv="Content-type" content="text/html;charset=utf-8" />'
            f"<table border=\"1\"><tr>{''.join(f'<th>{h}</th>' for h in HEADERS)}</tr>{rows}</table>")
    path = tmp_path / "leads.xls"
    path.write_text(html, encoding="utf-8")
    table = read_table(path)
    assert table.file_format == "html"
    assert table.headers == HEADERS
    assert table.frame.iloc[1].tolist() == ROWS[1]


def test_parquet_keeps_types(tmp_path):
    frame = pd.DataFrame({"ID": [1, 2], "Дата создания": pd.to_datetime(["2026-10-01 10:00", "2026-10-02 00:00"]),
                          "Источник": ["Авито", None], "Статус": ["Новый", "Отказ"]})
    path = tmp_path / "leads.parquet"
    frame.to_parquet(path)
    table = read_table(path)
    assert table.file_format == "parquet"
    assert pd.api.types.is_datetime64_any_dtype(table.frame[1])
    assert table.frame[2].tolist() == ["Авито", ""]


def test_repeated_headers_are_kept(tmp_path):
    path = write_csv(tmp_path / "amo.csv", ["ID", "Источник", "Этап сделки", "Источник"],
                     [["1", "контакт", "Неразобранное", "Авито"]], sep=",")
    table = read_table(path)
    assert table.headers == ["ID", "Источник", "Этап сделки", "Источник"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \r\n\r\n", "empty"),
        (bytes(range(256)) * 40, "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97"),
        (b"PK\x03\x04garbage-not-a-zip", "cannot be opened"),
        (b"PAR1garbage", "Parquet"),
        ('ID;Статус\r\n1;"Новый\r\n2;Отказ\r\n'.encode("cp1251"), "malformed or truncated"),
        (b"ID;Status\r\n", "no data rows"),
    ],
)
def test_unreadable_files_raise_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message) as error:
        read_table(path)
    assert str(path) in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        read_table(tmp_path / "nope.csv")


def test_reading_never_modifies_the_file(tmp_path):
    path = write_csv(tmp_path / "x.csv", HEADERS, ROWS)
    before = sha256_of(path)
    read_table(path)
    assert sha256_of(path) == before


@pytest.mark.parametrize("encoding, extra", [("cp1251", b""), ("utf-8", b""), ("utf-8-sig", b""),
                                             ("utf-8", "\nlate line with Ж in cp1251;x;y".encode("cp1251")),
                                             ("cp1251", b'\n"an unbalanced quote;x;y')])
def test_large_files_are_read_block_by_block_to_the_same_table(tmp_path, monkeypatch, encoding, extra):
    """Over STREAM_BYTES the file is read by pyarrow from disk; a file that only fails further
    on (an encoding change, an unbalanced quote) goes to the whole-file path instead."""
    import analysis.readers as readers

    # a column of distinct non-ASCII texts (cp1251's "№" and "€" are three bytes in UTF-8)
    rows = [[str(i), f"0{1 + i % 9}.10.2026 10:{i % 60:02d}", ["Авито", "Сайт", "VK"][i % 3], "Отказ" if i % 4 else "Продажа",
             "" if i % 5 == 0 else f"Клиент №{i} «ёлка» {i % 7}€"]
            for i in range(3000)]
    path = write_csv(tmp_path / "big.csv", ["ID", "Дата", "Источник", "Статус", "Заметка"], rows,
                     encoding="utf-8" if encoding == "utf-8-sig" else encoding)
    if encoding == "utf-8-sig":
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    path.write_bytes(path.read_bytes().rstrip(b"\r\n") + extra + b"\r\n")
    whole = read_table(path) if not extra else None
    monkeypatch.setattr(readers, "STREAM_BYTES", 1000)
    monkeypatch.setattr(readers, "STREAM_HEAD_BYTES", 4000)
    monkeypatch.setattr(readers, "ARROW_BLOCK_BYTES", 16 << 10)  # several blocks: columns in chunks
    streamed = []
    original = readers._read_large_csv
    monkeypatch.setattr(readers, "_read_large_csv", lambda *a: streamed.append(original(*a)) or streamed[-1])
    if extra:  # handed over to the careful whole-file path, which reads it or names the problem
        try:
            read_table(path)
        except InputFileError:
            pass
        assert streamed == [None]
        return
    table = read_table(path)
    assert streamed[0] is table and table.encoding == encoding and table.separator == ";"
    assert table.headers == whole.headers == ["ID", "Дата", "Источник", "Статус", "Заметка"]
    pd.testing.assert_frame_equal(table.frame.astype(str), whole.frame.astype(str))
    assert table.frame[4].tolist() == [row[4] for row in rows]
    assert isinstance(table.frame[2].dtype, pd.CategoricalDtype) and set(table.frame[2]) == {"Авито", "Сайт", "VK"}
    assert len(table.frame) == 3000


def test_cp1251_cells_are_decoded_as_pythons_codec_decodes_them():
    """The reader parses bytes and decodes cp1251 itself: the same text as Python's codec,
    for empty cells, ASCII-only arrays, three-byte characters and arrays sliced at an offset;
    a byte cp1251 leaves undefined fails (the careful reader then names the file)."""
    import pyarrow as pa

    from analysis.readers import _ArrowDecoder

    texts = ["", "Авито", "№ 7", "", "€ and ‰", "ascii", "Ёжик — «тест»", ""]
    array = pa.array([text.encode("cp1251") for text in texts], pa.binary())
    decode = _ArrowDecoder("cp1251")
    for start, stop in [(0, 8), (1, 5), (3, 8), (5, 6), (0, 1)]:
        part = array.slice(start, stop - start)
        decoded = decode(part)
        decoded.validate(full=True)
        assert decoded.to_pylist() == texts[start:stop]
    assert decode(pa.array([b"ID", b"12"], pa.binary())).to_pylist() == ["ID", "12"]
    with pytest.raises(UnicodeDecodeError):
        decode(pa.array([b"ok", b"\x98"], pa.binary()))
    with pytest.raises(pa.ArrowInvalid):
        _ArrowDecoder("utf-8")(pa.array(["Ж".encode("cp1251")], pa.binary()))


def test_large_file_path_hashes_the_whole_file(tmp_path, monkeypatch):
    import analysis.readers as readers

    rows = [[str(i), "01.10.2026 10:00", "Авито", "Отказ"] for i in range(2000)]
    path = write_csv(tmp_path / "big.csv", ["ID", "Дата", "Источник", "Статус"], rows)
    monkeypatch.setattr(readers, "STREAM_BYTES", 1000)
    monkeypatch.setattr(readers, "STREAM_HEAD_BYTES", 3000)
    assert read_table(path).extra["sha256"] == sha256_of(path)


def test_column_kinds_follow_how_often_values_repeat(tmp_path):
    """Repeating columns come out categorical (cleaning works on their few values); IDs and
    mostly-empty columns of distinct values (e-mails) as Arrow text, never with a category
    per cell."""
    rows = [[str(i), "Авито" if i % 3 else "VK Реклама", f"u{i}@mail.ru" if i % 10 == 0 else ""]
            for i in range(2000)]
    path = write_csv(tmp_path / "kinds.csv", ["ID", "Источник", "Email"], rows, sep=";", encoding="cp1251")
    frame = read_table(path).frame
    assert isinstance(frame[1].dtype, pd.CategoricalDtype)
    assert set(frame[1]) == {"VK Реклама", "Авито"}
    for column in (0, 2):
        assert isinstance(frame[column].dtype, pd.StringDtype), frame[column].dtype
    assert frame[2].tolist() == [row[2] for row in rows]


def test_label_counts_of_a_categorical_are_the_counts_of_its_text():
    """Unused categories are left out and ties keep the text's order (first appearance), whatever
    the order of the categories: the kernel's label columns are categorical."""
    from analysis.readers import label_counts

    text = pd.Series(["b", "a", None, "b", "c", "a", "d"], dtype="str", name="reason")
    coded = text.astype(pd.CategoricalDtype(["zz", "d", "c", "b", "a"]))
    for normalize in (False, True):
        pd.testing.assert_series_equal(label_counts(coded, normalize=normalize), text.value_counts(normalize=normalize))
    assert label_counts(coded.iloc[:0]).empty


def test_snapshot_categories_are_put_in_text_order_keeping_every_value():
    from analysis.readers import in_text_order

    labels = pd.Series(pd.Categorical(["Сайт", None, "Авито", "VK", "Сайт"], categories=["Сайт", "VK", "Авито"]),
                       index=[5, 6, 7, 8, 9], name="channel")
    ordered = in_text_order(labels)
    assert list(ordered.cat.categories) == ["VK", "Авито", "Сайт"]
    pd.testing.assert_series_equal(ordered.astype(object), labels.astype(object))
    assert in_text_order(ordered) is ordered


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8"])
def test_columns_read_as_dictionaries_come_out_as_if_read_as_bytes(tmp_path, monkeypatch, encoding):
    """Columns that repeat in the file's first lines are read as dictionaries; the first block
    and the whole column still decide, as for bytes: a column that stops repeating further
    on (in the first block, or later) comes out as text, one that repeats as a categorical."""
    import analysis.readers as readers

    rows = [[str(i), ["Авито", "Сайт", "VK"][i % 3], "Петрова" if i < 1000 else f"Менеджер №{i}",
             f"Заметка {i % 2}" if i < 200 else f"Заметка {i % 150}", ["", "ёлка"][i % 2]] for i in range(4000)]
    path = write_csv(tmp_path / "big.csv", ["ID", "Источник", "Менеджер", "Заметка", "Тег"], rows, encoding=encoding)
    monkeypatch.setattr(readers, "STREAM_BYTES", 1000)
    monkeypatch.setattr(readers, "STREAM_HEAD_BYTES", 6000)  # 110-150 rows
    monkeypatch.setattr(readers, "ARROW_BLOCK_BYTES", 16 << 10)  # about 400 rows a block
    guessed = []
    original = readers._repeating_columns
    monkeypatch.setattr(readers, "_repeating_columns", lambda *a: guessed.append(original(*a)) or guessed[-1])
    table = read_table(path)
    assert guessed == [{1, 2, 3, 4}]  # the ID alone hardly repeats in the first lines
    monkeypatch.setattr(readers, "_repeating_columns", lambda *a: set())
    as_bytes = read_table(path)
    pd.testing.assert_frame_equal(table.frame, as_bytes.frame)
    kinds = [isinstance(table.frame[i].dtype, pd.CategoricalDtype) for i in range(5)]
    # managers stop repeating after the first block; notes within it (and would pass for repeating on the whole)
    assert kinds == [False, True, False, False, True]
    assert table.frame[2].tolist() == [row[2] for row in rows] and table.frame[4].tolist() == [row[4] for row in rows]


def test_hash_and_quotes_counts_quotes_in_any_block(tmp_path):
    """The quote count skips blocks without a quote: a quote only in the second 16 MB block,
    and blocks full of them, are still counted; the hash is the file's sha256."""
    import hashlib

    from analysis.readers import _hash_and_quotes

    for body in (b"a;b\n" * (5 << 20) + b'x;"y"\n"', b'"' * (17 << 20), b"no quotes at all\n" * 1000):
        path = tmp_path / "export.csv"
        path.write_bytes(body)
        assert _hash_and_quotes(path) == (hashlib.sha256(body).hexdigest(), body.count(b'"'))


@pytest.mark.parametrize("late_note, quote_all", [("две\nстроки", False), ("две\r\nстроки; и «;»", False),
                                                  ('сказал "да"', False), ("", False), ("две\nстроки", True)])
def test_line_breaks_in_quoted_cells_are_kept_wherever_the_first_quote_is(tmp_path, monkeypatch, late_note, quote_all):
    """A file with no quote in its first lines is parsed as one row a line; a quote further on
    (a note with a line break, deep in the file) has it read again keeping line breaks in their
    cells: the same table as the whole-file reader's either way."""
    import analysis.readers as readers

    rows = [[str(i), f"0{1 + i % 9}.10.2026 10:{i % 60:02d}", ["Авито", "Сайт"][i % 2], f"заметка {i}"]
            for i in range(3000)]
    rows[2500][3] = late_note or rows[2500][3]
    path = write_csv(tmp_path / "big.csv", ["ID", "Дата", "Источник", "Заметка"], rows, quote_all=quote_all)
    whole = read_table(path)
    monkeypatch.setattr(readers, "STREAM_BYTES", 1000)
    monkeypatch.setattr(readers, "STREAM_HEAD_BYTES", 4000)
    monkeypatch.setattr(readers, "ARROW_BLOCK_BYTES", 16 << 10)
    parses = []
    original = readers._read_csv_arrow
    monkeypatch.setattr(readers, "_read_csv_arrow",
                        lambda *a, **k: parses.append(k["line_breaks_in_cells"]) or original(*a, **k))
    streamed = read_table(path)
    assert parses == ([True] if quote_all else [False, True] if late_note else [False])
    assert len(streamed.frame) == 3000 and streamed.frame[3].tolist() == [row[3] for row in rows]
    pd.testing.assert_frame_equal(streamed.frame.astype(str), whole.frame.astype(str))


def test_rising_takes_of_chunked_text_equal_arrows_take():
    """Rows taken chunk by chunk are Arrow's take of the same rows: chunks kept whole, some
    rows, none, empty chunks; positions that do not rise strictly (a repeat, a reversal)
    fall back to Arrow's take; a position beyond the array is an error, not a wrong row."""
    import pyarrow as pa

    from analysis.tuned import series_rows, take_rising

    rng = np.random.default_rng(7)
    texts = [None if i % 11 == 0 else f"ячейка {i}" for i in range(1000)]
    chunked = pa.chunked_array([pa.array(texts[a:b], pa.string()) for a, b in [(0, 300), (300, 300), (300, 301), (301, 1000)]])
    cases = [np.arange(1000), np.arange(0), np.arange(300, 1000), np.sort(rng.choice(1000, 37, replace=False)),
             np.flatnonzero(rng.random(1000) < 0.9), np.array([999]), np.array([5, 5, 6]), np.array([900, 3, 0])]
    for positions in cases:
        taken = take_rising(chunked, positions)
        assert taken.to_pylist() == [texts[i] for i in positions]
        assert taken.type == chunked.type
    whole = take_rising(chunked, np.arange(301, 1000))
    assert whole.num_chunks == 1 and whole.chunk(0).buffers()[2].address == chunked.chunk(3).buffers()[2].address
    with pytest.raises(IndexError):
        take_rising(chunked, np.array([10, 1000]))
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    for series in (pd.Series(chunked, dtype=dtype), pd.Series(pd.Categorical(texts))):
        positions = np.flatnonzero(rng.random(1000) < 0.5)
        index = pd.Index(positions * 2)
        rows = series_rows(series, positions, index)
        expected = series.iloc[positions].set_axis(index)
        pd.testing.assert_series_equal(rows, expected)
        assert rows.index is index


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "cp1252"])
def test_mostly_ascii_cells_are_decoded_as_pythons_codec_decodes_them(encoding):
    """Cells with a rare byte beyond ASCII (a timestamp column with a word here and there): the same
    text as Python's codec for two- and three-byte characters, at the start, the end and side by side,
    in arrays sliced at an offset (the offsets move by the bytes each character grows); an undefined
    byte fails as the codec fails."""
    import pyarrow as pa

    from analysis.readers import _ArrowDecoder

    rng = np.random.default_rng(3)
    alphabet = [chr(c) for c in range(0x20, 0x7F)]
    special = [c for c in "ЖёЁ№€‰«»—щ" if _encodes(c, encoding)]
    texts = []
    for i in range(3000):
        text = "".join(rng.choice(alphabet, size=rng.integers(0, 20)))
        if i % 37 == 0:
            where = rng.integers(0, len(text) + 1)
            text = text[:where] + "".join(rng.choice(special, size=rng.integers(1, 3))) + text[where:]
        texts.append(text)
    texts[0], texts[-1] = special[0] + "x", "x" + special[-1]
    array = pa.array([text.encode(encoding) for text in texts], pa.binary())
    decode = _ArrowDecoder(encoding)
    for start, stop in [(0, 3000), (1, 2999), (37, 38), (500, 1700)]:
        decoded = decode(array.slice(start, stop - start))
        decoded.validate(full=True)
        assert decoded.to_pylist() == texts[start:stop]
    undefined = [b for b in range(0x80, 0x100) if not _decodes(bytes([b]), encoding)]
    if undefined:
        with pytest.raises(UnicodeDecodeError):
            decode(pa.array([b"ok" * 40, b"x" + bytes([undefined[0]])], pa.binary()))


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
