"""A look at a running experiment (``leadaudit experiment --running``): the stop rule
(analysis.experiment.decide_running), the look the report takes (running_look) on the sample's
experiment, its false-stop rate in simulated A/A experiments looked at every day, its section, and
the command-line flag.

The always-valid statistics themselves (analysis/stats/sequential.py) are tested in
tests/test_sequential.py; here the job's use of them is. Run with ``-s`` to see the simulated rates.
"""

from __future__ import annotations

import html
import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import stats
from analysis.cli import build_parser
from analysis.config import SAMPLE_LEADS, SAMPLE_SPEND
from analysis.display import format_number
from analysis.errors import ParameterError
from analysis.experiment import RUNNING_DECISIONS, RUNNING_FROM_DAY, decide_running, evaluate, running_look
from analysis.experiment_report import running_section
from analysis.experiment_report import summary_section as experiment_summary_section
from analysis.i18n import t
from analysis.jobs import arm_column_of, check_against_data, experiment_parameters
from analysis.loading import load_dataset
from analysis.registry import JOBS
from analysis.stats.sequential import mixture_log_lr
from analysis.summary import build_summary, dumps

ALPHA, MARGIN = 0.05, 0.10
SAMPLE_EXPERIMENT = {"scope_channel": "Яндекс Директ"}  # control «Creta без цены», variant «Creta с ценой»: defaults
AB_USERS = {"leads": "examples/ab-users.csv", "mapping": "examples/ab-users.yaml", "arms_by": "column",
            "arm_column": "group", "control": "A", "variant": "B"}


# --------------------------------------------------------------------------- 1: the stop rule

BAND_LOW, BAND_HIGH = 1 - MARGIN, 1 / (1 - MARGIN)  # 0.9 and 1.111…


@pytest.mark.parametrize("low, high, decision", [
    (1.02, 1.60, "stop_adopt"),                 # wholly above 1
    (1.000001, None, "stop_adopt"),             # above 1, no upper end yet
    (0.55, 0.97, "stop_keep_control"),          # wholly below 1
    (0.0, 0.999, "stop_keep_control"),          # no lower bound (0.0), upper end below 1
    (0.93, 1.08, "stop_no_difference"),         # inside (1 − m, 1/(1 − m))
    (BAND_LOW + 1e-9, BAND_HIGH - 1e-9, "stop_no_difference"),
    (0.85, 1.08, "keep_running"),               # crosses 1 and the band's lower edge
    (0.93, 1.15, "keep_running"),               # crosses 1 and the band's upper edge
    (BAND_LOW, 1.05, "keep_running"),           # the band is open: its edge is not inside
    (0.95, BAND_HIGH, "keep_running"),
    (1.0, 1.3, "keep_running"),                 # touching 1 is not clear of it
    (0.7, 1.0, "keep_running"),
    (None, None, "keep_running"),               # no interval at all
    (None, 1.05, "keep_running"),
    (0.95, None, "keep_running"),
    (0.0, None, "keep_running"),                # the first days: from 0 to infinity
])
def test_decide_running_from_hand_picked_intervals(low, high, decision):
    assert decide_running(low, high, MARGIN) == decision
    assert decision in RUNNING_DECISIONS


def test_a_wider_margin_widens_the_band_of_no_difference():
    assert decide_running(0.85, 1.15, 0.10) == "keep_running"
    assert decide_running(0.85, 1.15, 0.20) == "stop_no_difference"  # band 0.8 … 1.25


# --------------------------------------------------------------------------- 2: the sample's experiment

@pytest.fixture(scope="module")
def sample():
    return load_dataset(str(SAMPLE_LEADS), str(SAMPLE_SPEND), None)


@pytest.fixture(scope="module")
def running(sample):
    params = experiment_parameters(running=True, **SAMPLE_EXPERIMENT)
    check_against_data("experiment", params, sample)
    return evaluate(sample, params)


@pytest.fixture(scope="module")
def fixed(sample):
    return evaluate(sample, experiment_parameters(**SAMPLE_EXPERIMENT))


