"""Check that a code change left the demo reports as they were.

    .venv/bin/python benchmarks/same_reports.py --before <git rev> [--after WORKTREE_OR_REV] [--keep DIR]

Renders ``python -m analysis.cli demo`` twice with this venv's python, cwd = PYTHONPATH = a tree:
"before" <git rev> in a temporary detached ``git worktree``; "after" the working tree as it is
now (default), another source folder or rev. A side is refused unless its tree's ``analysis`` is
imported (from the tree and from its notebooks/, where the kernel starts), not the editable
install's. Reports are matched by job and scope; one on one side only is new / gone, no failure.

Compared: every JSON value (floats exactly); the visible text of each HTML report and index.html
(no tags, scripts, styles; whitespace collapsed; image alt texts kept); the embedded PNGs by
sha256, in order (matplotlib's output changes only if its data did). Ignored, as it differs
between two runs of the same code:
- the run date (ISO, dd.mm.yyyy) and the version (JSON ``version``, "leadaudit 0.1.0");
- each tree's own path (the sample's, in ``parameters`` and ``inputs``), shown as <tree>;
- the executed notebooks (.ipynb): they hold timings. Skipped, and said so.
Notes, not differences: the parameters hash in the file names (<date>-<job>-<scope>-<hash>; it
covers the sample's path, so it changes with the tree) and a parameter only one side has.
Exit code: 0 all identical (notes aside), 1 differences, 2 a side could not be rendered.
"""

import argparse
import base64
import difflib
import hashlib
import html
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from itertools import zip_longest
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"^(\d{4}-\d\d-\d\d)-([a-z_]+)-(.*)-([0-9a-f]+)\.(html|json|ipynb)$")
PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")
BLOCK = "p|div|br|li|tr|ul|ol|table|section|header|footer|figure|figcaption|caption|pre|title|dt|dd|h[1-6]"
ABSENT = type("Absent", (), {"__repr__": lambda self: "<absent>"})()
MAX_JSON, MAX_TEXT = 20, 30
PROBE = "import analysis; print(analysis.__file__, analysis.__version__)"


def git(*args: str, check: bool = True) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=check, capture_output=True, text=True).stdout.strip()


def fail(message: str) -> NoReturn:
    print(f"same_reports: {message}", file=sys.stderr)
    sys.exit(2)


def tree_of(spec: str, label: str, work: Path, worktrees: list[Path]) -> Path:
    """A source folder as given, or a rev checked out into a detached worktree under ``work``."""
    if Path(spec).is_dir():
        return Path(spec).resolve()
    if not (commit := git("rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}", check=False)):
        fail(f"{label}: {spec!r} is neither a folder nor a git revision")
    path = work / f"tree-{label}"
    git("worktree", "add", "--detach", str(path), commit)
    worktrees.append(path)
    print(f"{label}: {spec} = {commit[:10]}, checked out in {path}")
    return path


def render(tree: Path, out: Path, label: str) -> dict:
    """Render the demo from ``tree``'s code into ``out``; returns what to mask in its outputs."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    expected = (tree / "analysis" / "__init__.py").resolve()
    for cwd in (tree, tree / "notebooks"):  # the CLI's cwd, and the kernel's (it inherits env)
        probe = subprocess.run([sys.executable, "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True)
        found = probe.stdout.split()
        if probe.returncode or Path(found[0]).resolve() != expected:
            fail(f"{label}: from {cwd}, python imports {found[0] if found else probe.stderr.strip()}, "
                 f"not {expected}: the reports would not be this tree's")
    print(f"{label}: rendering the demo with {expected.parent} ...", flush=True)
    done = subprocess.run([sys.executable, "-m", "analysis.cli", "demo", "--out", str(out), "--quiet"],
                          cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode:
        fail(f"{label}: leadaudit demo exited {done.returncode}\n{done.stderr[-3000:]}")
    dates = {match.group(1) for match in map(NAME.match, os.listdir(out)) if match}
    return {"root": str(tree), "version": found[1], "dates": sorted(dates)}


def reports(folder: Path) -> dict[tuple[str, str], dict]:
    """{(job, scope): {"hash": the parameters hash, "html" / "json" / "ipynb": its path}}"""
    found: dict = {}
    for match in filter(None, (NAME.match(path.name) for path in sorted(folder.iterdir()))):
        _, job, scope, digest, ext = match.groups()
        found.setdefault((job, scope), {"hash": digest})[ext] = folder / match.string
    return found


def mask(text: str, side: dict) -> str:
    text = text.replace(side["root"], "<tree>")
    for date in side["dates"]:
        y, m, d = date.split("-")
        text = text.replace(date, "<run date>").replace(f"{d}.{m}.{y}", "<run date>")
    return re.sub(rf"(leadaudit:? ){re.escape(side['version'])}\b", r"\1<version>", text)


def json_diff(a, b, path: str = "") -> list[tuple[str, object, object]]:
    """(path, before, after) of every leaf that differs; 1 and 1.0 differ, NaN equals NaN."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for key in sorted(a | b) for d in json_diff(a.get(key, ABSENT), b.get(key, ABSENT), f"{path}.{key}")]
    if isinstance(a, list) and isinstance(b, list):
        return [d for i, (x, y) in enumerate(zip_longest(a, b, fillvalue=ABSENT))
                for d in json_diff(x, y, f"{path}[{i}]")]
    both_nan = isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
    return [] if both_nan or (type(a) is type(b) and a == b) else [(path or ".", a, b)]


