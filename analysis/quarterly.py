"""Quarterly management report: the quarter's cohort KPIs against the previous
quarter and the same quarter a year earlier, the funnel, channels, trends, processing
speed, loss reasons and budget suggestions — each change tested against noise.

KPIs are cohort figures: leads created in the quarter, their outcome as of ``as_of``.
Stages whose maturity window has not passed since the quarter ended are flagged, not
silently compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from . import stats
from .aggregate import contact_durations, in_parallel, period_mask, week_starts
from .config import UNKNOWN
from .jobs import parse_quarter
from .dataset import STAGE_FLAG, Dataset, has_column
from .readers import label_counts
from .stats._common import clean

KPI_KEYS = ("leads", "qualified_rate", "deals", "spend", "cpl", "cpql", "cac")
MIN_MANAGER_LEADS = 20


@dataclass(frozen=True)
class Period:
    """One quarter's bounds and label (e.g. 2026Q3)."""

    label: str
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400.0


def quarter_period(label: str, shift: int = 0) -> Period:
    """The quarter ``label`` moved by ``shift`` quarters (−1: previous, −4: a year earlier)."""
    start, _ = parse_quarter(label)
    start = start + pd.DateOffset(months=3 * shift)
    end = start + pd.DateOffset(months=3) - pd.Timedelta(seconds=1)
    return Period(f"{start.year}Q{(start.month - 1) // 3 + 1}", start, end)


@dataclass(frozen=True)
class Kpis:
    """Cohort KPIs of one quarter (None where the data cannot give them)."""

    period: Period
    leads: int
    repeats: int
    qualified: int
    qualified_total: int
    contacted: int
    contact_total: int
    deals: int
    deal_total: int
    revenue: float | None
    spend: float | None
    spend_leads: int
    spend_qualified: int
    spend_deals: int
    sla_within: dict[int, tuple[int, int]]
    immature: tuple[str, ...]
    partial: bool
    #: spend of channels the leads never name: in the total only (with a warning), never in a cost
    spend_without_leads: dict[str, float] = field(default_factory=dict)

    @property
    def spend_total(self) -> float | None:
        """All spend of the period: the channels' that brought leads and the rest."""
        if self.spend is None:
            return None
        return self.spend + sum(self.spend_without_leads.values())

    @property
    def qualified_rate(self) -> float | None:
        return self.qualified / self.qualified_total if self.qualified_total else None

    @property
    def contact_rate(self) -> float | None:
        return self.contacted / self.contact_total if self.contact_total else None

    @property
    def cpl(self) -> float | None:
        return self.spend / self.spend_leads if self.spend and self.spend_leads else None

    @property
    def cpql(self) -> float | None:
        return self.spend / self.spend_qualified if self.spend and self.spend_qualified else None

    @property
    def cac(self) -> float | None:
        return self.spend / self.spend_deals if self.spend and self.spend_deals else None

    @property
    def roas(self) -> float | None:
        return self.revenue / self.spend if self.spend and self.revenue is not None else None

    def sla_share(self, minutes: float) -> float | None:
        hit, total = self.sla_within.get(minutes, (0, 0))
        return hit / total if total else None

    def sla_shares(self) -> dict[str, float | None]:
        """``sla_share_<N>`` of each first-attempt target (15 and 30 by default: the JSON's keys)."""
        return {f"sla_share_{minutes:g}": self.sla_share(minutes) for minutes in self.sla_within}

    def to_json(self) -> dict[str, Any]:
        return {"leads": self.leads, "qualified_rate": self.qualified_rate,
                "deals": self.deals if self.deal_total else None,  # an export with no deal status: null, not 0
                "spend": self.spend_total, "spend_without_leads": dict(self.spend_without_leads),
                "cpl": self.cpl, "cpql": self.cpql, "cac": self.cac, "roas": self.roas, "revenue": self.revenue,
                "contact_rate": self.contact_rate, **self.sla_shares(), "repeats": self.repeats, "immature": list(self.immature),
                "partial": self.partial}


@dataclass(frozen=True)
class Change:
    """A KPI now vs then, and whether the change is beyond noise (``direction``: up, down, flat)."""

    key: str
    now: float | None
    then: float | None
    p_value: float | None
    direction: str
    beyond_noise: bool
    immature: bool
    #: now/then for counts and costs, now − then for rates, with its (1 − alpha) interval
    effect: float | None = None
    effect_ci: tuple[float | None, float | None] = (None, None)
    effect_type: str = "ratio"
    #: Holm-adjusted across every change the report shows together (both comparisons)
    p_adjusted: float | None = None