def test_the_look_at_the_sample_experiment(running):
    ev = running
    assert (ev.control.label, ev.variant.label) == ("Creta без цены", "Creta с ценой")
    look = ev.running
    assert look is not None and ev.exposure == "spend" and look.exposure == "spend"
    # qualified leads per rouble, variant to control, by hand from the daily counts
    totals = ev.daily.groupby("arm")[["qualified", "spend"]].sum()
    by_hand = (totals.loc["variant", "qualified"] / totals.loc["variant", "spend"]) / \
        (totals.loc["control", "qualified"] / totals.loc["control", "spend"])
    assert look.result.ratio == pytest.approx(by_hand, rel=1e-12)
    # the fixed-horizon ratio is the same figure here: a month after the experiment every outcome is known
    assert ev.ratio.ratio == pytest.approx(by_hand, rel=1e-9)
    assert look.result.looks == ev.daily["day"].nunique() and look.result.skipped_days == 0
    low, high = look.result.ci_running
    assert low is not None and high is not None and low < look.result.ratio < high
    # the always-valid interval is wider than the fixed-horizon one, on both sides
    fixed_low, fixed_high = ev.ratio.ratio_ci
    assert low < fixed_low and high > fixed_high
    # the running interval never widens from one weekly look to the next, and ends at today's
    path = look.path
    assert path["day"].is_monotonic_increasing and path["day"].iloc[-1] == ev.daily["day"].max()
    assert (path["low"].diff().dropna() >= -1e-9).all() and (path["high"].diff().dropna() <= 1e-9).all()
    assert (path["low"].iloc[-1], path["high"].iloc[-1]) == pytest.approx((low, high))
    assert look.decision in RUNNING_DECISIONS and look.decision == decide_running(low, high, MARGIN)


def test_the_json_has_the_look_only_with_running(sample, running, fixed):
    figures = running.figures()["running"]
    assert {"decision", "ratio", "ratio_ci", "p_value", "looks"} <= set(figures)
    assert figures["decision"] in RUNNING_DECISIONS
    assert figures["ratio_ci"] == list(running.running.result.ci_running)
    assert 0 < figures["p_value"] <= 1 and figures["looks"] == running.running.result.looks
    summary = json.loads(dumps(build_summary("experiment", sample, running.params, running.figures(),
                                             decision=running.decision)))
    assert summary["figures"]["running"]["decision"] == figures["decision"]
    # without --running the JSON is as it was: no key, every other figure the same
    assert fixed.running is None and "running" not in fixed.figures()
    assert {key: value for key, value in running.figures().items() if key != "running"} == fixed.figures()


# --------------------------------------------------------------------------- 3: A/A, looked at every day

SIMULATIONS, DAYS, QUALIFIED_PER_DAY, SPEND_PER_DAY = 400, 60, 4.0, 25_000.0
SEED = 20261122


def simulate(rng: np.random.Generator, n: int, ratio: float = 1.0) -> tuple[np.ndarray, ...]:
    """n experiments × DAYS: each arm's spend varies day to day on its own (lognormal, σ 0.3), a shock
    common to both arms moves the day's rate (lognormal, σ 0.5, mean 1), qualified leads are Poisson in
    spend × rate; the variant's rate per rouble is ``ratio`` times the control's."""
    spend_c = SPEND_PER_DAY * rng.lognormal(-0.045, 0.3, (n, DAYS))
    spend_v = SPEND_PER_DAY * rng.lognormal(-0.045, 0.3, (n, DAYS))
    shock = rng.lognormal(-0.125, 0.5, (n, DAYS))
    rate = QUALIFIED_PER_DAY / SPEND_PER_DAY * shock
    return rng.poisson(rate * spend_c), spend_c, rng.poisson(ratio * rate * spend_v), spend_v


def daily_frame(count_c, spend_c, count_v, spend_v) -> pd.DataFrame:
    """One experiment as :func:`analysis.experiment.evaluate` hands it to running_look."""
    days = pd.date_range("2026-07-01", periods=len(count_c), freq="D")
    return pd.concat([pd.DataFrame({"day": days, "leads": 3 * count, "qualified": count, "spend": spend, "arm": arm})
                      for arm, count, spend in (("control", count_c, spend_c), ("variant", count_v, spend_v))],
                     ignore_index=True)


