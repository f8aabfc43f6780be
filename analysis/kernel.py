"""The notebook kernel, started while the command reads the data."""

from __future__ import annotations

import queue
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from .allocator import kernel_environment
from .config import NOTEBOOKS_DIR
from .errors import ReportExecutionError

KERNEL_START_TIMEOUT = 120  # seconds for the kernel to start and import the report stack


@contextmanager
def warm_kernel() -> Iterator[Callable[[], Any]]:
    """A kernel started, with the report stack imported in it, while this process reads the data.

    Kernel start and the imports (pandas, statsmodels, seaborn …) take seconds; on a second
    core they overlap the loading instead of following it. The import runs silently (no
    execution count, nothing in the notebook). Yields a function that waits until the
    import is done and returns the kernel manager for papermill: the kernel is idle, with no
    other client, when the notebook starts. The kernel is shut down on the way out, also
    when the input turns out to be bad.
    """
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name="python3")
    # the kernel warns on stderr that local TCP is unencrypted: noise for a marketer
    manager.start_kernel(cwd=str(NOTEBOOKS_DIR), extra_arguments=["--IPKernelApp.log_level=ERROR"],
                         env=kernel_environment())
    client = manager.client()
    # no heartbeat: its thread would outlive a quick shutdown (bad input) and trip on the closed context
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    request = client.execute("import analysis.notebook", silent=True, store_history=False)

    def ready() -> Any:
        if client.channels_running:
            try:
                while client.get_shell_msg(timeout=KERNEL_START_TIMEOUT)["parent_header"].get("msg_id") != request:
                    pass
            except queue.Empty:
                raise ReportExecutionError(f"the Jupyter kernel did not start within {KERNEL_START_TIMEOUT} s",
                                           hint="check that `python -m ipykernel` runs in this environment") from None
            client.stop_channels()
        return manager

    try:
        yield ready
    finally:
        if client.channels_running:
            client.stop_channels()
        manager.shutdown_kernel(now=True)
