"""Each hand-tuned routine of analysis.tuned against the library call it replaces, on cells chosen
to break it: empty and null cells, slices of larger arrays, chunked arrays, Unicode spaces and
bytes beyond ASCII. (The date reader has its own file, test_dateparse.py; take_rising and
series_rows are in test_readers.py; person_time_order in test_privacy.py.)"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from analysis import tuned

CELLS = ["12345", "", None, " 7 ", "a@b.ru", "Иван@почта.рф", "\u00a0042", "42\u2003", "x\x1cy", "000", "9" * 19,
         "+7 (916) 123-45-67", "@", "ё"]


def arrays() -> list[pa.Array]:
    """The cells as an array, as a slice of a larger one (offsets that do not start at 0), and without nulls."""
    whole = pa.array(["pad", *CELLS, "pad"], pa.string())
    return [pa.array(CELLS, pa.string()), whole.slice(1, len(CELLS)), pa.array([c or "" for c in CELLS], pa.large_string())]


@pytest.mark.parametrize("array", arrays(), ids=["plain", "slice", "large"])
def test_arrow_buffers_give_every_cell_its_bytes(array):
    offsets, data = tuned.arrow_buffers(array)
    for i, cell in enumerate(array.to_pylist()):
        assert bytes(data[offsets[i]:offsets[i + 1]]) == (cell or "").encode()


def test_counted_before_is_a_cumulative_sum_with_a_leading_zero():
    hits = np.random.default_rng(1).random(1001) < 0.3
    assert (tuned.counted_before(hits) == np.concatenate([[0], np.cumsum(hits)])).all()


@pytest.mark.parametrize("array", arrays(), ids=["plain", "slice", "large"])
def test_byte_reads_agree_with_arrow_kernels(array):
    filled = array.fill_null("")
    assert tuned.untrimmed(filled) == pc.all(pc.equal(pc.utf8_trim_whitespace(filled), filled)).as_py()
    for cells in ([c for c in CELLS if c and c.isascii() and c.strip() == c], ["Иван "], [" x"], ["", ""]):
        text = pa.array(cells, pa.string())
        assert tuned.untrimmed(text) == all(c == c.strip() for c in cells)
    found = tuned.has_byte(array, ord("@")).to_pylist()
    assert found == pc.match_substring(array, "@").to_pylist()
    assert tuned.digits_of(array).to_pylist() == [None if c is None else re.sub(r"[^0-9]", "", c) for c in array.to_pylist()]
    ascii_only = pa.array(["abc", " x "], pa.string())
    assert tuned.plain_ascii(ascii_only) and not tuned.plain_ascii(array)
    assert not tuned.plain_ascii(pa.array(["a\x1db"], pa.string()))  # Arrow's UTF-8 trim takes it for a space


def test_digit_runs_is_a_full_match_of_digits():
    assert tuned.digit_runs(pa.array(["1", "0042", "99"]))
    for bad in (["1", ""], ["1", None], ["1 "], ["١٢"], ["1a"]):
        assert not tuned.digit_runs(pa.array(bad, pa.string()))


def test_kept_bytes_is_a_boolean_selection_across_blocks():
    data = np.frombuffer(bytes(range(256)) * 9, dtype=np.uint8)
    keep = np.random.default_rng(2).random(len(data)) < 0.5
    assert (tuned.kept_bytes(data, keep, block=100) == data[keep]).all()


def test_shared_codes_number_the_repeated_keys_in_key_order():
    keys = np.random.default_rng(3).integers(0, 50, 200)
    counts = pd.Series(keys).value_counts()
    shared = np.sort(counts.index[counts > 1].to_numpy())
    expected = np.array([np.searchsorted(shared, k) if k in set(shared) else -1 for k in keys])
    assert (tuned.shared_codes(keys) == expected).all()
    assert (tuned.shared_codes(np.arange(5)) == -1).all()


def test_as_integers_only_where_text_and_integer_are_one_to_one():
    chunked = pa.chunked_array([pa.array(["1", "20"]), pa.array(["300"])])
    assert list(tuned.as_integers(chunked)) == [1, 20, 300]
    for refused in (["01"], ["1", ""], ["1e3"], ["-1"], ["9" * 19]):  # "01" and "1" would share a number
        assert tuned.as_integers(pa.array(refused, pa.string())) is None


def test_later_repeats_is_duplicated_keep_first():
    codes = np.random.default_rng(4).integers(0, 30, 300)
    assert (tuned.later_repeats(codes) == pd.Series(codes).duplicated(keep="first").to_numpy()).all()
    assert not tuned.later_repeats(np.zeros(0, dtype=np.int64)).size
