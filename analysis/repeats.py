"""Persons and repeats: which rows are copies, which IDs repeat, which leads are one person's.

Plain functions of columns and arrays. Phones and e-mails become codes here
(:func:`identifier_codes_of`, through :mod:`analysis.privacy`) and go no further; a person is the
leads linked by a shared code (:func:`person_ids`), and a person's later lead within the window is a
repeat (:func:`repeats`, :func:`mark_repeats`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .parsing import blank_placeholders, plain_text
from .privacy import could_be_email, could_be_phone, identifier_codes, link_codes
from .tuned import as_integers, is_arrow_text, person_time_order


def identifier_codes_of(phones: list[pd.Series], emails: list[pd.Series], placeholders: frozenset[str]
                        ) -> list[np.ndarray]:
    """Codes of every row's phone and e-mail (places among the distinct identifiers shared by two
    rows or more), from the raw columns mapped to each, the first filled cell winning."""
    phone = first_filled(phones, placeholders, voided=not any(map(could_be_phone, placeholders)))
    email = first_filled(emails, placeholders, voided=not any(map(could_be_email, placeholders)))
    phones.clear()
    emails.clear()
    codes = [] if phone is None and email is None else identifier_codes(phone, email, shared_only=True)
    del phone, email
    pa.default_memory_pool().release_unused()  # the texts' Arrow blocks: not kept for later
    return codes


def first_filled(columns: list[pd.Series], placeholders: frozenset[str], voided: bool = False) -> pd.Series | None:
    """The first non-empty cell across columns mapped to one canonical column (a phone in either of
    two headers), placeholders blanked; None without columns.

    ``voided``: the caller's next step voids every placeholder anyway (no placeholder is a phone);
    one column is then handed over as it is (a pass over 10M cells: 1.4-1.8 s). Several are still
    blanked: a placeholder must not hide the next column's cell."""
    if not columns:
        return None
    if voided and len(columns) == 1:
        return columns[0]
    result = blank_placeholders(columns[0], placeholders)
    for column in columns[1:]:
        result = plain_text(result)
        result = result.where(result != "", plain_text(blank_placeholders(column, placeholders)))
    return result


def person_ids(codes: list[np.ndarray], rows: np.ndarray) -> np.ndarray:
    """Linked persons of the kept rows (their positions among the rows ``codes`` were found for)."""
    if not codes:
        return np.arange(len(rows), dtype=np.int64)
    return link_codes([kind[rows] for kind in codes], len(rows))


def value_codes(cells: pd.Series) -> np.ndarray:
    """An integer per cell, equal for equal cells (missing ones too), from 0 to at most twice
    the number of cells (small enough for ``np.bincount``). Arrow text is encoded in Arrow:
    pandas' ``duplicated`` on 10M distinct IDs took 7.8 s, and the cleaning asked it twice."""
    if is_arrow_text(cells):
        array = pa.array(cells.array)
        numbers = as_integers(array)
        if numbers is not None:
            # IDs mostly run in sequence: they are their own codes, less the smallest (no hash table)
            low = int(numbers.min()) if len(numbers) else 0
            if len(numbers) and int(numbers.max()) - low <= 2 * len(numbers):
                return numbers - low
            return pd.factorize(numbers)[0].astype(np.int64)
        encoded = pc.dictionary_encode(array, null_encoding="encode")
        chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
        if chunks:
            return np.concatenate([chunk.indices.to_numpy(zero_copy_only=False).astype(np.int64) for chunk in chunks])
    return pd.factorize(cells, use_na_sentinel=False)[0].astype(np.int64)


def duplicated_rows(frame: pd.DataFrame, id_codes: np.ndarray) -> tuple[pd.Series, pd.Series | None]:
    """Rows repeating an earlier row cell for cell, and how many such copies each first row has
    (None when there are none). Only rows whose ID repeats can (IDs are mostly unique, and
    comparing every column of a million rows costs a second); ``id_codes`` are the IDs as
    trimmed cells, which raw cells that are equal have equal too."""
    repeated_id = np.bincount(id_codes)[id_codes] > 1 if len(id_codes) else np.zeros(0, dtype=bool)
    duplicated = pd.Series(False, index=frame.index)
    if not repeated_id.any():
        return duplicated, None
    candidates = frame.loc[repeated_id]
    duplicated[repeated_id] = candidates.duplicated(keep="first")
    if not duplicated.any():
        return duplicated, None
    # each row's group of identical rows, numbered in order of first appearance
    group = candidates.groupby(list(candidates.columns), sort=False, dropna=False).ngroup()
    first_of_group = group[~duplicated[repeated_id]]
    extra = group[duplicated[repeated_id]].value_counts()
    copies = pd.Series(0, index=frame.index, dtype=np.int32)
    copies[first_of_group.index] = first_of_group.map(extra).fillna(0).astype(np.int32).to_numpy()
    return duplicated, copies


