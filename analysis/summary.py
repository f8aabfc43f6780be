"""The JSON summary beside each report: a contract read by users' scripts.

The notebook computes the job's figures and hands them out as a display output of a
private MIME type (so ``papermill`` used directly keeps them in the executed notebook);
:mod:`analysis.report` picks them up, adds the common keys and writes strict JSON.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .i18n import TEXTS, t
from .dataset import Dataset

SUMMARY_MIME = "application/vnd.leadaudit.summary+json"


def strict(value: Any) -> Any:
    """Plain JSON values: NaN/inf → None, numpy and pandas scalars → Python, dates → ISO."""
    if isinstance(value, dict):
        return {str(key): strict(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict(item) for item in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def lineage_warnings(dataset: Dataset, lang: str) -> list[dict[str, str]]:
    """One warning per lineage issue (``{code, text}``), text in the report's language."""
    warnings = []
    for issue in dataset.lineage.issues:
        key = f"issue.{issue.code}"
        text = t(key, lang) if key in TEXTS else issue.code
        where = f" ({issue.column})" if issue.column else ""
        warnings.append({"code": issue.code, "text": f"{issue.kind}: {issue.count} — {text}{where}"})
    return warnings


def build_summary(job: str, dataset: Dataset, parameters: dict[str, Any], figures: dict[str, Any],
                  warnings: list[dict[str, str]] | None = None, **top_level: Any) -> dict[str, Any]:
    """Assemble the the JSON summary summary: common keys, job-specific ``figures`` and top-level keys."""
    lang = parameters.get("lang", "ru")
    summary = {
        "job": job,
        "version": __version__,
        "parameters": {key: value for key, value in parameters.items() if key != "snapshot"},
        "as_of": dataset.as_of.isoformat(),
        "inputs": [record.to_json() for record in dataset.lineage.inputs],
        "warnings": lineage_warnings(dataset, lang) + list(warnings or []),
        "lineage": {
            "dropped": [{"kind": i.kind, "code": i.code, "count": i.count, "column": i.column}
                        for i in dataset.lineage.dropped],
            "kept": [{"kind": i.kind, "code": i.code, "count": i.count, "column": i.column}
                     for i in dataset.lineage.notices],
        },
        **top_level,
        "figures": figures,
    }
    return strict(summary)


def emit_summary(job: str, dataset: Dataset, parameters: dict[str, Any], figures: dict[str, Any],
                 warnings: list[dict[str, str]] | None = None, **top_level: Any) -> None:
    """Display the summary as an output of the private MIME type (removed from the HTML)."""
    from IPython.display import display

    summary = build_summary(job, dataset, parameters, figures, warnings, **top_level)
    display({SUMMARY_MIME: summary, "text/plain": f"leadaudit summary ({job})"}, raw=True)


def extract_summary(notebook: Any) -> dict[str, Any] | None:
    """The summary a notebook emitted, or None."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if SUMMARY_MIME in data:
                found = data[SUMMARY_MIME]
                return json.loads(found) if isinstance(found, str) else dict(found)
    return None


COMMON_KEYS = ("job", "version", "parameters", "as_of", "inputs", "warnings", "lineage")


def dumps(summary: dict[str, Any]) -> str:
    """Strict JSON text (no NaN or Infinity), common keys first, ``figures`` last."""
    ordered = {key: summary[key] for key in COMMON_KEYS if key in summary}
    ordered.update({key: value for key, value in summary.items() if key not in ordered and key != "figures"})
    ordered["figures"] = summary.get("figures")
    return json.dumps(strict(ordered), ensure_ascii=False, indent=2, allow_nan=False)
