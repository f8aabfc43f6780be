"""The weekly monitor: over the last N weeks, which channel's leads or which team's processing
turned worse beyond noise — before the sales meeting, not after the complaint.

Every channel, campaign and manager (where the export has them) is watched on the contact rate,
the qualified share, the share of first attempts within the target minutes and the mix of loss
reasons. Each is compared with its own history *and* with the rest of the leads the same week
(:func:`analysis.stats.weekly_shift`: the gap to the rest, against its usual gap), so that what
moves everyone — a season, a holiday, the youngest week's outcomes not all known yet — is not
an alarm. Two windows are tested: this week alone, and the last ``recent`` weeks pooled. The
Benjamini–Hochberg procedure across everything scanned keeps the chance of any alarm in a week
where nothing changed at ``alpha`` (docs/methods.md, "Watching every week").

This module is the job's whole logic: its parameters, its check against the data, its scope
texts and its computation. The registry names them; :mod:`analysis.monitor_report` shows them.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import stats
from .aggregate import sums_by
from .config import LOST_STAGE, SAMPLE_LEADS, UNKNOWN
from .reasons import MISSING
from .errors import ParameterError, ScopeError
from .dataset import Dataset, has_column

if TYPE_CHECKING:  # jobs imports the report stack; the monitor's parameters import it when called
    from .jobs import MonitorParameters

#: what is watched, in the order the report lists it: metric → (owner, the diagnose claim that examines it)
METRICS = {"qualified_rate": ("marketing", "not_target"), "contact_rate": ("sales", "no_contact"),
           "speed": ("sales", "no_contact"), "reasons": ("marketing", "general")}
#: the columns a unit is taken from, and the option of ``leadaudit diagnose`` that names it
DIMENSIONS = {"channel": "--channel", "campaign": "--campaign", "manager": "--manager"}
#: a week where a unit has fewer leads with a known outcome is not judged (too noisy to say anything)
MIN_WINDOW = 10
#: the earliest weeks of the scan that form each unit's history (the rest is the watched window and a guard)
MIN_BASELINE_WEEKS = 4
#: how many of the largest moves within noise the report names ("looks like it moved, but did not")
QUIET_SHOWN = 5


# --------------------------------------------------------------------------- parameters and checks

def monitor_parameters(
    leads: str | None = None, spend: str | None = None, mapping: str | None = None, sheet: str | None = None,
    as_of: str | None = None, lang: str = "ru", alpha: float = 0.05, snapshot: str | None = None,
    query: str | None = None,
    weeks: int = 12, recent: int = 3, sla_minutes: float = 15, working_hours: str | None = None,
) -> MonitorParameters:
    """Validate the monitor's parameters: ``weeks`` scanned (the last is "this week"), ``recent``
    weeks pooled for a drift that builds up, ``sla_minutes`` for the first-attempt target."""
    from .jobs import MonitorParameters, _common, _number, check_working_hours

    params = _common(leads, spend, mapping, sheet, as_of, lang, alpha, snapshot, query)
    weeks = _whole("weeks", weeks, 1 + MIN_BASELINE_WEEKS, 104)
    recent = _whole("recent", recent, 1, 104)
    if recent > weeks - MIN_BASELINE_WEEKS:
        raise ParameterError(f"--recent {recent} leaves fewer than {MIN_BASELINE_WEEKS} weeks of history in --weeks "
                             f"{weeks}", hint=f"give --weeks {recent + MIN_BASELINE_WEEKS} or more, or a smaller --recent")
    check_working_hours(working_hours)
    params.update(weeks=weeks, recent=recent,
                  sla_minutes=_number("sla_minutes", sla_minutes, low=0, high=7 * 24 * 60, low_open=True),
                  working_hours=working_hours or None)
    return MonitorParameters(**params)


def _whole(name: str, value: Any, low: int, high: int) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not number == number or number != int(number) or not low <= number <= high:
        raise ParameterError(f"{name} = {value} is not a whole number from {low} to {high}",
                             hint=f"give --{name} between {low} and {high}")
    return int(number)


def check_monitor(params: dict[str, Any], dataset: Dataset) -> None:
    """The monitor needs creation dates (weeks) and at least one thing it can watch."""
    if not dataset.has_dates:
        raise ScopeError("the weekly monitor needs lead creation dates, and the export has none",
                         column="created_at", hint='map created_at in the mapping file: columns:\n  created_at: '
                                                   '"<your date header>"')
    if not watched_metrics(dataset):
        raise ScopeError("the export records nothing the monitor can watch: no contact, qualification, first "
                         "attempt or loss reason", column="stage",
                         hint="map a status column and its values (see docs/mappings.md)")


def scope_text(job: str, params: dict[str, Any]) -> str:
    """The stable scope that names the files: the weeks scanned."""
    return f"{params['weeks']} weeks"


def scope_shown(job: str, params: dict[str, Any], lang: str) -> str:
    weeks = params["weeks"]
    return f"последние {weeks} недель" if lang == "ru" else f"the last {weeks} weeks"


# --------------------------------------------------------------------------- what is watched

def watched_metrics(dataset: Dataset) -> tuple[str, ...]:
    """The metrics this export can give: a stage it tells apart, a first-attempt time, loss reasons."""
    stages = dataset.funnel_stages
    leads = dataset.leads
    found = []
    if "qualified" in stages:
        found.append("qualified_rate")
    if "contacted" in stages:
        found.append("contact_rate")
    if has_column(leads, "response_minutes") and leads["response_minutes"].notna().any():
        found.append("speed")
    if "disqualification_reason" in dataset.mapping.columns:
        found.append("reasons")
    return tuple(found)


def watched_dimensions(dataset: Dataset) -> tuple[str, ...]:
    """Channel always; campaign and manager where the export names more than one."""
    leads = dataset.leads
    found = []
    for dimension in DIMENSIONS:
        if dimension not in leads:
            continue
        names = leads[dimension].dropna()
        if dimension == "channel" or names[names != UNKNOWN].nunique() > 1:
            found.append(dimension)
    return tuple(found)


def week_edges(as_of: pd.Timestamp, weeks: int) -> pd.DatetimeIndex:
    """The starts of ``weeks`` seven-day weeks ending with the export day, and the end of the last."""
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    return pd.DatetimeIndex([end - pd.Timedelta(days=7 * k) for k in range(weeks, -1, -1)])


def _outcome(dataset: Dataset, metric: str, sla: float) -> tuple[pd.Series, pd.Series]:
    """(success, known) per lead for a proportion metric: only outcomes already known count."""
    leads = dataset.leads
    if metric == "qualified_rate":
        return leads["qualified"], dataset.mature("qualified")
    if metric == "contact_rate":
        return leads["contacted"], dataset.mature("contacted")
    attempted = leads["attempted"] if has_column(leads, "attempted") else leads["response_minutes"].notna()
    return leads["response_minutes"].le(sla).fillna(False), attempted & leads["response_minutes"].notna()


@dataclass(frozen=True)
class Monitor:
    """The scan: every unit × metric × window tested, the alarms, and the weekly counts behind them.

    ``scanned`` has one row per unit, metric and window (``window``: 1 = this week, ``recent``);
    ``alert`` marks the rows beyond noise after the Benjamini–Hochberg correction across all of them.
    """

    edges: pd.DatetimeIndex
    recent: int
    #: the whole dealership per week: ``leads`` (first leads) and, per metric, successes and trials
    overall: dict[str, np.ndarray]
    alpha: float
    sla_minutes: float
    metrics: tuple[str, ...]
    dimensions: tuple[str, ...]
    scanned: pd.DataFrame
    weekly: pd.DataFrame
    weeks_with_leads: int
    command_base: str

    @property
    def weeks(self) -> int:
        return len(self.edges) - 1

    @property
    def enough_history(self) -> bool:
        return self.weeks_with_leads >= MIN_BASELINE_WEEKS + self.recent

    @property
    def anything_judged(self) -> bool:
        """Some unit had enough leads in a window to be judged (an --as-of past the data's end: none)."""
        return bool(len(self.judged))

    def window_dates(self, window: int) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The first and last day of a window of the last ``window`` weeks."""
        return self.edges[-1 - window], self.edges[-1] - pd.Timedelta(days=1)

    @cached_property
    def judged(self) -> pd.DataFrame:
        return self.scanned.loc[self.scanned["p_value"].notna()]

    @cached_property
    def alerts(self) -> pd.DataFrame:
        """Each unit and metric beyond noise once (the window where it costs most), worse first, by leads it cost."""
        found = self.scanned.loc[self.scanned["alert"]]
        if found.empty:
            return found
        found = found.sort_values(["cost", "adjusted_p"], ascending=[False, True])
        found = found.drop_duplicates(["dimension", "unit", "metric"])
        order = found["direction"].map({"worse": 0, "better": 1})
        return found.assign(_order=order).sort_values(["_order", "cost"], ascending=[True, False]) \
            .drop(columns="_order").reset_index(drop=True)

    @cached_property
    def quiet(self) -> pd.DataFrame:
        """The largest moves that are not beyond noise, with why: too few leads, or the rest moved as much."""
        judged = self.judged
        flagged = set(zip(self.alerts["dimension"], self.alerts["unit"], self.alerts["metric"]))
        rates = judged.loc[judged["metric"] != "reasons"]
        rows = rates.loc[[key not in flagged for key in zip(rates["dimension"], rates["unit"], rates["metric"])]]
        if rows.empty:
            return rows
        rows = rows.assign(move=(rows["rate"] - rows["baseline_rate"]).abs())
        rows = rows.sort_values("move", ascending=False).drop_duplicates(["dimension", "unit", "metric"])
        rows = rows.loc[rows["move"] >= 0.05].head(QUIET_SHOWN)
        rest_move = rows["rest_rate"] - rows["rest_baseline_rate"]
        unit_move = rows["rate"] - rows["baseline_rate"]
        same_way = (np.sign(rest_move) == np.sign(unit_move)) & (rest_move.abs() >= 0.5 * unit_move.abs())
        return rows.assign(why=np.where(same_way, "rest_moved", "noise")).reset_index(drop=True)

    def command(self, row: pd.Series) -> str:
        """The ``leadaudit diagnose`` command that examines an alarm: its unit, its window, its claim."""
        start, end = self.window_dates(int(row["window"]))
        claim = METRICS[row["metric"]][1]
        parts = [self.command_base, DIMENSIONS[row["dimension"]], shlex.quote(str(row["unit"])),
                 "--period", f"{start:%Y-%m-%d}:{end:%Y-%m-%d}"]
        if claim != "general":
            parts += ["--claim", claim]
        return " ".join(parts)

    def figures(self) -> dict[str, Any]:
        """The JSON summary's figures: the scan's size and every alarm with its command."""
        alerts = self.alerts
        return {
            "weeks": self.weeks, "recent": self.recent, "first_day": self.edges[0], "last_day": self.edges[-1]
            - pd.Timedelta(days=1), "weeks_with_leads": self.weeks_with_leads, "metrics": list(self.metrics),
            "dimensions": list(self.dimensions), "scanned": int(len(self.scanned)),
            "judged": int(len(self.judged)), "too_few": int(len(self.scanned) - len(self.judged)),
            "alerts": [{
                "dimension": row["dimension"], "unit": row["unit"], "metric": row["metric"],
                "window_weeks": int(row["window"]), "direction": row["direction"], "rate": row["rate"],
                "baseline_rate": row["baseline_rate"], "rest_rate": row["rest_rate"],
                "rest_baseline_rate": row["rest_baseline_rate"], "reason": row["reason"],
                "leads": int(row["n"]), "leads_cost": row["cost"], "p_value": row["p_value"],
                "adjusted_p": row["adjusted_p"], "command": self.command(row),
            } for _, row in alerts.iterrows()],
        }


def _command_base(params: dict[str, Any]) -> str:
    """``leadaudit diagnose`` with the user's own data (none for the bundled sample) and the settings the
    alarm was measured with: the export date, the first-attempt target and the working hours."""
    parts = ["leadaudit", "diagnose"]
    if params["leads"] != str(SAMPLE_LEADS):
        for option in ("leads", "query", "spend", "mapping", "sheet"):
            if params.get(option):
                parts += [f"--{option}", shlex.quote(str(params[option]))]
    if params.get("as_of"):
        parts += ["--as-of", shlex.quote(str(params["as_of"]))]
    if params.get("sla_minutes") not in (None, 15):
        parts += ["--sla-minutes", f"{params['sla_minutes']:g}"]
    if params.get("working_hours"):
        parts += ["--working-hours", shlex.quote(str(params["working_hours"]))]
    return " ".join(parts)


def _week_of(dataset: Dataset, edges: pd.DatetimeIndex) -> pd.Series:
    """Each lead's week in the scan (0 = the first), -1 outside it; repeat leads are left out."""
    created = dataset.leads["created_at"]
    week = np.searchsorted(edges.to_numpy(), created.to_numpy(dtype="datetime64[ns]"), side="right") - 1
    inside = (week >= 0) & (week < len(edges) - 1) & created.notna().to_numpy()
    if has_column(dataset.leads, "is_repeat"):
        inside &= ~dataset.leads["is_repeat"].to_numpy(dtype=bool)
    return pd.Series(np.where(inside, week, -1), index=dataset.leads.index)


def _grid(keys: pd.Series, week: pd.Series, events: pd.Series, mask: pd.Series, weeks: int
          ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """units, successes[unit, week], trials[unit, week] among ``mask``."""
    counted = sums_by({"unit": keys, "week": week}, events, mask & week.ge(0))
    if counted.empty:
        return [], np.zeros((0, weeks)), np.zeros((0, weeks))
    frame = counted.reset_index()
    units = sorted({str(u) for u in frame["unit"] if str(u) not in (UNKNOWN, MISSING)})
    position = {u: i for i, u in enumerate(units)}
    successes, trials = np.zeros((len(units), weeks)), np.zeros((len(units), weeks))
    for unit, wk, hits, size in frame[["unit", "week", "sum", "size"]].itertuples(index=False):
        if str(unit) in position:
            successes[position[str(unit)], int(wk)] += hits
            trials[position[str(unit)], int(wk)] += size
    return units, successes, trials


def _rate_rows(dimension: str, metric: str, units: list[str], successes: np.ndarray, trials: np.ndarray,
               totals: tuple[np.ndarray, np.ndarray], windows: tuple[int, ...], baseline_weeks: int) -> list[dict]:
    rows = []
    total_successes, total_trials = totals
    for i, unit in enumerate(units):
        rest_successes, rest_trials = total_successes - successes[i], total_trials - trials[i]
        for window in windows:
            shift = stats.weekly_shift(successes[i], trials[i], rest_successes, rest_trials, window=window,
                                       baseline_weeks=baseline_weeks, min_baseline_weeks=MIN_BASELINE_WEEKS,
                                       min_window=MIN_WINDOW)
            rows.append({"dimension": dimension, "unit": unit, "metric": metric, "window": window,
                         "count": shift.unit_count, "n": shift.unit_n, "rate": shift.unit_rate,
                         "baseline_rate": shift.unit_baseline_rate, "rest_rate": shift.rest_rate,
                         "rest_baseline_rate": shift.rest_baseline_rate, "expected": shift.expected,
                         "excess": shift.excess, "tau2": shift.tau2, "z": shift.z, "p_value": shift.p_value,
                         "reason": None, "warning": shift.warning})
    return rows


def _rest_drift(rest: np.ndarray, window: int, baseline_weeks: int) -> np.ndarray:
    """How each reason's share among the rest's losses changed from the baseline to the window (1: not at all).

    A unit's history is moved by it before the comparison, so what moves every channel's mix — the youngest
    leads' losses are the quick ones (a duplicate, a wrong number), the slow ones are still open — is not
    a shift of one channel."""
    now, before = rest[-window:].sum(axis=0), rest[:baseline_weeks].sum(axis=0)
    if now.sum() == 0 or before.sum() == 0:
        return np.ones(rest.shape[1])
    share_now, share_before = now / now.sum(), before / before.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        drift = np.where((share_before > 0) & (share_now > 0), share_now / share_before, 1.0)
    return drift


def _mix_rows(dimension: str, units: list[str], reasons: list[str], counts: np.ndarray, windows: tuple[int, ...],
              baseline_weeks: int) -> list[dict]:
    """counts[unit, week, reason] of lost leads: each unit's reason mix in a window against its history,
    moved as the rest's mix moved (:func:`_rest_drift`)."""
    rows = []
    everyone = counts.sum(axis=0)
    for i, unit in enumerate(units):
        for window in windows:
            now = counts[i, -window:, :].sum(axis=0)
            # whole counts again: the test is on counts, and a count moved by a share is rounded
            before = np.rint(counts[i, :baseline_weeks, :] * _rest_drift(everyone - counts[i], window, baseline_weeks))
            before = before[before.sum(axis=1) > 0]
            mix = stats.mix_shift(now, before, min_window=MIN_WINDOW)
            top = None if mix.reason is None else reasons[mix.reason]
            rows.append({"dimension": dimension, "unit": unit, "metric": "reasons", "window": window,
                         "count": None, "n": int(now.sum()), "rate": mix.window_share,
                         "baseline_rate": mix.baseline_share, "rest_rate": None, "rest_baseline_rate": None,
                         "expected": None, "excess": mix.excess, "tau2": mix.phi, "z": None, "p_value": mix.p_value,
                         "reason": top, "warning": mix.warning})
    return rows


def monitor(dataset: Dataset, params: dict[str, Any]) -> Monitor:
    """Scan the last ``params['weeks']`` weeks: every unit × metric × window, alarms beyond noise."""
    weeks, recent, alpha = params["weeks"], params["recent"], params["alpha"]
    edges = week_edges(dataset.as_of, weeks)
    week = _week_of(dataset, edges)
    baseline_weeks = weeks - recent
    windows = (1,) if recent == 1 else (1, recent)
    metrics, dimensions = watched_metrics(dataset), watched_dimensions(dataset)
    leads = dataset.leads
    rows: list[dict] = []
    weekly = []
    inside = week.to_numpy()
    overall: dict[str, np.ndarray] = {"leads": np.bincount(inside[inside >= 0], minlength=weeks)}
    for metric in metrics:
        if metric == "reasons":
            continue
        success, known = _outcome(dataset, metric, params["sla_minutes"])
        # the rest of each week counts every lead with a known outcome, an unnamed channel's too
        everyone = pd.Series("all", index=leads.index)
        _, total_successes, total_trials = _grid(everyone, week, success, known, weeks)
        totals = (total_successes[0], total_trials[0]) if len(total_trials) else (np.zeros(weeks), np.zeros(weeks))
        overall[f"{metric}_count"], overall[f"{metric}_n"] = totals
        for dimension in dimensions:
            units, successes, trials = _grid(leads[dimension], week, success, known, weeks)
            rows += _rate_rows(dimension, metric, units, successes, trials, totals, windows, baseline_weeks)
            weekly += [{"dimension": dimension, "unit": unit, "metric": metric, "week": w, "count": successes[i, w],
                        "n": trials[i, w], "rest_count": totals[0][w] - successes[i, w],
                        "rest_n": totals[1][w] - trials[i, w]} for i, unit in enumerate(units) for w in range(weeks)]
    if "reasons" in metrics:
        lost = leads["stage"].eq(LOST_STAGE) & leads["disqualification_reason"].ne(MISSING)
        reason = leads["disqualification_reason"].astype(object)
        names = sorted({str(r) for r in reason[lost & week.ge(0)].unique()})
        code = {name: i for i, name in enumerate(names)}
        for dimension in dimensions:
            frame = pd.DataFrame({"unit": leads[dimension].astype(object), "week": week, "reason": reason})
            frame = frame.loc[lost & week.ge(0)]
            frame = frame.loc[~frame["unit"].isin([UNKNOWN, MISSING]) & frame["unit"].notna()]
            counted = frame.groupby(["unit", "week", "reason"], observed=True).size()
            units = sorted({str(u) for u in frame["unit"]})
            position = {u: i for i, u in enumerate(units)}
            cube = np.zeros((len(units), weeks, len(names)))
            for (unit, wk, why), size in counted.items():
                cube[position[str(unit)], int(wk), code[str(why)]] += size
            rows += _mix_rows(dimension, units, names, cube, windows, baseline_weeks)
    scanned = pd.DataFrame(rows, columns=[
        "dimension", "unit", "metric", "window", "count", "n", "rate", "baseline_rate", "rest_rate",
        "rest_baseline_rate", "expected", "excess", "tau2", "z", "p_value", "reason", "warning"])
    scanned["p_value"] = scanned["p_value"].astype(float)
    tested = scanned["p_value"].notna().to_numpy()
    alert = np.zeros(len(scanned), dtype=bool)
    adjusted = np.full(len(scanned), np.nan)
    if tested.any():
        flagged, values = stats.flag(scanned.loc[tested, "p_value"].tolist(), alpha)
        alert[tested], adjusted[tested] = flagged, values
    excess = scanned["excess"].astype(float)
    worse = np.where(scanned["metric"].eq("reasons"), excess > 0, excess < 0)
    scanned = scanned.assign(alert=alert, adjusted_p=adjusted, direction=np.where(worse, "worse", "better"),
                             cost=excess.abs().round(1))
    return Monitor(edges=edges, recent=recent, overall=overall, alpha=alpha, sla_minutes=params["sla_minutes"], metrics=metrics,
                   dimensions=dimensions, scanned=scanned, weekly=pd.DataFrame(weekly),
                   weeks_with_leads=int(np.unique(week[week.ge(0)]).size), command_base=_command_base(params))
