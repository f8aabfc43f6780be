"""Figures of the reports: seaborn on matplotlib Figure objects (no pyplot state, no double display).

Each function returns a Figure; :func:`analysis.display.figure` embeds it as a PNG with alt text.
"""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .i18n import t

PALETTE = ["#1d4e89", "#3e7cb1", "#81a4cd", "#b8d0e6", "#f29e4c"]
sns.set_theme(style="whitegrid", context="notebook")


def _figure(width: float = 9.0, height: float = 4.5) -> Figure:
    figure = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return figure


def channel_funnel_plot(counts: pd.DataFrame, lang: str) -> Figure:
    """Horizontal bars: leads and each stage reached, per channel (first leads only)."""
    stages = ["leads", "contacted", "qualified", "visited", "won"]
    long = counts.melt(id_vars="channel", value_vars=stages, var_name="stage", value_name="count")
    long["stage"] = long["stage"].map(lambda s: t(f"stage.{s}", lang))
    height = max(3.0, 0.55 * len(counts) + 1.6)
    figure = _figure(9.0, height)
    axes = figure.subplots()
    sns.barplot(data=long, y="channel", x="count", hue="stage", ax=axes, palette=PALETTE, orient="h")
    axes.set_title(t("plot.channels.title", lang), loc="left", fontsize=12)
    axes.set_xlabel(t("plot.channels.x", lang))
    axes.set_ylabel(t("plot.channels.y", lang))
    axes.legend(title=None, fontsize=9, loc="lower right")
    return figure


def monthly_leads_plot(monthly: pd.DataFrame, lang: str) -> Figure:
    """Leads per month (first leads), one line per channel."""
    figure = _figure(9.0, 4.0)
    axes = figure.subplots()
    sns.lineplot(data=monthly, x="month", y="leads", hue="channel", marker="o", ax=axes)
    axes.set_title(t("plot.monthly.title", lang), loc="left", fontsize=12)
    axes.set_xlabel(t("plot.monthly.x", lang))
    axes.set_ylabel(t("plot.monthly.y", lang))
    axes.legend(title=None, fontsize=8, ncols=2)
    figure.autofmt_xdate()
    return figure
