"""The command line: bad input gives exit code 2, one clear message, no traceback, nothing written."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis.cli import build_parser, main

from .conftest import SAMPLE_HEADERS, sample_row, write_csv


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def bad_inputs(tmp_path, sample_rows):
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 64)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    no_status = write_csv(tmp_path / "nostatus.csv", [h for h in SAMPLE_HEADERS if h != "Статус"],
                          [[c for i, c in enumerate(r) if i != 10] for r in sample_rows])
    unmapped = write_csv(tmp_path / "unmapped.csv", SAMPLE_HEADERS, [*sample_rows, sample_row(1, status="Архив")])
    broken = tmp_path / "broken.yaml"
    broken.write_text("columns:\n  lead_id: [ID\n", encoding="utf-8")
    good = write_csv(tmp_path / "good.csv", SAMPLE_HEADERS, sample_rows)
    return {
        "missing file": (["--leads", str(tmp_path / "nope.csv")], "does not exist"),
        "empty file": (["--leads", str(empty)], "the file is empty"),
        "binary garbage": (["--leads", str(garbage)], "binary"),
        "missing required column": (["--leads", str(no_status), "--mapping", "analysis/mappings/sample.yaml"],
                                    "required column stage is missing"),
        "unmapped status": (["--leads", str(unmapped)], "«Архив»"),
        "broken yaml": (["--leads", str(good), "--mapping", str(broken)], "not valid YAML"),
        "unknown channel": (["--leads", str(good), "--channel", "Авита"], "closest names in the data: «Авито»"),
        "reversed period": (["--leads", str(good), "--period", "2026-10-31:2026-10-01"], "ends before it starts"),
    }


@pytest.mark.parametrize("case", ["missing file", "empty file", "binary garbage", "missing required column",
                                  "unmapped status", "broken yaml", "unknown channel", "reversed period"])
def test_bad_input_exits_2_with_one_message_and_writes_nothing(tmp_path, sample_rows, capsys, case):
    argv, message = bad_inputs(tmp_path, sample_rows)[case]
    out = tmp_path / "out"
    code, stdout, stderr = run(["diagnose", *argv, "--out", str(out), "--quiet"], capsys)
    assert code == 2
    assert message in stderr
    assert stderr.startswith("leadaudit: error:")
    assert "Traceback" not in stderr and stdout == ""
    assert not out.exists()


def test_quarter_errors(tmp_path, sample_csv, capsys):
    code, _, stderr = run(["quarterly", "--leads", str(sample_csv), "--quarter", "2026Q5", "--out", str(tmp_path)], capsys)
    assert code == 2 and "YYYYQn" in stderr
    code, _, stderr = run(["quarterly", "--leads", str(sample_csv), "--quarter", "2024Q1", "--out", str(tmp_path)], capsys)
    assert code == 2 and "2026Q3 to 2026Q3" in stderr
    assert list(tmp_path.iterdir()) == [sample_csv]


def test_experiment_errors(tmp_path, sample_csv, capsys):
    code, _, stderr = run(["experiment", "--leads", str(sample_csv), "--control", "X", "--variant", "X"], capsys)
    assert code == 2 and "the same" in stderr
    code, _, stderr = run(["experiment", "--leads", str(sample_csv), "--control", "Нет такой", "--variant", "Другая",
                           "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "campaign «Нет такой» is not in the data" in stderr


def test_help_speaks_to_a_marketer():
    text = build_parser().format_help()
    assert "lead quality" in text and "leadaudit diagnose" in text
    for command in ("diagnose", "experiment", "quarterly", "demo"):
        assert command in text


def test_console_script_exit_code(tmp_path):
    result = subprocess.run([sys.executable, "-m", "analysis.cli", "diagnose", "--leads", str(tmp_path / "x.csv")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
    result = subprocess.run([sys.executable, "-m", "analysis.cli", "diagnose", "--claim", "nonsense"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "invalid choice" in result.stderr


@pytest.mark.parametrize(("argv", "message"), [
    (["--channel", "Авито", "--period", "2020-01-01:2020-01-31"], "no leads match the scope"),
    ([], "the scope is the whole data"),
])
def test_diagnose_scope_errors(tmp_path, sample_csv, capsys, argv, message):
    code, stdout, stderr = run(["diagnose", "--leads", str(sample_csv), *argv, "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and message in stderr and not (tmp_path / "o").exists()