@dataclass(frozen=True)
class Quarterly:
    """Everything the quarterly report shows."""

    params: dict[str, Any]
    current: Kpis
    previous: Kpis | None
    year_ago: Kpis | None
    changes_previous: tuple[Change, ...]
    changes_year_ago: tuple[Change, ...]
    funnel: pd.DataFrame
    channels: pd.DataFrame
    channel_shrinkage: stats.Shrinkage | None
    channel_limits: stats.FunnelLimits | None
    monthly: pd.DataFrame
    weekly: pd.DataFrame
    seasonality: pd.DataFrame | None
    processing_channels: pd.DataFrame
    processing_managers: pd.DataFrame
    time_to_contact: stats.TimeToEvent | None
    missed_calls: tuple[int, int, int] | None
    reasons: pd.DataFrame
    owners: pd.DataFrame
    budget: pd.DataFrame
    has_spend: bool
    has_revenue: bool
    margin: float | None
    warnings: tuple[str, ...] = ()
    findings: tuple[tuple[str, dict[str, Any]], ...] = field(default_factory=tuple)
    #: the KPIs of up to eight quarters ending with this one (None where the data does not reach): sparklines
    history: tuple[Kpis | None, ...] = ()
    #: each channel's managers: their share of the channel's leads and their speed on all their leads
    channel_managers: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the previous quarter's funnel (ghost bars), None without one
    funnel_previous: pd.DataFrame | None = None
    #: the first-attempt targets in working minutes: --sla-minutes and its double
    sla_targets: tuple[float, float] = (15, 30)

    def figures(self) -> dict[str, Any]:
        def kpis(value: Kpis | None) -> dict[str, Any] | None:
            return None if value is None else {key: value.to_json()[key] for key in (*KPI_KEYS, "spend_without_leads")} | {
                "roas": value.roas, "contact_rate": value.contact_rate, **value.sla_shares(),
                "immature": list(value.immature)}
        channels = {}
        for row in self.channels.itertuples():
            channels[row.channel] = {"leads": int(row.leads), "qualified_rate": clean(row.qualified_rate),
                                     "deals": int(row.deals), "spend": clean(row.spend), "cpl": clean(row.cpl),
                                     "cpql": clean(row.cpql), "cac": clean(row.cac), "roas": clean(row.roas),
                                     "qualified_rate_shrunk": clean(row.shrunk_rate)}
        return {
            "quarter": self.current.period.label,
            "kpis": kpis(self.current),
            "kpis_previous": kpis(self.previous),
            "kpis_year_ago": kpis(self.year_ago),
            "changes_previous": {c.key: _change_json(c) for c in self.changes_previous},
            "changes_year_ago": {c.key: _change_json(c) for c in self.changes_year_ago},
            "channels": channels,
            "romi": None if self.margin is None or not self.current.spend or self.current.revenue is None
            else (self.current.revenue * self.margin - self.current.spend) / self.current.spend,
            "partial_quarter": self.current.partial,
        }


# --------------------------------------------------------------------------- KPIs

def _spend_in(dataset: Dataset, period: Period, channels: set[str] | None = None) -> float | None:
    spend = dataset.spend
    if spend is None:
        return None
    rows = (spend["date"] >= period.start) & (spend["date"] <= period.end)
    if channels is not None:
        rows &= spend["channel"].isin(channels)
    return float(spend.loc[rows, "spend"].sum())


def cohort_kpis(dataset: Dataset, period: Period, mask: pd.Series | None = None,
                amounts: bool | None = None, sla: tuple[float, ...] = (15, 30)) -> Kpis:
    """KPIs of the leads created in ``period`` (first leads; repeats counted apart).

    ``amounts``: whether the export has deal amounts (revenue is then a number, 0 without
    deals); None looks in ``dataset``. A caller that passes a :meth:`Dataset.restricted`
    part tells it what the whole export has.
    """
    leads = dataset.leads
    if amounts is None:
        amounts = has_column(leads, "deal_amount") and leads["deal_amount"].notna().any()
    in_period = period_mask(leads, period.start, period.end)
    if mask is not None:
        in_period &= mask
    first = in_period & ~leads["is_repeat"]
    # a stage is not mature while some lead of the quarter is still open for it: young,
    # and neither there yet nor lost
    told = dataset.funnel_stages  # a stage the export cannot tell apart has no rate (not "100%" by construction)
    immature = tuple(stage for stage in ("qualified", "deal")
                     if stage in told and (first & dataset.still_open(stage)).any())
    paid = set(dataset.spend["channel"]) if dataset.spend is not None else set()
    revenue = None
    if amounts:
        # ROAS compares revenue with the spend that bought it: paid channels' deals (all deals without spend)
        won = first & leads["won"] & (leads["channel"].isin(paid) if paid else True)
        revenue = float(leads.loc[won, "deal_amount"].fillna(0).sum())
    targets, within = sla, {}
    if has_column(leads, "response_minutes") and has_column(leads, "attempted"):
        attempted = first & leads["attempted"] & leads["response_minutes"].notna()
        for minutes in targets:
            within[minutes] = (int((attempted & (leads["response_minutes"] <= minutes)).sum()), int(attempted.sum()))
    paid_first = first & leads["channel"].isin(paid)
    orphans: dict[str, float] = {}
    if mask is None and dataset.spend is not None:
        named = set(label_counts(leads["channel"]).index)
        spend = _spend_in(dataset, period, paid & named)
        rows = (dataset.spend["date"] >= period.start) & (dataset.spend["date"] <= period.end) \
            & ~dataset.spend["channel"].isin(named)
        orphans = {str(k): float(v) for k, v in dataset.spend.loc[rows].groupby("channel")["spend"].sum().items() if v}
    else:
        spend = _spend_in(dataset, period, None if mask is None else set(leads.loc[first, "channel"].unique()) & paid)
    leads_n = int(first.sum())
    return Kpis(period, leads_n, int((in_period & leads["is_repeat"]).sum()),
                int((first & leads["qualified"]).sum()) if "qualified" in told else 0,
                leads_n if "qualified" in told else 0,
                int((first & leads["contacted"]).sum()) if "contacted" in told else 0,
                leads_n if "contacted" in told else 0,
                int((first & leads["won"]).sum()), leads_n if "deal" in told else 0, revenue, spend,
                int(paid_first.sum()),
                int((paid_first & leads["qualified"]).sum()) if "qualified" in told else 0,
                int((paid_first & leads["won"]).sum()), within, immature, period.end > dataset.as_of, orphans)


