"""One declaration per job (analysis.registry): the command line, the validators, the checks and the
notebooks are all read from it, so they cannot drift apart."""

from __future__ import annotations

import inspect

import pytest

from analysis import quarterly as quarterly_module
from analysis.cli import build_parser
from analysis.config import NOTEBOOKS_DIR, SAMPLE_LEADS, SAMPLE_SPEND
from analysis.jobs import parameters_of, quarterly_parameters
from analysis.loading import load_dataset
from analysis.registry import DEMO_RUNS, JOBS


def test_every_job_is_a_subcommand_and_nothing_else_is():
    parser = build_parser()
    commands = next(action for action in parser._actions if action.dest == "command").choices
    assert set(commands) == {*JOBS, "demo", "index"}  # and the two commands that are not reports
    assert [job for job, _ in DEMO_RUNS] == list(JOBS)


@pytest.mark.parametrize("name", sorted(JOBS))
def test_each_option_is_a_parameter_of_its_validator_and_its_functions_exist(name):
    job = JOBS[name]
    accepted = set(inspect.signature(parameters_of(name)).parameters)
    assert {option.dest for option in job.options} <= accepted
    for role in ("parameters", "check", "scope", "scope_shown"):
        assert callable(job.function(role)), (name, role)
    assert (NOTEBOOKS_DIR / job.notebook).is_file()
    # the demo's keyword arguments are valid parameters
    assert parameters_of(name)(**job.demo)


def test_the_command_line_passes_each_jobs_own_options_through():
    args = build_parser().parse_args(["quarterly", "--quarter", "2026Q2", "--sla-minutes", "20", "--margin", "0.3"])
    assert JOBS["quarterly"].arguments(args) == {"quarter": "2026Q2", "margin": 0.3, "sla_minutes": 20.0}


def test_the_quarterly_first_attempt_target_is_a_parameter():
    data = load_dataset(str(SAMPLE_LEADS), str(SAMPLE_SPEND))
    report = quarterly_module.quarterly(data, quarterly_parameters(leads="x", quarter="2026Q3", sla_minutes=20))
    figures = report.figures()["kpis"]
    assert {"sla_share_20", "sla_share_40"} <= set(figures) and "sla_share_15" not in figures
    # by hand: first leads of the quarter with a first attempt, the share within 20 working minutes
    leads = data.leads
    quarter = (leads["created_at"] >= "2026-07-01") & (leads["created_at"] < "2026-10-01") & ~leads["is_repeat"]
    tried = quarter & leads["attempted"] & leads["response_minutes"].notna()
    expected = (tried & (leads["response_minutes"] <= 20)).sum() / tried.sum()
    assert figures["sla_share_20"] == pytest.approx(expected)
    assert [c.key for c in report.changes_previous if c.key.startswith("sla_")] == ["sla_20", "sla_40"]
    with pytest.raises(Exception, match="sla_minutes"):
        quarterly_parameters(leads="x", quarter="2026Q3", sla_minutes=0)
