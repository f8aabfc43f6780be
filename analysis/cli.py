"""The ``leadaudit`` command: a thin wrapper over :func:`analysis.report.render_report`."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any, Sequence

from . import __version__
from .allocator import tune_this_process
from .config import ARMS_BY, BASELINES, CLAIMS, LANGUAGES
from .errors import LeadAuditError
from .kernel import warm_kernel

DESCRIPTION = """\
leadaudit answers, with honest statistics, whether "the leads are bad" holds and where the
problem sits (lead quality or lead processing), evaluates ad experiments, and renders the
quarterly report. Each command reads a CRM export, writes an HTML report, the executed
notebook and a JSON summary into --out, and prints the HTML path last.
"""

EPILOG = """\
examples:
  leadaudit demo
  leadaudit diagnose   --leads export.xlsx --channel Авито --period 2026-10-01:2026-10-31 --claim no_contact --complaint "не берут трубку"
  leadaudit experiment --leads export.csv --spend spend.csv --arms-by campaign --control "Creta без цены" --variant "Creta с ценой"
  leadaudit quarterly  --leads export.csv --spend spend.csv --quarter 2026Q3

exit codes: 0 done; 2 bad input or parameters (nothing written); 1 the notebook failed
(the executed notebook is kept as <name>.failed.ipynb).
"""

DEMO_RUNS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("diagnose", {"channel": ["Авито"], "period": "2026-08-01:2026-10-31", "claim": "not_target",
                  "complaint": "Лиды с Авито нецелевые: звонят «просто узнать цену», покупать не собираются"}),
    ("experiment", {"arms_by": "campaign", "control": "Creta без цены", "variant": "Creta с ценой",
                    "scope_channel": "Яндекс Директ"}),
    ("quarterly", {"quarter": "2026Q3"}),
)


def _common(parser: argparse.ArgumentParser, data: bool = True) -> None:
    if data:
        group = parser.add_argument_group("data")
        group.add_argument("--leads", metavar="PATH",
                           help="CRM export: CSV, XLSX, Bitrix24 .xls (HTML) or Parquet, or a postgresql://user@host/db "
                                "URL with --query (default: the bundled sample)")
        group.add_argument("--query", metavar="SQL",
                           help="with a postgresql:// --leads: the SELECT whose rows are the leads, or a table name "
                                "(read-only; give the password in PGPASSWORD or ~/.pgpass)")
        group.add_argument("--spend", metavar="PATH", help="ad spend export: date, channel, [campaign], spend …")
        group.add_argument("--mapping", metavar="PATH",
                           help="YAML mapping of your headers and statuses (default: recognised from the headers)")
        group.add_argument("--sheet", metavar="NAME", help="XLSX sheet to read (default: the first)")
        group.add_argument("--as-of", metavar="DATE", help="export date (default: the latest lead's creation time)")
    output = parser.add_argument_group("report")
    output.add_argument("--lang", choices=LANGUAGES, default="ru", help="report language (default: ru)")
    if data:
        output.add_argument("--alpha", type=float, default=0.05,
                            help="significance level; intervals are at 1 − alpha (default: 0.05)")
    output.add_argument("--out", metavar="DIR", default="reports", help="output folder (default: reports/)")
    output.add_argument("--quiet", action="store_true", help="no progress messages on stderr")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leadaudit", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"leadaudit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser("demo", help="all three reports on the bundled sample data",
                               description="Render the three reports on the bundled sample data into --out.")
    _common(demo, data=False)

    diagnose = commands.add_parser(
        "diagnose", help="is a complaint about leads supported, and is it lead quality or processing?",
        description="Complaint diagnosis: compares the leads the complaint names (the scope) with a baseline, "
                    "stage by stage, and says whether the problem is in lead quality or in lead processing.")
    _common(diagnose)
    scope = diagnose.add_argument_group("what the complaint is about (each option may be repeated)")
    scope.add_argument("--channel", action="append", default=[], metavar="NAME", help="channel (source), e.g. Авито")
    scope.add_argument("--campaign", action="append", default=[], metavar="NAME", help="ad campaign")
    scope.add_argument("--model", action="append", default=[], metavar="NAME", help="car model")
    scope.add_argument("--manager", action="append", default=[], metavar="NAME", help="sales manager")
    scope.add_argument("--period", metavar="FROM:TO", help="dates, e.g. 2026-10-01:2026-10-31")
    claim = diagnose.add_argument_group("the complaint")
    claim.add_argument("--claim", choices=CLAIMS, default="general",
                       help="what sales says: not_target, no_contact (don't answer), no_budget, wrong_model, cold, "
                            "duplicates, general (default)")
    claim.add_argument("--complaint", default="", metavar="TEXT", help="the complaint in sales' words (shown verbatim)")
    claim.add_argument("--baseline", choices=BASELINES, default="rest",
                       help="compare with: rest = other leads of the same period (default); previous_period; "
                            "same_period_last_year")
    claim.add_argument("--sla-minutes", type=float, default=15, metavar="N",
                       help="answer within N working minutes counts as on time (default: 15)")
    claim.add_argument("--working-hours", metavar="HH:MM-HH:MM", help="sales working hours (default: 09:00-21:00)")
    claim.add_argument("--min-gap", type=float, metavar="SHARE",
                       help="smallest gap that matters, as a fraction (default: max(0.03, 0.2 × baseline rate))")

    experiment = commands.add_parser(
        "experiment", help="did an ad change give fewer but better leads, and is it worth it?",
        description="Experiment evaluation: compares two arms on qualified leads per rouble (the decision metric), "
                    "lead volume, rates and costs.")
    _common(experiment)
    arms = experiment.add_argument_group("arms")
    arms.add_argument("--arms-by", choices=ARMS_BY, default="campaign",
                      help="how arms are told apart: a column's value, a campaign name, or a period FROM:TO")
    arms.add_argument("--control", required=True, metavar="ARM", help="control arm (campaign, value or FROM:TO)")
    arms.add_argument("--variant", required=True, metavar="ARM", help="variant arm (campaign, value or FROM:TO)")
    arms.add_argument("--arm-column", metavar="NAME", help="with --arms-by column: the column holding the arm")
    arms.add_argument("--scope-channel", metavar="NAME", help="only leads of this channel")
    arms.add_argument("--spend-control", type=float, metavar="AMOUNT", help="control spend, without a spend file")
    arms.add_argument("--spend-variant", type=float, metavar="AMOUNT", help="variant spend, without a spend file")
    arms.add_argument("--expected-split", default="50:50", metavar="A:B", help="planned traffic split (default 50:50)")
    arms.add_argument("--margin", type=float, default=0.10, metavar="SHARE",
                      help="non-inferiority margin on qualified leads per rouble (default: 0.10)")

    quarterly = commands.add_parser("quarterly", help="the quarter in one report for management",
                                    description="Quarterly report: KPIs, funnel, channels, costs, processing speed, "
                                                "loss reasons; quarter over quarter and year over year.")
    _common(quarterly)
    quarterly.add_argument("--quarter", required=True, metavar="YYYYQn", help="e.g. 2026Q3")
    quarterly.add_argument("--margin", type=float, metavar="SHARE", help="gross margin share, enables ROMI")
    return parser


def _job_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    common = {"leads": args.leads, "query": args.query, "spend": args.spend, "mapping": args.mapping, "sheet": args.sheet,
              "as_of": args.as_of, "lang": args.lang, "alpha": args.alpha}
    if args.command == "diagnose":
        return {**common, "channel": args.channel, "campaign": args.campaign, "model": args.model,
                "manager": args.manager, "period": args.period, "claim": args.claim, "complaint": args.complaint,
                "baseline": args.baseline, "sla_minutes": args.sla_minutes, "working_hours": args.working_hours,
                "min_gap": args.min_gap}
    if args.command == "experiment":
        return {**common, "arms_by": args.arms_by, "control": args.control, "variant": args.variant,
                "arm_column": args.arm_column, "scope_channel": args.scope_channel,
                "spend_control": args.spend_control, "spend_variant": args.spend_variant,
                "expected_split": args.expected_split, "margin": args.margin}
    return {**common, "quarter": args.quarter, "margin": args.margin}


def _terminated(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    # jsonschema, which nbformat and papermill import, loads the optional rfc3987-syntax; its
    # 1.1.0 compiles a Lark grammar on import, 1.5 s of every run here, for an IRI format
    # check nbformat never makes (python-jsonschema/jsonschema#1392, #1521). jsonschema
    # does without that checker when the import fails, so this command does not load it.
    sys.modules.setdefault("rfc3987_syntax", None)
    tune_this_process()  # freed blocks kept for reuse: see analysis.allocator
    # SIGTERM unwinds like Ctrl-C: the kernel is shut down (its connection file goes) and the
    # work folder with the data snapshot is removed; no report file is half-written
    signal.signal(signal.SIGTERM, _terminated)
    try:
        runs = [(job, {"lang": args.lang, **kwargs}) for job, kwargs in DEMO_RUNS] if args.command == "demo" \
            else [(args.command, _job_kwargs(args))]
        for job, kwargs in runs:
            # the kernel starts first: it imports the report stack on the other core while this
            # process imports pandas and reads the data (1M leads: 0.8 s sooner than after them)
            with warm_kernel() as kernel:
                from .report import render_report

                files = render_report(job, out_dir=args.out, progress=not args.quiet, kernel=kernel, **kwargs)
            print(files.html, flush=True)
        return 0
    except LeadAuditError as error:
        print(f"leadaudit: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("leadaudit: interrupted; no report was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
