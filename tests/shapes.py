"""Exports of every shape a user may bring, cut from the bundled sample.

:func:`write_shape` writes a cut of the sample's own export (cp1251, ``;``) with some of its
optional columns dropped, its rows filtered or its columns rewritten, and the mapping that
names just the columns left. :func:`run_jobs` runs each job the way its notebook does —
parameters, the checks against the data, the computation, every section and the JSON
summary — and says for each job whether it gave a report or refused with a clear error.
A crash is neither: it propagates, and the test fails.
"""

from __future__ import annotations

import ast
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import yaml

import analysis.notebook as la
from analysis.config import MAPPINGS_DIR, NOTEBOOKS_DIR, SAMPLE_LEADS
from analysis.errors import LeadAuditError
from analysis.jobs import check_against_data
from analysis.registry import JOBS
from analysis.loading import load_dataset
from analysis.summary import build_summary, dumps

#: the canonical tables's optional lead columns, as the sample's mapping names them
OPTIONAL = ("created_at", "campaign", "model", "manager", "lead_type", "first_response_at", "first_contact_at",
            "call_attempts", "disqualification_reason", "deal_amount", "phone", "email", "name", "budget",
            "purchase_horizon")
PROCESSING = ("first_response_at", "first_contact_at", "call_attempts", "lead_type", "manager")
STATUS = "Статус"

DIAGNOSE = {"channel": ["Авито"], "claim": "not_target", "period": "2026-08-01:2026-10-31"}
EXPERIMENT = {"arms_by": "campaign", "control": "Creta без цены", "variant": "Creta с ценой"}
QUARTERLY = {"quarter": "2026Q3"}
MONITOR: dict[str, Any] = {}


@lru_cache(maxsize=1)
def _sample() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_LEADS, sep=";", encoding="cp1251", dtype=str, keep_default_na=False)


def sample_frame(stride: int = 4) -> pd.DataFrame:
    """Every ``stride``-th lead of the sample (a quarter of it by default: the same shape, faster)."""
    return _sample().iloc[::stride].reset_index(drop=True)


def sample_mapping() -> dict[str, Any]:
    """The sample's mapping as plain data, without its detection headers and spend columns."""
    data = yaml.safe_load((MAPPINGS_DIR / "sample.yaml").read_text(encoding="utf-8"))
    data.pop("detect", None)
    data["name"] = "shape"
    data["columns"] = {key: value for key, value in data["columns"].items()
                       if key not in ("date", "spend", "impressions", "clicks")}
    return data


def write_shape(folder: Path, name: str, drop: tuple[str, ...] = (),
                transform: Callable[[pd.DataFrame, dict], tuple[pd.DataFrame, dict]] | None = None,
                stride: int = 4) -> tuple[Path, Path]:
    """A cut of the sample without the ``drop`` columns (headers removed from file and mapping),
    then ``transform`` applied to (frame, mapping); the CSV and its mapping file."""
    frame, mapping = sample_frame(stride), sample_mapping()
    for canonical in drop:
        frame = frame.drop(columns=[mapping["columns"].pop(canonical)])
    if transform is not None:
        frame, mapping = transform(frame, mapping)
    leads, mapping_file = folder / f"{name}.csv", folder / f"{name}.yaml"
    frame.to_csv(leads, sep=";", index=False, encoding="cp1251")
    mapping_file.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return leads, mapping_file


def keep_rows(predicate: Callable[[pd.DataFrame], pd.Series]):
    def transform(frame: pd.DataFrame, mapping: dict) -> tuple[pd.DataFrame, dict]:
        return frame.loc[predicate(frame)], mapping
    return transform


