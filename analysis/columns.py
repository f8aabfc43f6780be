"""Cleaning per column: each function takes one column's cells (placeholders already blanked, on the
kept rows) and the part of the mapping it needs, and returns the canonical column, with the counts
worth a note. None reads the file, drops a row or writes a note: :mod:`analysis.loading` does, in
the order the appendix lists them.

Text work is done on a column's distinct values (:func:`~analysis.readers.on_uniques`): an export's
labels repeat a few values over a million rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .config import CANONICAL_STAGES, LOST_STAGE, STAGE_ORDER, UNKNOWN
from .dataset import FLAG_COLUMNS
from .mapping import LEAD_TYPES, Mapping, normalize_label
from .masking import mask_personal, shown_text
from .parsing import plain_text
from .readers import label_counts, on_uniques, text_cells
from .reasons import MISSING, OTHER


def _folded(values: pd.Series, spaces: bool = True) -> pd.Series:
    """Text as the mapping keeps its keys: lower case, «ё» as «е», runs of spaces as one."""
    folded = values.str.casefold().str.replace("ё", "е", regex=False)
    return folded.str.replace(r"\s+", " ", regex=True) if spaces else folded


def labels(cells: pd.Series, merges: dict[str, str] | None = None) -> tuple[pd.Series, int]:
    """A label column (channel, manager …): spaces collapsed, a phone or e-mail in a name masked,
    the mapping's spellings merged, an empty cell "unknown". Returns the labels and how many cells
    were empty. A categorical column stays categorical."""

    def label(values: pd.Series) -> pd.Series:
        text = text_cells(values).str.replace(r"\s+", " ", regex=True)
        text = text.map(shown_text, na_action="ignore")  # a campaign named after a client's phone
        if merges:
            mapped = _folded(text, spaces=False).map(merges)
            text = mapped.where(mapped.notna(), text)
        return text.astype(object)

    text = on_uniques(cells, label, keep_codes=True)
    empty = int((text == "").sum())
    return on_uniques(text, lambda values: values.where(values != "", UNKNOWN).astype(object), keep_codes=True), empty


def unknown_labels(index: pd.Index) -> pd.Series:
    """A label column the export does not have: every lead "unknown"."""
    return pd.Series(UNKNOWN, index=index, dtype=object)


def stages(cells: pd.Series, table: dict[str, str]) -> pd.Series:
    """Statuses as canonical stages, by the mapping's table or a canonical name written as such;
    missing where neither knows the status (the caller refuses those)."""

    def to_stage(values: pd.Series) -> pd.Series:
        folded = _folded(values)
        mapped = folded.map(table)
        return mapped.where(mapped.notna(), folded.where(folded.isin(CANONICAL_STAGES))).astype(object)

    return on_uniques(cells, to_stage, keep_codes=True)


def lead_types(cells: pd.Series, table: dict[str, str]) -> pd.Series:
    """Lead types (new car, used, service …) by the mapping; an unknown word "other", empty "unknown"."""

    def to_type(values: pd.Series) -> pd.Series:
        folded = values.str.casefold()
        mapped = folded.map(table)
        mapped = mapped.where(mapped.notna(), folded.where(folded.isin(LEAD_TYPES)))
        mapped = mapped.where(mapped.notna() | (folded == ""), "other")
        return mapped.where(folded != "", UNKNOWN).astype(object)

    return on_uniques(text_cells(cells), to_type, keep_codes=True)


@dataclass(frozen=True)
class Reasons:
    """Loss reasons of the lost leads: the mapped code, the text as written (personal data masked)
    and who owns the reason (marketing, sales …); missing for leads not lost."""

    code: pd.Series
    raw: pd.Series
    owner: pd.Series
    #: rows per reason text the mapping does not know, most frequent first
    unmapped: pd.Series
    #: lost leads without a reason (None when the export has no reason column)
    missing: int | None


def reasons(stage: pd.Series, cells: pd.Series | None, mapping: Mapping) -> Reasons:
    """The loss reasons of ``stage``'s lost leads from the reason column's cells (None: no column)."""
    lost = stage == LOST_STAGE
    if cells is None:
        raw = pd.Series("", index=stage.index)
    else:  # "просил звонить на 8-916-…": the reason's text stays, the phone goes
        raw = on_uniques(text_cells(cells), lambda values: values.map(shown_text, na_action="ignore"), keep_codes=True)
    table = mapping.values.get("disqualification_reason", {})
    known = list(mapping.reasons)

    def to_code(values: pd.Series) -> pd.Series:
        folded = _folded(values)
        mapped = folded.map(table)
        return mapped.where(mapped.notna(), folded.where(folded.isin(known))).astype(object)

    # categorical when the reader kept the reasons so: codes travel, not a million references
    code = on_uniques(raw, to_code, keep_codes=True)
    if isinstance(code.dtype, pd.CategoricalDtype):
        code = code.cat.add_categories([c for c in (OTHER, MISSING) if c not in code.cat.categories])
    unmapped = lost & code.isna() & (raw != "")
    code = code.where(~unmapped, OTHER)
    code = code.where(code.notna() | ~lost, MISSING).where(lost)
    owners = {c: r.owner for c, r in mapping.reasons.items()}
    return Reasons(code=code, raw=raw.where(lost & (raw != "")), owner=mapped(code, owners, keep_codes=True),
                   unmapped=label_counts(raw[unmapped]),
                   # without a reason column no lost lead was given one: nothing to warn about
                   missing=None if cells is None else int((lost & (raw == "")).sum()))


def funnel_flags(stage: pd.Series, reason: pd.Series, mapping: Mapping, first_contact: pd.Series | None = None,
                 explicit: dict[str, pd.Series] | None = None) -> dict[str, pd.Series]:
    """The furthest stage each lead reached (``stage_rank``) and the flags it implies (contacted,
    qualified, visited, won). A lost lead reached the stage its loss reason implies; a contact date
    means contacted; a yes/no column the export has (``explicit``: parsed, missing where empty)
    overrides the implied flag where it says something."""
    implies = {c: STAGE_ORDER[r.implies] for c, r in mapping.reasons.items()}
    rank = mapped(stage, STAGE_ORDER)
    rank = rank.where(stage != LOST_STAGE, mapped(reason, implies)).fillna(STAGE_ORDER["contacted"]).astype("int64")
    if first_contact is not None:
        rank = rank.where(~(first_contact.notna() & (rank < 1)), 1)
    derived = {"contacted": rank >= 1, "qualified": rank >= 2, "visited": rank >= 3, "won": rank >= 4}
    flags = {"stage_rank": rank}
    for column in FLAG_COLUMNS:
        flag = derived[column]
        given = (explicit or {}).get(column)
        if given is not None:
            flag = given.where(given.notna(), flag)
        flags[column] = flag.astype(bool)
    return flags


def purchase_horizon(cells: pd.Series) -> pd.Series:
    """When the client means to buy, as written (personal data masked, spelling normalised)."""
    horizon = on_uniques(text_cells(cells), lambda v: v.map(lambda x: normalize_label(mask_personal(x))),
                         keep_codes=True)
    return horizon.where(horizon != "")


def utm_source(cells: pd.Series) -> pd.Series:
    """The ad's ``utm_source`` as written, "unknown" when empty."""
    return plain_text(text_cells(cells)).replace("", UNKNOWN)


def mapped(series: pd.Series, table: dict, keep_codes: bool = False) -> pd.Series:
    """``series.map(table)`` worked out on the distinct values (a dict lookup per cell of a
    million-row text column takes a third of a second); missing stays missing."""
    return on_uniques(series, lambda values: values.map(table), keep_codes=keep_codes)


def response_minutes(minutes: pd.Series) -> tuple[pd.Series, int]:
    """Minutes to the first response, a negative one (a response logged before the lead) missing;
    returns how many were negative."""
    negative = minutes < 0
    return minutes.where(~negative), int(negative.sum())


__all__ = ["Reasons", "funnel_flags", "labels", "lead_types", "mapped", "purchase_horizon", "reasons",
           "response_minutes", "stages", "unknown_labels", "utm_source"]
