"""The appendix every report ends with: parameters, inputs, lineage, methods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .display import Html, Section, heading, paragraph, section, table
from .i18n import t
from .dataset import Dataset

def _issue_text(issue, lang: str) -> str:
    key = f"issue.{issue.code}"
    from .i18n import TEXTS

    text = t(key, lang) if key in TEXTS else issue.code
    if issue.column:
        text = f"{text} ({issue.column})"
    return text


def _example_text(example: str, lang: str) -> str:
    """A loader example («line 17: «31.02.2026»», «row 5: empty») in the report's language."""
    if lang != "ru":
        return example
    for english in ("line ", "row "):
        if example.startswith(english):
            example = "строка " + example[len(english):]
    return example[:-len(": empty")] + ": пусто" if example.endswith(": empty") else example


def _methods_key(job: str, parameters: dict[str, Any], dataset: Dataset) -> str:
    """An experiment whose rows are units (no spend; arms by column, or no dates) is analysed as
    shares of units, not as Poisson counts: its methods say so."""
    if job == "experiment" and not (dataset.spend is not None or parameters.get("spend_control")) \
            and (parameters.get("arms_by") == "column" or not dataset.has_dates):
        return "experiment.units"
    return job


def _option(key: str) -> str:
    """A parameter as the command line spells it (the same in every language)."""
    return "--" + key.replace("_", "-")


def _file_name(path: str) -> str:
    """A file by its name: the folders of the analyst's machine are not the reader's business."""
    from .database import is_database_url

    return path if not path or is_database_url(path) else Path(path).name


def _shown_value(key: str, value: Any, lang: str) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, float):  # a decimal comma in Russian, like every other number of the report
        text = f"{value:g}"
        return text.replace(".", ",") if lang == "ru" else text
    return _file_name(str(value)) if key in ("leads", "spend", "mapping") else str(value)


def appendix_section(dataset: Dataset, parameters: dict[str, Any], lang: str, job: str | None = None) -> Section:
    """Appendix: parameters, input files with sha256, rows dropped and flagged, methods, version."""
    params = pd.DataFrame(
        [(_option(key), _shown_value(key, value, lang))
         for key, value in parameters.items() if key != "snapshot" and value not in (None, "", [])],
        columns=[t("col.parameter", lang), t("col.value", lang)])
    inputs = pd.DataFrame(
        [(_file_name(record.path), t(f"kind.{record.kind}", lang),
          t("appendix.database_query", lang) if record.query is not None else record.file_format
          + (f", {record.encoding}" if record.encoding else "")
          + (f", «{record.separator}»" if record.separator and record.separator != "\t" else ""),
          record.rows_read, record.rows_used, record.sha256)
         for record in dataset.lineage.inputs],
        columns=[t("col.file", lang), t("col.kind", lang), t("col.format", lang), t("col.rows_read", lang),
                 t("col.rows_used", lang), "sha256"])
    issues = pd.DataFrame(
        [(t(f"kind.{issue.kind}", lang), _issue_text(issue, lang), issue.count,
          t("action.dropped" if issue.dropped else "action.kept", lang),
          "; ".join([_example_text(example, lang) for example in issue.examples]
                    + [f"«{k}» × {v}" for k, v in list(issue.values.items())[:8]]))
         for issue in dataset.lineage.issues],
        columns=[t("col.kind", lang), t("col.issue", lang), t("col.count", lang), t("col.action", lang),
                 t("col.examples", lang)])
    settings = dataset.mapping.settings
    stage_keys = {"contacted": "stage.contacted", "qualified": "stage.qualified", "visit": "stage.visited", "deal": "stage.won"}
    maturity = ", ".join(f"{t(stage_keys.get(stage, 'stage.leads'), lang).lower()} — {days} {t('appendix.days', lang)}"
                         for stage, days in settings.maturity_days.items())
    methods = t("appendix.methods.text", lang, mapping=dataset.mapping.name, window=settings.repeat_window_days,
                hours=str(settings.working_hours).replace("-", "–"),
                holidays=t("appendix.holidays_closed", lang, country=settings.holiday_country)
                if settings.holidays_closed and settings.holiday_country != "none" else "",
                maturity=maturity)
    parts = section(
        heading("section.appendix", lang),
        heading("appendix.parameters", lang, level=3), table(params, lang),
        heading("appendix.inputs", lang, level=3), table(inputs, lang),
        heading("appendix.issues", lang, level=3),
        Html(f'<div class="la-issues">{table(issues, lang).html}</div>') if len(issues)
        else paragraph(t("appendix.no_issues", lang)),
        heading("appendix.methods", lang, level=3), paragraph(methods),
        paragraph(t(f"methods.{_methods_key(job, parameters, dataset)}", lang)
                  + (t("methods.experiment.did", lang) if job == "experiment" and parameters.get("arms_by") == "period"
                     and parameters.get("scope_channel") else "")) if job else None,
        paragraph(t("appendix.version", lang, version=__version__), "la-note"),
    )
    # one block, so that print can set the reference part in smaller type
    return section(Html('<div class="la-appendix">' + parts.html() + "</div>"))
