"""The allocator settings of the CLI and its kernel (analysis.allocator)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import analysis.allocator as allocator
from analysis.kernel import warm_kernel

glibc = pytest.mark.skipif(not allocator._glibc(), reason="the settings are glibc's: nothing to check elsewhere")

# a 64 MB block allocated, touched, freed and allocated again: the second time, how many page
# faults it costs (a fresh mmap is faulted again; a block kept in the heap is not)
REFAULTS = """
import json, resource, sys
import numpy as np
import analysis.allocator as allocator
tuned = allocator.tune_this_process() if sys.argv[1] == "tuned" else False
block = np.ones(64 << 20, dtype=np.uint8)
del block
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
block = np.ones(64 << 20, dtype=np.uint8)
print(json.dumps({"tuned": tuned, "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before}))
"""


def _refaults(mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", REFAULTS, mode], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@glibc
def test_a_tuned_process_reuses_a_freed_block_without_faulting_it_again():
    tuned, plain = _refaults("tuned"), _refaults("plain")
    assert tuned["tuned"] is True
    assert tuned["faults"] < 10
    # without the settings glibc maps 64 MB afresh: 32 faults even with 2 MB transparent huge pages
    assert plain["faults"] >= 30


def test_kernel_environment_adds_the_tunables_and_keeps_the_users():
    env = allocator.kernel_environment({"PATH": "/bin", "GLIBC_TUNABLES": "glibc.malloc.arena_max=4:glibc.x=1"})
    assert env["PATH"] == "/bin"
    if allocator._glibc():
        items = env["GLIBC_TUNABLES"].split(":")
        assert "glibc.malloc.arena_max=4" in items and "glibc.x=1" in items  # the user's win
        assert "glibc.malloc.arena_max=1" not in items
        assert "glibc.malloc.mmap_max=0" in items and f"glibc.malloc.trim_threshold={128 << 20}" in items
        assert sorted(allocator.kernel_environment({})["GLIBC_TUNABLES"].split(":")) == sorted(
            f"{name}={value}" for name, value in allocator.TUNABLES.items())


def test_elsewhere_than_glibc_nothing_changes(monkeypatch):
    monkeypatch.setattr(allocator, "_glibc", lambda: False)
    assert allocator.tune_this_process() is False
    assert allocator.kernel_environment({"A": "1"}) == {"A": "1"}


@glibc
@pytest.mark.slow
def test_the_report_kernel_starts_with_the_tunables():
    with warm_kernel() as ready:
        client = ready().client()
        # the value comes back in the shell reply: printed output travels on iopub, whose
        # subscription may connect after the output was sent, and then nothing arrives
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        try:
            reply = client.execute("import os", user_expressions={"tunables": "os.environ.get('GLIBC_TUNABLES')"},
                                   reply=True, timeout=60)
        finally:
            client.stop_channels()
    value = reply["content"]["user_expressions"]["tunables"]
    assert value["status"] == "ok"
    assert "glibc.malloc.mmap_max=0" in value["data"]["text/plain"]