def yes_no_outcome(yes: str = "qualified", no: str = "disqualified", keep: tuple[str, ...] = ()):
    """The export as a yes/no export: one 1/0 column instead of status and reason (1 = the lead
    qualified, as in the sample's statuses), and only the ``keep`` columns besides ID, date and source."""
    def transform(frame: pd.DataFrame, mapping: dict) -> tuple[pd.DataFrame, dict]:
        reached = frame[STATUS].isin(["Квалифицирован", "Визит в салон", "Продажа"])
        wanted = {"lead_id", "created_at", "channel", *keep}
        columns = {key: value for key, value in mapping["columns"].items() if key in wanted}
        out = frame[list(columns.values())].copy()
        out["Целевой"] = reached.map({True: "1", False: "0"})
        columns["stage"] = "Целевой"
        return out, {"name": "yes-no", "columns": columns, "values": {"stage": {"1": yes, "0": no}},
                     "dayfirst": True}
    return transform


def load(leads: Path, mapping: Path, **options: Any):
    return load_dataset(leads, None, mapping, **options)


@lru_cache(maxsize=None)
def notebook_steps(job: str) -> tuple[tuple[str, str], ...]:
    """The steps of the job's notebook (the registry names it) after its data are loaded, as
    (``"exec"`` or ``"eval"``, source): the computation, then one expression per section, then
    the summary. The tests run exactly what the notebook runs, so a section added there is
    tested here without a list to keep in step."""
    notebook = json.loads((NOTEBOOKS_DIR / JOBS[job].notebook).read_text(encoding="utf-8"))
    cells = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    tags = [cell.get("metadata", {}).get("tags", []) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    start = next(i for i, tagged in enumerate(tags) if "parameters" in tagged) + 2  # after the parameters and loading
    steps = []
    for source in cells[start:]:
        tree = ast.parse(source)
        expression = len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr)
        steps.append(("eval" if expression else "exec", source))
    return tuple(steps)


class _Notebook:
    """``analysis.notebook`` as a notebook sees it, except that the summary is kept, not displayed."""

    def __init__(self) -> None:
        self.summary: dict[str, Any] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(la, name)

    def emit_summary(self, job: str, data: Any, params: dict[str, Any], figures: dict[str, Any],
                     warnings: list | None = None, **top_level: Any) -> None:
        self.summary = json.loads(dumps(build_summary(job, data, params, figures, warnings=warnings, **top_level)))


def run_job(job: str, data: Any, options: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """One job as its notebook runs it: its parameters from the registry, the checks against the
    data, then every cell of the notebook after the loading (:func:`notebook_steps`). Returns
    ``{"refused": message}`` for a clear error (exit 2), else the summary, the sections' HTML and
    the result. Any other exception is a crash and propagates."""
    make = JOBS[job].function("parameters")
    try:
        params = make(leads="x", lang=lang, **options)
        check_against_data(job, params, data)
    except LeadAuditError as error:
        return {"refused": str(error)}
    notebook = _Notebook()
    namespace: dict[str, Any] = {"la": notebook, "data": data, "params": params, "lang": lang}
    result, parts = None, []
    for mode, source in notebook_steps(job):
        if mode == "exec":
            before = set(namespace)
            exec(compile(source, f"{job} notebook", "exec"), namespace)  # noqa: S102 - the notebook's own cell
            if result is None:  # the computation's cell names the result
                result = next(namespace[name] for name in namespace if name not in before and name != "__builtins__")
        else:
            section = eval(compile(source, f"{job} notebook", "eval"), namespace)  # noqa: S307
            if source.startswith("la.emit_summary("):
                continue
            assert section is not None, f"{job}: the notebook cell {source!r} shows nothing"
            parts.append(section.html())
    html = "".join(parts)
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)  # embedded plots are not text
    shown = re.search(r".{80}\b(nan|NaN|None|inf|NaT)\b.{40}", text, re.S)
    assert shown is None, f"{job}: a number the data cannot give is shown as {shown.group(1)}: …{shown.group(0)}…"
    assert notebook.summary is not None, f"{job}: the notebook emitted no summary"
    return {"summary": notebook.summary, "html": html, "result": result}