def first_stop_days(count_c, spend_c, count_v, spend_v) -> np.ndarray:
    """Per experiment, the first daily look (day ≥ RUNNING_FROM_DAY, 1-based) whose running interval
    excludes 1, 0 if none does. The running interval is {R : max over days ≤ d of Λ(R) < 1/α}, so it
    excludes 1 exactly when Λ(1) has reached 1/α by day d: one batched pass of the mixture likelihood
    ratio (analysis.stats.sequential.mixture_log_lr, the function always_valid_ratio is built on)
    gives every experiment's every daily look at once."""
    paths = mixture_log_lr(count_c, spend_c, count_v, spend_v)
    reached = np.maximum.accumulate(paths, axis=1) >= math.log(1 / ALPHA)
    reached[:, :RUNNING_FROM_DAY - 1] = False  # no look before day 7; the look on day 7 sees days 1–7
    return np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, 0)


def test_equal_arms_looked_at_every_day_stop_falsely_at_most_alpha_of_the_time():
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    count_c, spend_c, count_v, spend_v = simulate(rng, SIMULATIONS)
    assert abs(count_c.mean() - QUALIFIED_PER_DAY) < 0.1 and abs(count_v.mean() - QUALIFIED_PER_DAY) < 0.1
    stop_day = first_stop_days(count_c, spend_c, count_v, spend_v)
    stopped = stop_day > 0
    rate = stopped.mean()
    bound = ALPHA + 2 * math.sqrt(ALPHA * (1 - ALPHA) / SIMULATIONS)

    # the report's own functions agree, experiment by experiment: every false stop, and as many that ran on
    checked = [*np.flatnonzero(stopped), *np.flatnonzero(~stopped)[:20]]
    decisions = {}
    for i in checked:
        series = count_c[i], spend_c[i], count_v[i], spend_v[i]
        look = running_look(daily_frame(*series), "spend", ALPHA, MARGIN)  # the look on the last day
        assert look.result.looks == DAYS and look.exposure == "spend"
        assert look.result.ratio == pytest.approx(count_v[i].sum() / spend_v[i].sum()
                                                  / (count_c[i].sum() / spend_c[i].sum()))
        decisions[i] = look.decision
        assert (look.decision in ("stop_adopt", "stop_keep_control")) == bool(stopped[i]), (i, look.decision)
        if stopped[i]:  # the daily look stops on its first stop day and not the day before
            day = int(stop_day[i])
            at = stats.always_valid_ratio(*(s[:day] for s in series), alpha=ALPHA)
            assert decide_running(*at.ci_running, MARGIN) in ("stop_adopt", "stop_keep_control")
            assert decide_running(*at.ci_running, MARGIN) == look.decision  # once clear of 1, on the same side
            if day > RUNNING_FROM_DAY:
                before = stats.always_valid_ratio(*(s[:day - 1] for s in series), alpha=ALPHA)
                assert decide_running(*before.ci_running, MARGIN) not in ("stop_adopt", "stop_keep_control")

    # for contrast: a fixed-horizon 95% test of the same totals, looked at every day from day 7
    total_c, total_v = count_c.cumsum(axis=1), count_v.cumsum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (np.log(total_v / spend_v.cumsum(axis=1)) - np.log(total_c / spend_c.cumsum(axis=1))) \
            / np.sqrt(1 / total_c + 1 / total_v)
    naive = (np.abs(np.nan_to_num(z[:, RUNNING_FROM_DAY - 1:])) > 1.959964).any(axis=1).mean()
    # and the same look finds a real difference: the variant 1.5 × the control per rouble
    power = (first_stop_days(*simulate(rng, SIMULATIONS, ratio=1.5)) > 0).mean()
    elapsed = time.perf_counter() - started
    print(f"\nA/A, {SIMULATIONS} experiments × {DAYS} days, ~{QUALIFIED_PER_DAY:g} qualified/day/arm, common day "
          f"shock, looked at every day from day {RUNNING_FROM_DAY}: false stop (adopt or keep control) "
          f"{int(stopped.sum())}/{SIMULATIONS} = {rate:.2%} (bound {bound:.2%}; MC SE "
          f"{math.sqrt(ALPHA * (1 - ALPHA) / SIMULATIONS):.2%}); stop days {sorted(stop_day[stopped].tolist())}; "
          f"running_look checked on {len(checked)}: {sorted(set(decisions.values()))}. Fixed-horizon test peeked "
          f"daily: {naive:.1%}. Power at R = 1.5: {power:.1%}. {elapsed:.1f} s")
    assert rate <= bound
    assert naive > 2 * ALPHA  # the simulation is one where peeking does hurt
    assert power > 0.8


