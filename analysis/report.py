"""Render a report: validate, load once, run the notebook with papermill, export HTML, write atomically.

:func:`render_report` is the one function behind every CLI command: parameters
are validated and the export is loaded and checked before the notebook runs (bad input →
:class:`~analysis.errors.LeadAuditError`, nothing written); the kernel gets a canonical
snapshot (an Arrow IPC file), so the export is parsed once; the HTML (no code, no prompts, nothing
fetched from the network), the executed notebook and the JSON summary are written
together, each through a temporary file and an atomic rename. A notebook that fails
leaves no HTML or JSON, only ``<name>.failed.ipynb``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .config import NOTEBOOKS_DIR, TEMPLATE_NAME, TEMPLATES_DIR
from .database import is_database_url, redact_url
from .errors import ParameterError, ReportExecutionError
from .i18n import t
from .kernel import warm_kernel
from .jobs import arm_column_of, check_against_data, parameters_hash, parameters_of, scope_shown, scope_text, slugify
from .dataset import Dataset
from .loading import load_dataset
from .snapshot import save_snapshot
from .registry import JOBS
from .summary import dumps, extract_summary

_UMASK = os.umask(0)
os.umask(_UMASK)
HEADING = re.compile(r'<h2 id="([^"]+)" class="la-section">(.*?)</h2>', re.S)


@dataclass(frozen=True)
class ReportFiles:
    """The three files a run wrote, and the summary it wrote into the JSON."""

    html: Path
    notebook: Path
    summary: Path
    summary_data: dict[str, Any]


def _say(message: str, progress: bool) -> None:
    if progress:
        print(f"leadaudit: {message}", file=sys.stderr, flush=True)


def prepare(job: str, out_dir: str | Path | None = None, run_date: dt.date | None = None,
            **kwargs: Any) -> tuple[dict[str, Any], Dataset]:
    """Validate parameters and load the data (everything that can fail on bad input); with
    ``out_dir``, check that the report's three files can be written there before any loading."""
    if job not in JOBS:
        raise ParameterError(f"unknown report «{job}»", hint=f"use one of: {', '.join(JOBS)}")
    params = parameters_of(job)(**kwargs)
    if out_dir is not None:  # named as _render names it: a database URL without its password
        shown = {**params, "leads": redact_url(params["leads"])} if is_database_url(params["leads"]) else params
        check_out(Path(out_dir), report_name(job, shown, run_date))
    dataset = _load_once(params)
    check_against_data(job, params, dataset)
    return params, dataset


_LOADED: dict[tuple, Dataset] = {}


def _file_key(path: str | None) -> tuple:
    if not path:
        return (None,)
    if is_database_url(path):
        return (path,)
    stat = Path(path).stat() if Path(path).exists() else None
    return (str(Path(path).resolve()), None if stat is None else (stat.st_size, stat.st_mtime_ns))


def _load_once(params: dict[str, Any]) -> Dataset:
    """Load the data, reusing it within this process when the same files and options come again
    (``leadaudit demo`` renders three reports from one export: it is parsed once, not three times).
    A changed file (size or modification time) is read again."""
    key = (_file_key(params["leads"]), _file_key(params["spend"]), _file_key(params["mapping"]), params["sheet"],
           params["as_of"], params.get("working_hours"), params.get("query"), arm_column_of(params))
    if key not in _LOADED:
        _LOADED.clear()  # keep one dataset at most: exports can be large
        _LOADED[key] = load_dataset(params["leads"], params["spend"], params["mapping"], sheet=params["sheet"],
                                    as_of=params["as_of"], working_hours=params.get("working_hours"),
                                    query=params.get("query"), arm_column=arm_column_of(params))
    return _LOADED[key]


def report_name(job: str, params: dict[str, Any], run_date: dt.date | None = None) -> str:
    """``<run date>-<job>-<slug>-<hash>``."""
    run_date = run_date or dt.date.today()
    return f"{run_date.isoformat()}-{job}-{slugify(scope_text(job, params))}-{parameters_hash(params)}"


TEMPORARY_SUFFIX = ".leadaudit.tmp"
#: a temporary file or folder of this package older than this is a killed run's, swept at start
STALE_AFTER_SECONDS = 6 * 3600


def check_out(out: Path, name: str) -> None:
    """``--out`` is a folder this run can write its three files into (created if missing): a
    file, a dangling link, a folder that cannot be written, or a folder where a report file
    goes, is exit 2 before anything is loaded or written."""
    if out.is_symlink() and not out.exists():
        raise ParameterError(f"--out «{out}» is a link to «{os.readlink(out)}», which does not exist",
                             hint="give an existing folder, or remove the broken link")
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out «{out}» is a file, not a folder", hint="give a folder for the reports")
    # the folder itself is made only when the report is written (bad input writes nothing): probe
    # the nearest folder that exists, which the report's folder would be made in
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, f"«{existing}» is a file")
        handle, probe = tempfile.mkstemp(prefix=".probe.", suffix=TEMPORARY_SUFFIX, dir=existing)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise ParameterError(f"--out «{out}» cannot be written: {error.strerror or error}",
                             hint="give a folder you can write to (and check the disk has room)") from None
    for suffix in (".html", ".ipynb", ".json"):
        target = out / f"{name}{suffix}"
        if target.exists() and not target.is_file():
            raise ParameterError(f"«{target}» is in the way: it is not a file",
                                 hint="move it away; the report writes a file of that name")
    if out.is_dir():
        sweep_stale(out)


