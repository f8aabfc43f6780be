"""The canonical tables a report works on: :class:`Dataset`, its columns and the label type.

Every job reads a :class:`Dataset`, whether :mod:`analysis.loading` just cleaned the export or
:mod:`analysis.snapshot` read it back in the kernel: the columns and their types are the same
on both paths (a test compares them).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa

from .config import LOST_STAGE, STAGE_ORDER
from .lineage import Lineage
from .mapping import Mapping
from .readers import in_text_order
from .reasons import MISSING

LABEL_COLUMNS = ("channel", "campaign", "model", "manager")
#: the columns that name a group of leads: categorical on every path — loaded here, read back from the
#: snapshot, a file of ten rows or of ten million — with exactly the values present as categories, in
#: text order; every other text column is Arrow-backed ``str``
LABEL_TYPE_COLUMNS = (*LABEL_COLUMNS, "lead_type", "stage", "disqualification_reason", "reason_raw", "reason_owner",
                      "purchase_horizon", "repeat_first_channel", "arm", "utm_source")
#: canonical columns a dataset has only when the export has what they come from: code that reads
#: one asks :func:`has_column` first (a test checks every job module for it)
OPTIONAL_COLUMNS = ("created_at", "age_days", "first_response_at", "response_minutes", "attempted", "first_contact_at",
                    "call_attempts", "deal_amount", "budget", "purchase_horizon", "utm_source")


def has_column(leads: pd.DataFrame, column: str) -> bool:
    """Whether the leads carry an optional column (:data:`OPTIONAL_COLUMNS`): the one check every
    analysis makes before reading such a column, so a missing one skips a section, never crashes."""
    return column in leads


#: the flag column that says a lead reached a stage
STAGE_FLAG = {"contacted": "contacted", "qualified": "qualified", "visit": "visited", "deal": "won"}
FLAG_COLUMNS = ("contacted", "qualified", "visited", "won")


@dataclass(frozen=True)
class Dataset:
    """The canonical tables of one run, with their mapping, lineage and ``as_of``.

    Attributes
    ----------
    leads
        One row per lead, personal data replaced by ``person_id``; derived
        columns ``stage_rank``, ``contacted``, ``qualified``, ``visited``, ``won``,
        ``attempted``, ``response_minutes`` (working time), ``is_repeat``,
        ``repeat_first_channel``, ``reason_owner``, ``age_days``.
    spend
        One row per day × channel [× campaign], or None.
    """

    leads: pd.DataFrame
    spend: pd.DataFrame | None
    mapping: Mapping
    lineage: Lineage
    as_of: pd.Timestamp
    #: :attr:`funnel_stages` once computed; a part of the leads (:meth:`restricted`) keeps the whole's
    told: tuple[str, ...] | None = field(default=None, repr=False, compare=False)
    #: :meth:`mature`'s mask per stage, once computed (each part of the leads has its own)
    known_masks: dict[str, pd.Series] = field(default_factory=dict, repr=False, compare=False)

    def mature(self, stage: str) -> pd.Series:
        """Leads whose outcome for ``stage`` is known: old enough to have reached it
        (``settings.maturity_days``), or younger but already final — they reached the stage,
        or they were lost. Only still-open young leads are left out (:meth:`still_open`).
        Without creation dates there is no age: every outcome counts as known."""
        leads = self.leads
        if "age_days" not in leads:
            return pd.Series(True, index=leads.index)
        known = self.known_masks.get(stage)
        if known is None:  # once per stage: a report asks a dozen times (10M leads: 3 passes each)
            known = leads["age_days"] >= self.mapping.settings.maturity_days.get(stage, 0)
            flag = STAGE_FLAG.get(stage)
            if flag is not None and flag in leads:
                known |= leads[flag]
            known |= leads["stage"].eq(LOST_STAGE)
            self.known_masks[stage] = known
        return known.copy()  # a caller's &= must not change the kept mask

    @property
    def funnel_stages(self) -> tuple[str, ...]:
        """The funnel stages this export can tell apart: those where some lead is
        recorded to rest — a status mapped to it, a loss whose recorded reason places it there —
        and ``contacted`` when a contact column says who was reached. A stage no lead can rest
        at is implied by the stages around it (a yes/no export's "contacted" is every lead by
        construction): a funnel shows only the stages listed here, each step out of the last
        one shown before it."""
        if self.told is not None:
            return self.told
        leads = self.leads
        rank = leads["stage_rank"].to_numpy(dtype=np.int64)
        recorded = leads["stage"].ne(LOST_STAGE)
        if "disqualification_reason" in self.mapping.columns:
            recorded = recorded | (leads["stage"].eq(LOST_STAGE) & leads["disqualification_reason"].ne(MISSING))
        recorded = recorded.to_numpy(dtype=bool)
        ranks = set(np.flatnonzero(np.bincount(rank[recorded], minlength=len(STAGE_ORDER))).tolist())
        if "first_contact_at" in self.mapping.columns or "contacted" in self.mapping.columns:
            ranks.add(STAGE_ORDER["contacted"])
        for stage, flag in STAGE_FLAG.items():
            if flag in self.mapping.columns:
                ranks.add(STAGE_ORDER[stage])
        told = tuple(stage for stage in STAGE_FLAG if STAGE_ORDER[stage] in ranks)
        object.__setattr__(self, "told", told)  # computed once per dataset (a pass over every lead)
        return told

    def still_open(self, stage: str) -> pd.Series:
        """Young leads whose outcome for ``stage`` is not known yet (the complement of :meth:`mature`)."""
        return ~self.mature(stage)

    def known_by(self, stage: str, rows: pd.Series) -> pd.Timestamp | None:
        """The day by which every still-open lead among ``rows`` will be old enough for ``stage``
        (None when none is open): the date to rerun a report on a fresh export."""
        open_rows = rows & self.still_open(stage)
        if not open_rows.any() or "created_at" not in self.leads:
            return None
        latest = self.leads.loc[open_rows, "created_at"].max()
        return (latest + pd.Timedelta(days=self.mapping.settings.maturity_days.get(stage, 0))).normalize() \
            + pd.Timedelta(days=1)

    @property
    def has_dates(self) -> bool:
        return "created_at" in self.leads and self.leads["created_at"].notna().any()

    def restricted(self, rows: pd.Series) -> "Dataset":
        """The same data with only the leads ``rows`` selects (spend, mapping, lineage and
        ``as_of`` shared): a section that loops over groups of one quarter's leads masks
        a few hundred thousand rows per group, not every lead of the export."""
        if not rows.index.equals(self.leads.index):
            rows = rows.reindex(self.leads.index, fill_value=False)
        # by position: a boolean .loc took twice as long (a column of text, three times)
        return replace(self, leads=self.leads.take(np.flatnonzero(rows.to_numpy(dtype=bool))), told=self.funnel_stages,
                       known_masks={})

    def period(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """First and last ``created_at`` of the leads (None without dates)."""
        if not self.has_dates:
            return None, None
        return self.leads["created_at"].min(), self.leads["created_at"].max()


def as_label(series: pd.Series) -> pd.Series:
    """A label column as the one type labels have: categorical, its categories the values present
    (a value only dropped rows had is gone), in text order. ``value_counts()``, ``groupby`` and ``==``
    then give the same on every path."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, categories = series.cat.codes.to_numpy(), series.cat.categories
        used = np.bincount(codes[codes >= 0], minlength=len(categories)) > 0
        if not used.all():  # renumbered by a lookup, as in_text_order does (pandas' own took 0.1 s a column)
            lookup = np.full(len(categories) + 1, -1, dtype=codes.dtype)
            lookup[np.flatnonzero(used)] = np.arange(int(used.sum()))
            codes = lookup[np.where(codes < 0, len(categories), codes)]
            categories = categories[used]
    else:
        codes, categories = pd.factorize(series.astype(object).where(series.notna(), None), sort=True)
    # categories as pandas' text type, as the snapshot's dictionaries come back
    labels = pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(np.asarray(categories, dtype=object),
                                                                             dtype="str")),
                       index=series.index, name=series.name, copy=False)
    return in_text_order(labels)


def text_column(series: pd.Series) -> pd.Series:
    """A text column of few distinct values as Arrow-backed ``str`` (missing: NaN), built from
    its distinct values. Object columns of a
    million references cost seconds to turn into Arrow strings one cell at a time (10M
    leads: 17 s of the snapshot's write); this is one take of a dictionary: a categorical's
    own, or the distinct values of an object column."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, uniques = pd.factorize(series)
    # large_string: pandas keeps Arrow text as large_string, so no cast (a copy) follows the take
    dictionary = pa.array(np.asarray(uniques, dtype=object), type=pa.large_string())
    text = dictionary.take(pa.array(codes, mask=codes < 0))
    return pd.Series(text, index=series.index, name=series.name, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
