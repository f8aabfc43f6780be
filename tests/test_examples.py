"""The example exports run as the README and docs/exports.md write them, and every figure their reports show in HTML is
the JSON summary's figure under the same name; the demo reports are checked the same
way in test_outputs. Notebooks are executed: slow."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.config import PROJECT_ROOT

from .consistency import check_report

pytestmark = pytest.mark.slow

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
EXPORTS = (PROJECT_ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
COMMAND = re.compile(r"^leadaudit (\w+ --leads examples/.*)$", re.M)
#: the commands the README and docs/exports.md show, each once
COMMANDS = list(dict.fromkeys(COMMAND.findall(README) + COMMAND.findall(EXPORTS)))


def test_the_readme_shows_the_three_shapes():
    shown = {re.search(r"examples/([\w-]+)\.csv", command).group(1) for command in COMMAND.findall(README)}
    assert shown == {"minimal", "yes-no", "ab-users"}
    assert set(COMMAND.findall(README)) <= set(COMMAND.findall(EXPORTS))  # the guide has every one of them
    assert len(COMMANDS) == 5


@pytest.mark.parametrize("command", COMMANDS, ids=[c.split(" --leads examples/")[1].split(".")[0] + "-" + c.split()[0]
                                                   for c in COMMANDS])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_readme_command_runs_and_its_json_matches_its_html(command, lang, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(PROJECT_ROOT)
    code = main([*shlex.split(command), "--out", str(tmp_path), "--quiet", "--lang", lang])
    assert code == 0, capsys.readouterr().err
    html = Path(capsys.readouterr().out.strip().splitlines()[-1])
    summary = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))
    assert check_report(summary, html.read_text(encoding="utf-8"), lang) >= 4
    if "yes-no" in command:  # one stage told apart: no contact or deal rate invented
        figures = summary["figures"]
        rates = figures["scope"] if summary["job"] == "diagnose" else figures["kpis"]
        assert rates["contact_rate"] is None and rates["qualified_rate"] is not None
    if "ab-users" in command:
        assert summary["figures"]["exposure"] == "rows" and summary["figures"]["arms"]["control"]["days"] == 0.0


@pytest.mark.parametrize("shape, job, options", [
    ("no-losses", "quarterly", ["--quarter", "2026Q3"]),
    ("no-dates", "diagnose", ["--channel", "Авито", "--claim", "not_target"]),
    ("no-dates", "experiment", ["--arms-by", "campaign", "--control", "Creta без цены", "--variant", "Creta с ценой"]),
    ("no-processing", "diagnose", ["--channel", "Авито", "--claim", "no_contact", "--period", "2026-08-01:2026-10-31"]),
])
def test_shapes_that_once_crashed_render_through_the_notebooks(shape, job, options, tmp_path, capsys):
    from .shapes import PROCESSING, STATUS, keep_rows, write_shape

    cuts = {"no-losses": {"transform": keep_rows(lambda f: f[STATUS] != "Отказ")},
            "no-dates": {"drop": ("created_at", "first_response_at", "first_contact_at")},
            "no-processing": {"drop": PROCESSING}}
    leads, mapping = write_shape(tmp_path, shape, **cuts[shape])
    code = main([job, "--leads", str(leads), "--mapping", str(mapping), *options, "--out", str(tmp_path / "out"),
                 "--quiet", "--lang", "en"])
    assert code == 0, capsys.readouterr().err
    html = Path(capsys.readouterr().out.strip().splitlines()[-1])
    summary = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))
    assert check_report(summary, html.read_text(encoding="utf-8"), "en") >= 4
