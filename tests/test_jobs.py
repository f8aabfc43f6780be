"""Report parameters: validation before any kernel starts, names of output files."""

from __future__ import annotations

import re

import pytest

from analysis.errors import ParameterError, ScopeError
from analysis.jobs import (
    check_against_data, diagnose_parameters, experiment_parameters, parameters_hash, parse_period, parse_quarter,
    quarterly_parameters, slugify,
)
from analysis.loading import load_dataset
from analysis.report import report_name


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"alpha": 0}, "alpha = 0 is out of range"),
    ({"alpha": 0.7}, "alpha = 0.7 is out of range"),
    ({"alpha": "x"}, "alpha «x» is not a number"),
    ({"lang": "de"}, "language «de» is not supported"),
    ({"claim": "bad_leads"}, "claim «bad_leads» is not known"),
    ({"baseline": "last_year"}, "baseline «last_year» is not known"),
    ({"period": "2026-10-31:2026-10-01"}, "ends before it starts"),
    ({"period": "октябрь"}, "is not FROM:TO"),
    ({"period": "2026-13-01:2026-13-31"}, "cannot be read"),
    ({"sla_minutes": 0}, "sla_minutes = 0 is out of range"),
    ({"min_gap": 1.5}, "min_gap = 1.5 is out of range"),
    ({"working_hours": "9-21"}, "HH:MM-HH:MM"),
    ({"as_of": "вчера"}, "as_of «вчера» is not a date"),
])
def test_diagnose_parameter_errors(kwargs, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        diagnose_parameters(**kwargs)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"control": "A", "variant": "A"}, "control and variant are the same"),
    ({"arms_by": "week"}, "arms-by «week» is not known"),
    ({"arms_by": "column", "arm_column": None}, "needs --arm-column"),
    ({"arms_by": "period", "control": "2026-09-01:2026-09-10", "variant": "2026-09-08:2026-09-14"}, "overlap"),
    ({"expected_split": "50"}, "not two positive numbers"),
    ({"margin": 0}, "margin = 0 is out of range"),
    ({"spend_control": -1}, "spend_control = -1 is out of range"),
])
def test_experiment_parameter_errors(kwargs, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        experiment_parameters(**kwargs)


@pytest.mark.parametrize("quarter", ["2026Q5", "Q3", "2026-3", "26Q1", ""])
def test_malformed_quarter(quarter):
    with pytest.raises(ParameterError, match="YYYYQn"):
        quarterly_parameters(quarter=quarter)


def test_quarter_and_period_bounds():
    assert parse_quarter("2026q3") == (parse_period("2026-07-01:2026-09-30"))
    start, end = parse_period("2026-10-01:2026-10-31")
    assert str(start) == "2026-10-01 00:00:00" and str(end) == "2026-10-31 23:59:59"


def test_defaults_use_the_bundled_sample():
    params = quarterly_parameters()
    assert params["leads"].endswith("leads.csv") and params["spend"].endswith("spend.csv")
    own = quarterly_parameters(leads="my.csv")
    assert own["spend"] is None


def test_unknown_scope_value_lists_the_closest_names(sample_csv):
    data = load_dataset(sample_csv)
    params = diagnose_parameters(leads=str(sample_csv), channel=["Авто"])
    with pytest.raises(ScopeError, match="channel «Авто» is not in the data") as error:
        check_against_data("diagnose", params, data)
    assert "«Авито»" in error.value.hint


def test_quarter_without_leads_names_the_range(sample_csv):
    data = load_dataset(sample_csv)
    with pytest.raises(ScopeError, match=r"quarter 2025Q1 has no leads; the data covers 01\.09\.2026") as error:
        check_against_data("quarterly", quarterly_parameters(leads=str(sample_csv), quarter="2025Q1"), data)
    assert "2026Q3" in error.value.hint


def test_report_names_are_dated_slugged_and_hashed():
    import datetime as dt

    params = diagnose_parameters(channel=["Авито", "VK Реклама"], period="2026-10-01:2026-10-31")
    name = report_name("diagnose", params, dt.date(2026, 11, 22))
    assert re.fullmatch(r"2026-11-22-diagnose-avito-vk-reklama-2026-10-01-2026-10-31-[0-9a-f]{6}", name)
    other = diagnose_parameters(channel=["Авито", "VK Реклама"], period="2026-10-01:2026-10-31", lang="en")
    assert parameters_hash(params) != parameters_hash(other)
    assert parameters_hash(params) == parameters_hash({**params, "snapshot": "/tmp/x"})
    assert slugify("Яндекс Директ: Creta с ценой") == "yandeks-direkt-creta-s-tsenoy"
    assert slugify("<script>") == "script" and slugify("///") == "all"


def test_the_export_is_parsed_once_per_process_while_it_is_unchanged(sample_csv):
    import os

    from analysis.report import prepare

    _, first = prepare("quarterly", leads=str(sample_csv), quarter="2026Q3")
    _, again = prepare("diagnose", leads=str(sample_csv), channel=["Авито"])
    assert again is first  # the demo's three reports share one parse
    stat = sample_csv.stat()
    os.utime(sample_csv, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    _, changed = prepare("quarterly", leads=str(sample_csv), quarter="2026Q3")
    assert changed is not first  # a changed file is read again


@pytest.mark.parametrize("job", ["diagnose", "experiment", "quarterly", "monitor"])
def test_parameters_are_frozen_typed_and_read_both_ways(job):
    """Each job's parameters are a frozen dataclass of its own, read as attributes or as a mapping,
    the common fields first: the JSON summary's "parameters" keys stay what they were."""
    import dataclasses

    from analysis.jobs import Parameters
    from analysis.registry import JOBS

    params = JOBS[job].function("parameters")()
    assert isinstance(params, Parameters) and type(params) is not Parameters
    assert list(params)[:9] == ["leads", "spend", "mapping", "sheet", "as_of", "lang", "alpha", "snapshot", "query"]
    assert all(params[name] == getattr(params, name) for name in params)
    assert params == dict(params) and {**params} == dict(params.items())
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.lang = "en"
    with pytest.raises(KeyError):
        params["no_such_parameter"]
    assert {field.name: field.type for field in dataclasses.fields(params)}["alpha"] == "float"
