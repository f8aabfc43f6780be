"""Every report job, declared once: its command-line options, its notebook, its demo run, and the
names of the functions that validate its parameters, check them against the data and name its scope.

The command line, parameter validation, the report runner and the tests' job lists are all read
from :data:`JOBS`; adding a job is one :class:`Job` here, its functions in :mod:`analysis.jobs`
(parameters, checks, scope), its computation and sections, its texts and its notebook.

This module imports neither pandas nor the report stack: the command parses its arguments with it
before the kernel starts (see :mod:`analysis.kernel`). The functions are named, not imported, and
:meth:`Job.function` resolves them in :mod:`analysis.jobs` when they are needed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any, Callable

from .config import ARMS_BY, BASELINES, CLAIMS


@dataclass(frozen=True)
class Option:
    """One command-line option of a job: argparse's flags and keywords; ``group`` titles its help group."""

    flags: tuple[str, ...]
    keywords: dict[str, Any] = field(default_factory=dict)
    group: str | None = None

    @property
    def dest(self) -> str:
        return self.keywords.get("dest") or self.flags[0].lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Job:
    """A report job. The function names point into :mod:`analysis.jobs`."""

    name: str
    notebook: str  #: the notebook in notebooks/ that renders it
    help: str  #: one line for ``leadaudit --help``
    description: str  #: the paragraph for ``leadaudit <job> --help``
    options: tuple[Option, ...]
    demo: dict[str, Any]  #: the keyword arguments of its run in ``leadaudit demo``
    parameters: str  #: validates keyword arguments into the job's frozen parameters (a :class:`~analysis.jobs.Parameters`)
    check: str  #: checks the parameters against the loaded data (raises ScopeError)
    scope: str = "report_scope_text"  #: the stable scope text that names the files
    scope_shown: str = "report_scope_shown"  #: the scope as the report's header shows it

    def function(self, role: str) -> Callable[..., Any]:
        """The function playing ``role`` (``parameters``, ``check``, ``scope``, ``scope_shown``): a name in
        :mod:`analysis.jobs`, or ``module:name`` for a job that keeps its functions in its own module."""
        import importlib

        module, _, name = getattr(self, role).rpartition(":")
        return getattr(importlib.import_module(f"analysis.{module or 'jobs'}"), name)

    def add_to(self, commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
        """Add this job's subcommand, with the common options and its own, to ``commands``."""
        parser = commands.add_parser(self.name, help=self.help, description=self.description)
        common(parser)
        groups: dict[str | None, Any] = {None: parser}
        for option in self.options:
            if option.group not in groups:
                groups[option.group] = parser.add_argument_group(option.group)
            groups[option.group].add_argument(*option.flags, **option.keywords)

    def arguments(self, args: argparse.Namespace) -> dict[str, Any]:
        """This job's own options from the parsed command line, as keyword arguments."""
        return {option.dest: getattr(args, option.dest) for option in self.options}


#: the processing options the diagnosis and the monitor share
SLA_MINUTES = {"type": float, "default": 15, "metavar": "N",
               "help": "first attempt within N working minutes counts as on time (default: 15)"}
WORKING_HOURS = {"metavar": "HH:MM-HH:MM", "help": "sales working hours (default: 09:00-21:00)"}

SCOPE = "what the complaint is about (each option may be repeated)"
CLAIM = "the complaint"
ARMS = "arms"

DIAGNOSE = Job(
    name="diagnose", notebook="complaint_diagnosis.ipynb",
    help="is a complaint about leads supported, and is it lead quality or processing?",
    description="Complaint diagnosis: compares the leads the complaint names (the scope) with a baseline, stage by "
                "stage, and says whether the problem is in lead quality or in lead processing.",
    options=(
        Option(("--channel",), {"action": "append", "default": [], "metavar": "NAME", "help": "channel (source), e.g. Авито"},
               SCOPE),
        Option(("--campaign",), {"action": "append", "default": [], "metavar": "NAME", "help": "ad campaign"}, SCOPE),
        Option(("--model",), {"action": "append", "default": [], "metavar": "NAME", "help": "car model"}, SCOPE),
        Option(("--manager",), {"action": "append", "default": [], "metavar": "NAME", "help": "sales manager"}, SCOPE),
        Option(("--period",), {"metavar": "FROM:TO", "help": "dates, e.g. 2026-10-01:2026-10-31"}, SCOPE),
        Option(("--claim",), {"choices": CLAIMS, "default": "general",
                              "help": "what sales says: not_target, no_contact (don't answer), no_budget, wrong_model, "
                                      "cold, duplicates, general (default)"}, CLAIM),
        Option(("--complaint",), {"default": "", "metavar": "TEXT", "help": "the complaint in sales' words (shown verbatim)"},
               CLAIM),
        Option(("--baseline",), {"choices": BASELINES, "default": "rest",
                                 "help": "compare with: rest = other leads of the same period (default); previous_period; "
                                         "same_period_last_year"}, CLAIM),
        Option(("--sla-minutes",), SLA_MINUTES, CLAIM),
        Option(("--working-hours",), WORKING_HOURS, CLAIM),
        Option(("--min-gap",), {"type": float, "metavar": "SHARE",
                                "help": "smallest gap that matters, as a fraction (default: max(0.03, 0.2 × baseline "
                                        "rate))"}, CLAIM),
    ),
    demo={"channel": ["Авито"], "period": "2026-08-01:2026-10-31", "claim": "not_target",
          "complaint": "Лиды с Авито нецелевые: звонят «просто узнать цену», покупать не собираются"},
    parameters="diagnose_parameters", check="check_diagnose",
)

EXPERIMENT = Job(
    name="experiment", notebook="experiment_evaluation.ipynb",
    help="did an ad change give fewer but better leads, and is it worth it?",
    description="Experiment evaluation: compares two arms on qualified leads per rouble (the decision metric), lead "
                "volume, rates and costs.",
    options=(
        Option(("--arms-by",), {"choices": ARMS_BY, "default": "campaign",
                                "help": "how arms are told apart: a column's value, a campaign name, or a period "
                                        "FROM:TO"}, ARMS),
        Option(("--control",), {"required": True, "metavar": "ARM", "help": "control arm (campaign, value or FROM:TO)"},
               ARMS),
        Option(("--variant",), {"required": True, "metavar": "ARM", "help": "variant arm (campaign, value or FROM:TO)"},
               ARMS),
        Option(("--arm-column",), {"metavar": "NAME", "help": "with --arms-by column: the column holding the arm"}, ARMS),
        Option(("--scope-channel",), {"metavar": "NAME", "help": "only leads of this channel"}, ARMS),
        Option(("--spend-control",), {"type": float, "metavar": "AMOUNT", "help": "control spend, without a spend file"},
               ARMS),
        Option(("--spend-variant",), {"type": float, "metavar": "AMOUNT", "help": "variant spend, without a spend file"},
               ARMS),
        Option(("--expected-split",), {"default": "50:50", "metavar": "A:B", "help": "planned traffic split (default 50:50)"},
               ARMS),
        Option(("--margin",), {"type": float, "default": 0.10, "metavar": "SHARE",
                               "help": "non-inferiority margin on qualified leads per rouble (default: 0.10)"}, ARMS),
        Option(("--running",), {"action": "store_true",
                                "help": "the experiment is still running: add always-valid intervals that stay honest "
                                        "however often it is re-run, and say whether it can stop"}, ARMS),
    ),
    demo={"arms_by": "campaign", "control": "Creta без цены", "variant": "Creta с ценой",
          "scope_channel": "Яндекс Директ"},
    parameters="experiment_parameters", check="check_experiment",
)

QUARTERLY = Job(
    name="quarterly", notebook="quarterly_report.ipynb",
    help="the quarter in one report for management",
    description="Quarterly report: KPIs, funnel, channels, costs, processing speed, loss reasons; quarter over quarter "
                "and year over year.",
    options=(
        Option(("--quarter",), {"required": True, "metavar": "YYYYQn", "help": "e.g. 2026Q3"}),
        Option(("--margin",), {"type": float, "metavar": "SHARE", "help": "gross margin share, enables ROMI"}),
        Option(("--sla-minutes",), {"type": float, "default": 15, "metavar": "N",
                                    "help": "first attempt within N working minutes counts as on time; the report also "
                                            "shows 2N (default: 15)"}),
    ),
    demo={"quarter": "2026Q3"},
    parameters="quarterly_parameters", check="check_quarterly",
)

MONITOR = Job(
    name="monitor", notebook="weekly_monitor.ipynb",
    help="which channel, campaign or manager turned worse this week, beyond noise?",
    description="Weekly monitor: every channel, campaign and manager on contact rate, qualified share, first-attempt "
                "speed and loss reasons, each against its own history and the rest of the leads; what moved beyond "
                "noise, ranked by the leads it cost, each with the diagnose command that examines it.",
    options=(
        Option(("--weeks",), {"type": int, "default": 12, "metavar": "N",
                              "help": "weeks scanned, ending with the export day (default: 12)"}),
        Option(("--recent",), {"type": int, "default": 3, "metavar": "N",
                               "help": "also test the last N weeks pooled, for a drift that builds up (default: 3)"}),
        Option(("--sla-minutes",), SLA_MINUTES),
        Option(("--working-hours",), WORKING_HOURS),
    ),
    demo={},
    parameters="monitor:monitor_parameters", check="monitor:check_monitor", scope="monitor:scope_text",
    scope_shown="monitor:scope_shown",
)

#: every job by name, in the order the command line and ``leadaudit demo`` list them
JOBS: dict[str, Job] = {job.name: job for job in (DIAGNOSE, EXPERIMENT, QUARTERLY, MONITOR)}

#: ``leadaudit demo``: each job's run on the bundled sample
DEMO_RUNS: tuple[tuple[str, dict[str, Any]], ...] = tuple((job.name, dict(job.demo)) for job in JOBS.values())
