"""Benchmark: how long the reports take on large exports, beside a floor measured in the same run.

Generates exports in the bundled sample's dialect (cp1251, ';', decimal commas) by
repeating the sample with fresh IDs, phones and e-mails and each copy's timestamps
shifted (so they hardly repeat, as in a real export), then for each size runs

- ``leadaudit diagnose`` and ``leadaudit quarterly`` (wall time, peak memory of the
  largest process: the CLI or its kernel), and
- the floor: a bare papermill notebook that imports the report stack, reads the same file
  with pyarrow (cells as bytes, the fastest read we know), counts leads per channel and
  renders five seaborn plots to HTML.

It prints a table; it is not a test (timings belong to a machine, not to a pass/fail).
Each size runs ``--repeat`` rounds of the three (default 3 below 5M leads), interleaved, and prints the medians (a
shared machine's speed drifts by 20% from minute to minute) and the largest peak.

    python benchmarks/run.py --sizes 1000000 10000000 --repeat 3

``--before REV`` also runs the two reports with the code of an earlier commit (checked out into a
temporary git worktree and put first on ``PYTHONPATH``) in the same rounds, so a change's effect is
measured side by side, on the same minutes of the same machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.config import SAMPLE_LEADS  # noqa: E402

FLOOR_CELLS = [
    "import pandas as pd, seaborn as sns, matplotlib, pyarrow as pa, pyarrow.csv as pc, statsmodels.api, analysis.notebook",
    "path = None",
    # the fastest pyarrow read of a cp1251 export: cells parsed as bytes (pyarrow's own
    # encoding= decodes every cell in one Python thread), only the channel names decoded
    "table = pc.read_csv(path, read_options=pc.ReadOptions(skip_rows=1, autogenerate_column_names=True), "
    "parse_options=pc.ParseOptions(delimiter=';', newlines_in_values=True), "
    "convert_options=pc.ConvertOptions(column_types={f'f{i}': pa.binary() for i in range(18)}))",
    "counts = table.group_by('f2').aggregate([('f0', 'count')]).to_pandas()\n"
    "counts['channel'] = [name.decode('cp1251') for name in counts['f2']]",
    *[f"sns.barplot(data=counts, x='f0_count', y='channel'); matplotlib.pyplot.show()  # plot {i}" for i in range(5)],
]


DATE_HEADERS = ("Дата создания", "Первая попытка связи", "Первый контакт")
EXPORT_VERSION = 2  # 2: each copy's timestamps shifted, so they do not repeat from copy to copy


def make_export(rows: int, folder: Path) -> Path:
    """The sample repeated to ``rows`` leads with new IDs, phones and e-mails (so repeats stay
    realistic). Each copy's timestamps move by its own offset (under ±30 minutes, the same
    for a lead's three dates), so they hardly repeat, as in a real export: copies of the same
    timestamps let the reader keep them as a few thousand categories, and their parsing cost
    nothing (version 1 of these exports did that). A million leads over the sample's 18 months."""
    path = folder / f"leads_{rows}_v{EXPORT_VERSION}.csv"
    if path.exists():
        return path
    sample = pd.read_csv(SAMPLE_LEADS, sep=";", encoding="cp1251", dtype=str, keep_default_na=False)
    stamps = {}
    for header in DATE_HEADERS:  # cells in either of the sample's formats move; other cells stay as written
        cells = sample[header]
        with_seconds = pd.to_datetime(cells, format="%d.%m.%Y %H:%M:%S", errors="coerce")
        without = pd.to_datetime(cells, format="%d.%m.%Y %H:%M", errors="coerce")
        stamps[header] = (with_seconds.fillna(without), with_seconds.notna(), (with_seconds.notna() | without.notna()))
    with open(path, "w", encoding="cp1251", newline="") as handle:
        written = 0
        copy = 0
        while written < rows:
            part = sample.iloc[: rows - written].copy()
            part["ID"] = (np.arange(len(part)) + written + 1).astype(str)
            part["Телефон"] = part["Телефон"].str.replace(r"\d{4}$", f"{copy % 10000:04d}", regex=True)
            # new people in every copy: without this, e-mails would link each person across all copies
            part["Email"] = part["Email"].str.replace(r"^(?=.)", f"c{copy}.", regex=True)
            shift = pd.Timedelta(seconds=(copy * 7919) % 3600 - 1800) if copy else pd.Timedelta(0)
            for header, (parsed, with_seconds, parsed_ok) in stamps.items():
                moved = (parsed.iloc[: len(part)] + shift)
                text = np.where(with_seconds.iloc[: len(part)], moved.dt.strftime("%d.%m.%Y %H:%M:%S"),
                                moved.dt.strftime("%d.%m.%Y %H:%M"))
                part[header] = np.where(parsed_ok.iloc[: len(part)], text, part[header])
            part.to_csv(handle, sep=";", index=False, header=written == 0, lineterminator="\r\n")
            written += len(part)
            copy += 1
    return path


