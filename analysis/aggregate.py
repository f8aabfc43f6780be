"""Raw lead rows → the count tables the statistics take.

Every report goes through these functions; nothing statistical sees a row. Masks select
leads; counts come back as small frames or :class:`~analysis.verdict.MetricCounts`.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .jobs import parse_period
from .dataset import STAGE_FLAG, Dataset, has_column
from .worktime import NANOSECONDS_PER_DAY, WorkingCalendar

#: Working-minute response buckets of docs/methods.md §8; never-attempted leads form their own bucket.
BUCKET_EDGES = (0, 5, 15, 60, 240)
BUCKET_LABELS = ("0–5", "5–15", "15–60", "60–240", "240+")
NEVER_ATTEMPTED = "never"
UNKNOWN_BUCKET = "n/a"
#: a rate whose still-open young leads exceed this share of its leads is not shown as a number:
#: the leads whose outcome is known then lean to the outcome that comes first (docs/methods.md)
OPEN_SHARE_SHOWN = 0.1
#: funnel steps: (name, flag column, stage)
FUNNEL_STEPS = tuple((name, STAGE_FLAG[stage], stage) for name, stage in (
    ("contact", "contacted"), ("qualification", "qualified"), ("visit", "visit"), ("deal", "deal")))


def clock_minutes(leads: pd.DataFrame) -> pd.Series | None:
    """Minutes from creation to the first attempt on the clock (closed hours included), or None
    when the export gives no attempt time (a ``response_minutes`` column is one axis only)."""
    if not (has_column(leads, "created_at") and has_column(leads, "first_response_at")):
        return None
    minutes = (leads["first_response_at"] - leads["created_at"]).dt.total_seconds() / 60.0
    return minutes.clip(lower=0.0)


def response_bucket(leads: pd.DataFrame, minutes: pd.Series | None = None) -> pd.Series:
    """Bucket of each lead's first-attempt delay in working minutes ("never" if not attempted);
    ``minutes`` gives another axis of the same delays (:func:`clock_minutes`).

    A categorical (labels in bucket order, then "never" and "n/a"): built from integer codes and
    compared on them, where text labels cost half a second per comparison on 10M leads.
    """
    categories = pd.Index([*BUCKET_LABELS, NEVER_ATTEMPTED, UNKNOWN_BUCKET], dtype=object)
    if minutes is None and not has_column(leads, "response_minutes"):
        codes = np.full(len(leads), len(categories) - 1, dtype=np.int8)
    else:
        minutes = leads["response_minutes"] if minutes is None else minutes
        values = minutes.to_numpy(dtype=np.float64, na_value=np.nan)
        # edges passed, one comparison each (a binary search per lead took 0.3 s at 10M); NaN passes none
        codes = np.zeros(len(values), dtype=np.int8)
        for edge in BUCKET_EDGES[1:]:
            codes += values >= edge
        attempted = (leads["attempted"] if has_column(leads, "attempted") else minutes.notna()).to_numpy(dtype=bool)
        codes[~attempted] = len(BUCKET_LABELS)
        codes[attempted & minutes.isna().to_numpy()] = len(BUCKET_LABELS) + 1
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=leads.index)


def has_contact_times(leads: pd.DataFrame) -> bool:
    """Whether the leads carry what a time-to-contact curve needs: creation times and either
    the first contact's time or the first response's delay."""
    return has_column(leads, "created_at") and (has_column(leads, "first_contact_at") or has_column(leads, "response_minutes"))


def contact_durations(dataset: Dataset, rows: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Working minutes to first contact for the chosen leads, and whether contact happened.

    Never-contacted leads are censored at their age in working minutes on ``as_of`` (docs/methods.md §8):
    the input of a Kaplan–Meier curve. Only for leads with :func:`has_contact_times`.
    """
    needed = [c for c in ("created_at", "first_contact_at", "response_minutes", "contacted") if c in dataset.leads]
    leads = dataset.leads.loc[rows, needed]  # four columns, not a copy of every column of the chosen rows
    calendar = WorkingCalendar.from_settings(dataset.mapping.settings)
    if has_column(leads, "first_contact_at"):  # both from the creation times' positions, found once
        to_contact, age = calendar.minutes_from(leads["created_at"], leads["first_contact_at"], dataset.as_of)
    else:
        to_contact = leads["response_minutes"].where(leads["contacted"])
        (age,) = calendar.minutes_from(leads["created_at"], dataset.as_of)
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
    if start is None or not has_column(leads, "created_at"):
        return pd.Series(True, index=leads.index)
    return (leads["created_at"] >= start) & (leads["created_at"] <= end)


