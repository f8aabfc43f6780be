"""Figures of the reports: seaborn on matplotlib Figure objects (no pyplot state, no double display).

Each function returns a Figure; :func:`analysis.display.figure` embeds it as a PNG with alt text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatter

from .display import format_number
from .i18n import t

PALETTE = ["#1d4e89", "#3e7cb1", "#81a4cd", "#b8d0e6", "#f29e4c"]
sns.set_theme(style="whitegrid", context="notebook")


def _figure(width: float = 9.0, height: float = 4.5) -> Figure:
    figure = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return figure


class _PlainLogFormatter(LogFormatter):
    """Log-axis ticks as plain numbers (100, 1 000), not powers of ten (10², 10³).

    A marketer reads "1 000 leads" faster than 10³; and powers of ten are mathtext, whose
    parser costs a third of a second per report to build. Which ticks get a label is
    matplotlib's own choice (every decade; some minor ticks when the axis spans little).
    """

    def __init__(self, lang: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lang = lang

    def __call__(self, x, pos=None) -> str:
        return format_number(x, self.lang, 0 if x >= 1 else 1) if super().__call__(x, pos) else ""


def _log_x(axes, lang: str) -> None:
    axes.set_xscale("log")
    axes.xaxis.set_major_formatter(_PlainLogFormatter(lang))
    axes.xaxis.set_minor_formatter(_PlainLogFormatter(lang, labelOnlyBase=False))


def stage_comparison_plot(frame: pd.DataFrame, lang: str, labels: tuple[str, str]) -> Figure:
    """Conversion at each funnel stage, scope vs baseline, with intervals.

    ``frame`` columns: ``stage`` (display name), ``group`` (0 scope, 1 baseline), ``rate``, ``low``, ``high``.
    """
    figure = _figure(9.0, 3.8)
    axes = figure.subplots()
    stages = list(dict.fromkeys(frame["stage"]))
    width = 0.38
    for offset, group, color in ((-width / 2, 0, PALETTE[4]), (width / 2, 1, PALETTE[0])):
        part = frame.loc[frame["group"] == group].set_index("stage").reindex(stages)
        x = [i + offset for i in range(len(stages))]
        rate = part["rate"].astype(float) * 100
        errors = [(rate - part["low"].astype(float) * 100).clip(lower=0), (part["high"].astype(float) * 100 - rate).clip(lower=0)]
        axes.bar(x, rate, width=width, color=color, label=labels[group], yerr=errors, capsize=3, ecolor="#333333")
    axes.set_xticks(range(len(stages)), stages)
    axes.set_ylabel(t("plot.stage.y", lang))
    axes.set_title(t("plot.stage.title", lang), loc="left", fontsize=12)
    axes.legend(fontsize=9)
    axes.set_ylim(0, 100)
    return figure


def funnel_plot(points: pd.DataFrame, limits: pd.DataFrame, p0: float, lang: str, highlight: set[str],
                metric_label: str) -> Figure:
    """Spiegelhalter funnel plot: each channel's rate against its size, with 95% and 99.8% limits."""
    figure = _figure(9.0, 4.6)
    axes = figure.subplots()
    axes.plot(limits["n"], limits["low_95"] * 100, color="#7b8794", linestyle="--", linewidth=1, label=t("plot.funnel.l95", lang))
    axes.plot(limits["n"], limits["high_95"] * 100, color="#7b8794", linestyle="--", linewidth=1)
    axes.plot(limits["n"], limits["low_998"] * 100, color="#3e4c59", linestyle=":", linewidth=1.2, label=t("plot.funnel.l998", lang))
    axes.plot(limits["n"], limits["high_998"] * 100, color="#3e4c59", linestyle=":", linewidth=1.2)
    axes.axhline(p0 * 100, color="#1d4e89", linewidth=1, label=t("plot.funnel.p0", lang))
    points = points.reset_index(drop=True).sort_values("nobs")
    points.index = range(len(points))
    low = np.interp(points["nobs"], limits["n"], limits["low_95"])
    high = np.interp(points["nobs"], limits["n"], limits["high_95"])
    for row, lower, upper in zip(points.itertuples(), low, high):
        chosen = row.group in highlight
        outside = not lower <= row.rate <= upper
        axes.scatter(row.nobs, row.rate * 100, s=60 if chosen else 36, color=PALETTE[4] if chosen or outside else PALETTE[0],
                     zorder=3, edgecolor="white")
    _label_points(axes, points, limits, highlight, low, high)
    _log_x(axes, lang)
    axes.set_xlabel(t("plot.funnel.x", lang))
    axes.set_ylabel("%")
    axes.set_title(t("plot.funnel.title", lang) + "\n" + metric_label, loc="left", fontsize=11)
    axes.legend(fontsize=8, loc="lower right")
    return figure