def sweep_stale(out: Path) -> None:
    """Remove what killed runs of this package left: temporary report files in ``out`` and
    ``leadaudit-*`` work folders (data snapshots) in the temporary directory, once stale."""
    import shutil
    import time

    now = time.time()
    candidates = list(out.glob(f".*{TEMPORARY_SUFFIX}")) + list(Path(tempfile.gettempdir()).glob("leadaudit-*"))
    for path in candidates:
        try:
            if now - path.lstat().st_mtime < STALE_AFTER_SECONDS:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def write_set(files: list[tuple[Path, bytes]]) -> None:
    """Write a report's files as one set: every file is written in full and synced as a
    temporary file beside its target first; only when all are written are they renamed into
    place, the HTML last. A full disk or an unwritable folder fails before any rename, leaving
    the previous set whole and no temporary file; readers key on the HTML, which is never newer
    than its notebook and JSON."""
    written: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
            written.append((temporary, path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes 0600; reports are ordinary files
        for temporary, path in sorted(written, key=lambda pair: pair[1].suffix == ".html"):
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in written:
            Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes 0600; reports are ordinary files
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _failing_section(error: Any) -> str:
    index = getattr(error, "cell_index", None)
    source = getattr(error, "source", "") or ""
    call = next((line.strip() for line in source.splitlines() if line.strip() and not line.startswith("#")), "")
    return f"cell {index}: {call}" if index is not None else call


def _execute(job: str, params: dict[str, Any], workdir: Path, progress: bool, kernel: Callable[[], Any]) -> Any:
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source = NOTEBOOKS_DIR / JOBS[job].notebook
    executed = workdir / "executed.ipynb"
    try:
        papermill.execute_notebook(
            str(source), str(executed), parameters=params, kernel_name="python3", progress_bar=progress,
            cwd=str(NOTEBOOKS_DIR), log_output=False, report_mode=False, km=kernel(),
        )
    except PapermillExecutionError as error:
        error.section = _failing_section(error)  # type: ignore[attr-defined]
        raise
    return nbformat.read(executed, as_version=4)


@lru_cache(maxsize=None)
def _exporter(lang: str) -> Any:
    """The HTML exporter of one language, made once per process: ``leadaudit demo`` renders three
    reports, and the template's Jinja compiling (0.3 s) and nbconvert's imports happen once."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.HTMLExporter.template_name = TEMPLATE_NAME
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.language_code = lang
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove_cell"}
    config.HTMLExporter.preprocessors = ["nbconvert.preprocessors.TagRemovePreprocessor"]
    return HTMLExporter(config=config)


_WARMED: set[str] = set()


def _warm_exporter(lang: str) -> threading.Thread | None:
    """Build the HTML exporter and convert a one-cell notebook in a thread, while the kernel
    runs the report on the other core: the template, nbconvert's lazy imports and the first
    conversion cost 0.8 s, the real conversion after them 0.2 s. A failure here is left to
    the real conversion to report."""
    if lang in _WARMED:
        return None
    _WARMED.add(lang)

    def warm() -> None:
        import nbformat

        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_markdown_cell("#"), nbformat.v4.new_code_cell("", outputs=[
            nbformat.v4.new_output("display_data", data={"text/html": "<p></p>", "text/plain": ""})])]
        notebook.metadata["leadaudit"] = {"title": "", "facts": [], "toc": [], "toc_title": "", "footer": ""}
        notebook.metadata["title"] = ""
        try:
            _export_html(notebook, lang)
        except Exception:  # noqa: BLE001 - only a warm-up
            _WARMED.discard(lang)

    thread = threading.Thread(target=warm, daemon=True)
    thread.start()
    return thread


def _export_html(notebook: Any, lang: str) -> str:
    body, _ = _exporter(lang).from_notebook_node(notebook)
    return body


def _header(job: str, params: dict[str, Any], dataset: Dataset, notebook: Any, run_date: dt.date) -> dict[str, Any]:
    lang = params["lang"]
    start, end = dataset.period()
    period = "—" if start is None else f"{start:%d.%m.%Y} — {end:%d.%m.%Y}"
    toc = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html", "")
            text = "".join(text) if isinstance(text, list) else text
            for anchor, title in HEADING.findall(text):
                toc.append([anchor, re.sub(r"<[^>]+>", "", title).replace("&amp;", "&").replace("&quot;", '"')
                            .replace("&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">")])
    return {
        "title": t(f"title.{job}", lang),
        "facts": [
            [t("fact.scope", lang), scope_shown(job, params, lang) or t("scope.all", lang)],
            # without creation dates the data has no period and no export date of its own
            *([[t("fact.period", lang), period], [t("fact.as_of", lang), f"{dataset.as_of:%d.%m.%Y %H:%M}"]]
              if dataset.has_dates else [[t("fact.period", lang), t("fact.no_dates", lang)]]),
            [t("fact.run_date", lang), run_date.strftime("%d.%m.%Y")],
        ],
        "toc": toc,
        "toc_title": t("toc", lang),
        "footer": t("footer", lang, version=__version__),
    }


def render_report(job: str, *, out_dir: str | Path = "reports", progress: bool = True,
                  run_date: dt.date | None = None, kernel: Callable[[], Any] | None = None,
                  **kwargs: Any) -> ReportFiles:
    """Run one report and write its HTML, executed notebook and JSON summary.

    Parameters
    ----------
    job
        ``diagnose``, ``experiment`` or ``quarterly``.
    out_dir
        Output folder (created if missing).
    progress
        Print progress to stderr.
    kernel
        A kernel already starting (what :func:`analysis.kernel.warm_kernel` yields), for a
        caller that started it before its own imports; by default one is started here.
    **kwargs
        The job's parameters (see :mod:`analysis.jobs`).

    Returns
    -------
    ReportFiles

    Raises
    ------
    LeadAuditError
        Bad input or parameters (exit code 2): nothing was written.
    ReportExecutionError
        The notebook failed (exit code 1): only ``<name>.failed.ipynb`` was written.
    """
    run_date = run_date or dt.date.today()
    if kernel is not None:
        return _render(job, out_dir, progress, run_date, kernel, kwargs)
    with warm_kernel() as started:
        return _render(job, out_dir, progress, run_date, started, kwargs)


def _render(job: str, out_dir: str | Path, progress: bool, run_date: dt.date, kernel: Callable[[], Any],
            kwargs: dict[str, Any]) -> ReportFiles:
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    _say("checking parameters and reading the data", progress)
    params, dataset = prepare(job, out_dir=out_dir, run_date=run_date, **kwargs)
    if is_database_url(params["leads"]):  # the kernel reads the snapshot: it never needs the password
        params = {**params, "leads": redact_url(params["leads"])}
    out = Path(out_dir)
    name = report_name(job, params, run_date)
    with tempfile.TemporaryDirectory(prefix="leadaudit-") as workdir:
        snapshot = save_snapshot(dataset, Path(workdir) / "snapshot")
        run_params = {**params, "snapshot": str(snapshot)}
        _say(f"running notebooks/{JOBS[job].notebook}", progress)
        warming = _warm_exporter(params["lang"])
        try:
            notebook = _execute(job, run_params, Path(workdir), progress, kernel)
        except PapermillExecutionError as error:
            out.mkdir(parents=True, exist_ok=True)
            failed = out / f"{name}.failed.ipynb"
            executed = Path(workdir) / "executed.ipynb"
            if executed.exists():
                atomic_write(failed, executed.read_bytes())
            raise ReportExecutionError(
                f"the report notebook failed in section «{error.section}»: {error.ename}: {error.evalue}",
                file=str(failed), hint="the executed notebook is kept there for debugging; no report was written",
            ) from None
    summary = extract_summary(notebook)
    if summary is None:
        raise ReportExecutionError(f"the notebook {JOBS[job].notebook} emitted no summary",
                                   hint="its last cell must call la.emit_summary(...)")
    _say("rendering HTML", progress)
    notebook.metadata["leadaudit"] = _header(job, params, dataset, notebook, run_date)
    notebook.metadata["title"] = f"{t(f'title.{job}', params['lang'])} — {scope_shown(job, params, params['lang'])}"
    if warming is not None:
        warming.join()
    html = _export_html(notebook, params["lang"])
    out.mkdir(parents=True, exist_ok=True)
    files = ReportFiles(out / f"{name}.html", out / f"{name}.ipynb", out / f"{name}.json", summary)
    try:
        write_set([(files.notebook, nbformat.writes(notebook).encode("utf-8")),
                   (files.summary, dumps(summary).encode("utf-8")),
                   (files.html, html.encode("utf-8"))])
    except OSError as error:
        raise ParameterError(f"the report could not be written to «{out}»: {error.strerror or error}",
                             hint="free some disk space or choose another --out; the previous report, if any, "
                                  "is unchanged") from None
    (out / f"{name}.failed.ipynb").unlink(missing_ok=True)
    _update_log(out, params["lang"], progress)
    return files


def _update_log(out: Path, lang: str, progress: bool) -> None:
    """Rebuild the folder's complaint log (index.html). It is derived from the JSON summaries, so a
    failure here leaves the report whole and the log rebuildable (leadaudit index)."""
    from .complaint_log import build_index

    try:
        build_index(out, lang)
    except OSError as error:
        _say(f"the report is written, but index.html could not be updated: {error.strerror or error}", True)
