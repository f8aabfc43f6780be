"""Raw lead rows → the count tables the statistics take (STYLE rule 2, SPEC 2.6).

Every report goes through these functions; nothing statistical sees a row. Masks select
leads; counts come back as small frames or :class:`~analysis.verdict.MetricCounts`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .loading import Dataset
from .worktime import WorkingCalendar

#: Working-minute response buckets of METHODS 8; never-attempted leads form their own bucket.
BUCKET_EDGES = (0, 5, 15, 60, 240)
BUCKET_LABELS = ("0–5", "5–15", "15–60", "60–240", "240+")
NEVER_ATTEMPTED = "never"
UNKNOWN_BUCKET = "n/a"


def response_bucket(leads: pd.DataFrame) -> pd.Series:
    """Bucket of each lead's first-attempt delay in working minutes ("never" if not attempted)."""
    if "response_minutes" not in leads:
        return pd.Series(UNKNOWN_BUCKET, index=leads.index, dtype=object)
    minutes = leads["response_minutes"]
    codes = np.searchsorted(np.array(BUCKET_EDGES[1:]), minutes.fillna(0).to_numpy(), side="right")
    labels = np.array(BUCKET_LABELS, dtype=object)[codes]
    bucket = pd.Series(labels, index=leads.index, dtype=object)
    attempted = leads["attempted"] if "attempted" in leads else minutes.notna()
    bucket[~attempted.astype(bool)] = NEVER_ATTEMPTED
    bucket[attempted.astype(bool) & minutes.isna()] = UNKNOWN_BUCKET
    return bucket


def contact_durations(dataset: Dataset, rows: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Working minutes to first contact for the chosen leads, and whether contact happened.

    Never-contacted leads are censored at their age in working minutes on ``as_of`` (METHODS 8):
    the input of a Kaplan–Meier curve.
    """
    leads = dataset.leads.loc[rows]
    calendar = WorkingCalendar.from_settings(dataset.mapping.settings)
    if "first_contact_at" in leads:
        to_contact = calendar.minutes_between(leads["created_at"], leads["first_contact_at"])
    else:
        to_contact = leads["response_minutes"].where(leads["contacted"])
    age = calendar.minutes_between(leads["created_at"], pd.Series(dataset.as_of, index=leads.index))
    contacted = leads["contacted"] & to_contact.notna() & (to_contact >= 0)
    durations = to_contact.where(contacted, age).clip(lower=0).fillna(0)
    return durations.to_numpy(dtype=float), contacted.to_numpy(dtype=bool)


def scope_mask(leads: pd.DataFrame, *, channel: Sequence[str] = (), campaign: Sequence[str] = (),
               model: Sequence[str] = (), manager: Sequence[str] = ()) -> pd.Series:
    """Leads matching every named dimension (each dimension: any of its values)."""
    mask = pd.Series(True, index=leads.index)
    for column, values in (("channel", channel), ("campaign", campaign), ("model", model), ("manager", manager)):
        if values:
            mask &= leads[column].isin(list(values))
    return mask


def period_mask(leads: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
    if start is None or "created_at" not in leads:
        return pd.Series(True, index=leads.index)
    return (leads["created_at"] >= start) & (leads["created_at"] <= end)


def funnel_counts(leads: pd.DataFrame, mask: pd.Series, dataset: Dataset) -> dict[str, tuple[int, int]]:
    """Stage-by-stage conversions among mature first leads: stage → (events, denominator).

    contact = contacted / leads; qualification = qualified / contacted; visit = visited /
    qualified; deal = won / visited. Each stage uses leads old enough to have reached it.
    """
    first = mask & ~leads["is_repeat"]
    steps = (("contact", "contacted", None, "contacted"), ("qualification", "qualified", "contacted", "qualified"),
             ("visit", "visited", "qualified", "visit"), ("deal", "won", "visited", "deal"))
    counts = {}
    for name, event, base, stage in steps:
        rows = first & dataset.mature(stage)
        if base is not None:
            rows &= leads[base]
        counts[name] = (int((rows & leads[event]).sum()), int(rows.sum()))
    return counts


def counts_by(leads: pd.DataFrame, mask: pd.Series, by: str | list[str], event: str) -> pd.DataFrame:
    """Per group: ``events`` (sum of a boolean column) and ``total`` rows."""
    grouped = leads.loc[mask].groupby(by, observed=True, sort=True)[event]
    return pd.DataFrame({"events": grouped.sum().astype("int64"), "total": grouped.size().astype("int64")}).reset_index()


def weekly_counts(leads: pd.DataFrame, mask: pd.Series, event_mask: pd.Series) -> pd.DataFrame:
    """Per ISO week (Monday start): events and total among ``mask``."""
    rows = leads.loc[mask]
    week = rows["created_at"].dt.to_period("W-SUN").dt.start_time
    frame = pd.DataFrame({"week": week, "event": event_mask.loc[rows.index].astype(int)})
    grouped = frame.groupby("week")["event"]
    return pd.DataFrame({"events": grouped.sum(), "total": grouped.size()}).reset_index()
