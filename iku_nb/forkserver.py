"""The start method of report workers, and an early start of its server process.

On POSIX the workers are forked from a forkserver: a server process that has
already imported the report code, papermill and nbconvert, so that a worker
does not import them again. Those imports took about 1.1 s of CPU on the
benchmark machine (``benchmarks/biaya.py``). It also imports what a kernel
imports (ipykernel and the report modules the notebooks use, about 0.5 s
more), because each worker forks its first kernel from itself
(:mod:`iku_nb.kernel_seed`), and it compiles the report page's templates
(:mod:`iku_nb.export_ready`). The ``iku-nb`` command starts the
server before its own imports, so both run at once on two cores. This module
imports nothing from iku_nb, so that starting the server costs no import.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import signal

# Modules that the forkserver imports once for every worker it forks. The
# guard comes first, because it takes the current folder off sys.path, and
# forkserver_ready last, because it starts the garbage collector again.
PRELOAD = ["iku_nb.forkserver_guard", "iku_nb.run", "papermill", "nbconvert",
           "ipykernel.kernelapp", "iku_nb.report", "iku_nb.export_ready",
           "iku_nb.forkserver_ready"]


def worker_context() -> multiprocessing.context.BaseContext:
    """Return a start method that does not fork the parent, which may hold threads.

    That is forkserver where the platform has it, with the modules above
    preloaded, and spawn elsewhere.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def start_early() -> None:
    """Start the forkserver now, so that it imports its modules while the caller imports its own.

    The server process ends when this process does, so starting it for a
    command that then runs no report costs only its imports.
    """
    if worker_context().get_start_method() != "forkserver":
        return
    # Ctrl-C while a new interpreter starts prints "Fatal Python error", so
    # SIGINT stays blocked in the server until its guard has set a handler.
    # The resource tracker unblocks SIGINT itself, so it starts first.
    multiprocessing.resource_tracker.ensure_running()
    interrupt = {signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, interrupt)
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupt)