def _change_json(change: "Change") -> dict[str, Any]:
    return {"p_value": change.p_value, "p_adjusted": change.p_adjusted, "direction": change.direction,
            "beyond_noise": change.beyond_noise, "effect": change.effect, "effect_ci": list(change.effect_ci),
            "effect_type": change.effect_type}


def _direction(now: float | None, then: float | None, p_value: float | None, alpha: float) -> tuple[str, bool]:
    if now is None or then is None:
        return "flat", False
    beyond = p_value is not None and p_value < alpha
    if not beyond:
        return "flat", False
    return ("up" if now > then else "down"), True


def compare_kpis(now: Kpis, then: Kpis | None, alpha: float, dispersion: dict[str, float] | None = None
                 ) -> tuple[Change, ...]:
    """Each KPI's change with its interval and raw p-value (docs/methods.md §7): rates by the score test
    and the Newcombe interval of the difference; counts as Poisson per day and costs as counts
    per ₽ (the spend is chosen, the counts are random), both widened by the quasi-Poisson φ of
    the daily counts (``dispersion``: leads, qualified, deals). Which changes are real is
    decided later, on Holm-adjusted p-values across the whole family (:func:`adjust_changes`)."""
    if then is None:
        return ()
    phi = dispersion or {}
    out = []

    def ratio(key: str, a: float | None, b: float | None, count_now: float, exposure_now: float, count_then: float,
              exposure_then: float, phi_key: str, immature: bool = False, inverse: bool = False) -> None:
        test = stats.compare_poisson(count_now, exposure_now, count_then, exposure_then, alpha,
                                     dispersion=phi.get(phi_key, 1.0))
        effect, ci = test.ratio, test.ratio_ci
        if inverse:  # a cost is exposure per event: its ratio is the inverse
            effect = None if not effect else 1 / effect
            ci = (None if not ci[1] else 1 / ci[1], None if not ci[0] else 1 / ci[0])
        out.append(Change(key, a, b, None if immature else test.p_value, "flat", False, immature,
                          None if immature else effect, (None, None) if immature else ci, "ratio"))

    def difference(key: str, a: float | None, b: float | None, k1: int, n1: int, k0: int, n0: int,
                   immature: bool = False) -> None:
        test = stats.compare_rates(k1, n1, k0, n0, alpha)
        out.append(Change(key, a, b, None if immature else test.p_value, "flat", False, immature,
                          None if immature else test.difference,
                          (None, None) if immature else test.difference_ci, "difference"))

    ratio("leads", now.leads, then.leads, now.leads, now.period.days, then.leads, then.period.days, "leads")
    if now.qualified_total and then.qualified_total:
        difference("qualified_rate", now.qualified_rate, then.qualified_rate, now.qualified, now.qualified_total,
                   then.qualified, then.qualified_total, "qualified" in now.immature)
    if now.contact_total and then.contact_total:
        difference("contact_rate", now.contact_rate, then.contact_rate, now.contacted, now.contact_total,
                   then.contacted, then.contact_total)
    if now.deal_total and then.deal_total:
        ratio("deals", now.deals, then.deals, now.deals, now.period.days, then.deals, then.period.days, "deals",
              "deal" in now.immature)
    out.append(Change("spend", now.spend_total, then.spend_total, None, "flat", False, False,
                      now.spend_total / then.spend_total if now.spend_total and then.spend_total else None))
    if now.spend and then.spend:
        ratio("cpl", now.cpl, then.cpl, now.spend_leads, now.spend, then.spend_leads, then.spend, "leads",
              inverse=True)
        ratio("cpql", now.cpql, then.cpql, now.spend_qualified, now.spend, then.spend_qualified, then.spend,
              "qualified", "qualified" in now.immature, inverse=True)
        ratio("cac", now.cac, then.cac, now.spend_deals, now.spend, then.spend_deals, then.spend, "deals",
              "deal" in now.immature, inverse=True)
    for minutes in now.sla_within:
        hit, total = now.sla_within.get(minutes, (0, 0))
        hit0, total0 = then.sla_within.get(minutes, (0, 0))
        if total and total0:
            difference(f"sla_{minutes:g}", hit / total, hit0 / total0, hit, total, hit0, total0)
    return tuple(out)


