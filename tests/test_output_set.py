"""The three outputs are one set, and a folder that cannot take them is refused before anything
runs: a read-only or dangling --out, a folder where a report file goes, a full
disk — exit 2 with the previous report whole and no temporary file left behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from analysis.errors import ParameterError
from analysis.report import TEMPORARY_SUFFIX, prepare, report_name, sweep_stale, write_set
from analysis.jobs import quarterly_parameters

KWARGS = {"quarter": "2026Q3", "progress": False}


def _prepare(out: Path):
    return prepare("quarterly", out_dir=out, quarter="2026Q3")


def test_out_that_is_a_file_a_dangling_link_or_under_a_file_is_refused_first(tmp_path, monkeypatch):
    loaded = []
    monkeypatch.setattr("analysis.report._load_once", lambda params: loaded.append(params))
    afile = tmp_path / "afile"
    afile.write_text("x")
    dangling = tmp_path / "gone"
    dangling.symlink_to(tmp_path / "nowhere")
    for out, message in ((afile, "is a file"), (dangling, "does not exist"), (afile / "sub", "cannot be written")):
        with pytest.raises(ParameterError, match=message):
            _prepare(out)
    assert loaded == []  # refused before the data was read
    assert not (tmp_path / "nowhere").exists()


def test_a_folder_where_the_report_goes_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("analysis.report._load_once", lambda params: None)
    name = report_name("quarterly", quarterly_parameters(quarter="2026Q3"))
    (tmp_path / f"{name}.html").mkdir()
    with pytest.raises(ParameterError, match="is in the way"):
        _prepare(tmp_path)


def test_a_set_is_renamed_only_once_every_file_is_written(tmp_path, monkeypatch):
    old = {tmp_path / "r.ipynb": b"old nb", tmp_path / "r.json": b"old json", tmp_path / "r.html": b"old html"}
    for path, data in old.items():
        path.write_bytes(data)
    real_fdopen = os.fdopen
    calls = []

    def full_disk_on_the_second(handle, mode):
        stream = real_fdopen(handle, mode)
        calls.append(1)
        if len(calls) == 2:
            stream.close()
            raise OSError(28, "No space left on device")
        return stream

    monkeypatch.setattr("analysis.report.os.fdopen", full_disk_on_the_second)
    with pytest.raises(OSError):
        write_set([(tmp_path / "r.ipynb", b"new nb"), (tmp_path / "r.json", b"new json"),
                   (tmp_path / "r.html", b"new html")])
    assert {path: path.read_bytes() for path in old} == old  # the previous set, whole
    assert not list(tmp_path.glob(f"*{TEMPORARY_SUFFIX}")) and len(list(tmp_path.iterdir())) == 3
    monkeypatch.setattr("analysis.report.os.fdopen", real_fdopen)
    order = []
    real_replace = os.replace
    monkeypatch.setattr("analysis.report.os.replace", lambda a, b: (order.append(Path(b).suffix), real_replace(a, b)))
    write_set([(tmp_path / "r.html", b"new html"), (tmp_path / "r.ipynb", b"new nb"), (tmp_path / "r.json", b"new json")])
    assert order[-1] == ".html" and (tmp_path / "r.html").read_bytes() == b"new html"


def test_stale_temporary_files_and_snapshots_are_swept(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    old_snapshot = tmp_path / "tmp" / "leadaudit-abc"
    old_snapshot.mkdir()
    (old_snapshot / "snapshot.arrow").write_bytes(b"x")
    fresh_snapshot = tmp_path / "tmp" / "leadaudit-new"
    fresh_snapshot.mkdir()
    stale = tmp_path / f".r.html.123{TEMPORARY_SUFFIX}"
    stale.write_bytes(b"half")
    other = tmp_path / "notes.tmp"
    other.write_bytes(b"not ours")
    long_ago = time.time() - 7 * 3600
    for path in (old_snapshot, stale):
        os.utime(path, (long_ago, long_ago))
    sweep_stale(tmp_path)
    assert not old_snapshot.exists() and not stale.exists()
    assert fresh_snapshot.exists() and other.exists()  # a running job's folder, and files not ours, stay


@pytest.mark.slow
def test_sigterm_during_a_run_leaves_no_snapshot_no_kernel_file_and_no_report(tmp_path):
    # SIGKILL/SIGTERM during the run left the data snapshot and the kernel's connection
    # file (with its key) behind
    import signal
    import subprocess
    import sys

    from analysis.config import PROJECT_ROOT

    work = tmp_path / "tmp"
    runtime = tmp_path / "runtime"
    work.mkdir()
    runtime.mkdir()
    env = {**os.environ, "TMPDIR": str(work), "JUPYTER_RUNTIME_DIR": str(runtime)}
    process = subprocess.Popen([sys.executable, "-m", "analysis.cli", "quarterly", "--quarter", "2026Q3",
                                "--out", str(tmp_path / "out")], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not list(work.glob("leadaudit-*/snapshot*")):
        time.sleep(0.05)
    assert list(work.glob("leadaudit-*")), "the run never reached its snapshot"
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert not list(work.glob("leadaudit-*")), "the data snapshot was left behind"
    assert not list(runtime.glob("kernel-*.json")), "the kernel's connection file was left behind"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
