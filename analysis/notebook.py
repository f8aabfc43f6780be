"""What a report notebook calls: one import (``import analysis.notebook as la``), thin cells."""

from __future__ import annotations

from typing import Any

from .diagnosis import diagnose
from .diagnosis_report import (
    actions_section, channels_section, diagnosis_warnings, funnel_section, label_noise_section, processing_section,
    reasons_section, scope_section, trend_section, verdict_section,
)
from .diagnosis_report import glossary_section, summary_section
from .experiment import evaluate
from .experiment_report import (
    arms_section, checks_section, daily_section, decision_section, experiment_warnings, metrics_section,
    running_section,
)
from .experiment_report import glossary_section as experiment_glossary_section
from .experiment_report import summary_section as experiment_summary_section
from .quarterly import quarterly
from .quarterly_report import (
    budget_section, findings_section, kpi_section, quarterly_warnings,
)
from .quarterly_report import glossary_section as quarter_glossary_section
from .quarterly_report import summary_section as quarter_summary_section
from .quarterly_report import channels_section as quarter_channels_section
from .quarterly_report import funnel_section as quarter_funnel_section
from .quarterly_report import processing_section as quarter_processing_section
from .quarterly_report import reasons_section as quarter_reasons_section
from .quarterly_report import trends_section as quarter_trends_section
from . import monitor_report
from .jobs import arm_column_of, diagnose_parameters, experiment_parameters, quarterly_parameters
from .monitor import monitor, monitor_parameters
from .dataset import Dataset
from .loading import load_dataset
from .overview import appendix_section
from .summary import emit_summary

__all__ = [
    "budget_section", "findings_section", "kpi_section", "quarter_channels_section", "quarter_funnel_section",
    "quarter_glossary_section", "quarter_summary_section",
    "quarter_processing_section", "quarter_reasons_section", "quarter_trends_section", "quarterly",
    "quarterly_warnings",
    "arms_section", "checks_section", "daily_section", "decision_section", "evaluate", "experiment_warnings",
    "metrics_section", "running_section", "experiment_glossary_section", "experiment_summary_section",
    "actions_section", "channels_section", "diagnose", "diagnosis_warnings", "funnel_section", "label_noise_section",
    "processing_section", "reasons_section", "scope_section", "trend_section", "verdict_section",
    "glossary_section", "summary_section",
    "appendix_section", "diagnose_parameters", "emit_summary", "experiment_parameters", "load_report_data",
    "quarterly_parameters", "monitor", "monitor_parameters", "monitor_report",
]


def load_report_data(params: dict[str, Any]) -> Dataset:
    """Load the data a report's validated parameters point at (the CLI's snapshot when given)."""
    return load_dataset(params["leads"], params["spend"], params["mapping"], sheet=params["sheet"],
                        as_of=params["as_of"], working_hours=params.get("working_hours"),
                        snapshot=params["snapshot"], query=params.get("query"), arm_column=arm_column_of(params))
