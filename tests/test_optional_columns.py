"""No job reads an optional column without asking :func:`analysis.dataset.has_column` first
: a column the export does not have skips a section, never raises KeyError.

Every function of the job modules that names an optional column in a subscript
(``leads["deal_amount"]``, ``leads.loc[rows, "created_at"]``, ``leads[["created_at", …]]``) must
call ``has_column(…, "<that column>")`` itself, or be listed below with the check that guards it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis.dataset import OPTIONAL_COLUMNS

MODULES = ("aggregate", "diagnosis", "experiment", "quarterly", "diagnosis_report", "experiment_report",
           "quarterly_report", "overview")
# (module, function, column): why it is safe without its own check
GUARDED_ELSEWHERE = {
    ("quarterly", "_trends", "created_at"): "the quarterly job is refused without dates (check_against_data)",
    ("quarterly", "_daily_dispersion", "created_at"): "the quarterly job is refused without dates (check_against_data)",
    ("experiment", "_did", "created_at"): "only for --arms-by period, refused without dates",
    ("experiment", "_weekday_mix", "created_at"): "only for --arms-by period, refused without dates",
    ("experiment", "_arm", "created_at"): "reads it under `dated`, which is has_column(leads, 'created_at')",
    ("aggregate", "contact_durations", "created_at"): "called only when has_contact_times(leads)",
    ("aggregate", "contact_durations", "response_minutes"): "called only when has_contact_times(leads)",
    ("diagnosis", "processing_deficit", "response_minutes"): "read through has_column, with a NaN column instead",
    ("aggregate", "weekly_counts", "created_at"): "called by diagnosis._trend, behind has_column(leads, 'created_at')",
    ("quarterly", "table", "response_minutes"): "nested in _processing, under has_response = has_column(...)",
}


def _named(node: ast.AST) -> list[str]:
    """String constants a subscript's slice names (a column, a .loc's column, a list of columns)."""
    target = node.slice
    if isinstance(target, ast.Tuple):  # .loc[rows, "column"]
        target = target.elts[-1]
    if isinstance(target, ast.Constant) and isinstance(target.value, str):
        return [target.value]
    if isinstance(target, ast.List):
        return [e.value for e in target.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _reads(module: str) -> list[tuple[str, str, set[str]]]:
    tree = ast.parse(Path(f"analysis/{module}.py").read_text(encoding="utf-8"))
    out = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        checked = {arg.value for call in ast.walk(function) if isinstance(call, ast.Call)
                   and getattr(call.func, "id", None) in ("has_column",)
                   for arg in call.args if isinstance(arg, ast.Constant)}
        if any(getattr(call.func, "id", None) == "has_contact_times" for call in ast.walk(function)
               if isinstance(call, ast.Call)):
            checked |= {"created_at", "first_contact_at", "response_minutes"}
        for node in ast.walk(function):
            if isinstance(node, ast.Subscript):
                for column in _named(node):
                    if column in OPTIONAL_COLUMNS:
                        out.append((function.name, column, checked))
    return out


@pytest.mark.parametrize("module", MODULES)
def test_optional_columns_are_read_behind_has_column(module):
    unguarded = sorted({(function, column) for function, column, checked in _reads(module)
                        if column not in checked and (module, function, column) not in GUARDED_ELSEWHERE})
    assert not unguarded, f"analysis/{module}.py reads optional columns without has_column: {unguarded}"


def test_the_listed_exceptions_still_exist():
    found = {(module, function, column) for module in MODULES for function, column, _ in _reads(module)}
    assert set(GUARDED_ELSEWHERE) <= found, set(GUARDED_ELSEWHERE) - found