def adjust_changes(families: list[tuple[Change, ...]], alpha: float) -> list[tuple[Change, ...]]:
    """Holm across every tested change shown together (the KPIs against the previous quarter and
    against a year earlier): a change is called real — an arrow — only when its adjusted p < alpha."""
    tested = [(i, j) for i, family in enumerate(families) for j, change in enumerate(family)
              if change.p_value is not None]
    adjusted = stats.adjust_pvalues([families[i][j].p_value for i, j in tested], alpha, "holm")[1] if tested else []
    out = [list(family) for family in families]
    for (i, j), p in zip(tested, adjusted):
        change = families[i][j]
        direction, beyond = _direction(change.now, change.then, float(p), alpha)
        out[i][j] = replace(change, p_adjusted=float(p), direction=direction, beyond_noise=beyond)
    return [tuple(family) for family in out]


def _daily_dispersion(dataset: Dataset, now: Period, then: Period | None) -> dict[str, float]:
    """φ of the daily first-lead, qualified and deal counts of two periods (a Poisson GLM with a
    period effect, every day included): the count KPIs' quasi-Poisson factor (docs/methods.md §7)."""
    if then is None:
        return {}
    leads = dataset.leads
    first = ~leads["is_repeat"]
    out = {}
    frames = []
    for name, period in (("now", now), ("then", then)):
        rows = first & period_mask(leads, period.start, min(period.end, dataset.as_of))
        day = leads.loc[rows, "created_at"].dt.normalize()
        counts = pd.DataFrame({"day": day, "leads": 1, "qualified": leads.loc[rows, "qualified"].astype(int),
                               "deals": leads.loc[rows, "won"].astype(int)}).groupby("day").sum()
        days = pd.date_range(period.start.normalize(), min(period.end, dataset.as_of).normalize(), freq="D", name="day")
        frames.append(counts.reindex(days, fill_value=0).assign(period=name))
    daily = pd.concat(frames)
    for column in ("leads", "qualified", "deals"):
        out[column] = max(1.0, stats.count_dispersion(daily[column].to_numpy(), groups=daily["period"].tolist()).phi)
    return out


def _has_data(dataset: Dataset, period: Period) -> bool:
    first, _ = dataset.period()
    return first is not None and first <= period.start + pd.Timedelta(days=7) and \
        period_mask(dataset.leads, period.start, period.end).any()


# --------------------------------------------------------------------------- sections' tables

def _funnel(dataset: Dataset, kpis: Kpis, period: Period) -> pd.DataFrame:
    leads = dataset.leads
    first = period_mask(leads, period.start, period.end) & ~leads["is_repeat"]
    rows = []
    if dataset.spend is not None:
        spend = dataset.spend.loc[(dataset.spend["date"] >= period.start) & (dataset.spend["date"] <= period.end)]
        for unit in ("impressions", "clicks"):
            if unit in spend and spend[unit].notna().any():
                rows.append((unit, float(spend[unit].sum())))
    rows.append(("leads", float(first.sum())))
    told = dataset.funnel_stages  # only the stages the export tells apart: no "contacted 100%" by construction
    rows += [(flag, float((first & leads[flag]).sum())) for stage, flag in STAGE_FLAG.items() if stage in told]
    frame = pd.DataFrame(rows, columns=["stage", "count"])
    frame["conversion"] = frame["count"] / frame["count"].shift(1)
    if "clicks" in set(frame["stage"]) and kpis.spend_leads:
        clicks = frame.loc[frame["stage"] == "clicks", "count"].iloc[0]
        frame.loc[frame["stage"] == "leads", "conversion"] = kpis.spend_leads / clicks if clicks else None
    return frame