WRAPPER = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
           "print('maxrss', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")


def timed(command: list[str], code: Path | None = None) -> tuple[float, float]:
    """Wall seconds and the peak resident memory (MB) of the largest process the command started
    (``code``: a source tree whose ``analysis`` is imported instead of this one).

    A fresh wrapper process per measurement: Linux reports, for reaped descendants, the
    largest one's peak (ru_maxrss of RUSAGE_CHILDREN, in KB) — the CLI or its kernel.
    """
    env = None if code is None else {**os.environ, "PYTHONPATH": str(code)}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, env=env,
                            cwd=code)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{result.stderr[-2000:]}")
    peak_kb = int(result.stderr.strip().splitlines()[-1].split()[-1])
    return elapsed, peak_kb / 1024


def floor(export: Path, folder: Path) -> tuple[float, float]:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in FLOOR_CELLS]
    notebook.cells[1].metadata["tags"] = ["parameters"]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source = folder / "floor.ipynb"
    nbformat.write(notebook, source)
    script = (f"import papermill, nbformat; from nbconvert import HTMLExporter; "
              f"papermill.execute_notebook({str(source)!r}, {str(folder / 'floor.out.ipynb')!r}, "
              f"parameters={{'path': {str(export)!r}}}, progress_bar=False); "
              f"HTMLExporter().from_notebook_node(nbformat.read({str(folder / 'floor.out.ipynb')!r}, 4))")
    return timed([sys.executable, "-c", script])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=None,
                        help="rounds per size (floor, diagnose, quarterly in turn), the median printed; "
                             "default 3 below 5M leads, 1 above")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "leadaudit-bench")
    parser.add_argument("--before", metavar="REV", help="also run the reports with this commit's code, side by side")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    cli = [sys.executable, "-m", "analysis.cli"]
    jobs = {"diagnose": ["--channel", "Авито", "--claim", "not_target"], "quarterly": ["--quarter", "2026Q3"]}
    before = None
    if args.before:
        before = args.work / "before"
        if before.exists():
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=False)
            shutil.rmtree(before, ignore_errors=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.before], check=True,
                       capture_output=True)
    try:
        _measure(args, cli, jobs, before)
    finally:
        if before is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=False)


def _measure(args: argparse.Namespace, cli: list[str], jobs: dict[str, list[str]], before: Path | None) -> None:
    print(f"{'leads':>10}  {'run':<19} {'seconds':>8} {'peak MB':>8}  {'× floor':>7}  {'each round (s)'}", flush=True)
    for size in args.sizes:
        export = make_export(size, args.work)
        out = args.work / "out"
        rounds: dict[str, list[tuple[float, float]]] = {"floor": [], **{job: [] for job in jobs}}
        if before is not None:
            rounds.update({f"{job} (before)": [] for job in jobs})
        # rounds interleave the runs, so a machine that slows down for a while slows all of them
        for _ in range(args.repeat or (3 if size < 5_000_000 else 1)):
            rounds["floor"].append(floor(export, args.work))
            for job, extra in jobs.items():
                command = [*cli, job, "--leads", str(export), *extra, "--out", str(out), "--quiet"]
                if before is not None:
                    rounds[f"{job} (before)"].append(timed(command, before))
                rounds[job].append(timed(command))
        base_time = float(np.median([seconds for seconds, _ in rounds["floor"]]))
        for run, measured in rounds.items():
            seconds = float(np.median([s for s, _ in measured]))
            memory = max(m for _, m in measured)
            each = " ".join(f"{s:.1f}" for s, _ in measured)
            print(f"{size:>10}  {run:<19} {seconds:8.1f} {memory:8.0f}  {seconds / base_time:7.2f}  {each}", flush=True)


if __name__ == "__main__":
    main()
