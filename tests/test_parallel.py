"""The reports' parts run side by side (analysis.aggregate.in_parallel) and give exactly what
they give one after another."""

from __future__ import annotations

import dataclasses
import math
import threading

import numpy as np
import pandas as pd
import pytest

import analysis.aggregate as aggregate
from analysis.aggregate import check_scope, in_parallel
from analysis.config import SAMPLE_LEADS, SAMPLE_SPEND
from analysis.diagnosis import diagnose
from analysis.jobs import diagnose_parameters, quarterly_parameters
from analysis.loading import load_dataset
from analysis.quarterly import quarterly


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE_LEADS, SAMPLE_SPEND)


def assert_same(first, second, where="result"):
    """Equal all the way down: dataclasses field by field, frames by value and dtype, floats
    bit for bit (NaN equal to NaN)."""
    assert type(first) is type(second), where
    if dataclasses.is_dataclass(first):
        for field in dataclasses.fields(first):
            assert_same(getattr(first, field.name), getattr(second, field.name), f"{where}.{field.name}")
    elif isinstance(first, pd.DataFrame):
        pd.testing.assert_frame_equal(first, second, check_exact=True, obj=where)
    elif isinstance(first, pd.Series):
        pd.testing.assert_series_equal(first, second, check_exact=True, obj=where)
    elif isinstance(first, dict):
        assert list(first) == list(second), where
        for key in first:
            assert_same(first[key], second[key], f"{where}[{key!r}]")
    elif isinstance(first, (list, tuple)):
        assert len(first) == len(second), where
        for index, (a, b) in enumerate(zip(first, second)):
            assert_same(a, b, f"{where}[{index}]")
    elif isinstance(first, float) and math.isnan(first):
        assert math.isnan(second), where
    elif isinstance(first, np.ndarray):
        np.testing.assert_array_equal(first, second, err_msg=where)
    else:
        assert first == second, where


def test_results_come_back_by_name_with_none_kept_and_run_in_threads():
    seen = []

    def work(value):
        seen.append(threading.get_ident())
        return value * 2

    done = in_parallel({"a": (work, 1), "skipped": None, "b": (work, 2), "c": (work, 3)})
    assert done == {"a": 2, "skipped": None, "b": 4, "c": 6}
    assert threading.get_ident() not in seen or (aggregate.os.cpu_count() or 1) == 1


def test_an_error_is_raised_after_the_other_calls_ended():
    ended = []

    def fail():
        raise ValueError("broken part")

    def slow():
        threading.Event().wait(0.2)
        ended.append(True)

    with pytest.raises(ValueError, match="broken part"):
        in_parallel({"fail": (fail,), "slow": (slow,)})
    assert ended == [True]


@pytest.mark.parametrize("kwargs", [dict(channel=["Авито"], claim="not_target"),
                                    dict(manager=["Волков Андрей"], claim="no_contact"),
                                    dict(channel=["Сайт"], claim="general")])
def test_diagnosis_side_by_side_equals_one_by_one(sample, monkeypatch, kwargs):
    params = diagnose_parameters(leads=str(SAMPLE_LEADS), **kwargs)
    check_scope(sample, params)
    together = diagnose(sample, params)
    monkeypatch.setattr(aggregate, "MAX_WORKERS", 1)
    alone = diagnose(sample, params)
    assert_same(together, alone, "diagnosis")


def test_quarterly_side_by_side_equals_one_by_one(sample, monkeypatch):
    params = quarterly_parameters(leads=str(SAMPLE_LEADS), quarter="2026Q3")
    together = quarterly(sample, params)
    monkeypatch.setattr(aggregate, "MAX_WORKERS", 1)
    alone = quarterly(sample, params)
    assert_same(together, alone, "quarterly")