def html_text(page: str, side: dict) -> list[str]:
    """The text a reader sees: a line per block, table cells joined by ' | ', images by their alt text."""
    page = re.sub(r"<(script|style)\b.*?</\1\s*>", "", page, flags=re.S | re.I)
    page = re.sub(r'<img\b[^>]*?\balt="([^"]*)"[^>]*>', r"\n[image: \1]\n", page)
    page = re.sub(r"<t[dh]\b[^>]*>", " | ", re.sub(rf"</?(?:{BLOCK})\b[^>]*>", "\n", page, flags=re.I))
    text = html.unescape(re.sub(r"<[^>]*>", "", page))
    lines = (" ".join(line.split()).strip(" |") for line in text.splitlines())
    return [mask(line, side) for line in lines if line]


def compare_html(a: Path, b: Path, before: dict, after: dict) -> list[str]:
    out, pages = [], [path.read_text(encoding="utf-8") for path in (a, b)]
    changed = [line for line in difflib.unified_diff(*map(html_text, pages, (before, after)), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    if changed:
        out += [f"html text: {len(changed)} differing lines", *(f"    {line}" for line in changed[:MAX_TEXT])]
        out += ["    ..."] * (len(changed) > MAX_TEXT)
    ia, ib = ([hashlib.sha256(base64.b64decode(png)).hexdigest() for png in PNG.findall(page)] for page in pages)
    differ = [str(i) for i, (x, y) in enumerate(zip_longest(ia, ib)) if x != y]
    if differ:
        out.append(f"html images ({len(ia)} before, {len(ib)} after): differ at index {', '.join(differ)}")
    return out


def compare_report(a: dict, b: dict, before: dict, after: dict) -> tuple[list[str], list[str]]:
    """(differences, notes) of one report."""
    diffs, notes, found = [], ["ipynb: skipped (holds timings)"], []
    if a["hash"] != b["hash"]:
        notes.append(f"parameters hash {a['hash']} -> {b['hash']} (it covers the sample's path, i.e. the tree)")
    if "json" in a and "json" in b:
        summaries = [json.loads(mask(report["json"].read_text(encoding="utf-8"), side))  # only strings are masked
                     for report, side in ((a, before), (b, after))]
        for p, x, y in json_diff(*({k: v for k, v in data.items() if k != "version"} for data in summaries)):
            if p.startswith(".parameters.") and ABSENT in (x, y):  # a new option: its hash changed too
                notes.append(f"parameter {p[12:]}: {x!r} -> {y!r}")
            else:
                found.append(f"    {p}: {x!r} -> {y!r}")
    if found:
        diffs += [f"json: {len(found)} differences", *found[:MAX_JSON]] + ["    ..."] * (len(found) > MAX_JSON)
    if "html" in a and "html" in b:
        diffs += compare_html(a["html"], b["html"], before, after)
    return diffs, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, metavar="REV", help="the git revision to compare against")
    parser.add_argument("--after", default=str(ROOT), metavar="WORKTREE_OR_REV",
                        help="a source folder or git revision (default: this working tree, as it is now)")
    parser.add_argument("--keep", metavar="DIR", help="keep both output folders, as DIR/before and DIR/after")
    args = parser.parse_args()
    worktrees: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="same_reports.") as temporary:
        work = Path(temporary)
        outs = {label: (Path(args.keep) if args.keep else work) / label for label in ("before", "after")}
        if any(out.exists() and any(out.iterdir()) for out in outs.values()):
            fail(f"{args.keep}/before or /after is not empty (index.html would list the old reports too)")
        try:
            sides = {label: render(tree_of(spec, label, work, worktrees), outs[label], label)
                     for label, spec in (("before", args.before), ("after", args.after))}
        finally:
            for path in worktrees:
                git("worktree", "remove", "--force", str(path))
        a, b, failed = reports(outs["before"]), reports(outs["after"]), False
        print()
        for key in sorted(a.keys() | b.keys()):
            if key not in a or key not in b:
                print(f"{' '.join(key)}: " + ("new (only after)" if key in b else "gone (only before)"))
                continue
            diffs, notes = compare_report(a[key], b[key], sides["before"], sides["after"])
            failed |= bool(diffs)
            print(f"{' '.join(key)}: {'DIFFERENT' if diffs else 'identical'}")
            print("\n".join([f"  {line}" for line in diffs] + [f"  note: {note}" for note in notes]))
        diffs = compare_html(outs["before"] / "index.html", outs["after"] / "index.html", *sides.values())
        failed |= bool(diffs)
        print("index.html: " + ("DIFFERENT\n" + "\n".join(f"  {line}" for line in diffs) if diffs else "identical"))
        print(f"\noutputs kept in {outs['before']} and {outs['after']}" * bool(args.keep))
        print("same_reports: " + ("DIFFERENCES (see above)" if failed else "all reports identical"))
        return int(failed)


if __name__ == "__main__":
    sys.exit(main())
