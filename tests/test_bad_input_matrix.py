"""Hostile and broken input, case by case: exit code 2, one message naming what, where and how
to fix, no traceback, nothing written — and messy-but-usable or degenerate data never crashes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.mapping import REQUIRED_LEAD_COLUMNS

from .conftest import SAMPLE_HEADERS, sample_row, write_csv

SAMPLE_MAPPING = "analysis/mappings/sample.yaml"
REQUIRED_HEADERS = {"lead_id": "ID", "channel": "Источник", "stage": "Статус"}


def good_rows(count: int = 40):
    statuses = ["Новый", "В работе", "Квалифицирован", "Визит в салон", "Продажа", "Отказ"]
    return [sample_row(i + 1, created=f"{1 + i % 28:02d}.09.2026 {9 + i % 10:02d}:30",
                       channel=["Авито", "Яндекс Директ"][i % 2], status=statuses[i % 6],
                       reason="Нет денег" if statuses[i % 6] == "Отказ" else "",
                       response=f"{1 + i % 28:02d}.09.2026 {9 + i % 10:02d}:40", phone=f"+7 900 111 22 {i:02d}")
            for i in range(count)]


def build_cases(tmp: Path) -> dict[str, tuple[list[str], str]]:
    good = write_csv(tmp / "good.csv", SAMPLE_HEADERS, good_rows())
    cases: dict[str, tuple[list[str], str]] = {}

    def file(name: str, data: bytes) -> str:
        path = tmp / name
        path.write_bytes(data)
        return str(path)

    cases["missing file"] = (["diagnose", "--leads", str(tmp / "nope.csv"), "--channel", "Авито"], "does not exist")
    cases["empty file"] = (["diagnose", "--leads", file("empty.csv", b""), "--channel", "Авито"], "empty")
    cases["binary file"] = (["diagnose", "--leads", file("bin.csv", bytes(range(256)) * 50), "--channel", "Авито"],
                            "binary")
    text = good.read_bytes()
    cases["truncated file"] = (["diagnose", "--leads", file("cut.csv", text[: len(text) // 2] + b'"unclosed'),
                                "--channel", "Авито"], "malformed or truncated")
    cases["wrong encoding"] = (["diagnose", "--leads", file("koi8.csv", good.read_text("cp1251").encode("koi8_r")),
                                "--channel", "Авито"], "not one the package recognises")
    for canonical in REQUIRED_LEAD_COLUMNS:
        header = REQUIRED_HEADERS[canonical]
        index = SAMPLE_HEADERS.index(header)
        path = write_csv(tmp / f"no_{canonical}.csv", [h for h in SAMPLE_HEADERS if h != header],
                         [[c for i, c in enumerate(r) if i != index] for r in good_rows()])
        cases[f"missing column {canonical}"] = (["diagnose", "--leads", str(path), "--mapping", SAMPLE_MAPPING,
                                                 "--channel", "Авито"], f"required column {canonical} is missing")
    unmapped = write_csv(tmp / "status.csv", SAMPLE_HEADERS, [*good_rows(), sample_row(99, status="Заморожен")])
    cases["unmapped status"] = (["diagnose", "--leads", str(unmapped), "--channel", "Авито"], "«Заморожен»")
    rows = good_rows()
    for row in rows[:10]:
        row[1] = "позавчера"
    cases["dates fail wholesale"] = (["diagnose", "--leads", str(write_csv(tmp / "dates.csv", SAMPLE_HEADERS, rows)),
                                      "--channel", "Авито"], "are not dates")
    spend = write_csv(tmp / "spend.csv", ["Дата", "Источник", "Кампания", "Расход"], [["01.09.2026", "Авито", "x", "-100"]])
    cases["negative spend"] = (["diagnose", "--leads", str(good), "--spend", str(spend), "--channel", "Авито"],
                               "spend cannot be negative")
    cases["sheet of a CSV"] = (["diagnose", "--leads", str(good), "--sheet", "Лиды", "--channel", "Авито"],
                               "not an XLSX workbook")
    cases["old xls"] = (["diagnose", "--leads", file("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024),
                         "--channel", "Авито"], "Excel 97")
    cases["yaml not a mapping"] = (["diagnose", "--leads", str(good), "--mapping", file("m.yaml", b"- a\n- b\n"),
                                    "--channel", "Авито"], "must be a YAML mapping")
    cases["scope value not in data"] = (["diagnose", "--leads", str(good), "--channel", "Авита"], "«Авито»")
    cases["alpha out of range"] = (["diagnose", "--leads", str(good), "--channel", "Авито", "--alpha", "0"],
                                   "alpha = 0.0 is out of range")
    cases["sla out of range"] = (["diagnose", "--leads", str(good), "--channel", "Авито", "--sla-minutes", "-5"],
                                 "sla_minutes = -5.0 is out of range")
    cases["reversed period"] = (["diagnose", "--leads", str(good), "--channel", "Авито", "--period",
                                 "2026-09-30:2026-09-01"], "ends before it starts")
    cases["malformed quarter"] = (["quarterly", "--leads", str(good), "--quarter", "2026Q5"], "YYYYQn")
    cases["quarter without leads"] = (["quarterly", "--leads", str(good), "--quarter", "2020Q1"], "has no leads")
    cases["margin out of range"] = (["quarterly", "--leads", str(good), "--quarter", "2026Q3", "--margin", "1.5"],
                                    "margin = 1.5 is out of range")
    cases["experiment margin"] = (["experiment", "--leads", str(good), "--control", "A", "--variant", "B",
                                   "--margin", "0"], "margin = 0.0 is out of range")
    cases["overlapping periods"] = (["experiment", "--leads", str(good), "--arms-by", "period", "--control",
                                     "2026-09-01:2026-09-10", "--variant", "2026-09-05:2026-09-15"], "overlap")
    cases["working hours"] = (["diagnose", "--leads", str(good), "--channel", "Авито", "--working-hours", "9 to 5"],
                              "HH:MM-HH:MM")
    return cases


CASE_NAMES = ["missing file", "empty file", "binary file", "truncated file", "wrong encoding",
              *[f"missing column {c}" for c in REQUIRED_LEAD_COLUMNS], "unmapped status", "dates fail wholesale",
              "negative spend", "sheet of a CSV", "old xls", "yaml not a mapping", "scope value not in data",
              "alpha out of range", "sla out of range", "reversed period", "malformed quarter", "quarter without leads",
              "margin out of range", "experiment margin", "overlapping periods", "working hours"]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_bad_input_matrix(tmp_path, capsys, case):
    argv, message = build_cases(tmp_path)[case]
    before = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    out = tmp_path / "out"
    code = main([*argv, "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert message in captured.err
    assert captured.err.startswith("leadaudit: error:") and "Traceback" not in captured.err
    assert len(re.findall(r"leadaudit: error:", captured.err)) == 1
    assert captured.out == "" and not out.exists(), "nothing is written on bad input"
    assert {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before, "input files are never modified"
