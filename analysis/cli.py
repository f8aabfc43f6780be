"""The ``leadaudit`` command: a thin wrapper over :func:`analysis.report.render_report`."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any, Sequence

from . import __version__
from .allocator import tune_this_process
from .config import LANGUAGES
from .errors import LeadAuditError, ParameterError
from .kernel import warm_kernel
from .registry import DEMO_RUNS, JOBS

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

    for job in JOBS.values():
        job.add_to(commands, _common)
    index = commands.add_parser("index", help="rebuild index.html, the log of every report in --out",
                                description="Rebuild the complaint log (index.html) of a reports folder from its JSON "
                                            "summaries. Every command also updates it after writing a report.")
    index.add_argument("--out", metavar="DIR", default="reports", help="the reports folder (default: reports/)")
    index.add_argument("--lang", choices=LANGUAGES, default="ru", help="page language (default: ru)")
    return parser


def _job_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    common = {"leads": args.leads, "query": args.query, "spend": args.spend, "mapping": args.mapping, "sheet": args.sheet,
              "as_of": args.as_of, "lang": args.lang, "alpha": args.alpha}
    return {**common, **JOBS[args.command].arguments(args)}


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
        if args.command == "index":
            from .complaint_log import build_index

            if not Path(args.out).is_dir():
                raise ParameterError(f"--out «{args.out}» is not a folder", hint="give the folder the reports are in")
            print(build_index(args.out, args.lang), flush=True)
            return 0
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
