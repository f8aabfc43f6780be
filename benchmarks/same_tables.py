"""Check that a change to the loading path left the canonical tables as they were.

    .venv/bin/python benchmarks/same_tables.py --before <git rev> [--leads FILE ...]

Loads each export with the code of <git rev> (a temporary detached ``git worktree``) and with the
working tree, each in its own process, and compares what ``load_dataset`` gives: the lead table
(columns, their order, dtypes and every value, by ``pandas.testing.assert_frame_equal``) and the
lineage's issues (codes, counts, columns, examples, in order). By default the exports are the
bundled sample and the three shapes of ``examples/`` (minimal, yes/no, a user-level A/B file);
``--leads`` adds others (a benchmark export, say), read with the built-in mapping that fits.
Exit code: 0 all identical, 1 differences.
"""

from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [("minimal", "examples/minimal.csv", "examples/minimal.yaml", {}),
            ("yes-no", "examples/yes-no.csv", "examples/yes-no.yaml", {}),
            ("ab-users", "examples/ab-users.csv", "examples/ab-users.yaml", {"arm_column": "group"})]

#: run in a fresh process with the tree first on sys.path: argv = tree, cases (pickled), output
LOAD = """
import pickle, sys
sys.path.insert(0, sys.argv[1])
import analysis
assert analysis.__file__.startswith(sys.argv[1]), analysis.__file__
from analysis.config import SAMPLE_LEADS
from analysis.loading import load_dataset
out = {}
for name, leads, mapping, options in pickle.loads(bytes.fromhex(sys.argv[2])):
    data = load_dataset(leads or SAMPLE_LEADS, None, mapping, **options)
    out[name] = (data.leads, [repr(issue) for issue in data.lineage.issues])
pickle.dump(out, open(sys.argv[3], "wb"))
"""


def load(tree: Path, cases: list, out: Path) -> dict:
    subprocess.run([sys.executable, "-c", LOAD, str(tree), pickle.dumps(cases).hex(), str(out)], cwd=ROOT, check=True)
    with open(out, "rb") as file:
        return pickle.load(file)


def main() -> int:
    import pandas as pd

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git rev of the code to compare with")
    parser.add_argument("--leads", nargs="*", default=[], help="more exports, read with the built-in mappings")
    args = parser.parse_args()
    cases = [("sample", None, None, {}), *EXAMPLES, *((Path(p).name, str(Path(p).resolve()), None, {}) for p in args.leads)]
    with tempfile.TemporaryDirectory(prefix="same_tables.") as work:
        tree = Path(work) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), args.before], cwd=ROOT, check=True)
        try:
            before = load(tree, cases, Path(work) / "before.pkl")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)
        after = load(ROOT, cases, Path(work) / "after.pkl")
    differ = False
    for name, (leads, issues) in before.items():
        new_leads, new_issues = after[name]
        try:
            pd.testing.assert_frame_equal(leads, new_leads)
            frame = "identical"
        except AssertionError as error:
            frame, differ = f"DIFFER: {str(error).splitlines()[0]}", True
        if issues != new_issues:
            differ = True
        print(f"{name}: {len(leads)} leads, table {frame}, issues {'identical' if issues == new_issues else 'DIFFER'}")
    print("same_tables:", "differences" if differ else "all tables identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