#: where a point's label may go (offset in points from the point, horizontal alignment), tried in order
LABEL_SPOTS = ((6, 4, "left"), (6, -12, "left"), (-6, 4, "right"), (-6, -12, "right"), (6, 14, "left"), (6, -22, "left"),
               (-6, 14, "right"), (-6, -22, "right"))


def _label_points(axes, points: pd.DataFrame, limits: pd.DataFrame, highlight: set[str], low, high) -> None:
    """Name every channel on the funnel plot (the text names them), each label where it overlaps no other:
    boxes are estimated in axes fractions from the label's length (9-pt type on the 9-inch figure)."""
    x_low, x_high = np.log10(max(1, float(limits["n"].min()))), np.log10(float(limits["n"].max()))
    width_pt, height_pt = 8.2 * 72, 3.9 * 72  # the axes' size in points, near enough
    placed: list[tuple[float, float, float, float]] = []
    for row, lower, upper in zip(points.itertuples(), low, high):
        outside = not lower <= row.rate <= upper
        x = (np.log10(max(row.nobs, 1)) - x_low) / ((x_high - x_low) or 1)
        y = row.rate  # the y axis runs 0–100%
        w, h = len(str(row.group)) * 5.4 / width_pt, 11 / height_pt
        # near the right edge a label goes to the left of its point, or it would leave the frame
        spots = sorted(LABEL_SPOTS, key=lambda spot: spot[2] != "right") if x + w > 0.95 else LABEL_SPOTS
        for dx, dy, align in spots:
            left = x + dx / width_pt - (w if align == "right" else 0)
            bottom = y + dy / height_pt
            box = (left, bottom, left + w, bottom + h)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                break
        placed.append(box)
        axes.annotate(str(row.group), (row.nobs, row.rate * 100), textcoords="offset points", xytext=(dx, dy), ha=align,
                      fontsize=9, fontweight="bold" if row.group in highlight or outside else "normal")


def survival_plot(curves: dict[str, pd.DataFrame], labels: dict[str, str], lang: str, sla_minutes: float) -> Figure:
    """Share of leads still not contacted against working minutes (Kaplan–Meier), log time axis."""
    figure = _figure(9.0, 4.0)
    axes = figure.subplots()
    colors = {"scope": PALETTE[4], "baseline": PALETTE[0]}
    for name, curve in curves.items():
        if curve.empty:
            continue
        time = [0.5, *curve["time"].clip(lower=0.5).tolist()]
        contacted = [0.0, *((1 - curve["survival"]) * 100).tolist()]
        axes.step(time, contacted, where="post", color=colors.get(name, PALETTE[1]), label=labels[name], linewidth=1.8)
    axes.axvline(sla_minutes, color="#c05621", linestyle="--", linewidth=1, label=t("plot.km.sla", lang, minutes=f"{sla_minutes:g}"))
    _log_x(axes, lang)
    axes.set_ylim(0, 100)
    axes.set_xlabel(t("plot.km.x", lang))
    axes.set_ylabel(t("plot.km.y", lang))
    axes.set_title(t("plot.km.title", lang), loc="left", fontsize=12)
    axes.legend(fontsize=9, loc="upper left")
    return figure


def trend_plot(trend: pd.DataFrame, labels: dict[str, str], lang: str, metric_label: str,
               period: tuple[pd.Timestamp, pd.Timestamp]) -> Figure:
    """Weekly rate with its interval band for the scope (and the rest)."""
    figure = _figure(9.0, 3.8)
    axes = figure.subplots()
    colors = {"scope": PALETTE[4], "baseline": PALETTE[0]}
    for name, part in trend.groupby("group"):
        axes.plot(part["week"], part["rate"] * 100, marker="o", markersize=3, color=colors[name], label=labels[name])
        axes.fill_between(part["week"], part["low"] * 100, part["high"] * 100, color=colors[name], alpha=0.15, linewidth=0)
    axes.axvspan(period[0], period[1], color="#f0f4f8", zorder=0, label=t("plot.trend.period", lang))
    axes.set_ylabel("%")
    axes.set_xlabel(t("plot.trend.x", lang))
    axes.set_title(t("plot.trend.title", lang) + "\n" + metric_label, loc="left", fontsize=11)
    axes.legend(fontsize=8)
    figure.autofmt_xdate()
    return figure


