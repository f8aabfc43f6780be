"""Personal data: normalised on load, turned into person ids, then dropped.

Phones and e-mails are only used to find the same person behind several leads. They are
normalised (+7 / 8 / spaces / dashes → E.164; e-mails trimmed and lower-cased), each distinct
identifier gets an integer code (a phone's own number, an e-mail's place in the column's
dictionary), rows sharing a code are linked into persons (same phone OR same e-mail), and the
raw values are discarded before anything is displayed or written. Only an integer ``person_id``
travels further. Nothing is hashed: the codes never leave this process (the snapshot the
report's kernel reads holds ``person_id`` alone), so there is nothing a hash would protect.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from .tuned import arrow_text, digits_of, has_byte, plain_ascii, shared_codes


def _arrow_text(values: pd.Series) -> pa.Array:
    """A text column as an Arrow string array (missing cells null)."""
    array = pa.array(values.array if isinstance(values.dtype, pd.StringDtype) else values.astype(object),
                     type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


PART_ROWS = 1 << 20  # rows normalised at a time: each step's temporary arrays stay small


def _arrow_parts(values: pd.Series) -> Iterator[pa.Array]:
    """A text column as Arrow string arrays of at most PART_ROWS rows, in order, without a copy
    of the column: eight normalising steps over 10M phones at once held 2 GB of temporaries."""
    array = arrow_text(values)
    for chunk in (array.chunks if isinstance(array, pa.ChunkedArray) else [array]):
        for start in range(0, len(chunk), PART_ROWS):
            yield chunk.slice(start, PART_ROWS)


def _phones(text: pa.Array) -> pa.Array:
    digits = digits_of(text)
    length = pc.binary_length(digits)
    first = pc.utf8_slice_codeunits(digits, 0, 1)
    russian_11 = pc.and_(pc.equal(length, 11), pc.is_in(first, pa.array(["7", "8"])))
    russian_10 = pc.and_(pc.equal(length, 10), pc.equal(first, "9"))
    body = pc.if_else(russian_11, pc.utf8_slice_codeunits(digits, 1), digits)
    body = pc.if_else(pc.or_(russian_11, russian_10), pc.binary_join_element_wise("7", body, ""), body)
    normalized = pc.binary_join_element_wise("+", body, "")
    return pc.if_else(pc.greater_equal(length, 10), normalized, pa.scalar(None, pa.string()))


def _emails(text: pa.Array) -> pa.Array:
    if plain_ascii(text):  # Arrow's ASCII kernels: the same result, ten times faster to lower
        folded = pc.ascii_lower(pc.ascii_trim_whitespace(text))
    else:
        folded = pc.utf8_lower(pc.utf8_trim_whitespace(text))
    return pc.if_else(has_byte(folded, ord("@")), folded, pa.scalar(None, pa.string()))


def could_be_phone(cell: str) -> bool:
    """Whether :func:`_phones` could keep a cell of this text: ten ASCII digits or more."""
    return sum("0" <= ch <= "9" for ch in cell) >= 10


def could_be_email(cell: str) -> bool:
    """Whether :func:`_emails` could keep a cell of this text: an ``@`` in it."""
    return "@" in cell


def normalize_phones(phones: pd.Series) -> pd.Series:
    """E.164 for Russian numbers (``+79123456789``), digits for others; NA when too short."""
    return pd.Series(_phones(_arrow_text(phones)).to_pandas(), index=phones.index)


def normalize_emails(emails: pd.Series) -> pd.Series:
    """Lower-cased, trimmed e-mails; NA when there is no ``@``."""
    return pd.Series(_emails(_arrow_text(emails)).to_pandas(), index=emails.index)


#: the most digits a phone's integer code holds: E.164 numbers have at most 15; the code is the number
#: times 20 plus its count of digits (leading zeros are digits), which stays within int64
PHONE_DIGITS = 17


def _phone_keys(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Which cells hold a phone, and for each an integer equal for exactly the phones :func:`_phones`
    makes equal: its E.164 number and digit count, read from its digits without building its text.
    A cell of more than :data:`PHONE_DIGITS` digits is no phone to link by."""
    digits = digits_of(text)
    length = pc.binary_length(digits).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    valid = (length >= 10) & (length <= PHONE_DIGITS)
    spelled = pc.if_else(pa.array(valid), digits, pa.scalar(None, pa.string()))
    number = pc.cast(spelled, pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
    first = number // np.power(10, np.maximum(length - 1, 0))
    # +7 for Russian numbers: 8 912… and 7 912… (eleven digits) and 912… (ten) are one phone
    russian_11 = valid & (length == 11) & ((first == 7) | (first == 8))
    russian_10 = valid & (length == 10) & (first == 9)
    number = np.where(russian_11, number % 10**10 + 7 * 10**10, number)
    number = np.where(russian_10, number + 7 * 10**10, number)
    length = np.where(russian_10, 11, length)
    return valid, (number * 20 + length)[valid]


def _email_keys(parts: list[pa.Array]) -> tuple[np.ndarray, np.ndarray]:
    """Which cells hold an e-mail (:func:`_emails`), and for each its place among the column's
    distinct e-mails: Arrow's dictionary encoding of all parts at once, one dictionary for them all
    (4M e-mails: 1.8-3.1 s; its unique values looked up again took 3.8-5.2 s)."""
    valid, kept = [], []
    for part in parts:  # a part's e-mails kept, its normalised cells (mostly empty) let go
        normalized = _emails(part)
        found = normalized.is_valid()
        valid.append(found.to_numpy(zero_copy_only=False))
        kept.append(normalized.filter(found).cast(pa.large_string()))
    if not kept or not sum(map(len, kept)):
        return (np.concatenate(valid) if valid else np.zeros(0, dtype=bool)), np.zeros(0, dtype=np.int64)
    encoded = pc.dictionary_encode(pa.chunked_array(kept, pa.large_string()))
    keys = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded.chunks])
    return np.concatenate(valid), keys.astype(np.int64)


