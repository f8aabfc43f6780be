"""Notebooks are thin and their parameters are the entry points' keyword arguments."""

from __future__ import annotations

import inspect
import json

import papermill
import pytest

from analysis.config import NOTEBOOKS_DIR
from analysis.jobs import parameters_of
from analysis.registry import JOBS


@pytest.mark.parametrize("job", sorted(JOBS))
def test_notebook_parameters_match_the_entry_point(job):
    found = papermill.inspect_notebook(str(NOTEBOOKS_DIR / JOBS[job].notebook))
    signature = inspect.signature(parameters_of(job))
    assert list(found) == list(signature.parameters)
    for name, parameter in signature.parameters.items():
        assert found[name]["name"] == name


@pytest.mark.parametrize("job", sorted(JOBS))
def test_notebooks_are_thin_and_stripped(job):
    notebook = json.loads((NOTEBOOKS_DIR / JOBS[job].notebook).read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        assert cell["outputs"] == [] and cell["execution_count"] is None
        source = "".join(cell["source"])
        for word in ("def ", "class ", "for ", "while ", "lambda"):
            assert word not in source, f"{job}: notebooks only call analysis/: {source!r}"
