"""Notebooks are thin and their parameters are the entry points' keyword arguments."""

from __future__ import annotations

import inspect
import json

import papermill
import pytest

from analysis.config import NOTEBOOK_OF_JOB, NOTEBOOKS_DIR
from analysis.jobs import PARAMETERS


@pytest.mark.parametrize("job", sorted(NOTEBOOK_OF_JOB))
def test_notebook_parameters_match_the_entry_point(job):
    found = papermill.inspect_notebook(str(NOTEBOOKS_DIR / NOTEBOOK_OF_JOB[job]))
    signature = inspect.signature(PARAMETERS[job])
    assert list(found) == list(signature.parameters)
    for name, parameter in signature.parameters.items():
        assert found[name]["name"] == name


@pytest.mark.parametrize("job", sorted(NOTEBOOK_OF_JOB))
def test_notebooks_are_thin_and_stripped(job):
    notebook = json.loads((NOTEBOOKS_DIR / NOTEBOOK_OF_JOB[job]).read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        assert cell["outputs"] == [] and cell["execution_count"] is None
        source = "".join(cell["source"])
        for word in ("def ", "class ", "for ", "while ", "lambda"):
            assert word not in source, f"{job}: notebooks only call analysis/: {source!r}"