def _identifier_codes(values: pd.Series, kind: str, shared_only: bool = False) -> np.ndarray:
    """One integer per row for its normalised identifier (``kind``: ``phone`` or ``email``); -1 when
    the row has none. With ``shared_only`` also -1 when no other row has it (see :func:`identifier_codes`),
    except in a categorical column, whose categories are normalised once each: they all keep a code.
    Others are normalised in Arrow, without a Python string per cell."""
    categorical = isinstance(values.dtype, pd.CategoricalDtype)
    source = pd.Series(np.asarray(values.cat.categories, dtype=object)) if categorical else values
    parts = list(_arrow_parts(source))
    if kind == "phone":
        found = [_phone_keys(part) for part in parts]
        valid = np.concatenate([v for v, _ in found]) if found else np.zeros(0, dtype=bool)
        keys = np.concatenate([k for _, k in found]) if found else np.zeros(0, dtype=np.int64)
    else:
        valid, keys = _email_keys(parts)
    codes = np.full(len(valid) + 1, -1, dtype=np.int64)  # the last: a missing category
    if valid.any():
        codes[:-1][valid] = shared_codes(keys) if shared_only and not categorical else pd.factorize(keys)[0]
    if not categorical:
        return codes[:-1]
    row_codes = values.cat.codes.to_numpy()
    return codes[np.where(row_codes < 0, len(codes) - 1, row_codes)]


def identifier_codes(phone: pd.Series | None, email: pd.Series | None, shared_only: bool = False
                     ) -> list[np.ndarray]:
    """Per row, an integer for its phone and one for its e-mail (-1: none): equal codes, equal
    normalised identifiers. One array per identifier given.

    ``shared_only``: an identifier that only one row has is -1 too (in a text column; a
    categorical one keeps a code per category). Linking gives the same persons (such an
    identifier joins no two rows), and most phones of an export are used once: only the
    shared ones need a code.
    """
    return [_identifier_codes(values, kind, shared_only)
            for values, kind in ((phone, "phone"), (email, "email")) if values is not None]


def link_codes(codes: list[np.ndarray], n: int) -> np.ndarray:
    """One integer person id per row from its identifier codes (see :func:`identifier_codes`):
    rows sharing any code of one kind are one person; rows with none are persons of their own."""
    kinds, offset = [], n  # graph nodes: rows 0..n-1, then each distinct phone, then each e-mail
    for kind in codes:
        if (kind >= 0).any():
            kinds.append((kind, offset))
            offset += int(kind.max()) + 1
    if not kinds:
        return np.arange(n, dtype=np.int64)
    # one edge from a row to each of its identifiers, written straight as a sparse row-major
    # matrix, its indices 32-bit when they fit (scipy copies mixed index types to a common one);
    # persons are the connected components of this bipartite graph (scipy follows edges both
    # ways with directed=False, and a row without edges is alone). Filled kind by kind: a
    # stacked edge table took 1 GB of temporaries at 10M leads.
    per_row = np.zeros(n, dtype=np.int32)
    for kind, _ in kinds:
        per_row += kind >= 0
    width = np.int32 if offset + n * len(kinds) < 2**31 else np.int64
    indptr = np.empty(offset + 1, dtype=width)
    indptr[0] = 0
    np.cumsum(per_row, out=indptr[1:n + 1])
    indptr[n + 1:] = indptr[n]
    del per_row
    indices = np.empty(int(indptr[n]), dtype=width)
    slot = indptr[:n].copy()  # each row's next free edge
    for kind, base in kinds:
        rows = np.flatnonzero(kind >= 0)
        indices[slot[rows]] = kind[rows] + base
        slot[rows] += 1
        del rows
    del slot
    graph = csr_matrix((np.ones(len(indices), dtype=np.int8), indices, indptr), shape=(offset, offset))
    _, labels = connected_components(graph, directed=False)
    return labels[:n].astype(np.int64)


def link_persons(phone: pd.Series | None, email: pd.Series | None) -> np.ndarray:
    """One integer person id per row: rows sharing a phone OR an e-mail are one person.

    Raw values are normalised into integer codes and never kept. Rows with neither are persons
    of their own.
    """
    n = len(phone) if phone is not None else len(email)
    return link_codes(identifier_codes(phone, email, shared_only=True), n)