def daily_arms_plot(daily: pd.DataFrame, labels: dict[str, str], lang: str) -> Figure:
    """Daily leads and qualified leads per arm (7-day rolling means, raw counts faint)."""
    figure = _figure(9.0, 3.8)
    axes = figure.subplots()
    colors = {"control": PALETTE[0], "variant": PALETTE[4]}
    for arm, part in daily.groupby("arm"):
        part = part.sort_values("day").set_index("day")
        for column, style in (("leads", "-"), ("qualified", "--")):
            smooth = part[column].rolling(7, min_periods=1).mean()
            axes.plot(smooth.index, smooth, style, color=colors[arm],
                      label=f"{labels[arm]}: {t('plot.ex.' + column, lang)}")
            axes.scatter(part.index, part[column], color=colors[arm], s=6, alpha=0.25)
    axes.set_ylabel(t("plot.ex.daily.y", lang))
    axes.set_xlabel(t("plot.ex.daily.x", lang))
    axes.set_title(t("plot.ex.daily.title", lang), loc="left", fontsize=12)
    axes.legend(fontsize=8, ncols=2)
    figure.autofmt_xdate()
    return figure


def quarter_trend_plot(frame: pd.DataFrame, x: str, columns: list[str], labels: dict[str, str], lang: str,
                       title: str, quarter: tuple[pd.Timestamp, pd.Timestamp],
                       holidays: list[pd.Timestamp] | None = None) -> Figure:
    """Counts over time with the report quarter shaded (and holiday weeks marked)."""
    figure = _figure(9.0, 3.6)
    axes = figure.subplots()
    for column, color in zip(columns, PALETTE[::2] + PALETTE[1::2]):
        axes.plot(frame[x], frame[column], marker="o", markersize=3, color=color, label=labels[column])
    axes.axvspan(quarter[0], quarter[1], color="#f0f4f8", zorder=0, label=t("plot.q.quarter", lang))
    for index, day in enumerate(holidays or []):
        axes.axvline(day, color="#c05621", alpha=0.25, linewidth=3, label=t("plot.q.holidays", lang) if index == 0 else None)
    axes.set_title(title, loc="left", fontsize=12)
    axes.set_ylabel(t("plot.monthly.y", lang))
    axes.legend(fontsize=8, ncols=2)
    figure.autofmt_xdate()
    return figure


def untouched_channels_plot(daily: pd.DataFrame, periods: dict[str, tuple[pd.Timestamp, pd.Timestamp]],
                            labels: dict[str, str], lang: str) -> Figure:
    """Daily qualified leads of the experiment's channel and of the untouched ones across both periods."""
    figure = _figure(9.0, 3.6)
    axes = figure.subplots()
    for column, color in (("scope", PALETTE[4]), ("untouched", PALETTE[0])):
        series = daily.set_index("day")[column]
        axes.plot(series.index, series.rolling(7, min_periods=1).mean(), color=color, label=labels[column])
        axes.scatter(series.index, series, color=color, s=6, alpha=0.3)
    for (name, (start, end)), shade in zip(periods.items(), ("#f0f4f8", "#fff4e5")):
        axes.axvspan(start, end, color=shade, zorder=0, label=labels[name])
    axes.set_title(t("plot.ex.untouched.title", lang), loc="left", fontsize=12)
    axes.set_ylabel(t("plot.ex.untouched.y", lang))
    axes.legend(fontsize=8, ncols=2)
    figure.autofmt_xdate()
    return figure


def funnel_steps_plot(steps: pd.DataFrame, previous: pd.DataFrame | None, labels: dict[str, str], lang: str,
                      names: tuple[str, str]) -> Figure:
    """The funnel as bars from leads down: each step's count, the share kept from the step before,
    and the previous quarter's funnel as ghost bars behind.

    ``steps``/``previous`` columns: ``stage``, ``count`` (leads first).
    """
    figure = _figure(9.0, 0.55 * len(steps) + 1.0)
    axes = figure.subplots()
    order = list(steps["stage"])
    y = np.arange(len(order))[::-1]
    top = float(steps["count"].max()) or 1.0
    if previous is not None:
        before = previous.set_index("stage")["count"].reindex(order)
        axes.barh(y, before.fillna(0), height=0.78, color="#e4e7eb", edgecolor="#9aa5b1", linewidth=0.8,
                  label=names[1], zorder=1)
        top = max(top, float(before.max()))
    axes.barh(y, steps["count"], height=0.5, color=PALETTE[0], label=names[0], zorder=2)
    counts = steps["count"].tolist()
    for i, (row_y, count) in enumerate(zip(y, counts)):
        text = format_number(count, lang)
        if i:
            kept = count / counts[i - 1] if counts[i - 1] else 0
            text += "  " + t("plot.q.funnel.kept", lang, share=format_number(kept * 100, lang, 0))
        axes.text(count + top * 0.01, row_y, text, va="center", fontsize=10, zorder=3)
    axes.set_yticks(y, [labels[stage] for stage in order], fontsize=10)
    axes.set_xlim(0, top * 1.35)
    axes.set_xticks([])
    axes.grid(False)
    for spine in ("top", "right", "bottom"):
        axes.spines[spine].set_visible(False)
    axes.set_title(t("plot.q.funnel.title", lang), loc="left", fontsize=12)
    axes.legend(fontsize=9, loc="lower right", frameon=False)
    return figure