def _channels(dataset: Dataset, current: Period, previous: Period | None, alpha: float
              ) -> tuple[pd.DataFrame, stats.Shrinkage | None, stats.FunnelLimits | None]:
    leads = dataset.leads
    amounts = has_column(leads, "deal_amount") and leads["deal_amount"].notna().any()
    window = period_mask(leads, current.start, current.end)
    if previous is not None:
        window |= period_mask(leads, previous.start, previous.end)
    # each channel's leads of the two quarters apart, once: two cohorts per channel then
    # mask its own rows, not all of the export's (10M leads, a dozen channels: 6 s of masks)
    quarters = dataset.restricted(window)
    in_current = period_mask(quarters.leads, current.start, current.end)
    parts = {channel: quarters.restricted(quarters.leads["channel"].eq(channel))
             for channel in quarters.leads.loc[in_current, "channel"].unique()}
    rows = []
    for channel in sorted(parts, key=lambda c: (c == UNKNOWN, c)):
        part = parts[channel]
        now = cohort_kpis(part, current, amounts=amounts)
        before = cohort_kpis(part, previous, amounts=amounts) if previous is not None else None
        spend = _spend_in(dataset, current, {channel})
        revenue = now.revenue
        rows.append({
            "channel": channel, "leads": now.leads, "qualified": now.qualified, "qualified_rate": now.qualified_rate,
            "deals": now.deals, "spend": spend if spend else None,
            "cpl": spend / now.leads if spend and now.leads else None,
            "cpql": spend / now.qualified if spend and now.qualified else None,
            "cac": spend / now.deals if spend and now.deals else None,
            "roas": revenue / spend if spend and revenue is not None else None,
            "leads_previous": None if before is None else before.leads,
            "qualified_rate_previous": None if before is None else before.qualified_rate,
            "qoq_p": None if before is None or not before.qualified_total else
            stats.compare_rates(now.qualified, now.qualified_total, before.qualified, before.qualified_total, alpha).p_value,
        })
    frame = pd.DataFrame(rows)
    if len(frame) and frame["qoq_p"].notna().any():  # every channel's change is scanned: Holm across them
        tested = frame["qoq_p"].notna()
        frame["qoq_p"] = frame["qoq_p"].astype(float)
        frame.loc[tested, "qoq_p"] = stats.adjust_pvalues(frame.loc[tested, "qoq_p"].tolist(), alpha, "holm")[1]
    shrinkage, limits = None, None
    known = frame.loc[(frame["channel"] != UNKNOWN) & (frame["leads"] > 0)]
    if len(known) >= 1:
        shrinkage = stats.shrink_rates(known["channel"].tolist(), known["qualified"].tolist(), known["leads"].tolist(), alpha)
        shrunk = shrinkage.table.set_index("group")
        frame["shrunk_rate"] = frame["channel"].map(shrunk["shrunk_rate"])
        frame["shrunk_low"] = frame["channel"].map(shrunk["shrunk_low"])
        frame["shrunk_high"] = frame["channel"].map(shrunk["shrunk_high"])
        pooled = known["qualified"].sum() / known["leads"].sum()
        if 0 < pooled < 1 and len(known) >= 2:
            dispersion = stats.funnel_overdispersion(known["qualified"].tolist(), known["leads"].tolist())
            sizes = np.unique(np.geomspace(max(1, known["leads"].min() // 2), known["leads"].max() * 1.2, 60).astype(int))
            limits = stats.funnel_limits(pooled, sizes, tau2=dispersion.tau2)
    else:
        frame["shrunk_rate"] = frame["shrunk_low"] = frame["shrunk_high"] = None
    return frame, shrinkage, limits


def _trends(dataset: Dataset) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    leads = dataset.leads
    first = leads.loc[~leads["is_repeat"], ["created_at", "lead_id", "qualified", "won"]]  # not every column
    month = first["created_at"].dt.to_period("M").dt.to_timestamp()
    monthly = first.assign(month=month).groupby("month").agg(leads=("lead_id", "size"), qualified=("qualified", "sum"),
                                                             deals=("won", "sum")).reset_index()
    week = week_starts(first["created_at"])
    weekly = first.assign(week=week).groupby("week").agg(leads=("lead_id", "size"),
                                                         qualified=("qualified", "sum")).reset_index()
    seasonality = None
    start, end = dataset.period()
    if start is not None and (end - start).days >= 360:
        # month-of-year index: each calendar month's leads per day against the average month
        per_day = monthly.assign(days=monthly["month"].dt.days_in_month, moy=monthly["month"].dt.month)
        per_day["rate"] = per_day["leads"] / per_day["days"]
        seasonality = per_day.groupby("moy")["rate"].mean().rename("leads_per_day").reset_index()
        seasonality["index"] = seasonality["leads_per_day"] / seasonality["leads_per_day"].mean()
    return monthly, weekly, seasonality


def _processing(dataset: Dataset, period: Period, alpha: float, targets: tuple[float, float] = (15, 30)
                ) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                         stats.TimeToEvent | None, tuple | None]:
    leads = dataset.leads
    first = period_mask(leads, period.start, period.end) & ~leads["is_repeat"]
    has_response = has_column(leads, "response_minutes") and leads["response_minutes"].notna().any()

    def km(data: Dataset, mask: pd.Series) -> stats.TimeToEvent | None:
        if not has_column(leads, "created_at") or not mask.any() or not has_response:
            return None
        return stats.kaplan_meier(*contact_durations(data, mask), alpha=alpha)

    def table(column: str) -> pd.DataFrame:
        out = []
        groups = label_counts(leads.loc[first, column])
        for name in groups.index:
            # the group's first leads apart (a few thousand of ten million leads): its masks,
            # counts and Kaplan-Meier curve work on them alone
            part = dataset.restricted(first & leads[column].eq(name))
            mask = pd.Series(True, index=part.leads.index)
            result = km(part, mask)
            attempted = part.leads["attempted"] if has_column(leads, "attempted") else mask
            minutes = part.leads.loc[attempted, "response_minutes"] if has_response else pd.Series(dtype=float)
            out.append({column: name, "leads": len(part.leads), "contacted": int(part.leads["contacted"].sum()),
                        "within_target": float((minutes <= targets[0]).mean()) if len(minutes) else None,
                        "within_double": float((minutes <= targets[1]).mean()) if len(minutes) else None,
                        "median": None if result is None else result.median, "p90": None if result is None else result.p90})
        frame = pd.DataFrame(out)
        if len(frame):
            frame["contact_rate"] = frame["contacted"] / frame["leads"]
        return frame

    channels = table("channel")
    managers = table("manager") if "manager" in leads else pd.DataFrame()
    if len(managers):
        managers = managers.loc[(managers["manager"] != UNKNOWN) & (managers["leads"] >= MIN_MANAGER_LEADS)]
        if len(managers) >= 1:
            shrunk = stats.shrink_rates(managers["manager"].tolist(), managers["contacted"].tolist(),
                                        managers["leads"].tolist(), alpha).table.set_index("group")
            managers = managers.assign(shrunk_rate=managers["manager"].map(shrunk["shrunk_rate"]),
                                       shrunk_low=managers["manager"].map(shrunk["shrunk_low"]),
                                       shrunk_high=managers["manager"].map(shrunk["shrunk_high"]))
            # channel mix: the contact rate each manager would have with the quarter's channel rates
            channel_rate = leads.loc[first, ["channel", "contacted"]].groupby("channel")["contacted"].mean()
            expected = leads.loc[first & leads["manager"].isin(managers["manager"]), ["channel", "manager"]].assign(
                expected=lambda f: f["channel"].map(channel_rate).astype(float)).groupby("manager")["expected"].mean()
            managers["expected_rate"] = managers["manager"].map(expected)
            managers = managers.sort_values("manager").reset_index(drop=True)
    missed = None
    if "lead_type" in leads and leads["lead_type"].eq("missed_call").any():
        calls = first & leads["lead_type"].isin(["call", "missed_call"])
        missed_mask = first & leads["lead_type"].eq("missed_call")
        missed = (int(calls.sum()), int(missed_mask.sum()), int((missed_mask & leads["contacted"]).sum()))
    return channels, managers, km(dataset, first), missed


def _reasons(dataset: Dataset, current: Period, previous: Period | None, alpha: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    leads = dataset.leads
    if "disqualification_reason" not in dataset.mapping.columns:  # no reason was recorded: none is "the top one"
        return (pd.DataFrame(columns=["reason", "lost", "share", "cumulative", "per_lead", "owner"]),
                pd.DataFrame(columns=["owner", "share"]))
    lost = leads["disqualification_reason"].notna() & ~leads["is_repeat"]
    now_first = period_mask(leads, current.start, current.end) & ~leads["is_repeat"]
    now = label_counts(leads.loc[lost & now_first, "disqualification_reason"])
    frame = now.rename("lost").rename_axis("reason").reset_index()
    frame["share"] = frame["lost"] / max(1, frame["lost"].sum())
    frame["cumulative"] = frame["share"].cumsum()
    frame["per_lead"] = frame["lost"] / max(1, int(now_first.sum()))
    owners_map = {code: reason.owner for code, reason in dataset.mapping.reasons.items()}
    frame["owner"] = frame["reason"].map(owners_map).fillna("unknown")
    if previous is not None:
        before_first = period_mask(leads, previous.start, previous.end) & ~leads["is_repeat"]
        before = label_counts(leads.loc[lost & before_first, "disqualification_reason"])
        # an empty frame's reason column is text: map it to numbers explicitly (a quarter without losses)
        frame["per_lead_previous"] = frame["reason"].map(before).astype(float).fillna(0.0) / max(1, int(before_first.sum()))
        raw = [stats.compare_rates(int(row.lost), int(now_first.sum()), int(before.get(row.reason, 0)),
                                   int(before_first.sum()), alpha).p_value for row in frame.itertuples()]
        valid = [p if p is not None else 1.0 for p in raw]
        # many reasons are scanned at once: Holm-corrected, so one "significant" change is not chance
        frame["p_value"] = stats.adjust_pvalues(valid, alpha, "holm")[1] if valid else []
    owners = frame.groupby("owner")["lost"].sum()
    owners = (owners / max(1, owners.sum())).rename("share").reset_index()
    return frame, owners


def _budget(channels: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """CPQL and CAC per paid channel with intervals; a move is suggested only where intervals separate."""
    paid = channels.loc[channels["spend"].notna() & (channels["spend"] > 0)].copy()
    if paid.empty:
        return paid
    intervals = [stats.cost_per_event(row.spend, row.qualified, alpha) for row in paid.itertuples()]
    paid["cpql_low"] = [r.ci[0] for r in intervals]
    paid["cpql_high"] = [r.ci[1] for r in intervals]
    total_spend, total_qualified = paid["spend"].sum(), paid["qualified"].sum()
    average = total_spend / total_qualified if total_qualified else None
    paid["verdict"] = "similar"
    if average is not None:
        paid.loc[paid["cpql_high"].fillna(np.inf) < average, "verdict"] = "cheaper"
        paid.loc[paid["cpql_low"].fillna(0) > average, "verdict"] = "dearer"
    paid["average_cpql"] = average
    return paid.sort_values("cpql").reset_index(drop=True)


def _flag_slow_channels(budget: pd.DataFrame, processing: pd.DataFrame, overall_sla: float | None) -> pd.DataFrame:
    """Mark paid channels whose leads wait much longer: grow them only after processing is fixed."""
    if budget.empty or overall_sla is None or processing.empty:
        return budget.assign(slow=False) if not budget.empty else budget
    within = processing.set_index("channel")["within_target"]
    return budget.assign(slow=budget["channel"].map(within).fillna(overall_sla) < overall_sla - 0.2)


def _findings(report: "Quarterly") -> tuple[tuple[str, dict[str, Any]], ...]:
    """Three to five plain-language findings, chosen from what is beyond noise and what to act on."""
    out: list[tuple[str, dict[str, Any]]] = []
    for change in report.changes_previous:
        if change.beyond_noise and not change.immature and change.key in ("leads", "qualified_rate", "cpql", "contact_rate"):
            out.append(("change", {"key": change.key, "now": change.now, "then": change.then, "direction": change.direction,
                                   "p": change.p_value}))
    if not report.budget.empty:
        cheaper = report.budget.loc[report.budget["verdict"] == "cheaper"]
        dearer = report.budget.loc[report.budget["verdict"] == "dearer"]
        if len(cheaper) and len(dearer):
            out.append(("budget", {"from": dearer.iloc[-1]["channel"], "to": cheaper.iloc[0]["channel"],
                                   "from_cpql": dearer.iloc[-1]["cpql"], "to_cpql": cheaper.iloc[0]["cpql"]}))
    for row in _outside_limits(report):
        out.append(("outlier", row))
    sla = report.current.sla_share(report.sla_targets[0])
    channels = report.processing_channels
    explained: set[str] = set()
    if sla is not None and len(channels) and channels["within_target"].notna().any():
        slow = channels.loc[(channels["leads"] >= 30) & (channels["within_target"] < sla - 0.2)]
        for row in slow.itertuples():
            who = _slow_managers(report.channel_managers, row.channel, sla)
            explained.update(who.get("managers", []))
            out.append(("slow_channel", {"channel": row.channel, "share": row.within_target, "overall": sla,
                                         "median": row.median, **who}))
    managers = report.processing_managers
    if len(managers) and "expected_rate" in managers:
        below = managers.loc[(managers["shrunk_high"] < managers["expected_rate"]) & ~managers["manager"].isin(explained)]
        for row in below.itertuples():
            out.append(("slow_manager", {"manager": row.manager, "rate": row.shrunk_rate, "expected": row.expected_rate}))
    if sla is not None and not any(kind == "slow_channel" for kind, _ in out):
        out.append(("sla", {"share": sla}))
    if len(report.reasons):
        top = report.reasons.iloc[0]
        out.append(("reason", {"reason": top["reason"], "share": top["share"]}))
    if report.current.immature:
        out.append(("immature", {"stages": ", ".join(report.current.immature)}))
    if report.current.partial:
        out.append(("partial", {}))
    return tuple(out[:7])


def _outside_limits(report: "Quarterly") -> list[dict[str, Any]]:
    """Channels whose qualified share lies outside the 99.8% funnel limits for their size."""
    limits = report.channel_limits
    if limits is None:
        return []
    frame = report.channels.loc[(report.channels["channel"] != UNKNOWN) & (report.channels["leads"] > 0)]
    low = np.interp(frame["leads"], limits.table["n"], limits.table["low_998"])
    high = np.interp(frame["leads"], limits.table["n"], limits.table["high_998"])
    return [{"channel": row.channel, "rate": row.qualified_rate, "overall": limits.p0, "low": lo, "high": hi,
             "direction": "below" if row.qualified_rate < lo else "above"}
            for row, lo, hi in zip(frame.itertuples(), low, high) if not lo <= row.qualified_rate <= hi]


def _slow_managers(frame: pd.DataFrame, channel: str, overall: float) -> dict[str, Any]:
    """The managers who hold most of a slow channel's leads and are slow on all their leads (they
    explain the channel's slowness), or nothing when the channel's managers are as quick as the rest."""
    if frame.empty:
        return {}
    part = frame.loc[(frame["channel"] == channel) & (frame["manager"] != UNKNOWN)]
    part = part.loc[part["share"] >= 0.2]
    if part.empty or part["share"].sum() < 0.5:
        return {}
    speed = frame.loc[frame["manager"].isin(part["manager"])]
    within = float((speed["within_target"] * speed["tried"]).sum() / speed["tried"].sum()) if speed["tried"].sum() else None
    if within is None or within >= overall - 0.2:
        return {}
    return {"managers": part.sort_values("share", ascending=False)["manager"].tolist(),
            "managers_share": float(part["share"].sum()), "managers_within": within}


def _channel_managers(dataset: Dataset, period: Period, target: float = 15) -> pd.DataFrame:
    """Channel × manager: the manager's share of the channel's first leads, and the manager's
    share attempted within the first-attempt target over every channel."""
    leads = dataset.leads
    if not (has_column(leads, "manager") and has_column(leads, "response_minutes") and has_column(leads, "attempted")):
        return pd.DataFrame()
    first = period_mask(leads, period.start, period.end) & ~leads["is_repeat"]
    part = pd.DataFrame({"channel": leads.loc[first, "channel"].astype(str), "manager": leads.loc[first, "manager"].astype(str),
                         "attempted": leads.loc[first, "attempted"] & leads.loc[first, "response_minutes"].notna(),
                         "within": leads.loc[first, "response_minutes"] <= target})
    counts = part.groupby(["channel", "manager"]).size().rename("leads").reset_index()
    counts["share"] = counts["leads"] / counts.groupby("channel")["leads"].transform("sum")
    tried = part.loc[part["attempted"]]
    speed = tried.groupby("manager")["within"].agg(["mean", "size"]).rename(columns={"mean": "within_target", "size": "tried"})
    return counts.join(speed, on="manager")


def quarterly(dataset: Dataset, params: dict[str, Any]) -> Quarterly:
    """Build the quarterly report for ``params['quarter']``."""
    alpha = params["alpha"]
    targets = (float(params.get("sla_minutes", 15)), 2 * float(params.get("sla_minutes", 15)))
    current = quarter_period(params["quarter"])
    previous_period = quarter_period(params["quarter"], -1)
    year_period = quarter_period(params["quarter"], -4)
    compared = previous_period if _has_data(dataset, previous_period) else None
    # the parts only read the leads: a pool runs them side by side (see in_parallel)
    done = in_parallel({
        "channels": (_channels, dataset, current, compared, alpha),
        "processing": (_processing, dataset, current, alpha, targets),
        "trends": (_trends, dataset),
        "now": (cohort_kpis, dataset, current, None, None, targets),
        "previous": (cohort_kpis, dataset, previous_period, None, None, targets) if compared is not None else None,
        "year_ago": (cohort_kpis, dataset, year_period, None, None, targets) if _has_data(dataset, year_period) else None,
        "reasons": (_reasons, dataset, current, compared, alpha),
        "channel_managers": (_channel_managers, dataset, current, targets[0]),
        **{f"history{shift}": (cohort_kpis, dataset, quarter_period(params["quarter"], shift), None, None, targets)
           for shift in (-7, -6, -5, -3, -2) if _has_data(dataset, quarter_period(params["quarter"], shift))},
    })
    now, previous, year_ago = done["now"], done["previous"], done["year_ago"]
    channels, shrinkage, limits = done["channels"]
    monthly, weekly, seasonality = done["trends"]
    processing_channels, processing_managers, km, missed = done["processing"]
    reasons, owners = done["reasons"]
    warnings = []
    if now.partial:
        warnings.append("partial_quarter")
    if dataset.spend is None:
        warnings.append("no_spend")
    if now.immature:
        warnings.append("immature_stages")
    if now.spend_without_leads:
        warnings.append("spend_without_leads")
    changes_previous, changes_year_ago = adjust_changes([
        compare_kpis(now, previous, alpha, _daily_dispersion(dataset, current, previous_period if previous else None)),
        compare_kpis(now, year_ago, alpha, _daily_dispersion(dataset, current, year_period if year_ago else None))],
        alpha)
    report = Quarterly(
        params, now, previous, year_ago, changes_previous, changes_year_ago,
        _funnel(dataset, now, current), channels, shrinkage, limits, monthly, weekly, seasonality,
        processing_channels, processing_managers, km, missed, reasons, owners,
        _flag_slow_channels(_budget(channels, alpha), processing_channels, now.sla_share(targets[0])),
        dataset.spend is not None, now.revenue is not None, params.get("margin"), tuple(warnings))
    known = {0: now, -1: previous, -4: year_ago}
    history = tuple(known.get(shift, done.get(f"history{shift}")) for shift in range(-7, 1))
    report = replace(report, history=history, channel_managers=done["channel_managers"], sla_targets=targets,
                     funnel_previous=None if previous is None else _funnel(dataset, previous, previous_period))
    return replace(report, findings=_findings(report))

