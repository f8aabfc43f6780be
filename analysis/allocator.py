"""glibc's malloc told to keep freed memory for reuse, in the CLI and the kernel it starts.

Cleaning 10M leads makes hundreds of temporary numpy arrays of 10–80 MB. glibc serves every
block above its mmap threshold (32 MB at most) from a fresh ``mmap`` and unmaps it when
freed, so each temporary's pages are faulted and zeroed by the operating system again: on
the 2-core benchmark machine a third of the CPU time of loading a 10M-lead export was the
kernel clearing pages (``perf``: ``clear_page_erms``), 28–33 s of system time. Served from
the heap instead and kept there, freed blocks are reused without a fault.

The settings, as glibc's tunables: no ``mmap`` for blocks (``mmap_max=0``), one arena for
every thread (``arena_max=1``: the reader's and the hashing thread's blocks land in one heap,
which otherwise fragments into per-thread heaps), and the heap's free top returned to the
system only beyond 128 MB (``trim_threshold``). Measured on a 10M-lead export (load only,
two interleaved pairs, with the top kept up to 512 MB): 51.6 s / 46.3 s → 43.9 s / 39.7 s,
system time 33 / 29 s → 23 / 22 s; the whole ``diagnose``, medians of two pairs, 71.7 s →
63.4 s. Keeping 512 MB raised the command's peak to 3.8–3.9 GB; 128 MB kept it at 3.6 GB
(3 588 and 3 598 MB against 3 791 and 3 943 MB, interleaved, at the same speed). At 1M
leads glibc's own adaptive threshold already keeps 8 MB blocks, and nothing changes
measurably.

Only the processes leadaudit owns are tuned: the ``leadaudit`` command (:func:`tune_this_process`)
and its notebook kernel (:func:`kernel_environment`); a program that imports the package
keeps its allocator as it is. Elsewhere than glibc (macOS, musl) nothing happens.
"""

from __future__ import annotations

import ctypes
import os
import platform

TUNABLES = {
    "glibc.malloc.mmap_max": 0,
    "glibc.malloc.arena_max": 1,
    "glibc.malloc.trim_threshold": 128 << 20,
}
# mallopt's parameter numbers for the same settings (glibc's malloc.h)
_MALLOPT = {"glibc.malloc.mmap_max": -4, "glibc.malloc.arena_max": -8, "glibc.malloc.trim_threshold": -1}


def _glibc() -> bool:
    return platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


def tune_this_process() -> bool:
    """Apply :data:`TUNABLES` to this process through ``mallopt``; whether it was applied.

    Threads already running keep the arena they have; the command calls this before it
    reads anything, so the reader's and the cleaning's threads start after it.
    """
    if not _glibc():
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return all(mallopt(_MALLOPT[name], value) == 1 for name, value in TUNABLES.items())


def kernel_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a kernel process: ``environ`` (default: this process's) with
    :data:`TUNABLES` added to ``GLIBC_TUNABLES``, which glibc reads when the process starts.

    Tunables the user set already win over ours.
    """
    env = dict(os.environ if environ is None else environ)
    if not _glibc():
        return env
    given = [item for item in env.get("GLIBC_TUNABLES", "").split(":") if item]
    names = {item.split("=", 1)[0] for item in given}
    ours = [f"{name}={value}" for name, value in TUNABLES.items() if name not in names]
    env["GLIBC_TUNABLES"] = ":".join(ours + given)
    return env
