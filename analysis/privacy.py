"""Personal data: normalised, hashed on load with a per-run key, then dropped (SPEC 2.1, 2.5).

Phones and e-mails are only used to find the same person behind several leads. They are
normalised (+7 / 8 / spaces / dashes → E.164), hashed with a random key that lives only in
this process (so a hash cannot be looked up in a table of all phone numbers), linked into
persons (same phone OR same e-mail), and the raw values are discarded before anything is
displayed or written. Only an integer ``person_id`` travels further.
"""

from __future__ import annotations

import secrets

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def normalize_phones(phones: pd.Series) -> pd.Series:
    """E.164 for Russian numbers (``+79123456789``), digits for others; NA when too short."""
    digits = phones.astype(str).str.replace(r"\D", "", regex=True)
    russian_11 = (digits.str.len() == 11) & digits.str[0].isin(["7", "8"])
    russian_10 = (digits.str.len() == 10) & (digits.str[0] == "9")
    normalized = digits.where(~russian_11, "7" + digits.str[1:])
    normalized = normalized.where(~russian_10, "7" + digits)
    normalized = "+" + normalized
    return normalized.where(digits.str.len() >= 10)


def normalize_emails(emails: pd.Series) -> pd.Series:
    """Lower-cased, trimmed e-mails; NA when there is no ``@``."""
    folded = emails.astype(str).str.strip().str.casefold()
    return folded.where(folded.str.contains("@", regex=False))


def keyed_hash(values: pd.Series, key: str) -> pd.Series:
    """Vectorised keyed hash (SipHash via pandas) of the non-missing values; NA stays NA."""
    present = values.notna()
    hashed = pd.Series(pd.NA, index=values.index, dtype="UInt64")
    if present.any():
        array = values[present].astype(str).to_numpy(dtype=object)
        hashed[present] = pd.util.hash_array(array, hash_key=key, categorize=True)
    return hashed


def link_persons(phone: pd.Series | None, email: pd.Series | None) -> np.ndarray:
    """One integer person id per row: rows sharing a phone OR an e-mail are one person.

    Raw values are hashed with a per-call random key first and never kept. Rows with
    neither are persons of their own.
    """
    n = len(phone) if phone is not None else len(email)
    key = secrets.token_hex(8)  # 16 characters: the key length SipHash needs
    rows, nodes = [np.arange(n)], [np.arange(n)]  # each row is linked to itself
    offset = n
    for values, normalize in ((phone, normalize_phones), (email, normalize_emails)):
        if values is None:
            continue
        hashed = keyed_hash(normalize(values), key)
        present = hashed.notna().to_numpy()
        if not present.any():
            continue
        codes, _ = pd.factorize(hashed[present])
        rows.append(np.flatnonzero(present))
        nodes.append(codes + offset)
        offset += int(codes.max()) + 1
    row_index = np.concatenate(rows)
    node_index = np.concatenate(nodes)
    # rows and identifiers form a bipartite graph; persons are its connected components
    adjacency = coo_matrix(
        (np.ones(2 * len(row_index), dtype=np.int8),
         (np.concatenate([row_index, node_index]), np.concatenate([node_index, row_index]))),
        shape=(offset, offset),
    )
    _, labels = connected_components(adjacency, directed=False)
    return labels[:n].astype(np.int64)