def funnel_counts(leads: pd.DataFrame, mask: pd.Series, dataset: Dataset) -> dict[str, tuple[int, int, int]]:
    """Stage-by-stage conversions among first leads with a known outcome: step → (events,
    denominator, still open: the step's young leads whose outcome is not known yet).

    contact = contacted / leads; qualification = qualified / contacted; visit = visited /
    qualified; deal = won / visited — over the stages the export tells apart
    (:attr:`Dataset.funnel_stages`), each step out of the last stage shown before it (a yes/no
    export's only step is qualified / leads). Each step uses the leads whose outcome for its
    stage is known (:meth:`Dataset.mature`).
    """
    first = mask & ~leads["is_repeat"]
    shown = dataset.funnel_stages
    counts = {}
    base = None
    for name, event, stage in FUNNEL_STEPS:
        if stage not in shown:
            continue
        rows = first if base is None else first & leads[base]
        known = rows & dataset.mature(stage)
        counts[name] = (int((known & leads[event]).sum()), int(known.sum()), int((rows & ~known).sum()))
        base = event
    return counts


def settled(known: int, still_open: int) -> bool:
    """Whether a rate over ``known`` leads can be shown, ``still_open`` more being undecided."""
    return still_open <= OPEN_SHARE_SHOWN * (known + still_open)


def counts_by(leads: pd.DataFrame, mask: pd.Series, by: str | list[str], event: str) -> pd.DataFrame:
    """Per group: ``events`` (sum of a boolean column) and ``total`` rows."""
    columns = [by] if isinstance(by, str) else list(by)
    grouped = sums_by({column: leads[column] for column in columns}, leads[event], mask)
    return grouped.rename(columns={"sum": "events", "size": "total"}).reset_index()