# --------------------------------------------------------------------------- 4: the section

@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_running_section_shows_the_interval_and_only_with_running(running, fixed, lang):
    shown = html.unescape(running_section(running, lang).html())
    low, high = running.running.result.ci_running
    fixed_low, fixed_high = running.ratio.ratio_ci
    assert t("ex.section.running", lang) in shown
    assert f"{format_number(low, lang, 2)}–{format_number(high, lang, 2)}" in shown
    assert f"{format_number(fixed_low, lang, 2)}–{format_number(fixed_high, lang, 2)}" in shown
    assert format_number(running.running.result.ratio, lang, 2) in shown
    words = {"variant": running.variant.label, "control": running.control.label,
             "per": t("ex.running.per_spend", lang)}
    assert t(f"ex.running.{running.running.decision}", lang, **words) in shown
    assert "data:image/png;base64," in shown  # the weekly path is drawn
    # the summary answers whether the test may stop, and says what the planned-end rule would decide
    summary = html.unescape(experiment_summary_section(running, lang).html())
    assert t(f"ex.running.{running.running.decision}", lang, **words) in summary
    assert t("ex.decision." + running.decision, lang) in summary
    assert running_section(fixed, lang).html() == ""
    assert t("ex.section.running", lang) not in html.unescape(experiment_summary_section(fixed, lang).html())


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_user_level_ab_file_says_the_look_needs_dates_and_spend(monkeypatch, lang):
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    params = experiment_parameters(running=True, lang=lang, **AB_USERS)
    data = load_dataset(params["leads"], None, params["mapping"], arm_column=arm_column_of(params))
    check_against_data("experiment", params, data)
    ev = evaluate(data, params)
    assert ev.exposure == "rows" and ev.running is None
    shown = html.unescape(running_section(ev, lang).html())
    assert t("ex.section.running", lang) in shown and t("ex.running.none", lang) in shown
    experiment_summary_section(ev, lang).html()  # no crash either
    figures = json.loads(dumps(build_summary("experiment", data, params, ev.figures(), decision=ev.decision)))
    assert figures["figures"]["running"] is None  # asked for, and not possible: null, not missing


# --------------------------------------------------------------------------- 5: the command line

def test_the_running_flag_reaches_the_parameters():
    arms = ["--control", "Creta без цены", "--variant", "Creta с ценой", "--scope-channel", "Яндекс Директ"]
    for argv, expected in ((["experiment", *arms, "--running"], True), (["experiment", *arms], False)):
        options = JOBS["experiment"].arguments(build_parser().parse_args(argv))
        assert options["running"] is expected
        assert experiment_parameters(**options)["running"] is expected


@pytest.mark.parametrize("value, expected", [(True, True), (False, False), ("True", True), ("false", False),
                                             ("1", True), ("no", False), (None, False)])
def test_running_as_the_notebook_may_pass_it(value, expected):
    assert experiment_parameters(running=value)["running"] is expected


def test_a_running_value_that_is_not_yes_or_no_is_refused():
    with pytest.raises(ParameterError, match="running"):
        experiment_parameters(running="maybe")


def test_a_time_split_has_no_look_on_the_way(sample):
    """Arms that ran in different weeks share no day: the conditional look has nothing to compare, so the
    report says so instead of "keep running" forever."""
    params = experiment_parameters(arms_by="period", control="2026-09-01:2026-09-07", variant="2026-09-08:2026-09-14",
                                   scope_channel="Яндекс Директ", running=True)
    ev = evaluate(sample, params)
    assert ev.running is None and ev.figures()["running"] is None
    shown = html.unescape(running_section(ev, "ru").html())
    assert t("ex.running.none", "ru") in shown
