"""Figures: what a reader sees on their axes."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from analysis.plots import survival_plot


def _drawn_labels(figure, minor: bool = False) -> list[str]:
    figure.savefig(io.BytesIO(), format="png")  # ticks and their labels are settled when drawn
    axes = figure.axes[0]
    low, high = axes.get_xlim()
    ticks = axes.xaxis.get_minor_ticks() if minor else axes.xaxis.get_major_ticks()
    return [tick.label1.get_text() for tick in ticks if low <= tick.get_loc() <= high and tick.label1.get_text()]


@pytest.mark.parametrize(("lang", "thousand"), [("ru", "1\u202f000"), ("en", "1,000")])
def test_log_time_axis_reads_as_plain_minutes(lang, thousand):
    curve = pd.DataFrame({"time": [1.0, 30.0, 600.0, 4000.0], "survival": [0.9, 0.5, 0.2, 0.1]})
    figure = survival_plot({"scope": curve}, {"scope": "scope"}, lang, sla_minutes=15)
    labels = _drawn_labels(figure)
    assert labels == ["1", "10", "100", thousand]  # not 10⁰ … 10³ (mathtext)
    assert not any("$" in label for label in labels)


def test_log_axis_spanning_less_than_a_decade_labels_minor_ticks():
    curve = pd.DataFrame({"time": [200.0, 900.0], "survival": [0.6, 0.3]})
    figure = survival_plot({"scope": curve}, {"scope": "scope"}, "en", sla_minutes=300)
    figure.axes[0].set_xlim(150, 900)
    assert _drawn_labels(figure, minor=True) == ["200", "300", "400", "600"]