def _key_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index, pd.CategoricalDtype | None]:
    """A grouping key as codes (-1: missing), its levels in the order a groupby sorts them,
    and its categorical dtype (None for another key)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.cat.codes), values.cat.categories, values.dtype
    if pd.api.types.is_bool_dtype(values) and not values.hasnans:
        return values.to_numpy(dtype=np.int8), pd.Index([False, True]), None
    codes, levels = pd.factorize(values, sort=True)
    return codes, pd.Index(levels), None


def sums_by(keys: dict[str, pd.Series], events: pd.Series, mask: pd.Series | None = None) -> pd.DataFrame:
    """Per observed combination of the keys among ``mask``'s rows: ``sum`` of the boolean
    ``events`` and ``size`` (rows), as ``groupby(keys, observed=True, sort=True)[events]
    .agg(["sum", "size"])`` gives them (rows with a missing key left out, the same index).

    One bincount over the combined codes: a groupby on 10M leads took about a second per
    table (the diagnosis builds five). The keys and ``events`` share ``mask``'s index.
    """
    chosen = np.ones(len(events), dtype=bool) if mask is None else mask.to_numpy(dtype=bool, copy=True)
    coded = [(name, *_key_codes(values)) for name, values in keys.items()]
    cardinality = int(np.prod([len(levels) for _, _, levels, _ in coded], dtype=np.float64))
    # the smallest integer that holds every combination: a table of a few hundred cells is
    # built in int16, a quarter of int64's memory traffic over ten million leads
    width = next((t for t in (np.int16, np.int32) if cardinality < np.iinfo(t).max), np.int64)
    combined = np.zeros(len(events), dtype=width)
    parts = []
    for name, codes, levels, categorical in coded:
        if codes.dtype.kind != "i" or codes.size and codes.min() < 0:
            chosen &= codes >= 0
        combined *= width(len(levels))
        combined += codes
        parts.append((name, levels, categorical))
    cells = combined[chosen]
    hits = combined[chosen & events.to_numpy(dtype=bool, na_value=False)]
    del combined
    if cardinality <= max(1 << 20, 4 * len(cells)):
        size = np.bincount(cells, minlength=cardinality)
        total = np.bincount(hits, minlength=cardinality)
        observed = np.flatnonzero(size)
        size, total = size[observed], total[observed]
    else:  # many levels: only the observed combinations
        observed, size = np.unique(cells, return_counts=True)
        total = np.bincount(np.searchsorted(observed, hits), minlength=len(observed))
    arrays = []
    for name, levels, categorical in reversed(parts):
        codes = observed % len(levels)
        observed = observed // len(levels)
        arrays.append(levels.take(codes) if categorical is None else pd.Categorical.from_codes(codes, dtype=categorical))
    names = [name for name, _, _ in parts]
    arrays = arrays[::-1]
    index = (pd.MultiIndex.from_arrays(arrays, names=names) if len(arrays) > 1
             else pd.Index(arrays[0], name=names[0]))
    return pd.DataFrame({"sum": total.astype(np.int64), "size": size.astype(np.int64)}, index=index)


def week_starts(created: pd.Series) -> pd.Series:
    """Monday 00:00 of each moment's week (Monday to Sunday), as
    ``dt.to_period("W-SUN").dt.start_time`` gives it (microseconds; NaT stays NaT), by
    integer arithmetic on the nanoseconds: the periods took half a second per million."""
    nanoseconds = created.to_numpy(dtype="datetime64[ns]").view(np.int64)
    days = nanoseconds // NANOSECONDS_PER_DAY  # 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays
    mondays = ((days - (days + 3) % 7) * (NANOSECONDS_PER_DAY // 1000)).view("datetime64[us]")
    mondays[nanoseconds == np.iinfo(np.int64).min] = np.datetime64("NaT")
    return pd.Series(mondays, index=created.index)


def weekly_counts(leads: pd.DataFrame, mask: pd.Series, event_mask: pd.Series) -> pd.DataFrame:
    """Per ISO week (Monday start): events and total among ``mask``."""
    week = week_starts(leads.loc[mask, "created_at"])
    grouped = sums_by({"week": week}, event_mask.loc[week.index])
    return pd.DataFrame({"week": grouped.index.to_numpy(), "events": grouped["sum"].to_numpy(),
                         "total": grouped["size"].to_numpy()})


# --------------------------------------------------------------------------- the diagnosis scope
# (here, not in analysis.diagnosis: the command checks a scope before the kernel runs, without
# importing the statistics stack)

def scope_and_baseline(dataset: Dataset, params: dict[str, Any]) -> tuple[pd.Series, pd.Series, tuple, tuple]:
    """Masks of the scope and its baseline, with both periods."""
    leads = dataset.leads
    dims = {key: params[key] for key in ("channel", "campaign", "model", "manager")}
    parsed = parse_period(params["period"])
    if parsed is None:
        first, _ = dataset.period()
        parsed = (first.normalize() if first is not None else dataset.as_of, dataset.as_of)
    start, end = parsed
    in_dims = scope_mask(leads, **dims)
    scope = in_dims & period_mask(leads, start, end)
    kind = params["baseline"]
    if kind == "rest":
        baseline = ~in_dims & period_mask(leads, start, end)
        base_period = (start, end)
    else:
        if kind == "previous_period":
            length = end - start
            base_period = (start - length - pd.Timedelta(seconds=1), start - pd.Timedelta(seconds=1))
        else:
            base_period = (start - pd.DateOffset(years=1), end - pd.DateOffset(years=1))
        baseline = in_dims & period_mask(leads, *base_period)
    return scope, baseline, (start, end), base_period


def check_scope(dataset: Dataset, params: dict[str, Any]) -> None:
    """Bad scopes are errors before any kernel starts: empty scope, the whole data, no baseline."""
    from .errors import ScopeError

    dims = [params[key] for key in ("channel", "campaign", "model", "manager")]
    if params["baseline"] != "rest" and not params["period"]:
        raise ScopeError(f"baseline {params['baseline']} needs --period", hint="e.g. --period 2026-10-01:2026-10-31")
    if params["baseline"] == "rest" and not any(dims):
        raise ScopeError("the scope is the whole data: there is nothing to compare it with",
                         hint="name a channel, campaign, model or manager (--channel Авито), or compare with "
                              "--baseline previous_period")
    scope, baseline, period, base_period = scope_and_baseline(dataset, params)
    first, last = dataset.period()
    covered = "" if first is None else f"; the data covers {first:%d.%m.%Y} — {last:%d.%m.%Y}"
    if not scope.any():
        raise ScopeError(f"no leads match the scope in {period[0]:%d.%m.%Y} — {period[1]:%d.%m.%Y}{covered}",
                         hint="widen the period or check the scope's names")
    if not baseline.any():
        what = "no other leads in the same period" if params["baseline"] == "rest" else \
            f"no leads of the scope in {base_period[0]:%d.%m.%Y} — {base_period[1]:%d.%m.%Y}"
        raise ScopeError(f"the baseline is empty: {what}{covered}",
                         hint="choose another --baseline or a narrower scope")


MAX_WORKERS = 4  # threads of in_parallel at most (and never more than cores)


def in_parallel(calls: dict[str, tuple | None]) -> dict[str, Any]:
    """Each ``name: (function, *args)`` called in a pool of threads, one per core (at most
    MAX_WORKERS); their results by name (None for a call given as None). The calls must
    only read what they share. Once every call has ended, an error raised by one is raised
    here (the first in the order given)."""
    chosen = {name: call for name, call in calls.items() if call is not None}
    workers = max(1, min(MAX_WORKERS, os.cpu_count() or 1, len(chosen)))
    if workers == 1:
        done = {name: call[0](*call[1:]) for name, call in chosen.items()}
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {name: pool.submit(*call) for name, call in chosen.items()}
        done = {name: future.result() for name, future in futures.items()}
    return {name: done.get(name) for name in calls}