def mark_repeats(out: pd.DataFrame, window_days: int, found: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """First lead of a person keeps the credit; later ones within the window are repeats.
    ``found``: what :func:`repeats` gave for the frame's rows, when already computed."""
    out["is_repeat"] = False
    out["repeat_first_channel"] = pd.Series(pd.NA, index=out.index, dtype=object)
    if "created_at" not in out or len(out) == 0:
        return
    if found is None:
        found = repeats(out["person_id"].to_numpy(), out["created_at"].to_numpy(), out["source_line"].to_numpy(),
                         window_days)
    is_repeat, first = found
    out["is_repeat"] = is_repeat
    later = np.flatnonzero(is_repeat)
    channel = out["channel"]
    if isinstance(channel.dtype, pd.CategoricalDtype):  # the channel's codes, not a million references
        codes = channel.cat.codes.to_numpy()
        first_code = np.full(len(out), -1, dtype=codes.dtype)
        first_code[later] = codes[first[later]]
        out["repeat_first_channel"] = pd.Series(pd.Categorical.from_codes(first_code, dtype=channel.dtype),
                                                index=out.index)
        return
    first_channel = np.full(len(out), None, dtype=object)
    first_channel[later] = channel.to_numpy(dtype=object)[first[later]]
    out["repeat_first_channel"] = pd.Series(first_channel, index=out.index, dtype=object)


def repeats(person: np.ndarray, created: np.ndarray, line: np.ndarray, window_days: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """Per lead: whether it repeats an earlier lead of its person within the window, and the
    row of its episode's first lead (-1 for a first lead). Numpy alone, without the GIL for
    the most part: the cleaning runs it in a thread beside the other columns."""
    if len(person):
        # a person with one lead repeats no one: only the others' leads are sorted (10M leads,
        # most persons with one lead in a real export: the sort was 1.2 s of this thread)
        ids = person - person.min()
        several = np.bincount(ids)[ids] > 1
        if not several.all():
            rows = np.flatnonzero(several)
            found, found_first = repeats(person[rows], created[rows], line[rows], window_days)
            is_repeat = np.zeros(len(person), dtype=bool)
            is_repeat[rows] = found
            first = np.full(len(person), -1, dtype=found_first.dtype)
            first[rows[found]] = rows[found_first[found]]
            return is_repeat, first
    # order by person, then time, then file line: sorting three arrays, not a copy of the table.
    # Positions as int32 where they fit: half the memory of the temporaries (10M leads: they
    # ran beside the other columns' cleaning, 600 MB of int64)
    width = np.int32 if len(person) < np.iinfo(np.int32).max else np.int64
    order = person_time_order(person, created, line).astype(width)
    person = person[order]
    created = created[order]
    repeat = np.zeros(len(order), dtype=bool)
    anchor = np.full(len(order), -1, dtype=width)  # for a repeat: the position of its episode's first lead
    window = np.timedelta64(window_days, "D")
    # each round makes the earliest open lead of every person an anchor and marks the leads
    # within its window; rounds = the largest number of separate episodes of one person. The
    # first round takes every lead as it is, without gathering 10M positions (it was 2.2 s of
    # fresh temporaries at 10M leads; the later rounds are small)
    open_positions = np.arange(len(order), dtype=width)
    while len(open_positions):
        whole = len(open_positions) == len(order)
        open_person = person if whole else person[open_positions]
        open_created = created if whole else created[open_positions]
        is_anchor = np.empty(len(open_positions), dtype=bool)
        is_anchor[:1] = True
        np.not_equal(open_person[1:], open_person[:-1], out=is_anchor[1:])
        anchor_at = np.where(is_anchor, np.arange(len(open_positions), dtype=width), width(0))
        np.maximum.accumulate(anchor_at, out=anchor_at)
        within = (open_created - open_created[anchor_at]) <= window
        later = within & ~is_anchor
        repeat[open_positions[later]] = True
        anchor[open_positions[later]] = open_positions[anchor_at[later]]
        open_positions = open_positions[~(is_anchor | within)]
    is_repeat = np.zeros(len(order), dtype=bool)
    is_repeat[order] = repeat
    first = np.full(len(order), -1, dtype=width)
    first[order[repeat]] = order[anchor[repeat]]
    return is_repeat, first


